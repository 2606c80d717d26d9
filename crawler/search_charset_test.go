package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/nianbao/nianbao/crawler"
)

// A search form is sent in its page's encoding, as a browser sends it: a
// GBK portal's search reads GBK bytes from the query (UTF-8 bytes are
// mojibake to it and find nothing), unless the form's accept-charset says
// otherwise.
func TestSearchFormCharset(t *testing.T) {
	tests := []struct {
		name, pageCharset, accept, want string
	}{
		{"GBK page", "gbk", "", "gbk"},
		{"GB2312 page, form in UTF-8", "gb2312", ` accept-charset="UTF-8"`, "utf-8"},
		{"UTF-8 page, form in GBK", "utf-8", ` accept-charset="gbk utf-8"`, "gbk"},
		{"UTF-8 page", "utf-8", "", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var understood, asked atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/":
					home := searchHome(`<form action="/search/"` + tt.accept + `><input type="hidden" name="site" value="某县"><input name="searchword"></form>`)
					body := []byte(home)
					if tt.pageCharset != "utf-8" {
						body, _ = simplifiedchinese.GBK.NewEncoder().Bytes(body)
					}
					w.Header().Set("Content-Type", "text/html; charset="+tt.pageCharset)
					w.Write(body)
				case r.URL.Path == "/search/":
					asked.Add(1)
					q, _ := url.ParseQuery(r.URL.RawQuery)
					word, site := q.Get("searchword"), q.Get("site")
					if tt.want == "gbk" {
						word, _ = simplifiedchinese.GBK.NewDecoder().String(word)
						site, _ = simplifiedchinese.GBK.NewDecoder().String(site)
					} else if !utf8.ValidString(word) {
						word = ""
					}
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					if !strings.Contains(word, "法治政府建设") && !strings.Contains(word, "政府信息公开") || site != "某县" {
						fmt.Fprint(w, `<html><body><p>没有找到相关结果。</p></body></html>`)
						return
					}
					understood.Add(1)
					fmt.Fprint(w, `<html><body><ul><li><a href="/a/t20250101_1.html">某县2024年法治政府建设年度报告</a></li></ul></body></html>`)
				case r.URL.Path == "/a/t20250101_1.html":
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					fmt.Fprint(w, report("某县2024年法治政府建设年度报告"))
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			s := site(t, "name: s\nstart: "+srv.URL+"/\ndelay: 0s\n")
			var c collected
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{MaxProbes: 5}, c.handle)
			if err != nil {
				t.Fatal(err)
			}
			if asked.Load() == 0 || understood.Load() == 0 || len(c.pages) != 1 || st.SearchQueries == 0 {
				t.Errorf("%d searches, %d understood (words sent in %s), %d reports; want the report found", asked.Load(), understood.Load(), tt.want, len(c.pages))
			}
		})
	}
}
