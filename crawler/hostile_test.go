package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/hostiletest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// TestCrawlHostileBodies crawls a portal whose every report link is a
// hostile answer (internal/hostiletest): bombs under every way of saying
// gzip, a deflate bomb, an unknown coding, an endless page, tag soup over
// the parser's budget, redirects off the site and into robots.txt's
// forbidden part. Each must end in its own error or skip kind, nothing must
// be handed over, the redirect's target must never be asked, and no body
// may be read past its limit (the server counts what it sent).
func TestCrawlHostileBodies(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Write([]byte("<html><title>" + hostiletest.Title + "</title><body>the daemon's API</body></html>"))
	}))
	defer other.Close()
	h := hostiletest.NewHandler(hostiletest.RobotsPlain)
	h.BombSize = 256 << 20
	h.PageSize = 1 << 20
	h.Elsewhere = other.URL + "/api/sites/x/crawl"
	srv := hostiletest.NewServer(t, h)
	const maxBody = 2 << 20
	s := site(t, "name: t\nstart: "+srv.URL+"/list.html\ndelay: 0s\ntimeout: 20s\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", MaxBodySize: maxBody, MaxFileSize: 100 << 20,
		Backoff: 10 * time.Millisecond}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, p := range got.pages {
		kinds[strings.TrimPrefix(p.URL, srv.URL)] = "handed over"
	}
	for _, f := range append(st.Failures, st.Skips...) {
		kinds[strings.TrimPrefix(f.URL, srv.URL)] = f.Kind
		if f.Kind == crawler.SkipOffsiteRedirect && (!strings.Contains(f.Error(), srv.URL+"/r/offsite-redirect.html") || !strings.Contains(f.Error(), other.URL+"/api/sites/x/crawl")) {
			t.Errorf("the off-site redirect's error does not name both ends: %s", f.Error())
		}
	}
	for _, c := range hostiletest.Cases() {
		switch c.Kind {
		case "":
			c.Kind = "handed over"
		}
		if kinds[c.Path()] != c.Kind {
			t.Errorf("%s (%s): kind %q, want %q", c.Name, c.What, kinds[c.Path()], c.Kind)
		}
		// What the server sent: the client stops reading at its limit,
		// so the server stops too, once the socket buffers are full.
		if n := h.Sent(c.Name); n > 24<<20 {
			t.Errorf("%s: the server sent %d MB: the body was read past its limit", c.Name, n>>20)
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the off-site redirect's target was asked %d times", n)
	}
	if st.Skipped[crawler.SkipOffsiteRedirect] != 1 {
		t.Errorf("skipped %v, want one offsite_redirect", st.Skipped)
	}
}

// robots.txt is read up to 500 KiB, decoded under any Content-Encoding, and
// one that cannot be read whole forbids the host for the run, saying why.
func TestCrawlHostileRobots(t *testing.T) {
	tests := []struct {
		robots string
		want   map[string]string // path → "ok" (handed over), or the error or skip kind
	}{
		{hostiletest.RobotsPlain, map[string]string{"/ok.html": "ok", "/private/r.html": crawler.SkipRobots}},
		// The rules come first, then an endless stream: read the first 500 KiB.
		{hostiletest.RobotsEndless, map[string]string{"/ok.html": "ok", "/private/r.html": crawler.SkipRobots}},
		{hostiletest.RobotsBomb, map[string]string{"/ok.html": "ok", "/private/r.html": crawler.SkipRobots}},
		// Go's transport does not undo x-gzip: nianbao must, or the rules are lost.
		{hostiletest.RobotsXBomb, map[string]string{"/ok.html": "ok", "/private/r.html": crawler.SkipRobots}},
		// A robots.txt cut off by the timeout is no robots.txt: the host is left alone.
		{hostiletest.RobotsStall, map[string]string{"/robots-list.html": crawler.ErrTimeout, "/ok.html": ""}},
		// Nor is one that redirects off the site: robots.txt too comes from the site's hosts only.
		{hostiletest.RobotsOffsite, map[string]string{"/robots-list.html": crawler.ErrRedirect, "/ok.html": ""}},
	}
	for _, tt := range tests {
		t.Run("robots="+tt.robots, func(t *testing.T) {
			var elsewhere atomic.Int64
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				elsewhere.Add(1)
				w.Write([]byte("User-agent: *\nAllow: /\n"))
			}))
			defer other.Close()
			h := hostiletest.NewHandler(tt.robots)
			h.BombSize = 256 << 20
			h.Elsewhere = other.URL + "/robots.txt"
			srv := hostiletest.NewServer(t, h)
			s := site(t, "name: t\nstart: "+srv.URL+"/robots-list.html\ndelay: 0s\ntimeout: 1s\n")
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Backoff: 10 * time.Millisecond}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			res := map[string]string{}
			for _, p := range got.pages {
				res[strings.TrimPrefix(p.URL, srv.URL)] = "ok"
			}
			for _, f := range append(st.Failures, st.Skips...) {
				res[strings.TrimPrefix(f.URL, srv.URL)] = f.Kind
				if f.Kind != crawler.SkipRobots && !strings.Contains(f.Err, "RFC 9309 says to assume all is disallowed") {
					t.Errorf("%s: %q does not say why the host is not crawled", f.URL, f.Err)
				}
			}
			for p, want := range tt.want {
				if res[p] != want {
					t.Errorf("%s: %q, want %q (failures %+v)", p, res[p], want, st.Failures)
				}
			}
			if n := h.Sent("robots"); n > 24<<20 {
				t.Errorf("the server sent %d MB of robots.txt", n>>20)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("another host was asked %d times", n)
			}
		})
	}
}

// A list of thousands of report links is fetched up to the site's
// max_reports; the rest are skipped as reports_over_limit, named, and
// never requested.
func TestCrawlMaxReports(t *testing.T) {
	files := fstest.MapFS{}
	var links []string
	for i := range 2000 {
		links = append(links, fmt.Sprintf(`<li><a href="r%d.html">%d年法治政府建设年度报告</a></li>`, i, 2000+i%24))
		files[fmt.Sprintf("c/r%d.html", i)] = &fstest.MapFile{Data: []byte(report(fmt.Sprintf("%d年法治政府建设年度报告", 2000+i%24)))}
	}
	files["c/index.html"] = &fstest.MapFile{Data: []byte(list(links...))}
	srv := portaltest.NewServer(t, files)
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\nmax_reports: 25\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t"}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.pages) != 25 || st.Reports != 25 {
		t.Errorf("%d pages handed over, %d reports; want 25", len(got.pages), st.Reports)
	}
	if st.Skipped[crawler.SkipOverLimit] != 1975 {
		t.Errorf("skipped %v, want 1975 reports_over_limit", st.Skipped)
	}
	if len(st.Skips) != 20 || st.Skips[0].URL != srv.URL+"/c/r25.html" || !strings.Contains(st.Skips[0].Err, "max_reports") {
		t.Errorf("named skips: %d, first %+v", len(st.Skips), st.Skips[0])
	}
	if n := srv.Count("/c/r25.html") + srv.Count("/c/r1999.html"); n != 0 {
		t.Errorf("links over the limit requested %d times", n)
	}
}

// Hostile list pages: a pager naming ten million pages, a row of 40,000
// links. Each is read within its bounds (max_pages, 10,000 links a page),
// and the ordinary report they also link is archived.
func TestCrawlHostileLists(t *testing.T) {
	for _, start := range []string{hostiletest.FanOutList, hostiletest.RowList} {
		t.Run(start, func(t *testing.T) {
			srv := hostiletest.NewServer(t, hostiletest.NewHandler(hostiletest.RobotsPlain))
			s := site(t, "name: t\nstart: "+srv.URL+start+"\ndelay: 0s\nmax_pages: 5\n")
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t"}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.pages) != 1 || !strings.HasSuffix(got.pages[0].URL, "/ok.html") {
				t.Errorf("handed over %d pages, want /ok.html", len(got.pages))
			}
			if st.ListPages > 5 {
				t.Errorf("%d list pages read, max_pages 5", st.ListPages)
			}
			if start == hostiletest.RowList && st.Skipped[crawler.SkipListLinks] != 40_000+1-10_000 {
				t.Errorf("skipped %v, want the links past the first 10,000", st.Skipped)
			}
		})
	}
}
