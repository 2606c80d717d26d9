package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// tinyPortal is a portal with one list page linking to one report, so a
// run is a handful of requests: robots.txt, the list, the report. Under
// /slow/ is a list page that answers only after a minute, for runs that
// must still be going when the test looks.
func tinyPortal(t testing.TB) *portaltest.Server {
	t.Helper()
	return portaltest.NewServer(t, tinyFS())
}

// tinyFS is tinyPortal's fixture tree.
func tinyFS() fstest.MapFS {
	var para strings.Builder
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&para, "<p>（%d）本年度，区司法局围绕法治政府建设目标，完善依法行政制度体系，推进严格规范公正文明执法，第%d项工作按计划完成。</p>\n", i, i)
	}
	return fstest.MapFS{
		"robots.txt": {Data: []byte("User-agent: *\nDisallow: /private/\n")},
		"list/index.html": {Data: []byte(`<!doctype html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<ul class="list"><li><a href="/r/202401/t20240115_1.html" title="天津市某区2023年法治政府建设年度报告">天津市某区2023年法治政府建设年度报告</a><span>2024-01-15</span></li>
<li><a href="/r/202401/t20240110_2.html">区政府召开常务会议</a><span>2024-01-10</span></li></ul></body></html>`)},
		"r/202401/t20240115_1.html": {Data: []byte(`<!doctype html><html><head><meta charset="utf-8"><title>天津市某区2023年法治政府建设年度报告</title></head><body>
<div class="nav">首页 &gt; 通知公告</div><div class="article"><h1>天津市某区2023年法治政府建设年度报告</h1><div class="info">发布时间：2024-01-15</div>
<div class="content">` + para.String() + `</div></div><div class="footer">主办单位：某区人民政府</div></body></html>`)},
		"slow/index.html": {Data: []byte("<!-- portaltest: delay=60s -->\n<html><body>慢</body></html>")},
	}
}

// testEnv is a config directory with sites, an open archive and a Daemon.
type testEnv struct {
	t       testing.TB
	dir     string
	cfg     *config.Config
	archive *archive.Archive
	d       *Daemon
	url     string // the daemon's base URL, once started
	logs    *lockedBuffer
	stop    func() // cancels Run and waits for it
	files   *attachment.Reader
	runErr  error
}

type envOptions struct {
	config string            // extra config.yaml lines
	sites  map[string]string // file name under sites/ → content
	token  string
	keep   int
	// discardLogs formats the logs but keeps none, for tests whose memory
	// is measured.
	discardLogs bool
	http        HTTPLimits
	// spread keeps the default schedule spread; without it the test's
	// config turns it off (schedule_jitter: 0s), so that "@every 1h" means
	// "not during this test".
	spread   bool
	hostname string           // the machine's name as the daemon sees it ("": "testbox")
	now      func() time.Time // the daemon's clock (nil: time.Now)
	location *time.Location   // the server's zone for the status page (nil: UTC)
}

func newEnv(t testing.TB, o envOptions) *testEnv {
	t.Helper()
	dir := t.TempDir()
	cfgText := "sites_dir: sites\narchive_dir: archive\nuser_agent: \"nianbao-test/1.0\"\nmin_schedule_interval: 1s\n" +
		"defaults:\n  delay: 0s\n  timeout: 10s\n  max_pages: 5\n  schedule: \"@every 1h\"\n" + o.config
	if !o.spread && !strings.Contains(o.config, "schedule_jitter") {
		// "@every 1h" means "not during this test": counted from the
		// daemon's start, not placed anywhere in the hour.
		cfgText += "schedule_jitter: 0s\n"
	}
	writeFile(t, filepath.Join(dir, "config.yaml"), cfgText)
	if err := os.MkdirAll(filepath.Join(dir, "sites"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range o.sites {
		writeFile(t, filepath.Join(dir, "sites", name), content)
	}
	cfg, err := config.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, dir: dir, cfg: cfg, logs: &lockedBuffer{}}
	var sink io.Writer = e.logs
	if o.discardLogs {
		sink = io.Discard
	}
	log := slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.archive, err = archive.Open(cfg.ArchivePath(), archive.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.archive.Close() })
	e.files = attachment.NewReader(attachment.ReaderConfig{Logger: log})
	t.Cleanup(func() { e.files.Close() })
	if o.hostname == "" {
		o.hostname = "testbox"
	}
	if o.location == nil {
		o.location = time.UTC // the same page on every machine the tests run on
	}
	e.d, err = New(context.Background(), Options{Config: cfg, Archive: e.archive, Logger: log,
		Token: o.token, PollInterval: 100 * time.Millisecond, History: o.keep, Files: e.files,
		HTTP: o.http, Hostname: o.hostname, Now: o.now, Location: o.location,
		StaleAfter: time.Duration(cfg.StaleAfter)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// start runs the daemon on a free loopback port until the test ends.
func (e *testEnv) start() {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	e.serve(ln)
}

// serve runs the daemon on ln until the test ends.
func (e *testEnv) serve(ln net.Listener) {
	e.t.Helper()
	e.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.runErr = e.d.Run(ctx, ln)
	}()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	e.t.Cleanup(e.stop)
	waitFor(e.t, "the daemon to serve", func() bool {
		resp, err := http.Get(e.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// get fetches path from the daemon and decodes JSON into v (if not nil).
func (e *testEnv) get(path string, v any) (int, string) {
	e.t.Helper()
	resp, err := http.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			e.t.Fatalf("GET %s: %v\n%s", path, err, body)
		}
	}
	return resp.StatusCode, string(body)
}

// post sends a POST with optional headers (name, value pairs).
func (e *testEnv) post(path string, headers ...string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitFor polls cond until it holds, failing the test after 60 s: an upper
// bound for liveness, not a timing assertion.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func siteFile(name, start string, extra ...string) string {
	return "name: " + name + "\nstart: " + start + "\n" + strings.Join(extra, "\n") + "\n"
}

// lockedBuffer is a bytes.Buffer safe for the daemon's goroutines to log into.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func removeFile(p string) error { return os.Remove(p) }

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// deadURL is the address of a loopback port nothing listens on: it was
// listened on and closed, so a connection to it is refused.
func deadURL(t testing.TB) string {
	return "http://" + portaltest.ClosedAddr(t) + "/"
}

// runToEnd triggers a run of site and waits for it to end.
func (e *testEnv) runToEnd(site string) RunInfo {
	e.t.Helper()
	r, err := e.d.Trigger(site)
	if err != nil {
		e.t.Fatalf("trigger %s: %v", site, err)
	}
	var done RunInfo
	waitFor(e.t, "the run of "+site, func() bool {
		for _, h := range e.d.runs.recent(site, 0) {
			if h.ID == r.ID && h.Done() {
				done = h
				return true
			}
		}
		return false
	})
	return done
}
