package crawler

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gocolly/colly/v2"
)

// colly is handed an empty body for a web page (the crawler reads the page
// from take()), yet still answers with the status and headers; a body colly
// would gunzip itself is handed over as it is.
func TestRawTransportBodies(t *testing.T) {
	page := strings.Repeat("<p>法治政府建设年度报告</p>", 500)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(page))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gbk.html":
			w.Header().Set("Content-Type", "text/html; charset=gbk")
			w.Header().Set("X-Test", "1")
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(page))
		case "/chunked.html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(page[:100]))
			w.(http.Flusher).Flush()
			w.Write([]byte(page[100:]))
		case "/sitemap.xml.gz":
			w.Header().Set("Content-Type", "text/xml")
			w.Write(gz.Bytes())
		case "/gone.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusGone)
			w.Write([]byte(page))
		}
	}))
	defer srv.Close()
	raw := &rawTransport{next: http.DefaultTransport, limit: 1 << 20, fileLimit: 1 << 20}
	c := colly.NewCollector()
	c.WithTransport(raw)
	c.AllowURLRevisit = true
	var got *colly.Response
	c.OnResponse(func(r *colly.Response) { got = r })
	c.OnError(func(r *colly.Response, err error) { got = r })
	for _, tt := range []struct {
		path      string
		status    int
		collyBody string
		raw       string
	}{
		{"/gbk.html", 200, "", page},
		{"/chunked.html", 200, "", page},
		{"/sitemap.xml.gz", 200, page, string(gz.Bytes())},
		{"/gone.html", http.StatusGone, "", page},
	} {
		got = nil
		c.Visit(srv.URL + tt.path)
		body := raw.take()
		if got == nil {
			t.Fatalf("%s: no response", tt.path)
		}
		if got.StatusCode != tt.status || string(got.Body) != tt.collyBody || string(body) != tt.raw {
			t.Errorf("%s: status %d, colly's body %d bytes, raw body %d bytes; want %d, %d, %d",
				tt.path, got.StatusCode, len(got.Body), len(body), tt.status, len(tt.collyBody), len(tt.raw))
		}
		if tt.path == "/gbk.html" && got.Headers.Get("X-Test") != "1" {
			t.Errorf("%s: headers lost: %v", tt.path, got.Headers)
		}
	}
}

func TestReadAll(t *testing.T) {
	data := strings.Repeat("x", 10000)
	for _, size := range []int{0, 1, 512, 9999, 10000, 10001, 20000} {
		b, err := readAll(io.LimitReader(strings.NewReader(data), 10000), size)
		if err != nil || string(b) != data {
			t.Errorf("size %d: %d bytes, %v", size, len(b), err)
		}
	}
}
