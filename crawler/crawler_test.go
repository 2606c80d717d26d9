package crawler_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

func site(t testing.TB, yaml string) *sites.Site {
	t.Helper()
	s, probs := sites.Parse([]byte(yaml), "test.yaml", sites.Defaults{Timeout: 10e9, MaxPages: 20, Encoding: "gb18030"})
	if probs != nil {
		t.Fatal(probs)
	}
	return s
}

func report(title string) string {
	return `<html><head><meta name="ArticleTitle" content="` + title + `"><title>` + title + `</title></head><body>
<div class="TRS_Editor"><p>` + strings.Repeat("本年度法治政府建设取得积极成效,各项工作稳步推进。", 8) + `</p></div></body></html>`
}

func list(links ...string) string {
	return "<html><body><ul>" + strings.Join(links, "\n") + "</ul></body></html>"
}

// sorted returns a sorted copy of s.
func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

type collected struct{ pages []*crawler.Page }

func (c *collected) handle(_ context.Context, p *crawler.Page) error {
	c.pages = append(c.pages, p)
	return nil
}

func TestCrawlCases(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	tests := []struct {
		name      string
		files     fstest.MapFS
		start     string
		siteYAML  string // extra lines for the site file
		maxBody   int
		wantURLs  []string // paths of report pages handed over (fetched in an order that varies by run)
		wantStats func(crawler.Stats) string
		never     []string // paths that must never be requested
	}{
		{
			name: "1-based createPageHTML",
			files: fstest.MapFS{
				"c/index.html":   {Data: []byte(`<html><body><script>createPageHTML('page_div', 3, 1, 'index', 'html', 40);</script></body></html>`)},
				"c/index_2.html": {Data: []byte(list(`<li><a href="a.html">` + title + `</a></li>`))},
				"c/index_3.html": {Data: []byte(list(`<li><a href="b.html">2022年法治政府建设年度报告</a></li>`))},
				"c/a.html":       {Data: []byte(report(title))},
				"c/b.html":       {Data: []byte(report("2022年法治政府建设年度报告"))},
			},
			start:    "/c/",
			wantURLs: []string{"/c/a.html", "/c/b.html"},
			never:    []string{"/c/index_1.html"},
		},
		{
			name: "a page over max_body_size is an error, not a truncated report",
			files: fstest.MapFS{
				"c/index.html": {Data: []byte(list(`<li><a href="big.html">` + title + `</a></li>`))},
				"c/big.html":   {Data: []byte(report(title) + strings.Repeat("<!-- padding -->", 400))},
			},
			start:   "/c/index.html",
			maxBody: 4096,
			wantStats: func(s crawler.Stats) string {
				if s.Errors[crawler.ErrTooLarge] != 1 || s.Reports != 0 {
					return "want one too_large error and no report"
				}
				return ""
			},
		},
		{
			name: "reports published as files are handed over as files; files nianbao cannot read are skipped",
			files: fstest.MapFS{
				"c/index.html": {Data: []byte(list(
					`<li><a href="P020240101.pdf">`+title+`(PDF)</a></li>`,
					`<li><a href="downfile.jsp?id=7">2022年法治政府建设年度报告</a></li>`,
					`<li><a href="P020210101.zip">2021年法治政府建设年度报告(压缩包)</a></li>`))},
				"c/P020240101.pdf":      {Data: []byte("%PDF-1.7")},
				"c/downfile.jsp%3Fid=7": {Data: []byte("<!-- portaltest: content-type=\"application/octet-stream\" -->\n%PDF-1.7 not html")},
				"c/P020210101.zip":      {Data: []byte("PK\x03\x04 a zip of something else")},
			},
			start:    "/c/index.html",
			wantURLs: []string{"/c/P020240101.pdf", "/c/downfile.jsp?id=7"},
			wantStats: func(s crawler.Stats) string {
				if s.Files != 3 || s.Reports != 2 || s.Skipped[crawler.SkipNotHTML] != 1 || len(s.Errors) != 0 {
					return "want three files, two of them reports, and one not_html skip"
				}
				return ""
			},
		},
		{
			name: "redirected report keeps both URLs",
			files: fstest.MapFS{
				"c/index.html": {Data: []byte(list(`<li><a href="old.html">` + title + `</a></li>`))},
				"c/old.html":   {Data: []byte("<!-- portaltest: status=301 location=\"/c/new.html\" -->\n")},
				"c/new.html":   {Data: []byte(report(title))},
			},
			start:    "/c/index.html",
			wantURLs: []string{"/c/new.html"},
		},
		{
			name: "a page slower than the site's timeout is a timeout error",
			files: fstest.MapFS{
				"c/index.html": {Data: []byte(list(`<li><a href="slow.html">` + title + `</a></li>`))},
				"c/slow.html":  {Data: []byte("<!-- portaltest: delay=5s -->\n" + report(title))},
			},
			start:    "/c/index.html",
			siteYAML: "timeout: 300ms\n",
			wantStats: func(s crawler.Stats) string {
				if s.Errors[crawler.ErrTimeout] != 1 || s.Reports != 0 {
					return "want one timeout error"
				}
				return ""
			},
		},
		{
			name: "a failing list page is counted and the others still read",
			files: fstest.MapFS{
				"c/index.html":   {Data: []byte(list(`<li><a href="a.html">`+title+`</a></li>`, `<li><a href="index_1.html">2</a></li>`))},
				"c/index_1.html": {Data: []byte("<!-- portaltest: status=503 -->\n<html>busy</html>")},
				"c/a.html":       {Data: []byte(report(title))},
			},
			start:    "/c/index.html",
			wantURLs: []string{"/c/a.html"},
			wantStats: func(s crawler.Stats) string {
				if s.Errors[crawler.ErrHTTP5xx] != 1 {
					return "want one http_5xx"
				}
				return ""
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewServer(t, tt.files)
			s := site(t, "name: t\nstart: "+srv.URL+tt.start+"\ndelay: 0s\n"+tt.siteYAML)
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", MaxBodySize: tt.maxBody, MaxProbes: 5}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, p := range got.pages {
				urls = append(urls, strings.TrimPrefix(p.URL, srv.URL))
			}
			sort.Strings(urls)
			if strings.Join(urls, " ") != strings.Join(sorted(tt.wantURLs), " ") {
				t.Errorf("reports %v, want %v (stats %+v)", urls, tt.wantURLs, st)
			}
			if tt.wantStats != nil {
				if msg := tt.wantStats(st); msg != "" {
					t.Errorf("%s; stats %+v", msg, st)
				}
			}
			for _, p := range tt.never {
				if n := srv.Count(p); n != 0 {
					t.Errorf("%s requested %d times", p, n)
				}
			}
			for _, p := range got.pages {
				if p.File != nil {
					if p.File.Kind != "pdf" || !strings.HasPrefix(string(p.File.Body), "%PDF") || len(p.HTML) != 0 || p.Status != 200 || p.FetchedAt.IsZero() {
						t.Errorf("file %s: %+v", p.URL, p.File)
					}
					continue
				}
				if len(p.Body) == 0 || len(p.HTML) == 0 || p.Status != 200 || p.FetchedAt.IsZero() {
					t.Errorf("incomplete page %+v", p.URL)
				}
				if strings.HasSuffix(p.URL, "/new.html") && !strings.HasSuffix(p.LinkURL, "/old.html") {
					t.Errorf("redirect: link URL %s", p.LinkURL)
				}
			}
		})
	}
}

// A cancelled context ends a crawl at once, even in the middle of a long
// politeness delay.
func TestCrawlCancelDuringDelay(t *testing.T) {
	srv := portaltest.NewServer(t, fstest.MapFS{
		"a/index.html": {Data: []byte(list())},
		"b/index.html": {Data: []byte(list())},
	})
	s := site(t, "name: t\nstart: ["+srv.URL+"/a/, "+srv.URL+"/b/]\ndelay: 1h\n")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := crawler.Crawl(ctx, s, crawler.Options{UserAgent: "t"}, func(context.Context, *crawler.Page) error { return nil })
		done <- err
	}()
	for srv.Count("/a/") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("crawl still waiting on its 1h delay after cancel")
	}
	if srv.Count("/b/") != 0 {
		t.Error("the second page was fetched despite the delay")
	}
}

// Two crawls sharing a Hosts never have two requests in flight to one host,
// though they run at the same time.
func TestCrawlsShareHosts(t *testing.T) {
	const slow = 150 * time.Millisecond
	page := "<!-- portaltest: delay=150ms -->\n" + report("2023年法治政府建设年度报告")
	srv := portaltest.NewServer(t, fstest.MapFS{
		"a/index.html": {Data: []byte("<!-- portaltest: delay=150ms -->\n" + list(`<li><a href="r.html">2023年法治政府建设年度报告</a></li>`))},
		"a/r.html":     {Data: []byte(page)},
		"b/index.html": {Data: []byte("<!-- portaltest: delay=150ms -->\n" + list(`<li><a href="r.html">2022年法治政府建设年度报告</a></li>`))},
		"b/r.html":     {Data: []byte(page)},
	})
	hosts := crawler.NewHosts()
	done := make(chan error, 2)
	for _, col := range []string{"a", "b"} {
		s := site(t, "name: "+col+"\nstart: "+srv.URL+"/"+col+"/index.html\ndelay: 0s\n")
		go func() {
			_, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Hosts: hosts}, func(context.Context, *crawler.Page) error { return nil })
			done <- err
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	var starts []time.Time
	for _, r := range srv.Requests() {
		if r.Path != "/robots.txt" {
			starts = append(starts, r.Time)
		}
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	if len(starts) != 4 {
		t.Fatalf("%d requests, want 4", len(starts))
	}
	// Each request takes the server 150 ms: taking turns, no two start
	// closer together than that.
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < slow {
			t.Errorf("requests %d and %d to the same host overlap: %v apart", i-1, i, gap)
		}
	}
}
