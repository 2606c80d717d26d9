package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// `sites try` crawls one site — a file anywhere, or a name — and prints the
// reports it would archive and its skips, writing no archive; a dead site
// exits 5, an unknown name 2.
func TestSitesTry(t *testing.T) {
	srv := portaltest.NewPortal(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"config.yaml":       "sites_dir: sites\narchive_dir: archive\nuser_agent: \"" + testUA + "\"\ndefaults:\n  delay: 0s\n",
		"sites/jinnan.yaml": jinnanSite(srv, "@daily"),
		"draft/dead.yaml":   "name: dead\nstart: http://" + portaltest.ClosedAddr(t) + "/\n",
		"draft/bad.yaml":    "name: bad\nstart: http://127.0.0.1:9/\nstart: http://127.0.0.1:9/x\n",
	})
	cfg := filepath.Join(dir, "config.yaml")

	code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "error", "sites", "try", "jinnan")
	if code != exitOK || !strings.Contains(out, "report(s) found") || !strings.Contains(out, "法治政府建设") ||
		!strings.Contains(out, "robots_disallowed: "+srv.URL+"/private/") {
		t.Errorf("try jinnan: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, _ = runCmd(t, "--config", cfg, "--log-level", "error", "sites", "try", "--json", "jinnan")
	var got struct {
		Site    string          `json:"site"`
		Reports []harvest.Found `json:"reports"`
		Summary harvest.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitOK {
		t.Fatalf("try --json: exit %d, %v\n%s", code, err, out)
	}
	if got.Site != "jinnan" || len(got.Reports) != got.Summary.ReportsFound || len(got.Reports) < 6 || got.Summary.Trigger != "try" {
		t.Errorf("try --json: %+v", got)
	}
	for _, f := range got.Reports {
		if f.Chars == 0 || f.Year == 0 || f.FirstLine == "" {
			t.Errorf("report %+v", f)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "archive")); !os.IsNotExist(err) {
		t.Errorf("try wrote an archive: %v", err)
	}

	code, out, errOut = runCmd(t, "--config", cfg, "--log-level", "error", "sites", "try", filepath.Join(dir, "draft", "dead.yaml"))
	if code != exitFailed || !strings.Contains(out, "dead: failed") || !strings.Contains(errOut, "connection refused") {
		t.Errorf("try a dead site: exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runCmd(t, "--config", cfg, "sites", "try", filepath.Join(dir, "draft", "bad.yaml"))
	if code != exitConfig || !strings.Contains(errOut, "given twice") {
		t.Errorf("try a bad file: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCmd(t, "--config", cfg, "sites", "try", "nosuch")
	if code != exitConfig || !strings.Contains(errOut, "jinnan") {
		t.Errorf("try an unknown name: exit %d, %s", code, errOut)
	}
}

// `sites try` on a site file that names only a portal's home page lists the
// report columns it found and their reports.
func TestSitesTryHomePage(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"config.yaml":   "sites_dir: sites\narchive_dir: archive\nuser_agent: \"" + testUA + "\"\ndefaults:\n  delay: 0s\n",
		"sites/.keep":   "",
		"draft/hx.yaml": "name: hx\nstart: " + srv.URL + "/\n",
	})
	code, out, errOut := runCmd(t, "--config", filepath.Join(dir, "config.yaml"), "--log-level", "error", "sites", "try", filepath.Join(dir, "draft", "hx.yaml"))
	if code != exitOK || !strings.Contains(out, "3 report column(s) found") || !strings.Contains(out, "column: "+srv.URL+portaltest.HomeColumns[0]) ||
		!strings.Contains(out, "6 report(s) found") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// `sites list` shows the report columns a crawl found from a home page,
// and creates no archive when there is none.
func TestSitesListColumns(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"config.yaml":  "sites_dir: sites\narchive_dir: archive\nuser_agent: \"" + testUA + "\"\ndefaults:\n  delay: 0s\n",
		"sites/h.yaml": "name: h\nstart: " + srv.URL + "/\n",
	})
	cfg := filepath.Join(dir, "config.yaml")
	code, out, _ := runCmd(t, "--config", cfg, "sites", "list")
	if code != exitOK || !strings.Contains(out, "COLUMNS FOUND") {
		t.Errorf("before a crawl: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "archive")); !os.IsNotExist(err) {
		t.Errorf("sites list created the archive: %v", err)
	}
	if code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "error", "crawl", "h"); code != exitOK {
		t.Fatalf("crawl: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, "--config", cfg, "sites", "list")
	for _, c := range portaltest.HomeColumns {
		if code != exitOK || !strings.Contains(out, srv.URL+c) {
			t.Errorf("sites list lacks the column %s:\n%s", c, out)
		}
	}
}
