package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/daemon"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium on a URL with the given mode flags
// (--dump-dom, --screenshot=FILE) and returns its standard output.
func chromium(t *testing.T, profile string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	argv := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--window-size=1280,900",
	}, args...)
	cmd := exec.CommandContext(ctx, chromiumPath, argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// TestStatusPageInChromium renders the status pages in a real browser,
// with no JavaScript involved, asserts on the DOM the browser built (site
// names, statuses, a failing site's cause, how long it has failed and its
// stale flag) and saves screenshots (to $NIANBAO_SCREENSHOT_DIR when set,
// to look at; CI installs fonts-noto-cjk so that they show the Chinese).
func TestStatusPageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s for the status page test (.ci/run installs Debian's chromium package): %v", chromiumPath, err)
		}
		t.Skipf("no %s: apt-get install chromium to run this test", chromiumPath)
	}
	srv := portaltest.NewPortal(t)
	// Runs are triggered, not scheduled, so that the page holds still
	// while the browser looks at it.
	cfg, archiveDir := serveSetup(t, "", map[string]string{
		"jinnan.yaml": jinnanSite(srv, "CRON_TZ=Asia/Shanghai 0 3 * * *"),
		"xxgk.yaml":   "name: xxgk\ntitle: 信息公开 <script>document.title='pwned'</script>\nschedule: \"@daily\"\nstart: " + srv.URL + "/xxgk/list.jsp?page=1\n",
		"gone.yaml":   "name: gone\ntitle: 已撤销的栏目\nschedule: \"@daily\"\nstart: " + srv.URL + "/no-such-column/\n",
		"broken.yaml": "name: broken\nstart: ftp://example.org/\n",
	})
	// gone failed ten days ago too, and never succeeded: it is stale.
	recordOldRun(t, archiveDir, "gone", "failed", 10*24*time.Hour)
	s := startServe(t, cfg, archiveDir)
	for range 3 {
		if r := s.crawlNow("jinnan"); r.Status != daemon.StatusOK {
			t.Fatalf("jinnan: %s %s", r.Status, r.Error)
		}
	}
	if r := s.crawlNow("xxgk"); r.Status != daemon.StatusOK {
		t.Fatalf("xxgk: %s %s", r.Status, r.Error)
	}
	for range 2 {
		if r := s.crawlNow("gone"); r.Status != daemon.StatusFailed {
			t.Fatalf("gone, whose start page is 404: %s %s; want failed", r.Status, r.Error)
		}
	}

	profile := t.TempDir()
	dom := chromium(t, profile, "--dump-dom", s.url+"/")
	for _, want := range []string{
		`<table class="sites">`, `<svg class="chart"`, "archived reports per year", "Recent runs",
		"信息公开 &lt;script&gt;", // the title shows as text
		"broken.yaml:2: start:", "Crawl now", "<b>1</b> stale", "<b>1</b> failed last run",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	rows := []struct {
		site    string
		want    []string
		notWant []string
	}{
		{"jinnan", []string{"天津市津南区人民政府", `class="st st-ok"`, " CST</time>"}, []string{"st-stale", "failing for", `class="cause"`}},
		{"xxgk", []string{`class="st st-ok"`}, []string{"st-stale", "failing for"}},
		{"gone", []string{"已撤销的栏目", `class="st st-failed"`, `class="st st-stale"`, `class="cause"`,
			"no start page could be read: /no-such-column/", "404", "failing for 3 runs since", "never succeeded"}, []string{"st-ok"}},
	}
	for _, r := range rows {
		row := domRow(t, dom, r.site)
		for _, w := range r.want {
			if !strings.Contains(row, w) {
				t.Errorf("%s's row lacks %q:\n%s", r.site, w, row)
			}
		}
		for _, w := range r.notWant {
			if strings.Contains(row, w) {
				t.Errorf("%s's row has %q:\n%s", r.site, w, row)
			}
		}
	}
	if strings.Contains(dom, "<script") || strings.Contains(dom, "pwned") && !strings.Contains(dom, "&lt;script&gt;") {
		t.Error("the page has a script element: a title was not escaped, or the page needs JavaScript")
	}
	if !strings.Contains(dom, "<title>nianbao</title>") {
		t.Error("the page's title changed: a script ran")
	}
	site := chromium(t, profile, "--dump-dom", s.url+"/sites/jinnan")
	for _, want := range []string{"Archived reports per year", "<svg", "<h2>Runs</h2>", "manual", " CST"} {
		if !strings.Contains(site, want) {
			t.Errorf("the rendered site page lacks %q", want)
		}
	}
	gone := chromium(t, profile, "--dump-dom", s.url+"/sites/gone")
	for _, want := range []string{`class="st st-failed"`, `class="st st-stale"`, "no start page could be read", "an old failure", "Failed runs in a row"} {
		if !strings.Contains(gone, want) {
			t.Errorf("the rendered page of gone lacks %q", want)
		}
	}

	shots := t.TempDir()
	if d := os.Getenv("NIANBAO_SCREENSHOT_DIR"); d != "" {
		shots = d
	}
	for name, path := range map[string]string{"status.png": "/", "site.png": "/sites/jinnan", "failing.png": "/sites/gone"} {
		file := filepath.Join(shots, name)
		chromium(t, profile, "--screenshot="+file, s.url+path)
		png, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10<<10 {
			t.Errorf("%s: not a screenshot of a page (%d bytes)", name, len(png))
		}
	}
}

// domRow is the status table's row of a site in a DOM that Chromium dumped.
func domRow(t *testing.T, dom, site string) string {
	t.Helper()
	i := strings.Index(dom, `<tr id="site-`+site+`">`)
	if i < 0 {
		t.Fatalf("the rendered page has no row for %s", site)
	}
	row := dom[i:]
	if j := strings.Index(row, "</tr>"); j >= 0 {
		row = row[:j]
	}
	return row
}
