package crawler_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// searchURIs returns the URIs of the requests to path prefix p, in order.
func searchURIs(srv *portaltest.Server, p string) []string {
	var out []string
	for _, u := range uris(srv) {
		if strings.HasPrefix(u, p) {
			out = append(out, u)
		}
	}
	return out
}

// TestSearchFindsScriptColumn: a portal whose report columns are filled
// by script hands over its reports through its own search form — the
// GET form on the site, asked with its hidden input, the two queries and
// the second result page — never through the POST form or the off-site
// one, never an off-site result; with discovery off, nothing.
func TestSearchFindsScriptColumn(t *testing.T) {
	tests := []struct {
		name        string
		extra       string
		wantReports []string
		wantSearch  []string
		wantQueries int
	}{
		{"search", "", portaltest.SearchReports, portaltest.SearchQueryURIs, 2},
		{"discovery off", "discover_pages: 0\n", nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewSearchPortal(t)
			s := site(t, "name: s\nstart: "+srv.URL+"/\ndelay: 0s\n"+tt.extra)
			var logs bytes.Buffer
			var c collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))}, c.handle)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("requests: %q", uris(srv))
			if got := handedPaths(srv, &c); !slices.Equal(got, sorted(tt.wantReports)) {
				t.Errorf("reports handed over:\n got %q\nwant %q", got, sorted(tt.wantReports))
			}
			if got := searchURIs(srv, "/search"); !slices.Equal(got, tt.wantSearch) {
				t.Errorf("search requests:\n got %q\nwant %q", got, tt.wantSearch)
			}
			if st.SearchQueries != tt.wantQueries {
				t.Errorf("SearchQueries = %d, want %d", st.SearchQueries, tt.wantQueries)
			}
			if got := searchURIs(srv, "/psearch"); len(got) > 0 {
				t.Errorf("the POST form was used: %q", got)
			}
			if n := len(srv.Offsite.Requests()); n != 0 {
				t.Errorf("the other site was asked %d times: %q", n, uris(srv.Offsite))
			}
			if len(st.Columns) != 0 {
				t.Errorf("Columns = %q: a search result page is not a column", st.Columns)
			}
			if tt.wantQueries == 0 {
				return
			}
			// The hidden input goes along, before the words, in the form's order.
			first := srv.Requests()
			for _, r := range first {
				if r.Path != "/search/" {
					continue
				}
				q, err := url.ParseQuery(r.RawQuery)
				if err != nil {
					t.Fatal(err)
				}
				if q.Get("siteid") != "12" || q.Get("searchword") != "法治政府建设 报告" || !strings.HasPrefix(r.RawQuery, "siteid=12&searchword=") {
					t.Errorf("first search query %q, want siteid=12 then searchword=法治政府建设 报告", r.RawQuery)
				}
				break
			}
			if st.Skipped[crawler.SkipOffsite] != 1 {
				t.Errorf("Skipped[offsite] = %d, want 1 (the off-site result)", st.Skipped[crawler.SkipOffsite])
			}
			for _, sk := range st.Skips {
				if sk.Kind == crawler.SkipNoColumn {
					t.Errorf("the search found reports, yet skip %+v", sk)
				}
			}
			if st.DiscoveryPages > s.DiscoverPages {
				t.Errorf("DiscoveryPages = %d > discover_pages %d", st.DiscoveryPages, s.DiscoverPages)
			}
			if !strings.Contains(logs.String(), "site search") {
				t.Errorf("log lacks the search's line:\n%s", logs.String())
			}
		})
	}
}

// searchHome is a home page with no link but forms.
func searchHome(forms string) string {
	return "<html><head><title>某县人民政府</title></head><body>" + forms + "<p>欢迎。</p></body></html>"
}

// searchAnswer is a result page that lists two reports and a pager (下一页,
// 尾页 of 50 pages): the fixture serves it for every query and every page.
const searchAnswer = `<html><body><ul>
<li><a href="/a/t20250101_1.html">某县2024年法治政府建设年度报告</a></li>
<li><a href="/a/t20250102_2.html">某县2024年政府信息公开工作年度报告</a></li>
</ul><div class="page"><a href="/search/?page=2">下一页</a> <a href="/search/?page=50">尾页</a></div></body></html>`

// TestSearchForms: which forms are asked, and how a search that answers
// the same page for every query and page ends: one further result page,
// then the next query's first page, which brings nothing new.
func TestSearchForms(t *testing.T) {
	tests := []struct {
		name        string
		forms       string
		wantSearch  int // requests to /search/
		wantQueries int
		wantReports int
	}{
		{"same answer for everything", `<form action="/search/"><input type="hidden" name="c" value="1"><input name="q"></form>`, 3, 2, 2},
		{"post form", `<form action="/search/" method="POST"><input name="q"></form>`, 0, 0, 0},
		{"off-site action", `<form action="{{OFF}}/search/" method="get"><input name="q"></form>`, 0, 0, 0},
		{"no query field", `<form action="/search/"><input name="name"><input type="hidden" name="q"></form>`, 0, 0, 0},
		{"javascript action", `<form action="javascript:void(0)"><input name="kw"></form>`, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The other site answers as the site does, so that a request to it is seen.
			off := portaltest.NewServer(t, fstest.MapFS{"search/index.html": {Data: []byte(searchAnswer)}})
			forms := strings.ReplaceAll(tt.forms, "{{OFF}}", off.URL)
			srv := portaltest.NewServer(t, fstest.MapFS{
				"index.html":         {Data: []byte(searchHome(forms))},
				"search/index.html":  {Data: []byte(searchAnswer)},
				"a/t20250101_1.html": {Data: []byte(report("某县2024年法治政府建设年度报告"))},
				"a/t20250102_2.html": {Data: []byte(report("某县2024年政府信息公开工作年度报告"))},
			})
			s := site(t, "name: s\nstart: "+srv.URL+"/\ndelay: 0s\n")
			var c collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5}, c.handle)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("requests: %q", uris(srv))
			if got := searchURIs(srv, "/search/"); len(got) != tt.wantSearch {
				t.Errorf("search requests %q, want %d", got, tt.wantSearch)
			}
			if st.SearchQueries != tt.wantQueries {
				t.Errorf("SearchQueries = %d, want %d", st.SearchQueries, tt.wantQueries)
			}
			if len(c.pages) != tt.wantReports {
				t.Errorf("%d reports handed over, want %d", len(c.pages), tt.wantReports)
			}
			if n := len(off.Requests()); n != 0 {
				t.Errorf("the off-site form's host was asked %d times: %q", n, uris(off))
			}
		})
	}
}

// TestSearchBudget: discovery and search together make no more than
// discover_pages requests, however small; a budget of 1 leaves none to the
// search, a budget of 2 one page.
func TestSearchBudget(t *testing.T) {
	tests := []struct {
		budget      int
		wantQueries int
		wantReports int
	}{
		{1, 0, 0},
		{2, 1, 2},
		{4, 1, 3},
		{5, 1, 3},
		{6, 2, 4},
	}
	for _, tt := range tests {
		t.Run(strings.Repeat("p", tt.budget), func(t *testing.T) {
			srv := portaltest.NewSearchPortal(t)
			s := site(t, "name: s\nstart: "+srv.URL+"/\ndelay: 0s\ndiscover_pages: "+string(rune('0'+tt.budget))+"\n")
			var c collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5}, c.handle)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("requests: %q", uris(srv))
			n := 0 // requests other than robots.txt, the start page and the reports
			for _, u := range uris(srv) {
				if u != "/robots.txt" && u != "/" && !slices.Contains(portaltest.SearchReports, u) {
					n++
				}
			}
			if n > tt.budget || n != st.DiscoveryPages {
				t.Errorf("%d discovery and search requests, DiscoveryPages %d, discover_pages %d", n, st.DiscoveryPages, tt.budget)
			}
			if st.SearchQueries != tt.wantQueries || len(c.pages) != tt.wantReports {
				t.Errorf("SearchQueries = %d, reports %d; want %d, %d", st.SearchQueries, len(c.pages), tt.wantQueries, tt.wantReports)
			}
		})
	}
}

// TestSearchNotFromListStart: a start page that lists reports makes no
// search request, though it has a search form: the run reads it and its
// reports, nothing more.
func TestSearchNotFromListStart(t *testing.T) {
	srv := portaltest.NewSearchPortal(t)
	start := portaltest.SearchQueryURIs[2] // a result page: a list of two reports, with the form
	s := site(t, "name: s\nstart: "+srv.URL+start+"\ndelay: 0s\n")
	var c collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5}, c.handle)
	if err != nil {
		t.Fatal(err)
	}
	want := sorted([]string{"/robots.txt", start, "/zwgk/gknb/202401/t20240118_8004.html", "/zwgk/gknb/202501/t20250120_8001.html"})
	if got := sorted(uris(srv)); !slices.Equal(got, want) {
		t.Errorf("requests:\n got %q\nwant %q", got, want)
	}
	if st.SearchQueries != 0 || st.DiscoveryPages != 0 {
		t.Errorf("SearchQueries = %d, DiscoveryPages = %d, want 0, 0", st.SearchQueries, st.DiscoveryPages)
	}
}
