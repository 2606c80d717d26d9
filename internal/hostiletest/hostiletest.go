package hostiletest

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Bomb is how many bytes of zeros a bomb inflates to: far more than any
// limit, and than the memory of the machines nianbao runs on.
const Bomb = 10 << 30

// Title is the link text of every case on the list page, so that the
// default match of a site file takes each for a report.
const Title = "2023年度法治政府建设情况报告"

// Case is one hostile answer to a report link.
type Case struct {
	Name string // the page is /r/<Name>.html
	What string // what the server does
	// Kind is the error or skip kind the crawl must record for it (the
	// crawler's too_large, decode, too_complex, offsite_redirect, robots),
	// or "" for a page that must be archived.
	Kind string
}

// Path is the case's URL path.
func (c Case) Path() string { return "/r/" + c.Name + ".html" }

// Cases are the hostile report pages a Handler serves.
func Cases() []Case {
	return []Case{
		{"gzip-bomb", "Content-Encoding: gzip, 10 GiB of zeros", "too_large"},
		{"x-gzip-bomb", "Content-Encoding: x-gzip, 10 GiB of zeros", "too_large"},
		{"gzip-list-bomb", "Content-Encoding: gzip, identity, 10 GiB of zeros", "too_large"},
		{"double-gzip-bomb", "Content-Encoding: gzip, gzip (a bomb inside a bomb)", "too_large"},
		{"deflate-bomb", "Content-Encoding: deflate (zlib), 10 GiB of zeros", "too_large"},
		{"gzip-type-bomb", "Content-Type: text/html+gzip, no Content-Encoding, gzip bytes", "too_large"},
		{"gz-url-bomb", "a .gz URL served as text/html, gzip bytes", "too_large"},
		{"br", "Content-Encoding: br (never asked for)", "decode"},
		{"endless", "an endless page, text/html, no Content-Length", "too_large"},
		{"tag-soup", "19 MiB of unclosed <p>: 4.8 million elements", "too_complex"},
		{"dense-page", "19 MiB of <p>法治法治…, near the tag budget (one element per 45 bytes: 443,000 of them), parsed and archived", ""},
		{"stray-end-tags", "19 MiB of text between stray end tags (\"1</b>\": quadratic in golang.org/x/net/html)", "too_complex"},
		{"bogus-comments", "19 MiB of <?> (each a comment node to the parser)", "too_complex"},
		{"table-text", "19 MiB of text straight in a <table>, between stray end tags (foster-parented and joined)", ""},
		{"head-text", "19 MiB of text between <head> tags in the body (ignored tags: text joined)", ""},
		{"reopened-formatting", "400 distinct <b class=…> left open, then 19 MiB of <div>法治…</div> (the parser would copy the 400 before every block)", ""},
		{"pdf-in-text", "a report page whose text quotes \"%PDF-1.7\"", ""},
		{"offsite-redirect", "302 to another host (Handler.Elsewhere: another loopback port, the daemon's API)", "offsite_redirect"},
		{"robots-redirect", "302 to a page robots.txt disallows", "robots_disallowed"},
	}
}

// Hostile list pages a Handler serves (each also links /ok.html, an
// ordinary report).
const (
	// FanOutList's pager scripts name ten million further list pages.
	FanOutList = "/fanout.html"
	// RowList holds one list row of 40,000 links.
	RowList = "/row-list.html"
)

// Robots behaviours of a Handler.
const (
	RobotsPlain   = ""          // disallows /private/ only
	RobotsEndless = "endless"   // "Disallow: /private/" lines, then an endless stream of comment lines
	RobotsBomb    = "gzip-bomb" // Content-Encoding: gzip, 10 GiB of zeros
	RobotsXBomb   = "x-gzip-bomb"
	RobotsStall   = "stall" // the first line, then nothing until the client gives up
	// RobotsOffsite redirects robots.txt to Handler.Elsewhere.
	RobotsOffsite = "offsite"
)

// Handler serves the list page, the cases and robots.txt.
type Handler struct {
	// Robots is the behaviour of /robots.txt (RobotsPlain by default).
	Robots string
	// Elsewhere is the URL the offsite-redirect case redirects to (by
	// default a port of 127.0.0.2 that nothing listens on).
	Elsewhere string
	// BombSize is what a bomb inflates to (Bomb by default); PageSize the
	// size of the tag-soup pages (19 MiB by default). Set them before the
	// first request.
	BombSize int64
	PageSize int

	soup, stray, dense, bogus, table, head, reopen func() []byte
	sent                                           map[string]*atomic.Int64 // body bytes written, by case ("robots" for robots.txt)
}

// NewHandler returns a Handler with the given robots.txt behaviour.
func NewHandler(robots string) *Handler {
	h := &Handler{
		Robots:    robots,
		Elsewhere: "http://127.0.0.2:9/api/sites/x/crawl",
		BombSize:  Bomb,
		PageSize:  19 << 20,
		sent:      map[string]*atomic.Int64{"robots": {}, "bomb.html.gz": {}},
	}
	for _, c := range Cases() {
		h.sent[c.Name] = &atomic.Int64{}
	}
	h.soup = sync.OnceValue(func() []byte { return page(h.PageSize, "<p>a") })
	h.stray = sync.OnceValue(func() []byte { return page(h.PageSize, "1</b>") })
	h.dense = sync.OnceValue(func() []byte { return page(h.PageSize, "<p>"+strings.Repeat("法治", 6)+"建设") })
	h.bogus = sync.OnceValue(func() []byte { return page(h.PageSize, "<?>") })
	h.table = sync.OnceValue(func() []byte {
		return append(pageAfter(h.PageSize, "<table>", strings.Repeat("1", 34)+"</span>"), "</table>"...)
	})
	h.head = sync.OnceValue(func() []byte { return page(h.PageSize, strings.Repeat("年", 12)+"<head>") })
	h.reopen = sync.OnceValue(func() []byte {
		var open strings.Builder
		for i := range 400 {
			fmt.Fprintf(&open, "<b class=c%d>", i)
		}
		return pageAfter(h.PageSize, "<div>"+open.String()+"</div>", "<div>"+strings.Repeat("法治", 12)+"</div>")
	})
	return h
}

// Sent is how many bytes of body the handler has written for a case (as
// on the wire, so compressed for a bomb), or for "robots" (robots.txt).
func (h *Handler) Sent(name string) int64 {
	if n := h.sent[name]; n != nil {
		return n.Load()
	}
	return 0
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		h.serveRobots(w, r)
	case p == "/list.html":
		var b strings.Builder
		b.WriteString("<html><head><meta charset=utf-8><title>法治政府建设</title></head><body><ul>\n")
		only := r.URL.Query().Get("case")
		for _, c := range Cases() {
			if only == "" || only == c.Name {
				fmt.Fprintf(&b, "<li><a href=%q>%s（%s）</a></li>\n", c.Path(), Title, c.Name)
			}
		}
		b.WriteString("</ul></body></html>\n")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, b.String())
	case p == "/robots-list.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><meta charset=utf-8></head><body><ul><li><a href="/ok.html">`+Title+`</a></li>`+
			`<li><a href="/private/r.html">`+Title+`（不公开）</a></li></ul></body></html>`)
	case p == FanOutList:
		// A pager claiming 100,000 pages, a hundred times over.
		var b strings.Builder
		b.WriteString(`<html><head><meta charset=utf-8></head><body><ul><li><a href="/ok.html">` + Title + `</a></li></ul>`)
		for i := range 100 {
			fmt.Fprintf(&b, "<script>createPageHTML('d%d',100000,1,'fanout','html');</script>\n", i)
		}
		b.WriteString("</body></html>")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, b.String())
	case p == RowList:
		// One list row of 40,000 links, each only "详细".
		var b strings.Builder
		b.WriteString(`<html><head><meta charset=utf-8></head><body><ul><li><a href="/ok.html">` + Title + `</a></li><li>` + Title)
		for i := range 40_000 {
			fmt.Fprintf(&b, `<a href="/row/%d.html">详细</a>`, i)
		}
		b.WriteString(`</li></ul></body></html>`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, b.String())
	case p == "/private/r.html", p == "/ok.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><head><title>"+Title+"</title></head><body><p>"+strings.Repeat("本年度法治政府建设取得积极成效。", 20)+"</p></body></html>")
	case strings.HasPrefix(p, "/r/"):
		h.serveCase(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/r/"), ".html"))
	default:
		http.NotFound(w, r)
	}
}

func (h *Handler) serveCase(w http.ResponseWriter, r *http.Request, name string) {
	hd := w.Header()
	n := h.sent[name]
	if n == nil {
		http.NotFound(w, r)
		return
	}
	cw := &countWriter{w: w, n: n}
	switch name {
	case "gzip-bomb", "x-gzip-bomb", "gzip-list-bomb":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Content-Encoding", map[string]string{"gzip-bomb": "gzip", "x-gzip-bomb": "x-gzip", "gzip-list-bomb": "gzip, identity"}[name])
		zeros(gzipWriter(cw), h.BombSize)
	case "double-gzip-bomb":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Content-Encoding", "gzip, gzip")
		outer := gzipWriter(cw)
		zeros(gzipWriter(outer), h.BombSize)
		outer.Close()
	case "deflate-bomb":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Content-Encoding", "deflate")
		z, _ := zlib.NewWriterLevel(cw, zlib.BestSpeed)
		zeros(z, h.BombSize)
	case "gzip-type-bomb":
		hd.Set("Content-Type", "text/html+gzip")
		zeros(gzipWriter(cw), h.BombSize)
	case "gz-url-bomb":
		http.Redirect(w, r, "/r/bomb.html.gz", http.StatusFound)
	case "bomb.html.gz":
		hd.Set("Content-Type", "text/html")
		zeros(gzipWriter(cw), h.BombSize)
	case "br":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Content-Encoding", "br")
		cw.Write([]byte("\x1b\xff\xff\x00brotli is never asked for"))
	case "endless":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		line := []byte("<p>" + strings.Repeat("本年度法治政府建设取得积极成效。", 40) + "</p>\n")
		for range h.BombSize / int64(len(line)) {
			if _, err := cw.Write(line); err != nil {
				return
			}
		}
	case "tag-soup", "stray-end-tags", "dense-page", "bogus-comments", "table-text", "head-text", "reopened-formatting":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		cw.Write(map[string]func() []byte{"tag-soup": h.soup, "stray-end-tags": h.stray, "dense-page": h.dense,
			"bogus-comments": h.bogus, "table-text": h.table, "head-text": h.head, "reopened-formatting": h.reopen}[name]())
	case "pdf-in-text":
		hd.Set("Content-Type", "text/html; charset=utf-8")
		cw.Write([]byte("<html><head><title>" + Title + "</title></head><body><p>" +
			strings.Repeat("本年度法治政府建设取得积极成效。", 20) + "</p><p>文件头为%PDF-1.7的文件可以用任何阅读器打开。</p></body></html>"))
	case "offsite-redirect":
		http.Redirect(w, r, h.Elsewhere, http.StatusFound)
	case "robots-redirect":
		http.Redirect(w, r, "/private/r.html", http.StatusFound)
	}
}

func (h *Handler) serveRobots(w http.ResponseWriter, r *http.Request) {
	const rules = "User-agent: *\nDisallow: /private/\n"
	cw := &countWriter{w: w, n: h.sent["robots"]}
	w.Header().Set("Content-Type", "text/plain")
	switch h.Robots {
	case RobotsEndless:
		cw.Write([]byte(rules))
		line := []byte("# " + strings.Repeat("robots ", 20) + "\n")
		for range h.BombSize / int64(len(line)) {
			if _, err := cw.Write(line); err != nil {
				return
			}
		}
	case RobotsBomb, RobotsXBomb:
		w.Header().Set("Content-Encoding", map[string]string{RobotsBomb: "gzip", RobotsXBomb: "x-gzip"}[h.Robots])
		z := gzipWriter(cw)
		z.Write([]byte(rules))
		zeros(z, h.BombSize)
	case RobotsOffsite:
		http.Redirect(w, r, h.Elsewhere, http.StatusFound)
	case RobotsStall:
		cw.Write([]byte("User-agent: *\n"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	default:
		cw.Write([]byte(rules))
	}
}

// countWriter counts what is written through it, and flushes as it goes so
// that a client sees the data at once.
type countWriter struct {
	w http.ResponseWriter
	n *atomic.Int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func gzipWriter(w io.Writer) *gzip.Writer {
	z, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	return z
}

// zeros writes n zero bytes through w, compressing them on the fly, and
// closes w; it stops at the first error (the client went away).
func zeros(w io.WriteCloser, n int64) {
	buf := make([]byte, 256<<10)
	for ; n > 0; n -= int64(len(buf)) {
		if _, err := w.Write(buf[:min(n, int64(len(buf)))]); err != nil {
			return
		}
	}
	w.Close()
}

// page is a page of size bytes: a head, then unit again and again.
func page(size int, unit string) []byte { return pageAfter(size, "", unit) }

// pageAfter is a page of size bytes: a head, start, then unit again and
// again.
func pageAfter(size int, start, unit string) []byte {
	var b bytes.Buffer
	b.Grow(size + len(unit))
	b.WriteString("<html><head><meta charset=utf-8><title>" + Title + "</title></head><body>" + start)
	for b.Len() < size {
		b.WriteString(unit)
	}
	return b.Bytes()
}

// Server is a Handler served on 127.0.0.1.
type Server struct {
	*httptest.Server
	Handler *Handler
}

// NewServer starts a Server for h on 127.0.0.1 and closes it via t.Cleanup.
func NewServer(t testing.TB, h *Handler) *Server {
	t.Helper()
	s, err := Start(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server for h on 127.0.0.1; the caller closes it.
func Start(h *Handler) (*Server, error) {
	ts := httptest.NewUnstartedServer(h)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hostiletest: listen on 127.0.0.1: %w", err)
	}
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	return &Server{Server: ts, Handler: h}, nil
}
