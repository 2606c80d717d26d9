package crawler_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// challengePage is a Ruishu-style anti-bot answer.
const challengePage = "<!-- portaltest: status=412 -->\n<html><head><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=1;</script></head><body></body></html>"

// After an anti-bot answer the host's other URLs are still tried, each after
// a longer pause, and a page that comes through clears the count; four
// answers in a row and the host is left alone for the run (real challenge
// products guard whole hosts: that costs at most four requests). The list
// pages here are start pages, fetched in the order given.
func TestCrawlBlockedHosts(t *testing.T) {
	const pause = 20 * time.Millisecond // Options.BlockBackoff
	tests := []struct {
		name          string
		challenged    []bool // per start page: it answers an anti-bot page
		wantRequested int    // start pages requested (the first ones)
		wantSkipped   int    // blocked_host
		wantGivenUp   bool   // the host is in BlockedHosts
	}{
		{"every URL challenged: given up after four", []bool{true, true, true, true, true, true}, 4, 2, true},
		{"a page that comes through clears the count", []bool{true, true, true, false, true, true, true}, 7, 0, false},
		{"one challenged URL does not starve the host", []bool{true, false, false}, 3, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fstest.MapFS{}
			var start []string
			for i, c := range tt.challenged {
				body := list()
				if c {
					body = challengePage
				}
				files[fmt.Sprintf("c/%d.html", i)] = &fstest.MapFile{Data: []byte(body)}
			}
			srv := portaltest.NewServer(t, files)
			for i := range tt.challenged {
				start = append(start, fmt.Sprintf("%s/c/%d.html", srv.URL, i))
			}
			s := site(t, "name: t\nstart: ["+strings.Join(start, ", ")+"]\ndelay: 0s\n")
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", BlockBackoff: pause},
				func(context.Context, *crawler.Page) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			var requested, blocked []string
			for _, r := range srv.Requests() {
				if r.Path != "/robots.txt" {
					requested = append(requested, srv.URL+r.Path)
				}
			}
			for i, c := range tt.challenged[:tt.wantRequested] {
				if c {
					blocked = append(blocked, start[i])
				}
			}
			if !slices.Equal(requested, start[:tt.wantRequested]) {
				t.Errorf("requested %v, want %v", requested, start[:tt.wantRequested])
			}
			if !slices.Equal(st.BlockedURLs, blocked) || st.Errors[crawler.ErrBlocked] != len(blocked) || len(st.Failures) != len(blocked) {
				t.Errorf("blocked URLs %v, errors %v; want %v", st.BlockedURLs, st.Errors, blocked)
			}
			if st.Skipped[crawler.SkipBlocked] != tt.wantSkipped {
				t.Errorf("skipped %v, want %d blocked_host", st.Skipped, tt.wantSkipped)
			}
			if got := len(st.BlockedHosts) == 1 && srv.URL == "http://"+st.BlockedHosts[0]; got != tt.wantGivenUp || len(st.BlockedHosts) > 1 {
				t.Errorf("blocked hosts %v", st.BlockedHosts)
			}
			// Each request after k anti-bot answers in a row waited at
			// least pause<<k.
			reqs := slices.DeleteFunc(srv.Requests(), func(r portaltest.Request) bool { return r.Path == "/robots.txt" })
			strikes := 0
			for i := 1; i < len(reqs); i++ {
				if tt.challenged[i-1] {
					strikes++
				} else {
					strikes = 0
				}
				if gap, want := reqs[i].Time.Sub(reqs[i-1].Time), pause<<strikes; strikes > 0 && gap < want {
					t.Errorf("%s asked %v after %d anti-bot answers in a row, want at least %v", reqs[i].Path, gap, strikes, want)
				}
			}
		})
	}
}

// Report links are fetched in an order that changes from run to run (cr.rand
// is seeded from Options.Now), so that no link is always behind another; the
// links fetched are still the site's first max_reports, and the rest are
// named as left out.
func TestCrawlReportOrderVaries(t *testing.T) {
	files := fstest.MapFS{}
	var links, want []string
	for i := range 10 {
		links = append(links, fmt.Sprintf(`<li><a href="r%d.html">%d年法治政府建设年度报告</a></li>`, i, 2010+i))
		files[fmt.Sprintf("c/r%d.html", i)] = &fstest.MapFile{Data: []byte(report(fmt.Sprintf("%d年法治政府建设年度报告", 2010+i)))}
		if i < 6 {
			want = append(want, fmt.Sprintf("/c/r%d.html", i))
		}
	}
	files["c/index.html"] = &fstest.MapFile{Data: []byte(list(links...))}
	srv := portaltest.NewServer(t, files)
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\nmax_reports: 6\n")
	order := func(seed int64) []string {
		var got collected
		now := func() time.Time { return time.Unix(seed, 0) }
		st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Now: now}, got.handle)
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, p := range got.pages {
			paths = append(paths, strings.TrimPrefix(p.URL, srv.URL))
		}
		if !slices.Equal(sorted(paths), want) {
			t.Errorf("seed %d: fetched %v, want the first six links %v", seed, paths, want)
		}
		if st.Skipped[crawler.SkipOverLimit] != 4 || len(st.Skips) != 4 || st.Skips[0].URL != srv.URL+"/c/r6.html" {
			t.Errorf("seed %d: skipped %v, named %+v; want r6…r9 left out", seed, st.Skipped, st.Skips)
		}
		return paths
	}
	a, b, again := order(1), order(2), order(1)
	if slices.Equal(a, b) {
		t.Errorf("two runs fetched the reports in the same order %v", a)
	}
	if !slices.Equal(a, again) {
		t.Errorf("the same seed gave %v, then %v", a, again)
	}
}
