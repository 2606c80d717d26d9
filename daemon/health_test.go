package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// flakyList is a list page linking tinyPortal's report, served at /flaky/
// once the test brings the site back.
const flakyList = `<!doctype html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<ul class="list"><li><a href="/r/202401/t20240115_1.html">天津市某区2023年法治政府建设年度报告</a><span>2024-01-15</span></li></ul></body></html>`

// siteRow is the status page's table row of a site.
func siteRow(t *testing.T, page, site string) string {
	t.Helper()
	i := strings.Index(page, `<tr id="site-`+site+`">`)
	if i < 0 {
		t.Fatalf("the status page has no row for %s", site)
	}
	row := page[i:]
	if j := strings.Index(row, "</tr>"); j >= 0 {
		row = row[:j]
	}
	return row
}

// TestSiteHealth runs the daemon against a portal that refuses every
// connection and one that comes and goes: a run that read nothing fails
// and says why; failed runs are counted until an ok run resets the count;
// a site that does not succeed for stale_after is stale; the API, the
// metrics and the status page all say so, with times in the schedule's
// zone.
func TestSiteHealth(t *testing.T) {
	dead := deadURL(t)
	srv := tinyPortal(t)
	srv.Remove("/flaky/")
	// 2026-12-01 19:00 UTC is 2026-12-02 03:00 in Shanghai.
	t0 := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	e := newEnv(t, envOptions{now: clock.Now, config: "stale_after: 72h\n", sites: map[string]string{
		"dead.yaml":  siteFile("dead", dead+"list/", `schedule: "CRON_TZ=Asia/Shanghai 0 3 * * *"`, "title: 已停用的门户"),
		"flaky.yaml": siteFile("flaky", srv.URL+"/flaky/"),
	}})
	e.start()
	site := func(name string) SiteInfo {
		t.Helper()
		var si SiteInfo
		if code, body := e.get("/api/sites/"+name, &si); code != http.StatusOK {
			t.Fatalf("GET /api/sites/%s: %d %s", name, code, body)
		}
		return si
	}
	metrics := func() map[string]float64 {
		t.Helper()
		_, text := e.get("/metrics", nil)
		return parseExposition(t, text)
	}

	// A portal that refuses connections: the run failed, and says why.
	r := e.runToEnd("dead")
	if r.Status != StatusFailed || !strings.Contains(r.Error, "connection refused") {
		t.Fatalf("a run against a closed port: %s %q, want failed naming the refused connection", r.Status, r.Error)
	}
	si := site("dead")
	if si.ConsecutiveFailures != 1 || !si.FailingSince.Equal(t0) || !si.LastSuccess.IsZero() || si.Stale {
		t.Errorf("after one failed run: failures %d since %v, last success %v, stale %v; want 1 since %v, none, not stale",
			si.ConsecutiveFailures, si.FailingSince, si.LastSuccess, si.Stale, t0)
	}

	// A second one: 2, still since the first.
	clock.Add(24 * time.Hour)
	if r := e.runToEnd("dead"); r.Status != StatusFailed {
		t.Fatalf("second run: %s", r.Status)
	}
	si = site("dead")
	if si.ConsecutiveFailures != 2 || !si.FailingSince.Equal(t0) || si.Stale {
		t.Errorf("after two failed runs: failures %d since %v, stale %v; want 2 since %v, not stale", si.ConsecutiveFailures, si.FailingSince, si.Stale, t0)
	}
	m := metrics()
	if m[`nianbao_site_consecutive_failures{site="dead"}`] != 2 || m[`nianbao_site_stale{site="dead"}`] != 0 || m[`nianbao_runs_total{status="failed"}`] != 2 {
		t.Errorf("metrics after two failed runs: %v", m)
	}
	if _, ok := m[`nianbao_last_success_timestamp_seconds{site="dead"}`]; ok {
		t.Error("a site that never succeeded has a last success time")
	}

	// The JSON carries the field names the README gives; failing_since is
	// absent while nothing fails.
	_, raw := e.get("/api/sites/dead", nil)
	for _, field := range []string{`"consecutive_failures": 2`, `"failing_since": "2026-12-01T19:00:00Z"`, `"stale": false`} {
		if !strings.Contains(raw, field) {
			t.Errorf("/api/sites/dead lacks %s:\n%s", field, raw)
		}
	}
	if strings.Contains(raw, `"last_success"`) {
		t.Errorf("/api/sites/dead has a last_success:\n%s", raw)
	}

	// The other site fails once, then comes back: the count resets.
	if r := e.runToEnd("flaky"); r.Status != StatusFailed || !strings.Contains(r.Error, "404") {
		t.Fatalf("a run whose start page is 404: %s %q", r.Status, r.Error)
	}
	if si := site("flaky"); si.ConsecutiveFailures != 1 {
		t.Errorf("flaky after its failed run: %d failures", si.ConsecutiveFailures)
	}
	srv.Set("/flaky/", []byte(flakyList))
	clock.Add(time.Hour)
	okRun := e.runToEnd("flaky")
	if okRun.Status != StatusOK {
		t.Fatalf("flaky back: %s %q", okRun.Status, okRun.Error)
	}
	si = site("flaky")
	if si.ConsecutiveFailures != 0 || !si.FailingSince.IsZero() || !si.LastSuccess.Equal(okRun.FinishedAt) || si.Stale {
		t.Errorf("after an ok run: failures %d since %v, last success %v (run ended %v), stale %v",
			si.ConsecutiveFailures, si.FailingSince, si.LastSuccess, okRun.FinishedAt, si.Stale)
	}
	if _, raw := e.get("/api/sites/flaky", nil); strings.Contains(raw, `"failing_since"`) {
		t.Errorf("failing_since is set on a site that does not fail:\n%s", raw)
	}

	// 72 h after dead's first run, it is stale; flaky, which succeeded an
	// hour of fake time ago, is not.
	clock.Add(48 * time.Hour)
	if si := site("dead"); !si.Stale {
		t.Errorf("dead, whose first run was %v ago and never succeeded, is not stale (stale_after 72h)", clock.Now().Sub(t0))
	}
	if si := site("flaky"); si.Stale {
		t.Error("flaky is stale 48h after its last success (stale_after 72h)")
	}
	m = metrics()
	if m[`nianbao_site_stale{site="dead"}`] != 1 || m[`nianbao_site_stale{site="flaky"}`] != 0 ||
		m[`nianbao_last_success_timestamp_seconds{site="flaky"}`] != unixSeconds(okRun.FinishedAt) ||
		m[`nianbao_site_consecutive_failures{site="flaky"}`] != 0 {
		t.Errorf("metrics once dead is stale: %v", m)
	}

	// The status page: the failed status with its cause beside it, how
	// long it has failed in the schedule's zone, and the stale flag.
	_, page := e.get("/", nil)
	row := siteRow(t, page, "dead")
	for _, want := range []string{
		`class="st st-failed"`, `class="st st-stale"`, "connection refused",
		"failing for 2 runs since", "2026-12-02 03:00 CST", "never succeeded",
	} {
		if !strings.Contains(row, want) {
			t.Errorf("dead's row lacks %q:\n%s", want, row)
		}
	}
	// The cause's visible text, not only its tooltip, names what went wrong.
	if m := regexp.MustCompile(`<div class="cause"[^>]*>([^<]*)</div>`).FindStringSubmatch(row); m == nil ||
		!strings.Contains(m[1], "connection refused") || !strings.Contains(m[1], "no start page could be read: /list/") {
		t.Errorf("dead's row does not show the cause next to its status:\n%s", row)
	}
	if strings.Contains(row, "st-ok") {
		t.Errorf("dead's row shows an ok badge:\n%s", row)
	}
	// flaky has no CRON_TZ: its times are in the server's zone (UTC here).
	frow := siteRow(t, page, "flaky")
	if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`).MatchString(frow) || strings.Contains(frow, "st-stale") || strings.Contains(frow, "failing for") {
		t.Errorf("flaky's row:\n%s", frow)
	}
	if !strings.Contains(page, "<b>1</b> stale") {
		t.Error("the page's summary does not count the stale site")
	}
	_, sitePage := e.get("/sites/dead", nil)
	for _, want := range []string{"connection refused", "st-stale", "2026-12-02 03:00:00 CST", "2026-12-03 03:00:00 CST"} {
		if !strings.Contains(sitePage, want) {
			t.Errorf("/sites/dead lacks %q", want)
		}
	}

	// After a restart the counts come back from the archive's run records.
	e.stop()
	d2, err := New(context.Background(), Options{Config: e.cfg, Archive: e.archive, Now: clock.Now, History: 1,
		StaleAfter: 72 * time.Hour, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	for _, si := range d2.siteInfos() {
		switch si.Name {
		case "dead":
			if si.ConsecutiveFailures != 2 || !si.FailingSince.Equal(t0) || !si.LastSuccess.IsZero() || !si.Stale {
				t.Errorf("dead after a restart: %+v", si)
			}
		case "flaky":
			if si.ConsecutiveFailures != 0 || !si.LastSuccess.Equal(okRun.FinishedAt) || si.Stale {
				t.Errorf("flaky after a restart: %+v", si)
			}
		}
	}
}

// TestHealthFromRuns: the failure count, its start and the last success
// from a history of runs; cancelled runs neither count nor reset.
func TestHealthFromRuns(t *testing.T) {
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	// runs builds a history, oldest first, from statuses: o ok, f failed,
	// c cancelled; run i starts at base + i hours and takes a minute.
	runs := func(statuses string) []RunInfo {
		var out []RunInfo
		for i, c := range statuses {
			st := map[rune]string{'o': StatusOK, 'f': StatusFailed, 'c': StatusCancelled}[c]
			start := base.Add(time.Duration(i) * time.Hour)
			out = append([]RunInfo{{Site: "s", Status: st, StartedAt: start, FinishedAt: start.Add(time.Minute)}}, out...)
		}
		return out
	}
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	tests := []struct {
		history     string
		failures    int
		since       time.Time
		lastSuccess time.Time // zero: never
		stale       bool      // with stale_after 7 days, at base + 7 days 90 minutes
	}{
		{"", 0, time.Time{}, time.Time{}, false}, // never ran: nothing to be stale about
		{"f", 1, at(0), time.Time{}, true},       // never succeeded: from the first run
		{"ff", 2, at(0), time.Time{}, true},
		{"ffo", 0, time.Time{}, at(2).Add(time.Minute), false},
		{"offf", 3, at(1), at(0).Add(time.Minute), true},
		{"ofcf", 2, at(1), at(0).Add(time.Minute), true}, // cancelled: not counted
		{"fffc", 3, at(0), time.Time{}, true},            // cancelled: no reset
		{"occc", 0, time.Time{}, at(0).Add(time.Minute), true},
		{"c", 0, time.Time{}, time.Time{}, true},
		{"ofo", 0, time.Time{}, at(2).Add(time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.history), func(t *testing.T) {
			h, ok := healthFromRuns(runs(tt.history), true)
			if !ok {
				t.Fatal("a complete history is not enough")
			}
			if h.Failures != tt.failures || !h.FailingSince.Equal(tt.since) || !h.LastSuccess.Equal(tt.lastSuccess) {
				t.Errorf("failures %d since %v, last success %v; want %d since %v, %v", h.Failures, h.FailingSince, h.LastSuccess, tt.failures, tt.since, tt.lastSuccess)
			}
			if got := h.stale(base.Add(7*24*time.Hour+90*time.Minute), 7*24*time.Hour); got != tt.stale {
				t.Errorf("stale: %v, want %v", got, tt.stale)
			}
			// The same runs one at a time, as the daemon sees them end.
			b := newHealthBook()
			rs := runs(tt.history)
			for i := len(rs) - 1; i >= 0; i-- {
				b.observe(rs[i])
			}
			if g := b.get("s"); g != h {
				t.Errorf("observed one by one: %+v, from the history: %+v", g, h)
			}
		})
	}
}

// TestHealthSeededFromLongHistory: the count of failed runs is read from
// the archive however long the streak, beyond the history kept in memory.
func TestHealthSeededFromLongHistory(t *testing.T) {
	e := newEnv(t, envOptions{sites: map[string]string{
		"long.yaml":  siteFile("long", "http://127.0.0.1:1/"),
		"never.yaml": siteFile("never", "http://127.0.0.1:1/"),
	}})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	record := func(site string, i int, status string) {
		t.Helper()
		start := base.Add(time.Duration(i) * time.Hour)
		id := fmt.Sprintf("%s-%03d", site, i)
		if err := e.archive.RecordRun(context.Background(), archive.Run{ID: id, Site: site, Status: status,
			StartedAt: start, FinishedAt: start.Add(time.Minute), Summary: map[string]any{"site": site, "status": status}}); err != nil {
			t.Fatal(err)
		}
	}
	record("long", 0, StatusOK)
	record("long", 1, StatusOK)
	for i := 2; i < 202; i++ {
		status := StatusFailed
		if i%10 == 0 {
			status = StatusCancelled
		}
		record("long", i, status)
	}
	for i := range 50 {
		record("never", i, StatusFailed)
	}
	now := base.Add(30 * 24 * time.Hour)
	d, err := New(context.Background(), Options{Config: e.cfg, Archive: e.archive, History: 5, Now: func() time.Time { return now },
		StaleAfter: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]SiteInfo{}
	for _, si := range d.siteInfos() {
		got[si.Name] = si
	}
	if si := got["long"]; si.ConsecutiveFailures != 180 || !si.FailingSince.Equal(base.Add(2*time.Hour)) ||
		!si.LastSuccess.Equal(base.Add(time.Hour+time.Minute)) || !si.Stale {
		t.Errorf("long: %d failures since %v, last success %v, stale %v; want 180 since %v, %v, stale",
			si.ConsecutiveFailures, si.FailingSince, si.LastSuccess, si.Stale, base.Add(2*time.Hour), base.Add(time.Hour+time.Minute))
	}
	if si := got["never"]; si.ConsecutiveFailures != 50 || !si.FailingSince.Equal(base) || !si.LastSuccess.IsZero() || !si.Stale {
		t.Errorf("never: %+v", si)
	}
	if n := len(d.runs.recent("long", 0)); n != 5 {
		t.Errorf("%d runs in the history, want the 5 kept", n)
	}
}

// TestUnknownSite: every path that takes a site name answers 404 for a
// name that is neither loaded nor in the archive, naming the sites there
// are; a site that is only in the archive still has its runs.
func TestUnknownSite(t *testing.T) {
	srv := tinyPortal(t)
	e := newEnv(t, envOptions{sites: map[string]string{"tiny.yaml": siteFile("tiny", srv.URL+"/list/")}})
	start := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	if err := e.archive.RecordRun(context.Background(), archive.Run{ID: "old-1", Site: "retired", Status: StatusOK,
		StartedAt: start, FinishedAt: start.Add(time.Minute), Summary: map[string]any{"site": "retired", "status": "ok"}}); err != nil {
		t.Fatal(err)
	}
	e.start()
	tests := []struct {
		method, path string
		want         int
		json         bool
	}{
		{"GET", "/api/runs?site=nope", http.StatusNotFound, true},
		{"GET", "/api/sites/nope", http.StatusNotFound, true},
		{"POST", "/api/sites/nope/crawl", http.StatusNotFound, true},
		{"GET", "/sites/nope", http.StatusNotFound, false},
		{"POST", "/sites/nope/crawl", http.StatusNotFound, false},
		{"GET", "/api/runs?site=retired", http.StatusOK, true},
		{"GET", "/api/runs?site=tiny", http.StatusOK, true},
		{"GET", "/api/runs", http.StatusOK, true},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var code int
			var body string
			if tt.method == "GET" {
				code, body = e.get(tt.path, nil)
			} else {
				code, body = e.post(tt.path)
			}
			if code != tt.want {
				t.Fatalf("%d %s, want %d", code, body, tt.want)
			}
			if code == http.StatusNotFound {
				if !strings.Contains(body, `no site \"nope\"`) && !strings.Contains(body, `no site "nope"`) || !strings.Contains(body, "tiny") {
					t.Errorf("the 404 does not say which name is wrong and which are right: %s", body)
				}
				if tt.json {
					var eb errorBody
					if err := json.Unmarshal([]byte(body), &eb); err != nil || len(eb.Sites) != 1 || eb.Sites[0] != "tiny" {
						t.Errorf("the 404's sites: %s (%v)", body, err)
					}
				}
			}
		})
	}
	var rr RunsResponse
	e.get("/api/runs?site=retired", &rr)
	if len(rr.Runs) != 1 || rr.Runs[0].ID != "old-1" {
		t.Errorf("runs of a site only in the archive: %+v", rr.Runs)
	}
}
