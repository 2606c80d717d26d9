package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/daemon"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// serveSetup writes a config for the daemon (on a free loopback port, its
// cache in the test's own directory, schedules down to @every 1s) and the
// given site files, and returns the config path and archive directory.
func serveSetup(t *testing.T, extraConfig string, siteFiles map[string]string) (cfgPath, archiveDir string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"config.yaml": "sites_dir: sites\narchive_dir: archive\ncache_dir: cache\nuser_agent: \"" + testUA + "\"\nlisten: 127.0.0.1:0\n" +
			"min_schedule_interval: 1s\n" + extraConfig + "defaults:\n  delay: 0s\n  timeout: 10s\n  max_pages: 20\n",
	}
	for k, v := range siteFiles {
		files["sites/"+k] = v
	}
	writeFiles(t, dir, files)
	if err := os.MkdirAll(filepath.Join(dir, "sites"), 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "config.yaml"), filepath.Join(dir, "archive")
}

// jinnanSite is the fake portal's three report columns as one site.
func jinnanSite(srv *portaltest.Server, schedule string) string {
	return "name: jinnan\ntitle: 天津市津南区人民政府\nschedule: \"" + schedule + "\"\nstart:\n" +
		"  - " + srv.URL + "/fzzfjs/\n  - " + srv.URL + "/tzgg/\n  - " + srv.URL + "/xxgk/list.jsp?page=1\n"
}

// serving is `nianbao serve` running in-process, as main runs it.
type serving struct {
	t      *testing.T
	url    string
	cancel context.CancelFunc
	done   chan struct{}
	code   int
	stdout syncBuffer
	stderr syncBuffer
}

// startServe runs `nianbao serve` until the test ends (or stop), and waits
// until it answers /healthz. Its address is read from the archive's lock
// file, where the daemon writes it for `crawl --wait`.
func startServe(t *testing.T, cfg, archiveDir string, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{t: t, cancel: cancel, done: make(chan struct{})}
	argv := append([]string{"--config", cfg, "--log-level", "info", "serve", "--poll-interval", "200ms"}, args...)
	go func() {
		defer close(s.done)
		s.code = run(ctx, argv, &s.stdout, &s.stderr)
	}()
	t.Cleanup(func() { s.stop() })
	waitUntil(t, "the daemon's address in the lock file", func() bool {
		select {
		case <-s.done:
			t.Fatalf("serve exited %d before serving:\n%s", s.code, s.stderr.String())
		default:
		}
		b, _ := os.ReadFile(filepath.Join(archiveDir, "lock"))
		h := archive.ParseLockHolder(string(b))
		if h.Command != "nianbao serve" || h.Listen == "" {
			return false
		}
		s.url = "http://" + h.Listen
		return true
	})
	waitUntil(t, "/healthz", func() bool {
		resp, err := http.Get(s.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// stop cancels the daemon's context, as SIGTERM does, and returns its exit
// code and how long it took to exit.
func (s *serving) stop() (int, time.Duration) {
	start := time.Now()
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.t.Fatalf("serve did not exit within 20s of its cancellation")
	}
	return s.code, time.Since(start)
}

func (s *serving) getJSON(path string, v any) {
	s.t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}

func (s *serving) sites() daemon.SitesResponse {
	var sr daemon.SitesResponse
	s.getJSON("/api/sites", &sr)
	return sr
}

func (s *serving) runs(site string) []daemon.RunInfo {
	var rr daemon.RunsResponse
	s.getJSON("/api/runs?site="+site, &rr)
	return rr.Runs
}

// finished returns a site's finished runs with the given trigger and status.
func (s *serving) finished(site, trigger, status string) []daemon.RunInfo {
	var out []daemon.RunInfo
	for _, r := range s.runs(site) {
		if r.Trigger == trigger && r.Status == status {
			out = append(out, r)
		}
	}
	return out
}

// crawlNow triggers a run of site through the API (waiting for a run that
// is going to end first) and waits until it is over.
func (s *serving) crawlNow(site string) daemon.RunInfo {
	s.t.Helper()
	var trig daemon.RunInfo
	waitUntil(s.t, "a trigger of "+site+" to be accepted", func() bool {
		resp, err := http.Post(s.url+"/api/sites/"+site+"/crawl", "", nil)
		if err != nil {
			s.t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		switch resp.StatusCode {
		case http.StatusConflict:
			return false
		case http.StatusAccepted:
			if err := json.Unmarshal(body, &trig); err != nil {
				s.t.Fatal(err)
			}
			return true
		}
		s.t.Fatalf("POST crawl %s: %d %s", site, resp.StatusCode, body)
		return false
	})
	var done daemon.RunInfo
	waitUntil(s.t, "the run of "+site, func() bool {
		for _, r := range s.runs(site) {
			if r.ID == trig.ID && r.Done() {
				done = r
				return true
			}
		}
		return false
	})
	return done
}

// recordOldRun writes into the archive, before the daemon starts, a run
// of site that ended age ago with status.
func recordOldRun(t *testing.T, archiveDir, site, status string, age time.Duration) time.Time {
	t.Helper()
	a, err := archive.Open(archiveDir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	start := time.Now().Add(-age).UTC().Truncate(time.Second)
	if err := a.RecordRun(context.Background(), archive.Run{ID: "old-" + site, Site: site, Status: status,
		StartedAt: start, FinishedAt: start.Add(time.Minute), Error: "an old failure",
		Summary: map[string]any{"site": site, "status": status, "error": "an old failure"}}); err != nil {
		t.Fatal(err)
	}
	return start
}

// waitUntil polls cond; the 10 s is an upper bound for liveness, not a timing assertion.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A liveness bound, not a timing assertion: under -race on a loaded
	// 2-core machine one crawl of the fake portal takes seconds.
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 60s waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// syncBuffer is a buffer the daemon's goroutines can write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestServe(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := serveSetup(t, "max_concurrent_sites: 2\n", map[string]string{
		"jinnan.yaml": jinnanSite(srv, "@every 1s"),
	})
	s := startServe(t, cfg, archiveDir)
	reports := portaltest.Reports()

	// Runs happen on schedule.
	waitUntil(t, "two scheduled runs of jinnan", func() bool {
		return len(s.finished("jinnan", daemon.TriggerSchedule, daemon.StatusOK)) >= 2
	})
	sr := s.sites()
	if len(sr.Sites) != 1 || sr.Sites[0].Documents != len(reports) || sr.Sites[0].NextRun.IsZero() || sr.Sites[0].LastSuccess.IsZero() {
		t.Fatalf("after the scheduled runs: %+v", sr.Sites)
	}

	// A trigger runs now. (A scheduled run may be going: the daemon then
	// answers 409 with it, and the trigger is tried again.)
	var trig daemon.RunInfo
	waitUntil(t, "a trigger to be accepted", func() bool {
		resp, err := http.Post(s.url+"/api/sites/jinnan/crawl", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusConflict:
			return false
		case http.StatusAccepted:
			json.NewDecoder(resp.Body).Decode(&trig)
			return true
		}
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST crawl: %d %s", resp.StatusCode, body)
		return false
	})
	if trig.ID == "" || trig.Trigger != daemon.TriggerManual {
		t.Fatalf("POST crawl answered %+v", trig)
	}
	waitUntil(t, "the triggered run", func() bool {
		for _, r := range s.runs("jinnan") {
			if r.ID == trig.ID {
				return r.Status == daemon.StatusOK
			}
		}
		return false
	})

	// `nianbao crawl` beside the daemon: exit 3 naming it, or --wait has it crawl.
	code, _, errOut := runCmd(t, "--config", cfg, "crawl", "jinnan")
	if code != exitLocked || !strings.Contains(errOut, "nianbao serve, listen 127.0.0.1:") || !strings.Contains(errOut, "--wait") {
		t.Errorf("crawl beside the daemon: exit %d, stderr %q; want %d naming the daemon and --wait", code, errOut, exitLocked)
	}
	sums := crawlJSON(t, cfg, "--wait", "jinnan")
	if len(sums) != 1 || sums[0].Status != "ok" || sums[0].Site != "jinnan" || sums[0].RunID == "" || sums[0].Unchanged != len(reports)+1 {
		t.Fatalf("crawl --wait: %+v", sums)
	}
	found := false
	for _, r := range s.runs("jinnan") {
		found = found || (r.Summary != nil && r.Summary.RunID == sums[0].RunID)
	}
	if !found {
		t.Errorf("the daemon has no run %s: crawl --wait did not go through it", sums[0].RunID)
	}
	code, out, _ := runCmd(t, "--config", cfg, "--log-level", "warn", "crawl", "--wait", "jinnan")
	if code != 0 || !strings.Contains(out, "SITE") || !strings.Contains(out, "jinnan  ok") {
		t.Errorf("crawl --wait table: exit %d\n%s", code, out)
	}

	// A new site file is picked up and scheduled.
	cfgDir := filepath.Dir(cfg)
	writeFiles(t, cfgDir, map[string]string{
		"sites/tzgg.yaml": "name: tzgg\ntitle: 通知公告\nschedule: \"@every 1s\"\nstart: " + srv.URL + "/tzgg/\n",
	})
	// (Until the daemon has it, /api/runs?site=tzgg is a 404.)
	waitUntil(t, "the new site", func() bool { return len(s.sites().Sites) == 2 })
	waitUntil(t, "a scheduled run of the new site", func() bool {
		return len(s.finished("tzgg", daemon.TriggerSchedule, daemon.StatusOK)) >= 1
	})

	// A broken one is reported with its file and line, and the others keep running.
	writeFiles(t, cfgDir, map[string]string{"sites/broken.yaml": "name: broken\nstart: not-a-url\n"})
	// The daemon may look while the file is being written (and report it
	// empty): wait for the problem of the whole file.
	waitUntil(t, "the broken file in /api/sites", func() bool {
		ps := s.sites().Problems
		return len(ps) == 1 && len(ps[0].Errors) > 0 && strings.Contains(ps[0].Errors[0], "broken.yaml:2: start:")
	})
	sr = s.sites()
	if p := sr.Problems[0]; !strings.Contains(p.Errors[0], "broken.yaml:2: start:") || p.Site != "" || len(sr.Sites) != 2 {
		t.Errorf("problems: %+v, sites %d", sr.Problems, len(sr.Sites))
	}
	before := len(s.finished("jinnan", daemon.TriggerSchedule, daemon.StatusOK)) + len(s.finished("tzgg", daemon.TriggerSchedule, daemon.StatusOK))
	waitUntil(t, "more scheduled runs after the breakage", func() bool {
		return len(s.finished("jinnan", daemon.TriggerSchedule, daemon.StatusOK))+len(s.finished("tzgg", daemon.TriggerSchedule, daemon.StatusOK)) >= before+2
	})

	// Metrics and the status page.
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, w := range []string{"# TYPE nianbao_runs_total counter", `nianbao_runs_total{status="ok"} `,
		`nianbao_archive_documents{site="jinnan"} 6`, `nianbao_last_success_timestamp_seconds{site="tzgg"} `,
		"nianbao_site_files_with_problems 1"} {
		if !strings.Contains(string(metrics), w) {
			t.Errorf("/metrics lacks %q", w)
		}
	}
	resp, err = http.Get(s.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, w := range []string{"jinnan", "tzgg", "天津市津南区人民政府", "<svg", "broken.yaml:2:"} {
		if !strings.Contains(string(page), w) {
			t.Errorf("the status page lacks %q", w)
		}
	}

	// Shutdown is clean: exit 0, prompt, the archive verifies, the lock is free.
	code, took := s.stop()
	if code != 0 {
		t.Errorf("serve exited %d after its cancellation:\n%s", code, s.stderr.String())
	}
	if took > 5*time.Second {
		t.Errorf("shutdown took %v", took)
	}
	archivetest.Check(t, archiveDir)
	if err := os.Remove(filepath.Join(cfgDir, "sites", "broken.yaml")); err != nil {
		t.Fatal(err)
	}
	if sums := crawlJSON(t, cfg, "jinnan"); sums[0].Status != "ok" {
		t.Errorf("crawl after the daemon stopped: %+v", sums[0])
	}
}

func TestServeShutdownCancelsCrawl(t *testing.T) {
	srv := portaltest.NewPortal(t)
	// A list page that answers only after a minute: the crawl is stuck in it.
	srv.Set("/slow/", []byte("<!-- portaltest: delay=60s -->\n<html><body>慢</body></html>"))
	cfg, archiveDir := serveSetup(t, "", map[string]string{
		"slow.yaml": "name: slow\nschedule: \"@every 1s\"\nstart: " + srv.URL + "/slow/\n",
	})
	s := startServe(t, cfg, archiveDir)
	waitUntil(t, "the slow run to be fetching", func() bool {
		sr := s.sites()
		return len(sr.Sites) == 1 && sr.Sites[0].Status == daemon.StatusRunning && srv.Count("/slow/") > 0
	})
	code, took := s.stop()
	if code != 0 || took > 5*time.Second {
		t.Errorf("SIGTERM during a crawl: exit %d after %v; want 0 within 5s\n%s", code, took, s.stderr.String())
	}
	a, err := archive.Open(archiveDir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	runs, err := a.Runs(context.Background(), "slow", 10)
	if err != nil || len(runs) != 1 || runs[0].Status != "cancelled" {
		t.Errorf("the interrupted run's record: %+v (%v)", runs, err)
	}
	archivetest.Check(t, archiveDir)
}

func TestServeSecondDaemon(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := serveSetup(t, "", map[string]string{"jinnan.yaml": jinnanSite(srv, "@daily")})
	s := startServe(t, cfg, archiveDir)
	code, _, errOut := runCmd(t, "--config", cfg, "serve")
	// One line: who holds the archive, where its status page is; the
	// address once in the holder, once as the page's URL.
	if code != exitLocked || !strings.Contains(errOut, "is locked by another nianbao process (pid ") ||
		!strings.Contains(errOut, "; its status page: "+s.url+"/") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("second serve: exit %d, %q", code, errOut)
	}
}

func TestServeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		config string // config.yaml
		args   []string
		want   []string // in stderr
	}{
		{"off loopback without a token", "listen: 0.0.0.0:0\n", nil, []string{"listen: 0.0.0.0:0 is reachable from other machines", "api_token", "NIANBAO_API_TOKEN"}},
		{"no sites directory", "listen: 127.0.0.1:0\nsites_dir: nowhere\n", nil, []string{"sites_dir", "nowhere"}},
		{"bad poll interval", "listen: 127.0.0.1:0\n", []string{"--poll-interval", "0s"}, []string{"--poll-interval"}},
		{"arguments", "listen: 127.0.0.1:0\n", []string{"extra"}, []string{"unknown command", "serve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := serveSetup(t, "", nil)
			writeFiles(t, filepath.Dir(cfg), map[string]string{"config.yaml": tt.config})
			t.Setenv("NIANBAO_API_TOKEN", "")
			code, _, errOut := runCmd(t, append([]string{"--config", cfg, "serve"}, tt.args...)...)
			if code != exitConfig {
				t.Errorf("exit %d, want %d; stderr %q", code, exitConfig, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q: %q", w, errOut)
				}
			}
		})
	}
}

func TestServeReloadsOnSIGHUP(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := serveSetup(t, "", map[string]string{"jinnan.yaml": jinnanSite(srv, "@daily")})
	s := startServe(t, cfg, archiveDir, "--poll-interval", "1h") // only SIGHUP can reload
	writeFiles(t, filepath.Dir(cfg), map[string]string{"sites/tzgg.yaml": "name: tzgg\nstart: " + srv.URL + "/tzgg/\n"})
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the new site after SIGHUP", func() bool { return len(s.sites().Sites) == 2 })
}

func TestCrawlWaitsForAnotherCrawl(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := portalSetup(t, srv, nil)
	// Another writer (not a daemon) holds the archive.
	holder, err := archive.Open(archiveDir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(context.Background(), []string{"--config", cfg, "crawl", "--wait", "--json", "jinnan"}, &stdout, &stderr)
	}()
	waitUntil(t, "crawl --wait to wait", func() bool { return strings.Contains(stderr.String(), "waiting until it is done") })
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("crawl fetched %d pages while another process held the archive", n)
	}
	holder.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("crawl --wait: exit %d\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("crawl --wait did not finish after the lock was released")
	}
	var sum harvest.Summary
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &sum) != nil || sum.Status != "ok" || sum.NewDocuments != len(portaltest.Reports()) {
		t.Errorf("crawl --wait summary: %s", stdout.String())
	}
}

// TestServeHostCheck: `nianbao serve` answers to its listen address and to
// the names of allowed_hosts, and refuses a name it does not know (a page
// whose name was made to resolve to 127.0.0.1) with 421, on the API and on
// /healthz alike.
func TestServeHostCheck(t *testing.T) {
	cfg, archiveDir := serveSetup(t, "allowed_hosts: [nianbao.example.org]\n", nil)
	s := startServe(t, cfg, archiveDir)
	port := s.url[strings.LastIndex(s.url, ":")+1:]
	for _, tt := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"nianbao.example.org", http.StatusOK},
		{"evil.example:" + port, http.StatusMisdirectedRequest},
	} {
		for _, path := range []string{"/api/sites", "/healthz"} {
			req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
			req.Host = tt.host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("GET %s with Host %s: %d, want %d\n%s", path, tt.host, resp.StatusCode, tt.want, body)
			}
		}
	}
}

// TestServeStaleAfter: config.yaml's stale_after reaches the daemon. A
// site whose only run failed two days ago is stale with stale_after 1d,
// and not with the default of 7 days.
func TestServeStaleAfter(t *testing.T) {
	tests := []struct {
		config string
		stale  bool
	}{
		{"", false},
		{"stale_after: 24h\n", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("stale %v", tt.stale), func(t *testing.T) {
			cfg, archiveDir := serveSetup(t, tt.config, map[string]string{
				"gone.yaml": "name: gone\nschedule: \"@yearly\"\nstart: http://127.0.0.1:1/\n",
			})
			start := recordOldRun(t, archiveDir, "gone", "failed", 48*time.Hour)
			s := startServe(t, cfg, archiveDir)
			var si daemon.SiteInfo
			s.getJSON("/api/sites/gone", &si)
			if si.Stale != tt.stale || si.ConsecutiveFailures != 1 || !si.FailingSince.Equal(start) || !si.LastSuccess.IsZero() {
				t.Errorf("gone: stale %v, %d failures since %v, last success %v; want stale %v, 1 since %v, none",
					si.Stale, si.ConsecutiveFailures, si.FailingSince, si.LastSuccess, tt.stale, start)
			}
			resp, err := http.Get(s.url + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			metrics, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// The stale series is there only while the site is stale.
			stale := strings.Contains(string(metrics), "nianbao_site_stale{site=\"gone\"} 1\n")
			if stale != tt.stale || !strings.Contains(string(metrics), "nianbao_site_consecutive_failures{site=\"gone\"} 1\n") {
				t.Errorf("/metrics: stale series %v, want %v, and the failure count:\n%s", stale, tt.stale, metrics)
			}
		})
	}
}

// A daemon whose sites directory is not there says so and exits 2 before it
// creates the archive.
func TestServeWithoutSitesDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config.yaml": "sites_dir: sites\narchive_dir: archive\nlisten: 127.0.0.1:0\n"})
	code, _, errOut := runCmd(t, "--config", filepath.Join(dir, "config.yaml"), "serve")
	if code != exitConfig || !strings.Contains(errOut, "sites_dir") || !strings.Contains(errOut, "no such file or directory") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "archive")); !os.IsNotExist(err) {
		t.Errorf("the archive was created: %v", err)
	}
}
