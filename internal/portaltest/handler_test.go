package portaltest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// get fetches url with the server's client and returns status, headers and body.
func get(t *testing.T, s *Server, uri string) (int, http.Header, []byte) {
	t.Helper()
	return do(t, s, http.MethodGet, uri, nil)
}

// do sends one request to s and reads the whole response.
func do(t *testing.T, s *Server, method, uri string, hdr http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	c := s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, uri, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, uri, err)
	}
	return resp.StatusCode, resp.Header, body
}

// testFS is a small fixture tree exercising every serving rule.
func testFS() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"index.html":             f("<title>home</title>"),
		"a/index.html":           f("<title>a</title>"),
		"a/b.html":               f("<title>b</title> hits={{HITS}} now={{NOW}} today={{TODAY}} x={{X}} odd={{lower}} {{ UNCLOSED"),
		"q.jsp":                  f("<title>q bare</title>"),
		"q.jsp%3Fpage=2":         f("<title>q page 2</title>"),
		"s/index.html%3Fq=a%20b": f("<title>search a b</title>"),
		"gbk.html":               f("<!-- portaltest: encoding=gbk -->\n<meta charset=gb2312><title>中文标题</title>"),
		"gbk-ct.html":            f("<!-- portaltest: encoding=gbk content-type=\"text/html; charset=GBK\" -->\n<title>中文</title>"),
		"plain.txt":              f("hello {{HITS}}"),
		"ct.html":                f("<!-- portaltest: content-type=\"application/xhtml+xml\" -->\n<title>ct</title>"),
		"boom.html":              f("<!-- portaltest: status=500 -->\n<title>oops</title>"),
		"moved.html":             f("<!-- portaltest: status=302 location=\"/a/b.html\" -->\nmoved"),
		"slow.html":              f("<!-- portaltest: delay=20ms -->\nslow"),
		"bad.html":               f("<!-- portaltest: colour=red -->\nbad"),
		"doc.pdf":                f("%PDF-1.4 {{HITS}}"),
		"robots.txt":             f("User-agent: *\nDisallow: /private/\n"),
		"cn/中文.html":             f("unicode path"),
	}
}

func TestServe(t *testing.T) {
	s := NewServer(t, testFS())
	tests := []struct {
		name       string
		method     string
		uri        string
		wantStatus int
		wantCT     string
		wantBody   string // substring of the (decoded) body
		wantGBK    bool   // raw body is GBK: not valid UTF-8, decodes to wantBody
		wantHeader [2]string
	}{
		{name: "root", uri: "/", wantStatus: 200, wantCT: "text/html; charset=utf-8", wantBody: "<title>home</title>"},
		{name: "index file", uri: "/index.html", wantStatus: 200, wantBody: "home"},
		{name: "folder", uri: "/a/", wantStatus: 200, wantBody: "<title>a</title>"},
		{name: "folder without slash redirects", uri: "/a", wantStatus: 301, wantHeader: [2]string{"Location", "/a/"}},
		{name: "query file", uri: "/q.jsp?page=2", wantStatus: 200, wantBody: "q page 2"},
		{name: "unknown query falls back to bare file", uri: "/q.jsp?page=9", wantStatus: 200, wantBody: "q bare"},
		{name: "escaped query", uri: "/s/?q=a%20b", wantStatus: 200, wantBody: "search a b"},
		{name: "missing", uri: "/nope.html", wantStatus: 404, wantCT: "text/html; charset=utf-8", wantBody: "404 Not Found"},
		{name: "missing query page", uri: "/a/b.html/x?y=1", wantStatus: 404},
		{name: "dot dot stays inside", uri: "/../a/", wantStatus: 200, wantBody: "<title>a</title>"},
		{name: "gbk default type has no charset", uri: "/gbk.html", wantStatus: 200, wantCT: "text/html", wantBody: "<title>中文标题</title>", wantGBK: true},
		{name: "gbk with explicit type", uri: "/gbk-ct.html", wantStatus: 200, wantCT: "text/html; charset=GBK", wantBody: "中文", wantGBK: true},
		{name: "front matter removed", uri: "/ct.html", wantStatus: 200, wantCT: "application/xhtml+xml", wantBody: "<title>ct</title>"},
		{name: "status", uri: "/boom.html", wantStatus: 500, wantBody: "oops"},
		{name: "redirect", uri: "/moved.html", wantStatus: 302, wantHeader: [2]string{"Location", "/a/b.html"}},
		{name: "delay", uri: "/slow.html", wantStatus: 200, wantBody: "slow"},
		{name: "bad front matter fails loudly", uri: "/bad.html", wantStatus: 500, wantBody: "unknown key"},
		{name: "robots", uri: "/robots.txt", wantStatus: 200, wantCT: "text/plain; charset=utf-8", wantBody: "Disallow: /private/"},
		{name: "text gets variables", uri: "/plain.txt", wantStatus: 200, wantCT: "text/plain; charset=utf-8"},
		{name: "binary untouched", uri: "/doc.pdf", wantStatus: 200, wantCT: "application/pdf", wantBody: "%PDF-1.4 {{HITS}}"},
		{name: "unicode path", uri: "/cn/%E4%B8%AD%E6%96%87.html", wantStatus: 200, wantBody: "unicode path"},
		{name: "head", method: http.MethodHead, uri: "/a/", wantStatus: 200, wantHeader: [2]string{"Content-Length", "16"}},
		{name: "post is served too", method: http.MethodPost, uri: "/a/", wantStatus: 200, wantBody: "<title>a</title>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			status, hdr, body := do(t, s, method, tt.uri, nil)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %q)", status, tt.wantStatus, body)
			}
			if tt.wantCT != "" && hdr.Get("Content-Type") != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", hdr.Get("Content-Type"), tt.wantCT)
			}
			if tt.wantHeader[0] != "" && hdr.Get(tt.wantHeader[0]) != tt.wantHeader[1] {
				t.Errorf("%s = %q, want %q", tt.wantHeader[0], hdr.Get(tt.wantHeader[0]), tt.wantHeader[1])
			}
			if method == http.MethodHead && len(body) != 0 {
				t.Errorf("HEAD returned a body of %d bytes", len(body))
			}
			text := body
			if tt.wantGBK {
				if utf8.Valid(body) {
					t.Errorf("body is valid UTF-8, want GBK bytes: %q", body)
				}
				var err error
				if text, err = simplifiedchinese.GBK.NewDecoder().Bytes(body); err != nil {
					t.Fatalf("decode GBK: %v", err)
				}
			}
			if !strings.Contains(string(text), tt.wantBody) {
				t.Errorf("body %q does not contain %q", text, tt.wantBody)
			}
			if strings.Contains(string(text), frontMatterPrefix) {
				t.Errorf("front matter was served: %q", text)
			}
		})
	}
}

func TestTemplateVariables(t *testing.T) {
	s := NewServer(t, testFS())
	clock := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC) // 09:02:03 in China
	s.SetClock(func() time.Time { return clock })
	s.SetVar("X", "ex")

	_, _, b1 := get(t, s, "/a/b.html")
	_, _, b2 := get(t, s, "/a/b.html")
	for _, want := range []string{
		"now=2026-11-22 09:02:03",
		"today=2026年11月22日 星期日",
		"x=ex",
		"odd={{lower}}",
		"{{ UNCLOSED",
	} {
		if !strings.Contains(string(b1), want) {
			t.Errorf("body %q does not contain %q", b1, want)
		}
	}
	hits := regexp.MustCompile(`hits=(\d+)`)
	h1, h2 := hits.FindSubmatch(b1), hits.FindSubmatch(b2)
	if h1 == nil || h2 == nil || string(h1[1]) == string(h2[1]) {
		t.Errorf("{{HITS}} did not change between fetches: %q, %q", h1, h2)
	}

	s.SetVar("HITS", "42") // SetVar wins over the built-ins
	if _, _, b := get(t, s, "/a/b.html"); !strings.Contains(string(b), "hits=42") {
		t.Errorf("SetVar(HITS) ignored: %q", b)
	}
	if r := s.Requests(); !r[0].Time.Equal(clock) {
		t.Errorf("Request.Time = %v, want the test clock %v", r[0].Time, clock)
	}
}

func TestSetAndRemove(t *testing.T) {
	s := NewServer(t, testFS())
	if _, _, b := get(t, s, "/a/"); !strings.Contains(string(b), "<title>a</title>") {
		t.Fatalf("before Set: %q", b)
	}
	steps := []struct {
		name       string
		act        func()
		uri        string
		wantStatus int
		wantBody   string
	}{
		{"replace a page", func() { s.Set("/a/", []byte("<title>new a</title>")) }, "/a/index.html", 200, "new a"},
		{"add a query page", func() { s.Set("/xxgk/list.jsp?page=3", []byte("third")) }, "/xxgk/list.jsp?page=3", 200, "third"},
		{"added page makes its folder redirect", nil, "/xxgk", 301, ""},
		{"front matter applies to Set pages", func() { s.Set("/g.html", []byte("<!-- portaltest: status=503 -->\nbusy {{X}}")) }, "/g.html", 503, "busy {{X}}"},
		{"remove an embedded page", func() { s.Remove("/q.jsp?page=2") }, "/q.jsp?page=2", 200, "q bare"},
		{"remove the fallback too", func() { s.Remove("/q.jsp") }, "/q.jsp?page=2", 404, ""},
		{"set brings it back", func() { s.Set("/q.jsp", []byte("back")) }, "/q.jsp", 200, "back"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.act != nil {
				st.act()
			}
			status, _, body := get(t, s, st.uri)
			if status != st.wantStatus || !strings.Contains(string(body), st.wantBody) {
				t.Errorf("GET %s = %d %q, want %d containing %q", st.uri, status, body, st.wantStatus, st.wantBody)
			}
		})
	}
	content := []byte("mutable")
	s.Set("/m.html", content)
	content[0] = 'X'
	if _, _, b := get(t, s, "/m.html"); string(b) != "mutable" {
		t.Errorf("Set did not copy its content: %q", b)
	}
}

func TestRequestsAndCount(t *testing.T) {
	s := NewServer(t, testFS())
	hdr := http.Header{"User-Agent": {"nianbao-test/1.0"}, "X-Probe": {"yes"}}
	for _, uri := range []string{"/a/", "/a/", "/q.jsp?page=2", "/nope", "/trap/?page=3"} {
		do(t, s, http.MethodGet, uri, hdr)
	}
	do(t, s, http.MethodHead, "/a/", nil)

	reqs := s.Requests()
	if len(reqs) != 6 {
		t.Fatalf("len(Requests()) = %d, want 6", len(reqs))
	}
	r := reqs[2]
	if r.Method != "GET" || r.Path != "/q.jsp" || r.RawQuery != "page=2" || r.UserAgent != "nianbao-test/1.0" ||
		r.Header.Get("X-Probe") != "yes" || r.URI() != "/q.jsp?page=2" || r.Time.IsZero() {
		t.Errorf("Requests()[2] = %+v", r)
	}
	if reqs[5].Method != http.MethodHead {
		t.Errorf("last request method = %q, want HEAD", reqs[5].Method)
	}
	reqs[0].Header.Set("X-Probe", "mutated")
	if s.Requests()[0].Header.Get("X-Probe") != "yes" {
		t.Error("Requests() returned shared headers")
	}

	counts := []struct {
		uri  string
		want int
	}{
		{"/a/", 3},
		{"/a/index.html", 0},
		{"/q.jsp?page=2", 1},
		{"/q.jsp", 0},
		{"/nope", 1},
		{"/trap/?page=3", 1},
		{"/trap/", 0},
		{"/never", 0},
	}
	for _, c := range counts {
		t.Run(c.uri, func(t *testing.T) {
			if got := s.Count(c.uri); got != c.want {
				t.Errorf("Count(%q) = %d, want %d", c.uri, got, c.want)
			}
		})
	}
}

func TestConcurrent(t *testing.T) {
	s := NewServer(t, testFS())
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			uri := []string{"/a/b.html", "/gbk.html", "/trap/list_3.html", "/missing"}[i%4]
			resp, err := s.Client().Get(s.URL + uri)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			s.SetVar("X", fmt.Sprint(i))
			s.Set(fmt.Sprintf("/p%d.html", i), []byte("x"))
			s.Count("/a/b.html")
		}()
	}
	wg.Wait()
	if n := len(s.Requests()); n != 20 {
		t.Errorf("recorded %d requests, want 20", n)
	}
	if n := s.Count("/a/b.html"); n != 5 {
		t.Errorf("Count(/a/b.html) = %d, want 5", n)
	}
}

func TestTrapNeverEnds(t *testing.T) {
	next := regexp.MustCompile(`<a href="([^"]+)">下一页</a>`)
	query := func(k int) string { return fmt.Sprintf("/trap/?page=%d", k) }
	list := func(k int) string { return fmt.Sprintf("/trap/list_%d.html", k) }
	tests := []struct {
		name  string
		start string
		first int                // page number of start
		uri   func(k int) string // URI of page k
	}{
		{"query", "/trap/", 1, query},
		{"list", "/trap/list_1.html", 1, list},
		{"index", "/trap/index.html", 1, list},
		{"deep start", "/trap/?page=999999", 999999, query},
		{"any path", "/trap/202401/t20240101_5.html", 1, query},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, fstest.MapFS{})
			uri := tt.start
			var nav string
			for k := tt.first; k < tt.first+60; k++ {
				status, _, body := get(t, s, uri)
				if status != 200 {
					t.Fatalf("GET %s: status %d", uri, status)
				}
				b := string(body)
				if nav == "" {
					nav = b[strings.Index(b, `<div class="nav">`):strings.Index(b, "<ul")]
				} else if !strings.Contains(b, nav) {
					t.Fatalf("page %d: navigation changed", k)
				}
				if strings.Contains(b, "报告") {
					t.Fatalf("page %d links to a report", k)
				}
				m := next.FindStringSubmatch(b)
				if m == nil {
					t.Fatalf("page %d (%s) has no 下一页 link", k, uri)
				}
				if m[1] != tt.uri(k+1) {
					t.Fatalf("page %d: 下一页 = %s, want %s", k, m[1], tt.uri(k+1))
				}
				if numbered := fmt.Sprintf(`<a href="%s">%d</a>`, m[1], k+1); !strings.Contains(b, numbered) {
					t.Fatalf("page %d: no numbered link %s", k, numbered)
				}
				uri = m[1]
			}
			if got := len(s.Requests()); got != 60 {
				t.Errorf("recorded %d requests, want 60", got)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"/", "index.html"},
		{"", "index.html"},
		{"/fzzfjs/", "fzzfjs/index.html"},
		{"/fzzfjs/index_1.html", "fzzfjs/index_1.html"},
		{"/xxgk/list.jsp?page=2", "xxgk/list.jsp%3Fpage=2"},
		{"/a/?q=a b&x=1", "a/index.html%3Fq=a%20b&x=1"},
		{"/s?q=%E4%B8%AD", "s%3Fq=%E4%B8%AD"},
		{"/s?q=%e4%b8%ad", "s%3Fq=%E4%B8%AD"},
		{"/s?q=中", "s%3Fq=%E4%B8%AD"},
		{"/s?q=100%", "s%3Fq=100%25"},
		{"/s?q=%zz%4", "s%3Fq=%25zz%254"},
		{"/s?q=a%3Fb", "s%3Fq=a%3Fb"},
		{"/s?a/b:c*d\"e|f<g>h'i`j;k", "s%3Fa%2Fb%3Ac%2Ad%22e%7Cf%3Cg%3Eh%27i%60j%3Bk"},
		{"/x?", "x"},
		{"/../../etc/passwd", "etc/passwd"},
		{"/a//b/./c.html", "a/b/c.html"},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			if got := FileName(tt.uri); got != tt.want {
				t.Errorf("FileName(%q) = %q, want %q", tt.uri, got, tt.want)
			}
		})
	}
}

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    frontMatter
		body    string
		wantErr string
	}{
		{name: "none", in: "<html>", want: frontMatter{status: 200}, body: "<html>"},
		{name: "gbk", in: "<!-- portaltest: encoding=gbk -->\n<html>", want: frontMatter{status: 200, gbk: true}, body: "<html>"},
		{name: "crlf", in: "<!-- portaltest: encoding=GBK -->\r\n<html>", want: frontMatter{status: 200, gbk: true}, body: "<html>"},
		{name: "all keys", in: "<!-- portaltest: encoding=utf-8 content-type=\"text/html; charset=gb2312\" status=404 location=/x delay=1s -->\nB",
			want: frontMatter{status: 404, contentType: "text/html; charset=gb2312", location: "/x", delay: time.Second}, body: "B"},
		{name: "empty", in: "<!-- portaltest: -->\nB", want: frontMatter{status: 200}, body: "B"},
		{name: "hostile keys", in: "<!-- portaltest: fail=2 fail-status=429 retry-after=1 drip=1s -->\nB",
			want: frontMatter{status: 200, fail: 2, failStatus: 429, retryAfter: "1", drip: time.Second}, body: "B"},
		{name: "bad fail", in: "<!-- portaltest: fail=-1 -->\n", wantErr: "fail"},
		{name: "bad drip", in: "<!-- portaltest: drip=0s -->\n", wantErr: "drip"},
		{name: "unknown key", in: "<!-- portaltest: charset=gbk -->\n", wantErr: "unknown key"},
		{name: "bad encoding", in: "<!-- portaltest: encoding=big5 -->\n", wantErr: "encoding"},
		{name: "bad status", in: "<!-- portaltest: status=ok -->\n", wantErr: "status"},
		{name: "bad delay", in: "<!-- portaltest: delay=soon -->\n", wantErr: "delay"},
		{name: "unterminated quote", in: "<!-- portaltest: content-type=\"text/html -->\n", wantErr: "quote"},
		{name: "no closing", in: "<!-- portaltest: status=500\n", wantErr: "-->"},
		{name: "no value", in: "<!-- portaltest: gbk -->\n", wantErr: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, body, err := parseFrontMatter([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fm != tt.want || string(body) != tt.body {
				t.Errorf("got %+v %q, want %+v %q", fm, body, tt.want, tt.body)
			}
		})
	}
}

// TestNewHandler serves a Handler from a plain httptest.Server, as a dev
// command would serve it from an http.Server.
func TestNewHandler(t *testing.T) {
	h := NewHandler(testFS())
	h.Set("/x.html", []byte("{{X}}"))
	h.SetVar("X", "handler")
	ts := httptest.NewServer(h)
	defer ts.Close()
	resp, err := ts.Client().Get(ts.URL + "/x.html")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); string(b) != "handler" {
		t.Errorf("body = %q, want %q", b, "handler")
	}
	if h.Count("/x.html") != 1 {
		t.Errorf("Handler did not record the request")
	}
}
