//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/hostiletest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// hostileRow is one line of the table of hostile inputs.
type hostileRow struct {
	input, what string
	kind        string        // what nianbao recorded
	rss         int64         // the child's peak RSS, bytes
	took        time.Duration // the child's wall time
}

// TestHostileTable runs the real nianbao, each time in a process of its own,
// against every hostile input of internal/hostiletest — bombs, endless and
// stalling bodies, tag soup, redirects off the site, hostile robots.txt — and
// checks that each ends in its own error kind. With -v it prints the table
// the README's Limits section shows, with each process's peak RSS and time
// (figures, not assertions; a -race build inflates them, and uses pages of
// 2 MiB instead of 19):
//
//	go test ./cmd/nianbao -run HostileTable -v
func TestHostileTable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a nianbao process per hostile input")
	}
	var rows []hostileRow

	// The baseline: a process that loads the config and exits.
	dir := t.TempDir()
	cfg := hostileConfig(t, dir, "http://127.0.0.1:9/list.html", "")
	_, rss, took := runChild(t, "--config", cfg, "sites", "list")
	rows = append(rows, hostileRow{"(none)", "`nianbao sites list`: the process alone", "-", rss, took})

	// Report pages.
	h := hostiletest.NewHandler(hostiletest.RobotsPlain)
	if raceEnabled {
		// The race detector multiplies the time and memory of parsing
		// 19 MiB pages; 2 MiB pages give the same outcomes.
		h.PageSize = 2 << 20
	}
	srv := hostiletest.NewServer(t, h)
	for _, c := range hostiletest.Cases() {
		dir := t.TempDir()
		cfg := hostileConfig(t, dir, srv.URL+"/list.html?case="+c.Name, "")
		out, rss, took := runChild(t, "--config", cfg, "--log-level", "error", "crawl", "--json", "t")
		kind := summaryKind(t, out, srv.URL+c.Path())
		if kind != c.Kind {
			t.Errorf("%s: %q, want %q\n%s", c.Name, kind, c.Kind, out)
		}
		if kind == "" {
			kind = "archived"
		}
		rows = append(rows, hostileRow{"report page: " + c.Name, c.What, kind, rss, took})
	}

	// robots.txt.
	for _, r := range []struct{ robots, what, path, want string }{
		{hostiletest.RobotsEndless, "robots.txt: its rules, then endless comment lines", "/private/r.html", "robots_disallowed"},
		{hostiletest.RobotsBomb, "robots.txt: Content-Encoding: gzip, its rules, then 10 GiB of zeros", "/private/r.html", "robots_disallowed"},
		{hostiletest.RobotsXBomb, "robots.txt: the same as x-gzip (Go's transport leaves it alone)", "/private/r.html", "robots_disallowed"},
		{hostiletest.RobotsStall, "robots.txt: one line, then nothing (timeout: 2s, 3 tries)", "/robots-list.html", "timeout"},
		{hostiletest.RobotsOffsite, "robots.txt: a redirect to another host", "/robots-list.html", "redirect"},
	} {
		srv := hostiletest.NewServer(t, hostiletest.NewHandler(r.robots))
		dir := t.TempDir()
		cfg := hostileConfig(t, dir, srv.URL+"/robots-list.html", "timeout: 2s\n")
		out, rss, took := runChild(t, "--config", cfg, "--log-level", "error", "crawl", "--json", "t")
		kind := summaryKind(t, out, srv.URL+r.path)
		if kind != r.want {
			t.Errorf("robots %s: %s: %q, want %q\n%s", r.robots, r.path, kind, r.want, out)
		}
		rows = append(rows, hostileRow{"robots.txt: " + r.robots, r.what, kind + " (" + r.path + ")", rss, took})
	}

	// List pages.
	for _, l := range []struct{ path, what string }{
		{hostiletest.FanOutList, "list page: 100 pager scripts, each naming 100,000 further pages (max_pages: 5)"},
		{hostiletest.RowList, "list page: one row of 40,000 links (max_pages: 5)"},
	} {
		dir := t.TempDir()
		cfg := hostileConfig(t, dir, srv.URL+l.path, "max_pages: 5\n")
		out, rss, took := runChild(t, "--config", cfg, "--log-level", "error", "crawl", "--json", "t")
		sum := summaries(t, out)[0]
		outcome := fmt.Sprintf("%d list pages read, %d report archived", sum.ListPages, sum.NewDocuments)
		if n := sum.Skipped["list_links_over_limit"]; n > 0 {
			outcome += fmt.Sprintf(", list_links_over_limit=%d", n)
		}
		if sum.NewDocuments != 1 || sum.ListPages > 5 {
			t.Errorf("%s: %s", l.path, outcome)
		}
		rows = append(rows, hostileRow{"list page: " + strings.TrimPrefix(l.path, "/"), l.what, outcome, rss, took})
	}

	// The daemon, asked to crawl a gzip bomb through its API.
	rows = append(rows, daemonBomb(t, srv))

	var b strings.Builder
	b.WriteString("| input | what the server does | outcome | peak RSS | time |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %d MB | %.1f s |\n", r.input, strings.ReplaceAll(r.what, "|", `\|`), r.kind, r.rss>>20, r.took.Seconds())
	}
	t.Logf("hostile inputs (each in its own nianbao process):\n%s", b.String())
}

// hostileConfig writes a config and one site, t, that starts at start.
func hostileConfig(t *testing.T, dir, start, siteExtra string) string {
	t.Helper()
	writeFiles(t, dir, map[string]string{
		"config.yaml": "sites_dir: sites\narchive_dir: archive\nuser_agent: \"" + testUA + "\"\n" +
			"defaults:\n  delay: 0s\n  timeout: 30s\n",
		"sites/t.yaml": "name: t\nstart:\n  - " + start + "\n" + siteExtra,
	})
	return filepath.Join(dir, "config.yaml")
}

// runChild runs nianbao with args in a process of its own (this test
// binary, see runMainEnv) and returns its stdout, peak RSS and wall time.
func runChild(t *testing.T, args ...string) (string, int64, time.Duration) {
	t.Helper()
	c, out, peak := childCommand(t, args...)
	start := time.Now()
	err := c.Run()
	took := time.Since(start)
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("%v: %v", args, err)
		}
	}
	return out.String(), peak(), took
}

// childCommand is nianbao with args, to run in a process of its own; peak
// reads the process's peak resident set (bytes) once it has returned.
func childCommand(t *testing.T, args ...string) (c *exec.Cmd, out *strings.Builder, peak func() int64) {
	t.Helper()
	argv, _ := json.Marshal(args)
	file := filepath.Join(t.TempDir(), "peak")
	c = exec.Command(os.Args[0], "-test.run=^$")
	c.Env = append(os.Environ(), runMainEnv+"="+string(argv), peakFileEnv+"="+file)
	out = &strings.Builder{}
	c.Stdout = out
	return c, out, func() int64 {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%v: no peak RSS: %v", args, err)
			return 0
		}
		var kb int64
		fmt.Sscanf(string(b), "%d", &kb)
		return kb << 10
	}
}

// summaryKind reads `crawl --json` output and returns the kind of the
// failure or named skip of url ("" if none).
func summaryKind(t *testing.T, out, url string) string {
	t.Helper()
	for _, s := range summaries(t, out) {
		for _, f := range append(s.Failures, s.Skips...) {
			if f.URL == url {
				return f.Kind
			}
		}
	}
	return ""
}

// daemonBomb starts `nianbao serve` with a site whose one report is a gzip
// bomb, asks it to crawl the site through POST /api/sites/t/crawl, waits
// for the run, stops the daemon and returns its row.
func daemonBomb(t *testing.T, srv *hostiletest.Server) hostileRow {
	t.Helper()
	addr := portaltest.ClosedAddr(t) // free: the daemon listens on it
	dir := t.TempDir()
	cfg := hostileConfig(t, dir, srv.URL+"/list.html?case=x-gzip-bomb", "schedule: \"@yearly\"\n")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "listen: %s\n", addr)
	f.Close()
	c, _, peak := childCommand(t, "--config", cfg, "--log-level", "error", "serve")
	start := time.Now()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Process.Kill()
	base := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the daemon did not start")
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/sites/t/crawl", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST crawl: %v %v", resp, err)
	}
	resp.Body.Close()
	kind := ""
	for deadline := time.Now().Add(60 * time.Second); kind == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(base + "/api/runs?site=t")
		if err != nil {
			continue
		}
		var runs struct {
			Runs []struct {
				Status  string           `json:"status"`
				Summary *harvest.Summary `json:"summary"`
			} `json:"runs"`
		}
		json.NewDecoder(resp.Body).Decode(&runs)
		resp.Body.Close()
		for _, r := range runs.Runs {
			if r.Status != "queued" && r.Status != "running" && r.Summary != nil {
				kind = "none"
				for _, f := range r.Summary.Failures {
					kind = f.Kind
				}
			}
		}
	}
	c.Process.Signal(syscall.SIGTERM)
	c.Wait()
	if kind != "too_large" {
		t.Errorf("the daemon's run of the bomb: %q, want too_large", kind)
	}
	return hostileRow{"daemon: POST /api/sites/t/crawl", "`nianbao serve`, asked to crawl a site whose report is the x-gzip bomb", kind, peak(), time.Since(start)}
}
