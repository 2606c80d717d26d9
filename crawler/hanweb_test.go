package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// hanwebRecord is the k'th record (1-based) of the fake Hanweb column 103:
// odd records are reports (2023, 2022, 2021 …), even ones notices. Records
// 1 and 2 are in testdata/hanweb/col103.html; the others come only from
// dataproxy.jsp.
func hanwebRecord(k int) (path, title string) {
	path = fmt.Sprintf("/art/2024/3/1/art_103_%d.html", 9000+k)
	if k%2 == 1 {
		return path, fmt.Sprintf("%d年法治政府建设年度报告", 2024-(k+1)/2)
	}
	return path, fmt.Sprintf("关于开展第%d期业务培训的通知", k)
}

// hanwebPortal is a fake Hanweb portal: column pages from testdata/hanweb,
// report pages for every record, and a dataproxy.jsp that answers POSTs
// as mode says. It records the POSTs it received.
type hanwebPortal struct {
	t    *testing.T
	mode string // "ok", "error", "html", "empty"

	mu    sync.Mutex
	posts []hanwebPost
	gets  []string
}

// requests returns the POSTs and GETs received so far, and forgets them.
func (h *hanwebPortal) requests() ([]hanwebPost, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	posts, gets := h.posts, h.gets
	h.posts, h.gets = nil, nil
	return posts, gets
}

type hanwebPost struct {
	query url.Values
	form  url.Values
	ctype string
}

var artRe = regexp.MustCompile(`^/art/\d+/\d+/\d+/art_(10[34])_(\d+)\.html$`)

func (h *hanwebPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		h.proxy(w, r)
		return
	}
	h.mu.Lock()
	h.gets = append(h.gets, r.URL.RequestURI())
	h.mu.Unlock()
	file := map[string]string{"/col/col103/index.html": "col103.html", "/col/col104/index.html": "col104.html",
		"/col/col104/index_2.html": "col104_2.html"}[r.URL.Path]
	if file != "" {
		b, err := os.ReadFile("testdata/hanweb/" + file)
		if err != nil {
			h.t.Error(err)
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
		return
	}
	if m := artRe.FindStringSubmatch(r.URL.Path); m != nil {
		k, _ := strconv.Atoi(m[2])
		_, title := hanwebRecord(k - 9000)
		if m[1] == "104" {
			title = map[int]string{9001: "2023年法治政府建设年度报告", 9003: "2022年法治政府建设年度报告"}[k]
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, report(title))
		return
	}
	http.NotFound(w, r)
}

// proxy answers dataproxy.jsp: the records startrecord…endrecord of column
// 103, with totalrecord 6 (records past it exist too, so a crawler that
// ignored the total would find them).
func (h *hanwebPortal) proxy(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/module/web/jpage/dataproxy.jsp" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.t.Error(err)
	}
	h.mu.Lock()
	h.posts = append(h.posts, hanwebPost{query: r.URL.Query(), form: r.PostForm, ctype: r.Header.Get("Content-Type")})
	h.mu.Unlock()
	switch h.mode {
	case "error":
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>系统繁忙</title></head><body><p>系统繁忙，请稍后再试。</p></body></html>`)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<datastore>\n<totalrecord>6</totalrecord>\n<recordset>\n")
	if h.mode != "empty" && r.PostForm.Get("columnid") == "103" && r.PostForm.Get("unitid") == "4171245" {
		from, _ := strconv.Atoi(r.URL.Query().Get("startrecord"))
		to, _ := strconv.Atoi(r.URL.Query().Get("endrecord"))
		for k := max(from, 1); k <= min(to, 20); k++ {
			p, title := hanwebRecord(k)
			fmt.Fprintf(&b, `<record><![CDATA[<li><a href="%s" title="%s" target="_blank">%s</a><span>2020-01-01</span></li>]]></record>`+"\n", p, title, title)
		}
	}
	b.WriteString("</recordset>\n</datastore>\n")
	fmt.Fprint(w, b.String())
}

func TestCrawlHanwebJpage(t *testing.T) {
	reportsOf := func(n int) []string { // the first n reports' paths
		var out []string
		for k := 1; len(out) < n; k += 2 {
			p, _ := hanwebRecord(k)
			out = append(out, p)
		}
		return out
	}
	tests := []struct {
		name     string
		mode     string
		start    string
		maxPages int
		want     []string // report paths handed over
		starts   []string // startrecord of each POST, in order
		check    func(crawler.Stats) string
	}{
		{
			name: "three groups: the first in the page, the others by POST, up to totalrecord",
			mode: "ok", start: "/col/col103/index.html", maxPages: 20,
			want: reportsOf(3), starts: []string{"3", "5"},
			check: func(s crawler.Stats) string {
				if s.ListPages != 3 || s.Reports != 3 || len(s.Errors) != 0 {
					return "want 3 list pages (the column and two groups), 3 reports, no error"
				}
				return ""
			},
		},
		{
			name: "max_pages bounds the groups asked for",
			mode: "ok", start: "/col/col103/index.html", maxPages: 2,
			want: reportsOf(2), starts: []string{"3"},
		},
		{
			name: "a dataproxy that answers 500 is tried Attempts times, then a named failure",
			mode: "error", start: "/col/col103/index.html", maxPages: 20,
			want: reportsOf(1), starts: []string{"3", "3"},
			check: func(s crawler.Stats) string {
				if s.Errors[crawler.ErrHTTP5xx] != 1 || len(s.Failures) != 1 || !strings.Contains(s.Failures[0].URL, "dataproxy.jsp?startrecord=3") {
					return "want one http_5xx failure naming the dataproxy request"
				}
				return ""
			},
		},
		{
			name: "a dataproxy that answers a web page is a named jpage failure",
			mode: "html", start: "/col/col103/index.html", maxPages: 20,
			want: reportsOf(1), starts: []string{"3"},
			check: func(s crawler.Stats) string {
				if s.Errors[crawler.ErrJpage] != 1 || !strings.Contains(s.Failures[0].Err, "without a datastore") {
					return "want one jpage failure saying the answer had no datastore"
				}
				return ""
			},
		},
		{
			name: "a dataproxy that answers no records short of the total is a named jpage failure",
			mode: "empty", start: "/col/col103/index.html", maxPages: 20,
			want: reportsOf(1), starts: []string{"3"},
			check: func(s crawler.Stats) string {
				if s.Errors[crawler.ErrJpage] != 1 || !strings.Contains(s.Failures[0].Err, "total (6)") {
					return "want one jpage failure naming the total"
				}
				return ""
			},
		},
		{
			name: "a nextgroup link to a page is followed as the next page",
			mode: "ok", start: "/col/col104/index.html", maxPages: 20,
			want: []string{"/art/2023/3/1/art_104_9003.html", "/art/2024/3/1/art_104_9001.html"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hanwebPortal{t: t, mode: tt.mode}
			srv := httptest.NewServer(h)
			defer srv.Close()
			s := site(t, fmt.Sprintf("name: t\nstart: %s%s\ndelay: 0s\nmax_pages: %d\n", srv.URL, tt.start, tt.maxPages))
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Attempts: 2, Backoff: time.Millisecond}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, p := range got.pages {
				urls = append(urls, strings.TrimPrefix(p.URL, srv.URL))
			}
			if !slices.Equal(sorted(urls), sorted(tt.want)) {
				t.Errorf("reports handed over: %v, want %v", sorted(urls), sorted(tt.want))
			}
			posts, gets := h.requests()
			var starts []string
			for _, p := range posts {
				starts = append(starts, p.query.Get("startrecord"))
				// Every POST carries the column's ids as a form, and its
				// range in the query, as the site's own script sends them.
				wantForm := url.Values{"col": {"1"}, "appid": {"1"}, "webid": {"7"}, "path": {"/"}, "columnid": {"103"},
					"unitid": {"4171245"}, "webname": {"某某市人民政府"}, "permissiontype": {"0"}}
				if p.form.Encode() != wantForm.Encode() {
					t.Errorf("POST form %v, want %v", p.form, wantForm)
				}
				from, _ := strconv.Atoi(p.query.Get("startrecord"))
				if p.query.Get("endrecord") != strconv.Itoa(from+1) || p.query.Get("perpage") != "2" {
					t.Errorf("POST query %v: want a group of 2 records, 2 per page", p.query)
				}
				if !strings.HasPrefix(p.ctype, "application/x-www-form-urlencoded") {
					t.Errorf("POST Content-Type %q", p.ctype)
				}
			}
			if !slices.Equal(starts, tt.starts) {
				t.Errorf("POSTs for startrecord %v, want %v", starts, tt.starts)
			}
			for _, g := range gets {
				if strings.Contains(g, "dataproxy") {
					t.Errorf("the pager was fetched as a link: GET %s", g)
				}
			}
			if tt.check != nil {
				if msg := tt.check(st); msg != "" {
					t.Errorf("%s: %+v", msg, st)
				}
			}
		})
	}
}

// A column page answered 304 is paged all the same: its pager is kept with
// its links. A column stored by a crawler that did not page Hanweb columns
// (its pager kept as a link) is read again in full.
func TestCrawlHanwebJpageRemembered(t *testing.T) {
	h := &hanwebPortal{t: t, mode: "ok"}
	srv := httptest.NewServer(h)
	defer srv.Close()
	start := srv.URL + "/col/col103/index.html"
	s := site(t, "name: t\nstart: "+start+"\ndelay: 0s\n")
	crawl := func(lists *memLists) crawler.Stats {
		t.Helper()
		h.requests()
		var got collected
		st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Lists: lists}, got.handle)
		if err != nil {
			t.Fatal(err)
		}
		if posts, _ := h.requests(); len(got.pages) != 3 || len(posts) != 2 {
			t.Errorf("%d reports handed over by %d POSTs, want 3 by 2: %+v", len(got.pages), len(posts), st)
		}
		return st
	}
	lists := &memLists{}
	crawl(lists)
	if st := crawl(lists); st.ListNotModified != 1 {
		t.Errorf("second run: the column page was not answered 304: %+v", st)
	}
	old := &memLists{m: map[string][3]string{start: {`"v1"`, "", `{"v":1,"links":[{"url":"` + srv.URL +
		`/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=7&path=/&columnid=103&unitid=4171245"},` +
		`{"url":"` + srv.URL + `/art/2024/3/1/art_103_9001.html","text":"2023年法治政府建设年度报告"}]}`}}}
	if st := crawl(old); st.ListNotModified != 0 {
		t.Errorf("a column stored without its pager was not read again: %+v", st)
	}
}

// The Hanweb column of portaltest: records past the page's 45 come from
// two POSTs, and the crawl stops at the column's total.
func TestCrawlHanwebPortal(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.Hanweb())
	s := site(t, "name: t\nstart: "+srv.URL+portaltest.HanwebColumn+"\ndelay: 0s\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t"}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, p := range got.pages {
		urls = append(urls, strings.TrimPrefix(p.URL, srv.URL))
	}
	if !slices.Equal(sorted(urls), sorted(portaltest.HanwebReports)) || st.ListPages != 3 || len(st.Errors) != 0 {
		t.Errorf("reports %v, want %v: %+v", sorted(urls), sorted(portaltest.HanwebReports), st)
	}
	var posts []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts = append(posts, r.URI())
		}
	}
	want := []string{"/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15",
		"/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=135&perpage=15"}
	if !slices.Equal(posts, want) {
		t.Errorf("POSTs %v, want %v", posts, want)
	}
}
