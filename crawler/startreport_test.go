package crawler_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// A start URL that is a report is handed over as one, fetched once; a list
// start is read as a list, and never handed over, even when its own title
// reads like a report's.
func TestCrawlStartReports(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	files := fstest.MapFS{
		"c/report.pdf":   {Data: []byte("%PDF-1.7\n% a report as a file\n")},
		"c/a.html":       {Data: []byte(report(title))},
		"c/notice.html":  {Data: []byte(report("关于开展业务培训的通知"))},
		"c/index.html":   {Data: []byte(list(`<li><a href="a.html">`+title+`</a></li>`, `<li><a href="notice.html">关于开展业务培训的通知</a></li>`))},
		"c/column.html":  {Data: []byte(`<html><head><title>` + title + `</title></head><body><ul><li><a href="a.html">2023年法治政府建设年度报…</a></li></ul></body></html>`)},
		"c/archive.html": {Data: []byte(`<html><head><title>法治政府建设年度报告汇总</title></head><body><ul><li><a href="a.html">` + title + `</a></li></ul></body></html>`)},
	}
	tests := []struct {
		name     string
		start    string
		want     []string // URL paths handed over
		wantFile bool     // the one handed over is a file
		requests map[string]int
		check    func(crawler.Stats) string
	}{
		{
			name: "a PDF start is handed over as a report file", start: "/c/report.pdf",
			want: []string{"/c/report.pdf"}, wantFile: true, requests: map[string]int{"/c/report.pdf": 1},
			check: func(s crawler.Stats) string {
				if s.Reports != 1 || s.Files != 1 || s.ListPages != 0 || len(s.Skipped) != 0 || len(s.Errors) != 0 {
					return "want one report, one file, no list page, no skip"
				}
				return ""
			},
		},
		{
			name: "a report page start is handed over, fetched once", start: "/c/a.html",
			want: []string{"/c/a.html"}, requests: map[string]int{"/c/a.html": 1},
			check: func(s crawler.Stats) string {
				if s.Reports != 1 || s.ListPages != 1 {
					return "want one report, read as one list page"
				}
				return ""
			},
		},
		{
			name: "a page whose title does not match is not a report", start: "/c/notice.html",
			requests: map[string]int{"/c/notice.html": 1},
		},
		{
			name: "an ordinary list start: its report, each page asked for once", start: "/c/index.html",
			want: []string{"/c/a.html"}, requests: map[string]int{"/c/index.html": 1, "/c/a.html": 1, "/c/notice.html": 0},
		},
		{
			name: "a list named like a report, of truncated titles, is a list", start: "/c/column.html",
			want: []string{"/c/a.html"}, requests: map[string]int{"/c/column.html": 1, "/c/a.html": 1},
		},
		{
			name: "a list whose title matches, with report links, is a list", start: "/c/archive.html",
			want: []string{"/c/a.html"}, requests: map[string]int{"/c/archive.html": 1, "/c/a.html": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewServer(t, files)
			s := site(t, "name: t\nstart: "+srv.URL+tt.start+"\ndelay: 0s\n")
			var got collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", MaxProbes: 5}, got.handle)
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, p := range got.pages {
				urls = append(urls, strings.TrimPrefix(p.URL, srv.URL))
				if (p.File != nil) != tt.wantFile {
					t.Errorf("%s: File %v, want a file: %v", p.URL, p.File, tt.wantFile)
				}
				if p.File != nil && (p.File.Kind != "pdf" || !strings.HasPrefix(string(p.File.Body), "%PDF") || p.LinkURL != srv.URL+tt.start) {
					t.Errorf("file handed over: %+v", p.File)
				}
				if p.File == nil && (len(p.HTML) == 0 || p.LinkTitle != title) {
					t.Errorf("page %s handed over with title %q and %d bytes of HTML", p.URL, p.LinkTitle, len(p.HTML))
				}
			}
			if strings.Join(sorted(urls), " ") != strings.Join(sorted(tt.want), " ") {
				t.Errorf("handed over %v, want %v (%+v)", urls, tt.want, st)
			}
			for path, n := range tt.requests {
				if got := srv.Count(path); got != n {
					t.Errorf("%s requested %d times, want %d", path, got, n)
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
