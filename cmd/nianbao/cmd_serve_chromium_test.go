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
// with no JavaScript involved, and saves a screenshot (to
// $NIANBAO_SCREENSHOT_DIR when set, to look at).
func TestStatusPageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s for the status page test (.ci/run installs Debian's chromium package): %v", chromiumPath, err)
		}
		t.Skipf("no %s: apt-get install chromium to run this test", chromiumPath)
	}
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := serveSetup(t, "", map[string]string{
		"jinnan.yaml": jinnanSite(srv, "@every 1s"),
		"xxgk.yaml":   "name: xxgk\ntitle: 信息公开 <script>document.title='pwned'</script>\nschedule: \"@every 2s\"\nstart: " + srv.URL + "/xxgk/list.jsp?page=1\n",
		"gone.yaml":   "name: gone\ntitle: 已撤销的栏目\nschedule: \"@every 1s\"\nstart: " + srv.URL + "/no-such-column/\n",
		"broken.yaml": "name: broken\nstart: ftp://example.org/\n",
	})
	s := startServe(t, cfg, archiveDir)
	waitUntil(t, "runs of every site", func() bool {
		return len(s.finished("jinnan", daemon.TriggerSchedule, daemon.StatusOK)) >= 3 &&
			len(s.finished("xxgk", daemon.TriggerSchedule, daemon.StatusOK)) >= 1 &&
			len(s.finished("gone", daemon.TriggerSchedule, daemon.StatusOK)) >= 1
	})

	profile := t.TempDir()
	dom := chromium(t, profile, "--dump-dom", s.url+"/")
	for _, want := range []string{
		`<table class="sites">`, `id="site-jinnan"`, `id="site-xxgk"`, `id="site-gone"`,
		"天津市津南区人民政府", "信息公开 &lt;script&gt;", // the title shows as text
		`<svg class="chart"`, "archived reports per year", "Recent runs", `class="st st-`, // a status badge (ok, or running: the schedules are @every 1s)
		"broken.yaml:2: start:", "Crawl now",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if strings.Contains(dom, "<script") || strings.Contains(dom, "pwned") && !strings.Contains(dom, "&lt;script&gt;") {
		t.Error("the page has a script element: a title was not escaped, or the page needs JavaScript")
	}
	if !strings.Contains(dom, "<title>nianbao</title>") {
		t.Error("the page's title changed: a script ran")
	}
	site := chromium(t, profile, "--dump-dom", s.url+"/sites/jinnan")
	for _, want := range []string{"Archived reports per year", "<svg", "<h2>Runs</h2>", "schedule", "robots"} {
		if !strings.Contains(site, want) {
			t.Errorf("the rendered site page lacks %q", want)
		}
	}

	shots := t.TempDir()
	if d := os.Getenv("NIANBAO_SCREENSHOT_DIR"); d != "" {
		shots = d
	}
	for name, path := range map[string]string{"status.png": "/", "site.png": "/sites/jinnan"} {
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
