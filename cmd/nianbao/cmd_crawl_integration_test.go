package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

const testUA = "nianbao-test/1.0 (+https://example.org/nianbao)"

// portalSetup writes a config and a site file for the fake portal's three
// report columns and returns the config path and the archive directory.
func portalSetup(t *testing.T, srv *portaltest.Server, extraSites map[string]string) (cfgPath, archiveDir string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"config.yaml": "sites_dir: sites\narchive_dir: archive\nuser_agent: \"" + testUA + "\"\n" +
			"defaults:\n  delay: 0s\n  timeout: 10s\n  max_pages: 20\n",
		"sites/jinnan.yaml": "name: jinnan\ntitle: 天津市津南区人民政府\nstart:\n" +
			"  - " + srv.URL + "/fzzfjs/\n" +
			"  - " + srv.URL + "/tzgg/\n" +
			"  - " + srv.URL + "/xxgk/list.jsp?page=1\n",
	}
	for k, v := range extraSites {
		files[k] = v
	}
	writeFiles(t, dir, files)
	return filepath.Join(dir, "config.yaml"), filepath.Join(dir, "archive")
}

func crawlJSON(t *testing.T, cfg string, args ...string) []harvest.Summary {
	t.Helper()
	code, out, errOut := runCmd(t, append([]string{"--config", cfg, "--log-level", "warn", "crawl", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("crawl: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	return summaries(t, out)
}

// summaries parses what `crawl --json` printed: one summary a line.
func summaries(t *testing.T, out string) []harvest.Summary {
	t.Helper()
	var sums []harvest.Summary
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s harvest.Summary
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("summary is not JSON: %v\n%s", err, sc.Text())
		}
		sums = append(sums, s)
	}
	return sums
}

func lsJSON(t *testing.T, cfg string) []archive.Version {
	t.Helper()
	code, out, errOut := runCmd(t, "--config", cfg, "archive", "ls", "--versions", "--json")
	if code != 0 {
		t.Fatalf("archive ls: exit %d: %s", code, errOut)
	}
	var vs []archive.Version
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var v archive.Version
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestCrawlPortal(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := portalSetup(t, srv, nil)
	reports := portaltest.Reports()

	sums := crawlJSON(t, cfg, "--all")
	if len(sums) != 1 {
		t.Fatalf("got %d summaries, want 1", len(sums))
	}
	s := sums[0]
	if s.Status != "ok" || s.NewDocuments != len(reports) || s.NewSources != 1 || s.NewVersions != 0 || s.Unchanged != 0 {
		t.Errorf("first crawl summary: %+v", s)
	}
	// Every list page of every pagination style was read.
	for _, c := range portaltest.Columns() {
		for _, p := range c.Pages {
			if srv.Count(p)+srv.Count(strings.TrimSuffix(p, "index.html")) == 0 {
				t.Errorf("list page %s (%s paging) was never requested", p, c.Paging)
			}
		}
	}

	// The archive verifies and holds each report once, the repost as a second source.
	vers := archivetest.Check(t, archiveDir)
	if len(vers) != len(reports) {
		t.Fatalf("archive holds %d versions, want %d", len(vers), len(reports))
	}
	byTitle := map[string]archive.Version{}
	for _, v := range vers {
		byTitle[v.Title] = v
	}
	a, err := archive.Open(archiveDir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, r := range reports {
		v, ok := byTitle[r.Title]
		if !ok {
			t.Errorf("report %q not archived", r.Title)
			continue
		}
		if v.Year != r.Year || v.Kind != r.Kind || v.Version != 1 || v.Site != "jinnan" {
			t.Errorf("%s: year %d kind %s v%d site %s, want year %d kind %s v1", r.Title, v.Year, v.Kind, v.Version, v.Site, r.Year, r.Kind)
		}
		if want := filepath.ToSlash(filepath.Join("jinnan", itoa(r.Year), v.Doc, "v1.txt")); v.Path != want {
			t.Errorf("%s: path %s, want %s", r.Title, v.Path, want)
		}
		text, err := os.ReadFile(filepath.Join(archiveDir, v.Path))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Para {
			if !strings.Contains(string(text), p+"\n") {
				t.Errorf("%s (GBK %v): paragraph missing: %.60s…", r.Title, r.GBK, p)
			}
		}
		for _, chrome := range []string{"分享到", "当前位置", "点击数", "网站标识码", "ICP备", "上一篇", "今天是", "适老版"} {
			if strings.Contains(string(text), chrome) {
				t.Errorf("%s: chrome %q kept in the text", r.Title, chrome)
			}
		}
		sum := sha256.Sum256(text)
		if hex.EncodeToString(sum[:]) != v.SHA256 {
			t.Errorf("%s: sha256 of %s does not match its metadata", r.Title, v.Path)
		}
		d, err := a.Doc(context.Background(), v.Doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Sources) != len(r.Paths) {
			t.Errorf("%s: %d sources, want %d (%v)", r.Title, len(d.Sources), len(r.Paths), d.Sources)
		}
		for _, p := range r.Paths {
			found := false
			for _, src := range d.Sources {
				found = found || src.URL == srv.URL+p
			}
			if !found {
				t.Errorf("%s: source %s not recorded", r.Title, p)
			}
		}
	}

	// Robots, hosts and the User-Agent.
	for _, p := range portaltest.Disallowed() {
		if n := srv.Count(p); n != 0 {
			t.Errorf("robots.txt disallows %s, but it was requested %d times", p, n)
		}
	}
	if srv.Count("/robots.txt") == 0 {
		t.Error("robots.txt was never requested")
	}
	if n := len(srv.Offsite.Requests()); n != 0 {
		t.Errorf("the off-site server got %d requests", n)
	}
	for _, r := range srv.Requests() {
		if r.UserAgent != testUA {
			t.Errorf("%s sent User-Agent %q", r.URI(), r.UserAgent)
		}
	}

	// An unchanged re-crawl adds nothing, although counters and clocks moved.
	sums = crawlJSON(t, cfg, "jinnan")
	if s := sums[0]; s.NewDocuments != 0 || s.NewVersions != 0 || s.NewSources != 0 || s.Unchanged != len(reports)+1 {
		t.Errorf("re-crawl summary: %+v", s)
	}
	if got := archivetest.Check(t, archiveDir); len(got) != len(reports) {
		t.Errorf("re-crawl changed the archive: %d versions", len(got))
	}

	// A changed page adds v2 and leaves v1 byte-identical.
	changed := reports[1]
	v1 := byTitle[changed.Title]
	v1Before, _ := os.ReadFile(filepath.Join(archiveDir, v1.Path))
	page, err := fs.ReadFile(portaltest.Portal(), strings.TrimPrefix(changed.Paths[0], "/"))
	if err != nil {
		t.Fatal(err)
	}
	const added = "(六)补充说明:本报告于发布后更正了一处数字。"
	edited := bytes.Replace(page, []byte(changed.Para[2]), []byte(changed.Para[2]+"<br>"+added), 1)
	if bytes.Equal(edited, page) {
		t.Fatal("the test's edit did not apply")
	}
	srv.Set(changed.Paths[0], edited)
	sums = crawlJSON(t, cfg, "jinnan")
	if s := sums[0]; s.NewVersions != 1 || s.NewDocuments != 0 || s.Unchanged != len(reports) {
		t.Errorf("after one change: %+v", s)
	}
	v1After, _ := os.ReadFile(filepath.Join(archiveDir, v1.Path))
	if !bytes.Equal(v1Before, v1After) {
		t.Error("v1 changed when v2 was added")
	}
	code, out, errOut := runCmd(t, "--config", cfg, "archive", "show", v1.Doc)
	if code != 0 || !strings.Contains(out, added+"\n") {
		t.Errorf("archive show %s (latest): exit %d %s\n%s", v1.Doc, code, errOut, out)
	}
	code, out, _ = runCmd(t, "--config", cfg, "archive", "show", v1.Doc+"@v1")
	if code != 0 || out != string(v1Before) {
		t.Errorf("archive show %s@v1 differs from v1.txt", v1.Doc)
	}
	code, out, errOut = runCmd(t, "--config", cfg, "archive", "diff", v1.Doc)
	if code != 0 || !regexp.MustCompile(`\n@@ -\d+,0 \+\d+ @@\n`).MatchString(out) || !strings.Contains(out, "\n+ "+added+"\n") || strings.Contains(out, "\n- ") {
		t.Errorf("archive diff %s: exit %d %s\n%s", v1.Doc, code, errOut, out)
	}
	if code, out, _ = runCmd(t, "--config", cfg, "archive", "diff", v1.Doc, "v2", "v2"); code != 0 || !strings.Contains(out, "(the same text)") {
		t.Errorf("archive diff v2 v2: exit %d\n%s", code, out)
	}
	if code, _, errOut = runCmd(t, "--config", cfg, "archive", "diff", v1.Doc, "v9"); code != exitConfig || !strings.Contains(errOut, "has versions v1 to v2") {
		t.Errorf("archive diff v9: exit %d, %s", code, errOut)
	}
	// export: one record per document (the latest version), or per version.
	code, out, errOut = runCmd(t, "--config", cfg, "archive", "export", "--format", "jsonl")
	if n := strings.Count(out, "\n"); code != 0 || n != len(reports) || !strings.Contains(out, `"version":2,"versions":2`) || !strings.Contains(out, added) ||
		!strings.Contains(out, `"from":"page"`) {
		t.Errorf("archive export: exit %d, %d records %s\n%.400s", code, n, errOut, out)
	}
	code, out, _ = runCmd(t, "--config", cfg, "archive", "export", "--format", "csv", "--all-versions", "--kind", "fzzf", "--year", "2024")
	if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != 0 || err != nil || len(recs) != 1+3 || recs[0][0] != "site" || recs[0][len(recs[0])-1] != "text" {
		t.Errorf("archive export csv: exit %d, %v, %d rows", code, err, len(recs))
	}
	if code, _, _ = runCmd(t, "--config", cfg, "archive", "export", "--format", "xml"); code != exitConfig {
		t.Errorf("export --format xml: exit %d", code)
	}
	vers = lsJSON(t, cfg)
	if len(vers) != len(reports)+1 {
		t.Errorf("archive ls --json: %d versions, want %d", len(vers), len(reports)+1)
	}
	for _, v := range vers {
		if v.Site == "" || v.Doc == "" || v.URL == "" || v.Title == "" || v.Year == 0 || v.Version == 0 ||
			len(v.SHA256) != 64 || v.Path == "" || v.FetchedAt.IsZero() {
			t.Errorf("archive ls --json: incomplete %+v", v)
		}
	}
	archivetest.Check(t, archiveDir)
}

func TestCrawlBoundedTrap(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, _ := portalSetup(t, srv, map[string]string{
		"sites/trap.yaml": "name: trap\nstart: " + srv.URL + "/trap/?page=1\nmax_pages: 7\n",
	})
	sums := crawlJSON(t, cfg, "trap")
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/trap/") {
			n++
		}
	}
	if n > 7 || sums[0].ListPages > 7 {
		t.Errorf("endless pagination: %d requests under /trap/, %d list pages; want at most max_pages (7)", n, sums[0].ListPages)
	}
	if sums[0].ReportsFound != 0 {
		t.Errorf("the trap has no reports: %+v", sums[0])
	}
}

func TestCrawlLockedArchive(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := portalSetup(t, srv, nil)
	a, err := archive.Open(archiveDir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	code, _, errOut := runCmd(t, "--config", cfg, "crawl", "jinnan")
	if code != exitLocked || !strings.Contains(errOut, "locked by another nianbao process (pid ") {
		t.Errorf("exit %d, stderr %q; want %d naming the holder", code, errOut, exitLocked)
	}
	if len(srv.Requests()) != 0 {
		t.Error("a crawl that cannot write the archive fetched pages")
	}
}

// A page that fails inside a good run is counted and the command exits 0;
// a site none of whose start pages could be read failed, and the command
// exits exitFailed naming the cause, after the other sites ran.
func TestCrawlFailuresAreCounted(t *testing.T) {
	srv := portaltest.NewPortal(t)
	// One report page fails with a 500, another is gone (404).
	broken := portaltest.Reports()[2].Paths[0]
	srv.Set(broken, []byte("<!-- portaltest: status=500 -->\n<html><body>服务器错误</body></html>"))
	gone := portaltest.Reports()[3].Paths[0]
	srv.Remove(gone)
	closed := portaltest.ClosedAddr(t)
	cfg, archiveDir := portalSetup(t, srv, map[string]string{
		"sites/gone.yaml":    "name: gone\nstart: " + srv.URL + "/no-such-column/\n",
		"sites/refused.yaml": "name: refused\nstart: http://" + closed + "/xxgk/\n",
	})
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantOut   []string // in the summary (stdout)
		wantErr   []string // in stderr
		notOut    []string
		wantSites map[string]string // site → status in the --json summaries
	}{
		{name: "pages fail in a good run", args: []string{"jinnan"}, wantCode: exitOK,
			wantOut:   []string{"jinnan", "http_5xx=1", "http_4xx=1", broken, gone},
			wantSites: map[string]string{"jinnan": "ok"}},
		{name: "start page 404", args: []string{"gone"}, wantCode: exitFailed,
			wantOut:   []string{"gone: run failed: no start page could be read: " + srv.URL + "/no-such-column/", "404"},
			wantErr:   []string{"nianbao: site gone failed: no start page could be read: " + srv.URL + "/no-such-column/"},
			wantSites: map[string]string{"gone": "failed"}},
		{name: "connection refused", args: []string{"refused"}, wantCode: exitFailed,
			wantOut:   []string{"refused: run failed: no start page could be read", "connection refused"},
			wantErr:   []string{"nianbao: site refused failed: ", "connection refused"},
			wantSites: map[string]string{"refused": "failed"}},
		{name: "one site of three failed", args: []string{"--all"}, wantCode: exitFailed,
			wantOut:   []string{"http_5xx=1"},
			wantErr:   []string{"2 sites failed:\n  gone: no start page could be read", "\n  refused: no start page could be read"},
			wantSites: map[string]string{"jinnan": "ok", "gone": "failed", "refused": "failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", cfg, "--log-level", "error", "crawl"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("summary lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if strings.Contains(out, "errors by kind: \n") {
				t.Errorf("an empty list of errors:\n%s", out)
			}
			code, out, errOut = runCmd(t, append([]string{"--config", cfg, "--log-level", "error", "crawl", "--json"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("--json: exit %d, want %d: %s", code, tt.wantCode, errOut)
			}
			got := map[string]string{}
			for _, s := range summaries(t, out) {
				got[s.Site] = s.Status
				if s.Trigger != triggerCLI {
					t.Errorf("%s: trigger %q, want %q", s.Site, s.Trigger, triggerCLI)
				}
				if s.Status == "failed" && !strings.Contains(s.Error, "no start page could be read") {
					t.Errorf("%s: failed without its cause: %+v", s.Site, s)
				}
			}
			if !maps.Equal(got, tt.wantSites) {
				t.Errorf("statuses %v, want %v", got, tt.wantSites)
			}
		})
	}
	archivetest.Check(t, archiveDir)

	// The runs' records say what started them: cli.
	a, err := archive.Open(archiveDir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	runs, err := a.Runs(context.Background(), "", 100)
	if err != nil || len(runs) == 0 {
		t.Fatalf("%d runs recorded: %v", len(runs), err)
	}
	for _, r := range runs {
		b, _ := json.Marshal(r.Summary)
		var sum harvest.Summary
		if err := json.Unmarshal(b, &sum); err != nil || sum.Trigger != triggerCLI {
			t.Errorf("run %s: recorded trigger %q (%v), want %q", r.ID, sum.Trigger, err, triggerCLI)
		}
	}
}

// A crawl interrupted (SIGINT, SIGTERM: its context cancelled) while a
// page is on its way says "interrupted", not Go's "context canceled", and
// prints no empty list of errors.
func TestCrawlInterrupted(t *testing.T) {
	srv := portaltest.NewPortal(t)
	slow := portaltest.Reports()[0].Paths[0]
	page, err := fs.ReadFile(portaltest.Portal(), strings.TrimPrefix(slow, "/"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Set(slow, append([]byte("<!-- portaltest: delay=1m -->\n"), page...))
	cfg, _ := portalSetup(t, srv, nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // the signal, once the slow page is asked for
		for srv.Count(slow) == 0 && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"--config", cfg, "--log-level", "error", "crawl", "jinnan"}, &out, &errOut)
	if code != exitError || errOut.String() != "nianbao: interrupted\n" {
		t.Errorf("exit %d, stderr %q; want %d and \"nianbao: interrupted\"", code, errOut.String(), exitError)
	}
	if strings.Contains(out.String(), "context canceled") || strings.Contains(out.String(), "errors by kind: \n") ||
		!strings.Contains(out.String(), "jinnan: run cancelled: interrupted\n") || !strings.Contains(out.String(), "cancelled") {
		t.Errorf("summary:\n%s", out.String())
	}
}
