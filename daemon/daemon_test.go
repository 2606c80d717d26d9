package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTriggerRunsAndReports(t *testing.T) {
	srv := tinyPortal(t)
	e := newEnv(t, envOptions{sites: map[string]string{
		"tiny.yaml": siteFile("tiny", srv.URL+"/list/", "title: 某区 <script>alert(1)</script>"),
	}})
	e.start()

	code, body := e.post("/api/sites/tiny/crawl")
	if code != http.StatusAccepted {
		t.Fatalf("POST crawl: %d %s", code, body)
	}
	var r RunInfo
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.ID == "" || r.Site != "tiny" || r.Trigger != TriggerManual {
		t.Fatalf("POST crawl answered %s (%v)", body, err)
	}
	c := NewClient(strings.TrimPrefix(e.url, "http://"), "")
	c.Poll = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done, err := c.Wait(ctx, "tiny", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != StatusOK || done.Summary == nil || done.Summary.NewDocuments != 1 || done.Summary.RunID == "" {
		t.Fatalf("run: %+v summary %+v", done, done.Summary)
	}
	if e.files.PDFStarted() {
		t.Error("the PDF engine was started by a run that met no PDF")
	}

	var sr SitesResponse
	if code, body := e.get("/api/sites", &sr); code != http.StatusOK || len(sr.Sites) != 1 {
		t.Fatalf("GET /api/sites: %d %s", code, body)
	}
	s := sr.Sites[0]
	if s.Name != "tiny" || s.Status != StatusOK || s.Documents != 1 || s.LastRun == nil || s.LastRun.ID != r.ID ||
		s.LastSuccess.IsZero() || s.NextRun.IsZero() || s.Schedule != "@every 1h" || s.ConfigError != "" {
		t.Errorf("site: %+v", s)
	}

	var rr RunsResponse
	e.get("/api/runs?site=tiny", &rr)
	if len(rr.Runs) != 1 || rr.Runs[0].ID != r.ID {
		t.Errorf("GET /api/runs: %+v", rr.Runs)
	}
	// A name that is neither loaded nor in the archive is a 404 naming the
	// sites, not an empty list that reads as "no runs yet".
	code, body = e.get("/api/runs?site=other", nil)
	var eb errorBody
	if code != http.StatusNotFound || json.Unmarshal([]byte(body), &eb) != nil ||
		!strings.Contains(eb.Error, `no site "other"`) || len(eb.Sites) != 1 || eb.Sites[0] != "tiny" {
		t.Errorf("runs of an unknown site: %d %s, want 404 naming the site tiny", code, body)
	}
	if code, _ := e.get("/api/runs?limit=x", nil); code != http.StatusBadRequest {
		t.Errorf("bad limit: %d", code)
	}
	if code, _ := e.post("/api/sites/nope/crawl"); code != http.StatusNotFound {
		t.Errorf("unknown site: %d, want 404", code)
	}
	if code, body := e.get("/healthz", nil); code != http.StatusOK || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	_, text := e.get("/metrics", nil)
	m := parseExposition(t, text)
	if m[`nianbao_runs_total{status="ok"}`] != 1 || m[`nianbao_documents_added_total`] != 1 ||
		m[`nianbao_pages_fetched_total`] < 2 || m[`nianbao_archive_documents{site="tiny"}`] != 1 ||
		m[`nianbao_last_success_timestamp_seconds{site="tiny"}`] == 0 {
		t.Errorf("metrics after one run:\n%s", text)
	}

	// The status pages show the site, its charts, and escape its title.
	for _, path := range []string{"/", "/sites/tiny"} {
		code, page := e.get(path, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, code)
		}
		for _, want := range []string{"tiny", "<svg", "&lt;script&gt;alert(1)&lt;/script&gt;", `class="st st-ok"`, "2023: 1 report"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
		if strings.Contains(page, "<script>") {
			t.Errorf("%s contains an unescaped <script>", path)
		}
	}
	if code, _ := e.get("/sites/nope", nil); code != http.StatusNotFound {
		t.Errorf("page of an unknown site: %d", code)
	}
	// The page's button posts a form and comes back to the site's page.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/sites/tiny/crawl", nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sites/tiny" {
		t.Errorf("form POST: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestBusySiteAndShutdown(t *testing.T) {
	srv := tinyPortal(t)
	e := newEnv(t, envOptions{
		config: "max_concurrent_sites: 1\n",
		sites: map[string]string{
			"slow-a.yaml": siteFile("slow-a", srv.URL+"/slow/"),
			"slow-b.yaml": siteFile("slow-b", srv.URL+"/slow/"),
		},
	})
	e.start()

	code, body := e.post("/api/sites/slow-a/crawl")
	if code != http.StatusAccepted {
		t.Fatalf("POST: %d %s", code, body)
	}
	var first RunInfo
	json.Unmarshal([]byte(body), &first)
	// A trigger while the site's run is going is refused with that run.
	code, body = e.post("/api/sites/slow-a/crawl")
	var eb errorBody
	if code != http.StatusConflict || json.Unmarshal([]byte(body), &eb) != nil || eb.Run == nil || eb.Run.ID != first.ID {
		t.Fatalf("second POST: %d %s, want 409 naming run %s", code, body, first.ID)
	}
	// So is a scheduled tick: skipped and counted, not queued.
	e.d.tick("slow-a")
	if _, m := e.get("/metrics", nil); !strings.Contains(m, "\nnianbao_runs_skipped_total 1\n") {
		t.Error("the skipped tick is not counted")
	}
	// max_concurrent_sites is 1: the other site waits its turn.
	if code, _ := e.post("/api/sites/slow-b/crawl"); code != http.StatusAccepted {
		t.Fatalf("POST slow-b: %d", code)
	}
	waitFor(t, "slow-a running", func() bool {
		r, _ := e.d.runs.current("slow-a")
		return r.Status == StatusRunning
	})
	time.Sleep(100 * time.Millisecond) // give slow-b every chance to start, wrongly
	if q, r := e.d.runs.counts(); q != 1 || r != 1 {
		t.Errorf("queued %d, running %d; want 1 and 1 with max_concurrent_sites 1", q, r)
	}

	// Shutdown cancels the crawl that waits on a slow page, promptly.
	start := time.Now()
	e.stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v, want under 5s", d)
	}
	if e.runErr != nil {
		t.Errorf("Run: %v", e.runErr)
	}
	for _, site := range []string{"slow-a", "slow-b"} {
		runs := e.d.runs.recent(site, 0)
		if len(runs) != 1 || runs[0].Status != StatusCancelled {
			t.Errorf("%s after shutdown: %+v", site, runs)
		}
	}
	if _, err := e.d.Trigger("slow-a"); err == nil {
		t.Error("a stopped daemon accepted a trigger")
	}
}

func TestToken(t *testing.T) {
	srv := tinyPortal(t)
	e := newEnv(t, envOptions{token: "s3cret", sites: map[string]string{"tiny.yaml": siteFile("tiny", srv.URL+"/list/")}})
	e.start()
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"wrong token", []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"not bearer", []string{"Authorization", "s3cret"}, http.StatusUnauthorized},
		{"cross-origin", []string{"Authorization", "Bearer s3cret", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"token", []string{"Authorization", "Bearer s3cret"}, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := e.post("/api/sites/tiny/crawl", tt.headers...); code != tt.want {
				t.Errorf("POST: %d %s, want %d", code, body, tt.want)
			}
		})
	}
	// Reading needs no token, and the page offers no button it could not use.
	code, page := e.get("/", nil)
	if code != http.StatusOK || strings.Contains(page, "Crawl now") {
		t.Errorf("GET / with a token set: %d, button shown: %v", code, strings.Contains(page, "Crawl now"))
	}
}

func TestHistoryFromArchive(t *testing.T) {
	srv := tinyPortal(t)
	e := newEnv(t, envOptions{sites: map[string]string{"tiny.yaml": siteFile("tiny", srv.URL+"/list/")}})
	e.start()
	r, err := e.d.Trigger("tiny")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run", func() bool { last := e.d.runs.last("tiny"); return last != nil })
	e.stop()

	// A new daemon on the same archive starts with that run in its history.
	d2, err := New(context.Background(), Options{Config: e.cfg, Archive: e.archive})
	if err != nil {
		t.Fatal(err)
	}
	runs := d2.runs.recent("tiny", 0)
	if len(runs) != 1 || runs[0].Status != StatusOK || runs[0].Summary == nil || runs[0].Summary.NewDocuments != 1 {
		t.Fatalf("history after restart: %+v (first daemon's run %s)", runs, r.ID)
	}
	if d2.docs.total("tiny") != 1 {
		t.Errorf("documents after restart: %d", d2.docs.total("tiny"))
	}
	if h := d2.health.get("tiny"); h.LastSuccess.IsZero() || !h.LastSuccess.Equal(runs[0].FinishedAt) || h.Failures != 0 {
		t.Errorf("the site's health does not survive a restart: %+v, want the last success at %v", h, runs[0].FinishedAt)
	}
}

func TestReloadPicksUpFiles(t *testing.T) {
	srv := tinyPortal(t)
	e := newEnv(t, envOptions{sites: map[string]string{"a.yaml": siteFile("a", srv.URL+"/list/")}})
	e.start()
	sitesOf := func() SitesResponse {
		var sr SitesResponse
		e.get("/api/sites", &sr)
		return sr
	}
	// Added, picked up by the poller.
	writeFile(t, e.dir+"/sites/b.yaml", siteFile("b", srv.URL+"/list/", `schedule: "@every 1s"`))
	waitFor(t, "site b", func() bool { return len(sitesOf().Sites) == 2 })
	// b runs on its schedule.
	waitFor(t, "a scheduled run of b", func() bool {
		last := e.d.runs.last("b")
		return last != nil && last.Trigger == TriggerSchedule && last.Status == StatusOK
	})
	// Broken: reported with file and line, and its last good version stays scheduled.
	writeFile(t, e.dir+"/sites/b.yaml", "name: b\nstart: "+srv.URL+"/list/\nschedule: \"@every 1s\"\nmax_pages: -1\n")
	// (A poll may see the file half written; wait for the whole file's problem.)
	waitFor(t, "b's problem", func() bool {
		sr := sitesOf()
		return len(sr.Problems) == 1 && len(sr.Sites) == 2 && sr.Sites[1].ConfigError != "" &&
			len(sr.Problems[0].Errors) > 0 && strings.Contains(sr.Problems[0].Errors[0], "max_pages")
	})
	sr := sitesOf()
	if p := sr.Problems[0]; p.Site != "b" || !strings.HasSuffix(p.File, "b.yaml") || !strings.Contains(p.Errors[0], "b.yaml:4: max_pages: must be at least 1") {
		t.Errorf("problem: %+v", p)
	}
	if sr.Sites[1].NextRun.IsZero() {
		t.Error("the broken file's site is no longer scheduled")
	}
	// A file that never loaded is listed on its own; a reload keeps the rest.
	writeFile(t, e.dir+"/sites/c.yaml", "name: c\nstart: [\n")
	waitFor(t, "c's problem", func() bool {
		ps := sitesOf().Problems
		return len(ps) == 2 && len(ps[1].Errors) > 0 && !strings.Contains(ps[1].Errors[0], "empty site file")
	})
	if sr := sitesOf(); sr.Problems[1].Site != "" || !strings.Contains(sr.Problems[1].Errors[0], "c.yaml:") {
		t.Errorf("never-good file: %+v", sr.Problems[1])
	}
	// Removed.
	if err := removeFile(e.dir + "/sites/b.yaml"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b removed", func() bool { sr := sitesOf(); return len(sr.Sites) == 1 && len(sr.Problems) == 1 })
	if _, ok := e.d.sched.next()["b"]; ok {
		t.Error("a removed site is still scheduled")
	}
}
