package crawler_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// TestCrawlHostile runs the crawler against portals that fail, stall, loop,
// lie about their content or answer anti-bot pages, and checks what was
// handed over, what the stats say and, from the server's own log, what was
// requested and how often.
func TestCrawlHostile(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	const other = "2022年法治政府建设年度报告"
	links := list(`<li><a href="r.html">`+title+`</a></li>`, `<li><a href="s.html">`+other+`</a></li>`)
	tests := []struct {
		name       string
		r          string // the page at /c/r.html
		siteYAML   string
		maxBody    int
		wantPages  []string       // report pages handed over (in any order)
		wantErrors map[string]int // Stats.Errors
		wantSkip   map[string]int // Stats.Skipped
		wantCount  map[string]int // requests per path
		wantRetry  int
		blocked    bool // /c/r.html is in BlockedURLs
	}{
		// An anti-bot answer to one link does not leave the host's other
		// links alone (TestCrawlBlockedHosts: when it does).
		{
			name: "412 challenge titled like a report",
			r: "<!-- portaltest: status=412 -->\n<html><head><title>" + title + `</title><meta http-equiv="Content-Type" content="text/html; charset=utf-8">` +
				`<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd="qEr";</script><script src="/4QbVtADbnLVIc/c.FxJzG50F.js"></script></head><body></body></html>`,
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrBlocked: 1},
			wantCount:  map[string]int{"/c/r.html": 1, "/c/s.html": 1},
			blocked:    true,
		},
		{
			name:       "521 jiasule challenge",
			r:          "<!-- portaltest: status=521 -->\n<script>document.cookie=('_')+('_jsl_clearance_s')+('=')+(-~[]+'6');location.href=location.pathname+location.search</script>",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrBlocked: 1},
			wantCount:  map[string]int{"/c/r.html": 1, "/c/s.html": 1},
			blocked:    true,
		},
		{
			name:       "WAF interstitial on a tiny 200 page",
			r:          "<html><head><title>" + title + "</title></head><body><p>访问异常，请开启JavaScript并刷新该页</p></body></html>",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrBlocked: 1},
			wantCount:  map[string]int{"/c/r.html": 1, "/c/s.html": 1},
			blocked:    true,
		},
		{
			name:       "empty 200 body",
			r:          "",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrBlocked: 1},
			blocked:    true,
		},
		{
			name:      "a report that merely mentions 安全验证 is a report",
			r:         strings.Replace(report(title), "<p>", "<p>加强网络安全验证和访问异常监测。", 1),
			wantPages: []string{"/c/r.html", "/c/s.html"},
		},
		{
			name:      "fails twice then works",
			r:         "<!-- portaltest: fail=2 -->\n" + report(title),
			wantPages: []string{"/c/r.html", "/c/s.html"},
			wantCount: map[string]int{"/c/r.html": 3},
			wantRetry: 2,
		},
		{
			name:       "always 503: three attempts, then an error",
			r:          "<!-- portaltest: fail=100 -->\n" + report(title),
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrHTTP5xx: 1},
			wantCount:  map[string]int{"/c/r.html": 3},
			wantRetry:  2,
		},
		{
			name:      "429 with Retry-After",
			r:         "<!-- portaltest: fail=1 fail-status=429 retry-after=1 -->\n" + report(title),
			wantPages: []string{"/c/r.html", "/c/s.html"},
			wantCount: map[string]int{"/c/r.html": 2},
			wantRetry: 1,
		},
		{
			name:       "404 is not retried",
			r:          "<!-- portaltest: status=404 -->\nnot here",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrHTTP4xx: 1},
			wantCount:  map[string]int{"/c/r.html": 1},
		},
		{
			name:       "redirect loop",
			r:          `<!-- portaltest: status=302 location="/c/loop.html" -->` + "\n",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrRedirect: 1},
			wantCount:  map[string]int{"/c/r.html": 2, "/c/loop.html": 2},
		},
		{
			name:       "redirect chain longer than 10 hops",
			r:          `<!-- portaltest: status=302 location="/c/hop1.html" -->` + "\n",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrRedirect: 1},
			wantCount:  map[string]int{"/c/r.html": 1, "/c/hop10.html": 1, "/c/hop11.html": 0},
		},
		{
			name:       "slow drip beyond the site's timeout",
			r:          "<!-- portaltest: drip=1s -->\n" + report(title),
			siteYAML:   "timeout: 300ms\n",
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrTimeout: 1},
			wantCount:  map[string]int{"/c/r.html": 3},
			wantRetry:  2,
		},
		{
			name:       "oversized page",
			r:          report(title) + strings.Repeat("<!-- padding -->", 1000),
			maxBody:    4000,
			wantPages:  []string{"/c/s.html"},
			wantErrors: map[string]int{crawler.ErrTooLarge: 1},
		},
		{
			name:      "PDF served as text/html is handed over as a file",
			r:         `<!-- portaltest: content-type="text/html" -->` + "\n%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n",
			wantPages: []string{"/c/r.html", "/c/s.html"},
		},
		{
			name:      "a scrap of an OLE file served as text/html is no file nianbao reads",
			r:         `<!-- portaltest: content-type="text/html; charset=utf-8" -->` + "\n\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00",
			wantPages: []string{"/c/s.html"},
			wantSkip:  map[string]int{crawler.SkipNotHTML: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fstest.MapFS{
				"c/index.html": {Data: []byte(links)},
				"c/r.html":     {Data: []byte(tt.r)},
				"c/s.html":     {Data: []byte(report(other))},
				"c/loop.html":  {Data: []byte(`<!-- portaltest: status=302 location="/c/r.html" -->` + "\n")},
			}
			for i := 1; i <= 11; i++ {
				files[fmt.Sprintf("c/hop%d.html", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, `<!-- portaltest: status=302 location="/c/hop%d.html" -->`+"\n", i+1)}
			}
			srv := portaltest.NewServer(t, files)
			s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n"+tt.siteYAML)
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", MaxBodySize: tt.maxBody, Backoff: 10 * time.Millisecond}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, p := range got.pages {
				paths = append(paths, strings.TrimPrefix(p.URL, srv.URL))
			}
			if fmt.Sprint(sorted(paths)) != fmt.Sprint(tt.wantPages) {
				t.Errorf("pages %v, want %v", paths, tt.wantPages)
			}
			if fmt.Sprint(st.Errors) != fmt.Sprint(orNil(tt.wantErrors)) {
				t.Errorf("errors %v, want %v (failures %+v)", st.Errors, tt.wantErrors, st.Failures)
			}
			if fmt.Sprint(st.Skipped) != fmt.Sprint(orNil(tt.wantSkip)) {
				t.Errorf("skipped %v, want %v", st.Skipped, tt.wantSkip)
			}
			for p, n := range tt.wantCount {
				if c := srv.Count(p); c != n {
					t.Errorf("%s requested %d times, want %d", p, c, n)
				}
			}
			if st.Retries != tt.wantRetry {
				t.Errorf("retries %d, want %d", st.Retries, tt.wantRetry)
			}
			if tt.blocked != (fmt.Sprint(st.BlockedURLs) == fmt.Sprint([]string{srv.URL + "/c/r.html"})) || len(st.BlockedHosts) != 0 {
				t.Errorf("blocked URLs %v, hosts %v", st.BlockedURLs, st.BlockedHosts)
			}
			if tt.name == "429 with Retry-After" {
				var times []time.Time
				for _, r := range srv.Requests() {
					if r.Path == "/c/r.html" {
						times = append(times, r.Time)
					}
				}
				if gap := times[1].Sub(times[0]); gap < 900*time.Millisecond {
					t.Errorf("retried %v after a 429 with Retry-After: 1", gap)
				}
			}
		})
	}
}

func orNil(m map[string]int) map[string]int {
	if len(m) == 0 {
		return nil
	}
	return m
}

// A report page with validators is asked for conditionally; list pages are
// not. A 304 hands over a NotModified page without a body.
func TestCrawlConditional(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(list(`<li><a href="r.html">` + title + `</a></li>`))},
		"c/r.html":     {Data: []byte(report(title))},
	})
	srv.SetConditional(true)
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
	var first collected
	if _, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t"}, first.handle); err != nil {
		t.Fatal(err)
	}
	etag, lm := first.pages[0].Header.Get("ETag"), first.pages[0].Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no validators: %v", first.pages[0].Header)
	}
	opts := crawler.Options{UserAgent: "t", Validators: func(_ context.Context, u string) (string, string) {
		if strings.HasSuffix(u, "/c/r.html") {
			return etag, lm
		}
		return "", ""
	}}
	var second collected
	st, err := crawler.Crawl(context.Background(), s, opts, second.handle)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.pages) != 1 || !second.pages[0].NotModified || len(second.pages[0].Body) != 0 || st.NotModified != 1 || st.Reports != 1 {
		t.Fatalf("second crawl: %+v, stats %+v", second.pages, st)
	}
	reqs := srv.Requests()
	for _, r := range reqs[len(reqs)-2:] {
		inm := r.Header.Get("If-None-Match")
		switch r.Path {
		case "/c/index.html":
			if inm != "" || r.Header.Get("If-Modified-Since") != "" {
				t.Errorf("list page asked for conditionally: %v", r.Header)
			}
		case "/c/r.html":
			if inm != etag || r.Header.Get("If-Modified-Since") != lm {
				t.Errorf("report asked for with %v, want If-None-Match %s", r.Header, etag)
			}
		}
	}
	// A handler that cannot use a 304 gets the page in full.
	var third collected
	refetch := func(ctx context.Context, p *crawler.Page) error {
		if p.NotModified {
			return crawler.ErrRefetch
		}
		return third.handle(ctx, p)
	}
	if _, err := crawler.Crawl(context.Background(), s, opts, refetch); err != nil {
		t.Fatal(err)
	}
	if len(third.pages) != 1 || third.pages[0].NotModified || len(third.pages[0].Body) == 0 {
		t.Errorf("refetch: %+v", third.pages)
	}
}

// robots.txt's Crawl-delay for our agent raises the host's delay above the
// site's.
func TestCrawlRobotsCrawlDelay(t *testing.T) {
	srv := portaltest.NewServer(t, fstest.MapFS{
		"robots.txt":   {Data: []byte("User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n")},
		"c/index.html": {Data: []byte(list(`<li><a href="r.html">2023年法治政府建设年度报告</a></li>`, `<li><a href="/private/p.html">2022年法治政府建设年度报告</a></li>`))},
		"c/r.html":     {Data: []byte(report("2023年法治政府建设年度报告"))},
	})
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t"}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.pages) != 1 || len(st.Errors) != 0 || st.Skipped[crawler.SkipRobots] != 1 || srv.Count("/private/p.html") != 0 || srv.Count("/robots.txt") != 1 {
		t.Fatalf("pages %d, stats %+v, robots.txt read %d times", len(got.pages), st, srv.Count("/robots.txt"))
	}
	var times []time.Time
	for _, r := range srv.Requests() {
		if r.Path != "/robots.txt" {
			times = append(times, r.Time)
		}
	}
	if gap := times[1].Sub(times[0]); gap < 900*time.Millisecond {
		t.Errorf("requests %v apart despite Crawl-delay: 1", gap)
	}
}

// `tls: legacy` lets a site whose server speaks only TLS 1.0 be crawled; the
// default refuses it.
func TestCrawlLegacyTLS(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	h := portaltest.NewHandler(fstest.MapFS{
		"c/index.html": {Data: []byte(list(`<li><a href="r.html">` + title + `</a></li>`))},
		"c/r.html":     {Data: []byte(report(title))},
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		tls   string
		pages int
	}{
		{"", 0},
		{"tls: legacy\n", 1},
	} {
		t.Run(strings.TrimSpace(tt.tls), func(t *testing.T) {
			s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n"+tt.tls)
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Transport: srv.Client().Transport.(*http.Transport).Clone(), Backoff: time.Millisecond}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.pages) != tt.pages {
				t.Errorf("pages %d, want %d; stats %+v", len(got.pages), tt.pages, st)
			}
		})
	}
}

// A long Retry-After is capped, and a cancelled context ends the wait at
// once.
func TestCrawlCancelDuringRetryAfter(t *testing.T) {
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte("<!-- portaltest: fail=100 fail-status=429 retry-after=3600 -->\n" + list())},
	})
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := crawler.Crawl(ctx, s, crawler.Options{UserAgent: "t"}, func(context.Context, *crawler.Page) error { return nil })
		done <- err
	}()
	for srv.Count("/c/index.html") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no error from a cancelled crawl")
		}
	case <-time.After(time.Minute):
		t.Fatal("crawl still waiting on Retry-After after cancel")
	}
	if n := srv.Count("/c/index.html"); n != 1 {
		t.Errorf("requested %d times", n)
	}
}
