package crawler_test

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// Sites that worked before discovery work as they did: a list of reports
// with short titles and no year (detail.jsp?id=N) is a list, not a way to
// columns; a start page that is a report stays one when it answers 304; a
// column named like the reports but filled by script is no report; a home
// page beside start pages that list reports costs no request.
func TestDiscoverLeavesWorkingSitesAlone(t *testing.T) {
	a := func(href, text string) string { return `<li><a href="` + href + `">` + text + `</a></li>` }
	t.Run("a list of short, yearless titles", func(t *testing.T) {
		srv := portaltest.NewServer(t, fstest.MapFS{
			"c/index.html":        {Data: []byte(list(a("detail.jsp?id=1", "法治政府建设年度报告"), a("detail.jsp?id=2", "政府信息公开工作年度报告")))},
			"c/detail.jsp%3Fid=1": {Data: []byte(report("2023年法治政府建设年度报告"))},
			"c/detail.jsp%3Fid=2": {Data: []byte(report("2023年政府信息公开工作年度报告"))},
		})
		var c collected
		st, err := crawler.Crawl(context.Background(), site(t, "name: d\nstart: "+srv.URL+"/c/\ndelay: 0s\n"), crawler.Options{}, c.handle)
		if err != nil {
			t.Fatal(err)
		}
		if got := handedPaths(srv, &c); !slices.Equal(got, []string{"/c/detail.jsp?id=1", "/c/detail.jsp?id=2"}) || st.DiscoveryPages != 0 || len(st.Skips) != 0 {
			t.Errorf("reports %q, discovery pages %d, skips %+v", got, st.DiscoveryPages, st.Skips)
		}
	})
	t.Run("a start page that is a report, answering 304", func(t *testing.T) {
		srv := portaltest.NewServer(t, fstest.MapFS{
			"r.html":          {Data: []byte(report("2023年法治政府建设年度报告") + `<a href="/xxgk/">信息公开</a>`)},
			"xxgk/index.html": {Data: []byte(list(a("/a.html", "机构职能")))},
		})
		srv.SetConditional(true)
		lists := &memLists{}
		s := site(t, "name: d\nstart: "+srv.URL+"/r.html\ndelay: 0s\n")
		for run := 1; run <= 2; run++ {
			var c collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{Lists: lists}, c.handle)
			if err != nil {
				t.Fatal(err)
			}
			if st.DiscoveryPages != 0 || srv.Count("/xxgk/") != 0 || st.Skipped[crawler.SkipNoColumn] != 0 {
				t.Errorf("run %d: discovery from a report: %d pages, skips %v", run, st.DiscoveryPages, st.Skipped)
			}
			if run == 1 && len(c.pages) != 1 {
				t.Errorf("run 1: %d pages handed over, want the report", len(c.pages))
			}
		}
	})
	t.Run("a column named like the reports, filled by script", func(t *testing.T) {
		srv := portaltest.NewServer(t, fstest.MapFS{
			"gknb/index.html": {Data: []byte(`<html><head><title>政府信息公开年报</title><script src="/list.js"></script></head><body><div id="list"></div></body></html>`)},
		})
		var c collected
		st, err := crawler.Crawl(context.Background(), site(t, "name: d\nstart: "+srv.URL+"/gknb/\ndelay: 0s\n"), crawler.Options{}, c.handle)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.pages) != 0 || st.Skipped[crawler.SkipNoColumn] != 1 {
			t.Errorf("%d pages handed over, skips %v: the column is no report", len(c.pages), st.Skipped)
		}
	})
	t.Run("a home page beside a column that lists reports", func(t *testing.T) {
		srv := portaltest.NewServer(t, fstest.MapFS{
			"index.html":      {Data: []byte(list(a("/zwgk/", "政务公开"), a("/gknb/", "政府信息公开年报")))},
			"zwgk/index.html": {Data: []byte(list(a("/gknb/", "政府信息公开年报")))},
			"gknb/index.html": {Data: []byte(list(a("r.html", "2024年政府信息公开工作年度报告")))},
			"gknb/r.html":     {Data: []byte(report("2024年政府信息公开工作年度报告"))},
		})
		var c collected
		st, err := crawler.Crawl(context.Background(), site(t, "name: d\nstart:\n  - "+srv.URL+"/gknb/\n  - "+srv.URL+"/\ndelay: 0s\n"), crawler.Options{}, c.handle)
		if err != nil {
			t.Fatal(err)
		}
		if got := handedPaths(srv, &c); !slices.Equal(got, []string{"/gknb/r.html"}) || st.DiscoveryPages != 0 || srv.Count("/zwgk/") != 0 || len(st.Skips) != 0 {
			t.Errorf("reports %q, discovery pages %d, skips %+v, requests %q", got, st.DiscoveryPages, st.Skips, uris(srv))
		}
	})
}
