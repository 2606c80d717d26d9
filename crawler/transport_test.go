package crawler

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gocolly/colly/v2"
)

// colly is handed an empty body for every web page (the crawler reads the
// page from take()), yet still answers with the status and headers; a body
// colly would gunzip itself is gunzipped by the transport instead.
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
		{"/sitemap.xml.gz", 200, "", page},
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

// Every body is decoded under its limit of decoded bytes, whatever its
// headers say, and colly gets nothing to inflate: a 64 MB bomb sent under
// each way of saying gzip or deflate leaves a body of limit+1 bytes.
func TestRawTransportDecodesUnderTheLimit(t *testing.T) {
	const bomb, limit = 64 << 20, 1 << 20
	const over = limit + 1
	compress := func(coding string, data []byte) []byte {
		var b bytes.Buffer
		var w io.WriteCloser
		switch coding {
		case "gzip":
			w = gzip.NewWriter(&b)
		case "zlib":
			w = zlib.NewWriter(&b)
		case "raw":
			w, _ = flate.NewWriter(&b, flate.BestSpeed)
		}
		w.Write(data)
		w.Close()
		return b.Bytes()
	}
	zeros := make([]byte, bomb)
	gz := compress("gzip", zeros)
	page := []byte(strings.Repeat("<p>法治政府建设年度报告</p>", 50))
	tests := []struct {
		name, path, ce, ct string
		body               []byte
		want               int    // raw body length (over: the limit and one byte); -1: an error
		wantErr            string // a part of the error
	}{
		{"gzip", "/a.html", "gzip", "text/html", gz, over, ""},
		{"x-gzip", "/a.html", "x-gzip", "text/html", gz, over, ""},
		{"a list", "/a.html", "gzip, identity", "text/html", gz, over, ""},
		{"upper case", "/a.html", "GZIP", "text/html", gz, over, ""},
		{"twice", "/a.html", "gzip, gzip", "text/html", compress("gzip", gz), over, ""},
		{"deflate as zlib", "/a.html", "deflate", "text/html", compress("zlib", zeros), over, ""},
		{"deflate as raw DEFLATE", "/a.html", "deflate", "text/html", compress("raw", zeros), over, ""},
		{"gzip type", "/a.html", "", "text/html+gzip", gz, over, ""},
		{".gz URL", "/a.html.gz", "", "text/html", gz, over, ""},
		{"a small page, gzipped", "/a.html", "x-gzip", "text/html", compress("gzip", page), len(page), ""},
		{"a .gz URL that is not gzip", "/a.html.gz", "", "text/html", page, len(page), ""},
		{"brotli", "/a.html", "br", "text/html", []byte("\x1b\x00"), -1, "unsupported coding \"br\""},
		{"not gzip at all", "/a.html", "gzip", "text/html", page, -1, "content encoding"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, tt := range tests {
			if r.URL.Query().Get("case") == tt.name {
				if tt.ce != "" {
					w.Header().Set("Content-Encoding", tt.ce)
				}
				w.Header().Set("Content-Type", tt.ct)
				w.Write(tt.body)
			}
		}
	}))
	defer srv.Close()
	for _, tt := range tests {
		raw := &rawTransport{next: http.DefaultTransport, limit: over, fileLimit: over}
		c := colly.NewCollector()
		c.WithTransport(raw)
		var got *colly.Response
		var gotErr error
		c.OnResponse(func(r *colly.Response) { got = r })
		c.OnError(func(r *colly.Response, err error) { gotErr = err })
		c.Visit(srv.URL + tt.path + "?case=" + url.QueryEscape(tt.name))
		body := raw.take()
		switch {
		case tt.want < 0:
			if gotErr == nil || !strings.Contains(gotErr.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want one saying %q", tt.name, gotErr, tt.wantErr)
			}
		case gotErr != nil || got == nil:
			t.Errorf("%s: %v", tt.name, gotErr)
		case len(got.Body) != 0:
			t.Errorf("%s: colly was handed %d bytes", tt.name, len(got.Body))
		case len(body) != tt.want:
			t.Errorf("%s: raw body of %d bytes, want %d", tt.name, len(body), tt.want)
		}
	}
}
