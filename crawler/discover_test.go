package crawler_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// uris returns the URIs the server was asked for, in order.
func uris(srv *portaltest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.URI())
	}
	return out
}

// handedPaths returns the paths (with the server's URL cut off) of the
// pages handed over, sorted.
func handedPaths(srv *portaltest.Server, c *collected) []string {
	var out []string
	for _, p := range c.pages {
		out = append(out, strings.TrimPrefix(p.LinkURL, srv.URL))
	}
	return sorted(out)
}

// TestDiscoverHomePortal: a site file whose start is the portal's home
// page finds every report column two clicks and more below it and hands
// over every report within reach, within the discovery budget, without
// paging through news columns, following nav chrome or leaving the site.
func TestDiscoverHomePortal(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	s := site(t, "name: home\nstart: "+srv.URL+"/\ndelay: 0s\n")
	var logs bytes.Buffer
	var c collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, c.handle)
	if err != nil {
		t.Fatal(err)
	}
	got := uris(srv)
	t.Logf("requests: %q", got)
	t.Logf("stats: %+v", st)
	if want := sorted(portaltest.HomeReports); !slices.Equal(handedPaths(srv, &c), want) {
		t.Errorf("reports handed over:\n got %q\nwant %q", handedPaths(srv, &c), want)
	}
	var cols []string
	for _, u := range st.Columns {
		cols = append(cols, strings.TrimPrefix(u, srv.URL))
	}
	if !slices.Equal(cols, portaltest.HomeColumns) {
		t.Errorf("Columns = %q, want %q", cols, portaltest.HomeColumns)
	}
	if st.DiscoveryPages < 1 || st.DiscoveryPages > s.DiscoverPages {
		t.Errorf("DiscoveryPages = %d, want 1…%d", st.DiscoveryPages, s.DiscoverPages)
	}
	// The home page, three columns and the second page of 法治政府建设.
	if st.ListPages != 5 {
		t.Errorf("ListPages = %d, want 5", st.ListPages)
	}
	for _, u := range got {
		for _, never := range []string{"/xwdt/", "/login/", "/en/", "/xxgk/", "/wzdt/", "/zwgk/tzgg/index_", "/zwgk/zwdt/", portaltest.HomeTooDeep} {
			if strings.HasPrefix(u, never) {
				t.Errorf("requested %s (nav chrome, a news column's pages, or beyond the depth bound)", u)
			}
		}
	}
	if n := len(srv.Offsite.Requests()); n != 0 {
		t.Errorf("the other site was asked %d times", n)
	}
	for _, want := range []string{"report column found", "report columns found"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	for _, sk := range st.Skips {
		if sk.Kind == crawler.SkipNoColumn {
			t.Errorf("columns were found, yet skip %+v", sk)
		}
	}
}

// TestDiscoverListStartUnchanged: a site whose start pages are list pages
// (one of them with its only report on its second page) makes exactly the
// requests it made before discovery existed, and the same with discovery
// off.
func TestDiscoverListStartUnchanged(t *testing.T) {
	// The requests of this crawl before discovery was added, sorted.
	before := []string{
		"/fzzfjs/",
		"/fzzfjs/202103/t20210304_1006.html",
		"/fzzfjs/202103/t20210326_1005.html",
		"/fzzfjs/202501/t20250117_1004.html",
		"/fzzfjs/202502/t20250228_1001.html",
		"/fzzfjs/index_1.html",
		"/fzzfjs/index_2.html",
		"/robots.txt",
		"/tzgg/",
		"/tzgg/202301/t20230130_2002.html",
		"/tzgg/202503/t20250301_2001.html",
		"/tzgg/list2.html",
		"/tzgg/list3.html",
		"/xxgk/202402/t20240201_3001.html",
		"/xxgk/list.jsp?page=1",
		"/xxgk/list.jsp?page=2",
	}
	for _, extra := range []string{"", "discover_pages: 0\n", "discover_pages: 200\n"} {
		srv := portaltest.NewPortal(t)
		s := site(t, "name: p\nstart:\n  - "+srv.URL+"/fzzfjs/\n  - "+srv.URL+"/tzgg/\n  - "+srv.URL+"/xxgk/list.jsp?page=1\ndelay: 0s\n"+extra)
		var c collected
		st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5}, c.handle)
		if err != nil {
			t.Fatal(err)
		}
		if got := sorted(uris(srv)); !slices.Equal(got, before) {
			t.Errorf("%q: requests\n got %q\nwant %q", extra, got, before)
		}
		if st.DiscoveryPages != 0 || st.Columns != nil {
			t.Errorf("%q: DiscoveryPages %d, Columns %q: want none", extra, st.DiscoveryPages, st.Columns)
		}
	}
}

// TestDiscoverBounds: discovery's depth bound, its budget, nav chrome,
// off-site links, news columns' pagination and a home page without links.
func TestDiscoverBounds(t *testing.T) {
	const rep = "2024年法治政府建设年度报告"
	page := func(links ...string) []byte { return []byte(list(links...)) }
	a := func(href, text string) string { return `<li><a href="` + href + `">` + text + `</a></li>` }
	column := page(a("r.html", rep))
	tests := []struct {
		name      string
		files     fstest.MapFS
		extra     string   // site file lines
		columns   []string // paths of Columns
		reports   []string // paths handed over
		discovery int      // DiscoveryPages
		never     []string // paths never requested
		noColumn  string   // the SkipNoColumn message, "" for none
	}{
		{
			name: "column three clicks deep",
			files: fstest.MapFS{
				"index.html":       {Data: page(a("/a/", "信息公开"))},
				"a/index.html":     {Data: page(a("/a/b/", "政府信息公开"))},
				"a/b/index.html":   {Data: page(a("/a/b/c/", "法治政府建设"))},
				"a/b/c/index.html": {Data: column},
				"a/b/c/r.html":     {Data: []byte(report(rep))},
			},
			columns: []string{"/a/b/c/"}, reports: []string{"/a/b/c/r.html"}, discovery: 2,
		},
		{
			// A home page's box links the column by a name that matches
			// the reports' (政府信息公开年报, no year): the way to the
			// reports, not one; the column is read once, whether linked
			// as dir/ or dir/index.html.
			name: "column linked from the home page under a report's name",
			files: fstest.MapFS{
				"index.html": {Data: page(a("/gknb/", "政府信息公开年报"), a("/gknb/index.html", "政府信息公开年报"),
					a("/xwdt/", "新闻动态"))},
				"gknb/index.html": {Data: page(a("r1.html", "2024年政府信息公开工作年度报告"), a("r2.html", "2023年政府信息公开工作年度报告"))},
				"gknb/r1.html":    {Data: []byte(report("2024年政府信息公开工作年度报告"))},
				"gknb/r2.html":    {Data: []byte(report("2023年政府信息公开工作年度报告"))},
			},
			extra:   `match: "政府信息公开.*(年度报告|年报)"`,
			columns: []string{"/gknb/"}, reports: []string{"/gknb/r1.html", "/gknb/r2.html"}, never: []string{"/xwdt/"},
		},
		{
			name: "column four clicks deep is beyond the bound",
			files: fstest.MapFS{
				"index.html":         {Data: page(a("/a/", "信息公开"))},
				"a/index.html":       {Data: page(a("/a/b/", "政府信息公开"))},
				"a/b/index.html":     {Data: page(a("/a/b/c/", "法定主动公开内容"))},
				"a/b/c/index.html":   {Data: page(a("/a/b/c/d/", "法治政府建设"))},
				"a/b/c/d/index.html": {Data: column},
			},
			discovery: 3, never: []string{"/a/b/c/d/"},
			noColumn: "no report column found within 3 pages from {{URL}}/",
		},
		{
			name: "discover_pages bounds the pages read",
			files: fstest.MapFS{
				"index.html":       {Data: page(a("/a/", "信息公开"), a("/x/", "政务公开"))},
				"a/index.html":     {Data: page(a("/a/b/", "政府信息公开"))},
				"a/b/index.html":   {Data: page(a("/a/b/c/", "法治政府建设"))},
				"a/b/c/index.html": {Data: column},
			},
			extra: "discover_pages: 2\n", discovery: 2, never: []string{"/a/b/", "/a/b/c/"},
			noColumn: "no report column found within 2 pages from {{URL}}/",
		},
		{
			name: "discover_pages 0: no discovery",
			files: fstest.MapFS{
				"index.html":   {Data: page(a("/a/", "法治政府建设"))},
				"a/index.html": {Data: column},
			},
			extra: "discover_pages: 0\n", never: []string{"/a/"},
		},
		{
			name: "nav chrome and other sites are never followed",
			files: fstest.MapFS{
				"index.html": {Data: page(a("/", "首页"), a("/xxgk/login.html", "登录"), a("/fzzf/", "English"),
					a("/zwgk/?wza=1", "无障碍"), a("/gknb/", "长者版"), a("http://127.0.0.2:9/xxgk/", "政府信息公开"),
					a("/xwdt/", "新闻动态"), a("/zwgk/zcjd/", "政策解读"), a("/fzzf/202401/t20240101_1.html", "法治政府建设"),
					a("/gkml/", "法治政府建设"))},
				"gkml/index.html": {Data: column},
				"gkml/r.html":     {Data: []byte(report(rep))},
			},
			columns: []string{"/gkml/"}, reports: []string{"/gkml/r.html"},
			never: []string{"/xxgk/login.html", "/fzzf/", "/zwgk/?wza=1", "/gknb/", "/xwdt/", "/zwgk/zcjd/", "/fzzf/202401/t20240101_1.html"},
		},
		{
			name: "a news column found on the way is not paged",
			files: fstest.MapFS{
				"index.html": {Data: page(a("/tzgg/", "通知公告"))},
				"tzgg/index.html": {Data: []byte(list(a("n1.html", "关于召开全县大会的通知")) +
					`<a href="index_1.html">下一页</a><script>createPageHTML(9, 0, "index", "html");</script>`)},
				"tzgg/index_1.html": {Data: page(a("/fzzf/", "法治政府建设"))},
			},
			discovery: 1, never: []string{"/tzgg/index_1.html", "/tzgg/index_2.html", "/fzzf/"},
			noColumn: "no report column found within 1 pages from {{URL}}/",
		},
		{
			name: "a home page built by script, without links",
			files: fstest.MapFS{
				"index.html": {Data: []byte(`<html><body><div id="app"></div><script src="/js/app.js"></script></body></html>`)},
			},
			noColumn: "no report column found within 0 pages from {{URL}}/",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewServer(t, tt.files)
			s := site(t, "name: d\nstart: "+srv.URL+"/\ndelay: 0s\n"+tt.extra)
			var c collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5}, c.handle)
			if err != nil {
				t.Fatal(err)
			}
			var cols []string
			for _, u := range st.Columns {
				cols = append(cols, strings.TrimPrefix(u, srv.URL))
			}
			if !slices.Equal(cols, tt.columns) {
				t.Errorf("Columns = %q, want %q", cols, tt.columns)
			}
			if got := handedPaths(srv, &c); !slices.Equal(got, sorted(tt.reports)) {
				t.Errorf("reports %q, want %q", got, tt.reports)
			}
			if st.DiscoveryPages != tt.discovery {
				t.Errorf("DiscoveryPages = %d, want %d (requests %q)", st.DiscoveryPages, tt.discovery, uris(srv))
			}
			for _, p := range tt.never {
				if n := srv.Count(p); n != 0 {
					t.Errorf("%s requested %d times", p, n)
				}
			}
			var msg string
			for _, sk := range st.Skips {
				if sk.Kind == crawler.SkipNoColumn {
					msg = sk.Err
				}
			}
			if want := strings.ReplaceAll(tt.noColumn, "{{URL}}", srv.URL); msg != want {
				t.Errorf("no-column skip %q, want %q", msg, want)
			}
		})
	}
}
