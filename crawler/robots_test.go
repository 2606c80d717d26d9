package crawler_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// deadURL is the URL of a loopback port nothing listens on (any more).
func deadURL(t *testing.T) string { return "http://" + portaltest.ClosedAddr(t) }

// A robots.txt that cannot be read is tried like a page (three tries, the
// same backoff, Retry-After honoured, retries counted); when it still cannot
// be read, every URL of its host fails with the kind and cause of
// robots.txt's own failure — the start page first, so that a run that read
// nothing names why — and robots.txt is not asked again in the run.
func TestCrawlRobotsUnreadable(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	tests := []struct {
		name        string
		robots      string // robots.txt; "" for a host nothing listens on
		siteYAML    string
		wantKind    string   // of every start page's failure ("": the crawl goes on)
		wantErr     []string // in the first failure's Err
		wantRobots  int      // requests for robots.txt
		wantRetries int
		wantPages   int
		minGap      time.Duration // between the first two requests for robots.txt
	}{
		{
			name:        "connection refused",
			wantKind:    crawler.ErrNetwork,
			wantErr:     []string{"/robots.txt could not be read (", "connection refused", "3 tries", "RFC 9309 says to assume all is disallowed, so the host is not crawled this run"},
			wantRetries: 2,
		},
		{
			name:        "503 every time",
			robots:      "<!-- portaltest: fail=100 -->\nUser-agent: *\nAllow: /\n",
			wantKind:    crawler.ErrHTTP5xx,
			wantErr:     []string{"/robots.txt could not be read (HTTP 503, 3 tries)", "RFC 9309"},
			wantRobots:  3,
			wantRetries: 2,
		},
		{
			name:        "slower than the site's timeout",
			robots:      "<!-- portaltest: delay=2s -->\nUser-agent: *\nAllow: /\n",
			siteYAML:    "timeout: 300ms\n",
			wantKind:    crawler.ErrTimeout,
			wantErr:     []string{"/robots.txt could not be read (", "3 tries", "RFC 9309"},
			wantRobots:  3,
			wantRetries: 2,
		},
		{
			name:        "503 twice, then read",
			robots:      "<!-- portaltest: fail=2 -->\nUser-agent: *\nDisallow: /private/\n",
			wantRobots:  3,
			wantRetries: 2,
			wantPages:   1,
		},
		{
			name:        "429 with Retry-After, then read",
			robots:      "<!-- portaltest: fail=1 fail-status=429 retry-after=1 -->\nUser-agent: *\nDisallow: /private/\n",
			wantRobots:  2,
			wantRetries: 1,
			wantPages:   1,
			minGap:      900 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := deadURL(t)
			var srv *portaltest.Server
			if tt.robots != "" {
				srv = portaltest.NewServer(t, fstest.MapFS{
					"robots.txt":   {Data: []byte(tt.robots)},
					"c/index.html": {Data: []byte(list(`<li><a href="r.html">` + title + `</a></li>`))},
					"d/index.html": {Data: []byte(list())},
					"c/r.html":     {Data: []byte(report(title))},
				})
				base = srv.URL
			}
			s := site(t, "name: t\nstart: ["+base+"/c/index.html, "+base+"/d/index.html]\ndelay: 0s\n"+tt.siteYAML)
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Backoff: 10 * time.Millisecond}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.pages) != tt.wantPages || st.Retries != tt.wantRetries {
				t.Errorf("pages %d, retries %d; want %d, %d", len(got.pages), st.Retries, tt.wantPages, tt.wantRetries)
			}
			if srv != nil {
				if n := srv.Count("/robots.txt"); n != tt.wantRobots {
					t.Errorf("robots.txt requested %d times, want %d", n, tt.wantRobots)
				}
				reqs := srv.Requests()
				if len(reqs) >= 2 && reqs[1].Time.Sub(reqs[0].Time) < tt.minGap {
					t.Errorf("robots.txt asked again after %v, want at least %v (Retry-After)", reqs[1].Time.Sub(reqs[0].Time), tt.minGap)
				}
			}
			if tt.wantKind == "" {
				if len(st.Failures) != 0 || st.ListPages != 2 {
					t.Errorf("list pages %d, failures %+v", st.ListPages, st.Failures)
				}
				return
			}
			if st.ListPages != 0 || len(st.Failures) != 2 || st.Errors[tt.wantKind] != 2 || len(st.Skipped) != 0 {
				t.Fatalf("list pages %d, errors %v, skipped %v, failures %+v; want both start pages failed as %s",
					st.ListPages, st.Errors, st.Skipped, st.Failures, tt.wantKind)
			}
			f := st.Failures[0]
			if f.URL != base+"/c/index.html" || f.Kind != tt.wantKind || f.Status != 0 {
				t.Errorf("first failure %+v, want the start page's, of kind %s, without a status (it was not asked for)", f, tt.wantKind)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(f.Err, w) {
					t.Errorf("failure %q does not say %q", f.Err, w)
				}
			}
			if srv != nil && srv.Count("/c/index.html")+srv.Count("/d/index.html") != 0 {
				t.Error("a start page was requested")
			}
		})
	}
}

// A URL robots.txt disallows is skipped as robots_disallowed, counted and
// named with the rule — a list page, a report link, a redirect into the
// disallowed part, a probe and an attachment alike — and never requested.
// It is not an error.
func TestCrawlRobotsDisallowedIsASkip(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	srv := portaltest.NewServer(t, fstest.MapFS{
		"robots.txt": {Data: []byte("User-agent: *\nDisallow: /private/\n")},
		"c/index.html": {Data: []byte(list(
			`<li><a href="r.html">`+title+`</a></li>`,
			`<li><a href="/private/p.html">2022年法治政府建设年度报告</a></li>`,
			`<li><a href="go.html">2021年法治政府建设年度报告</a></li>`,
			`<li><a href="/private/t.html">2020年法治政府建设…</a></li>`))},
		"c/r.html":  {Data: []byte(strings.Replace(report(title), "</div>", `<p><a href="/private/a.pdf">附件：报告全文.pdf</a></p></div>`, 1))},
		"c/go.html": {Data: []byte(`<!-- portaltest: status=302 location="/private/q.html" -->` + "\n")},
	})
	s := site(t, "name: t\nstart: ["+srv.URL+"/c/index.html, "+srv.URL+"/private/list.html]\ndelay: 0s\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", MaxProbes: 5}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.pages) != 1 || !strings.HasSuffix(got.pages[0].URL, "/c/r.html") || len(got.pages[0].Attachments) != 0 {
		t.Errorf("handed over %d pages, want /c/r.html without attachments", len(got.pages))
	}
	if len(st.Errors) != 0 || len(st.Failures) != 0 {
		t.Errorf("errors %v, failures %+v; want none", st.Errors, st.Failures)
	}
	want := []string{"/private/list.html", "/private/p.html", "/c/go.html", "/private/a.pdf", "/private/t.html"}
	if st.Skipped[crawler.SkipRobots] != len(want) {
		t.Errorf("skipped %v, want %d robots_disallowed", st.Skipped, len(want))
	}
	named := map[string]string{}
	for _, sk := range st.Skips {
		if sk.Kind == crawler.SkipRobots {
			named[strings.TrimPrefix(sk.URL, srv.URL)] = sk.Err
		}
	}
	for _, p := range want {
		if e := named[p]; !strings.Contains(e, "disallowed by "+srv.URL+"/robots.txt for user-agent t") {
			t.Errorf("%s: skip %q does not name the rule", p, e)
		}
	}
	if e := named["/c/go.html"]; !strings.Contains(e, "redirected to "+srv.URL+"/private/q.html") {
		t.Errorf("the redirect's skip %q does not name its target", e)
	}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/private/") {
			t.Errorf("%s was requested", r.Path)
		}
	}
}
