package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// farmFlags registers the flags that describe a farm on fs.
func farmFlags(fs *flag.FlagSet, f *Farm) {
	fs.IntVar(&f.Portals, "portals", 100, "number of portals")
	fs.IntVar(&f.Pages, "pages", 50, "pages per portal that a crawl fetches (list pages + report pages)")
	fs.IntVar(&f.ListSize, "list-size", 20, "items per list page")
	fs.Float64Var(&f.ReportShare, "report-share", 0.2, "share of list items that are reports")
	fs.Float64Var(&f.GBKShare, "gbk", 0.3, "share of portals served in GBK (half declared in the header, half only in <meta>)")
	fs.IntVar(&f.Attachments, "attachments", 2, "report-titled attachment links (PDF, DOCX) on each portal's first list page")
	fs.IntVar(&f.Port, "port", 0, "port every portal listens on (0: a random one)")
	fs.BoolVar(&f.Home, "home", false, "home-page mode: every portal also serves a home page, a 政务公开 hub and an 信息公开 index above its report column (home.go); the crawls run once configured by list page, once by home page")
}

// farmArgs are the flags that reproduce f in a child process.
func farmArgs(f *Farm) []string {
	return []string{"-portals", strconv.Itoa(f.Portals), "-pages", strconv.Itoa(f.Pages), "-list-size", strconv.Itoa(f.ListSize),
		"-report-share", fmt.Sprint(f.ReportShare), "-gbk", fmt.Sprint(f.GBKShare), "-attachments", strconv.Itoa(f.Attachments),
		"-port", strconv.Itoa(f.Port), "-home=" + strconv.FormatBool(f.Home)}
}

// farmEpoch is the Last-Modified of every farm page.
var farmEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	detailRe = regexp.MustCompile(`^/(\w+)/\d{6}/t\d{8}_(\d+)\.(html|pdf|docx)$`)
	indexRe  = regexp.MustCompile(`^/(\w+)/(?:index(?:_(\d+))?\.html|list(\d+)\.html|)$`)
)

type server struct {
	f    *Farm
	hits atomic.Int64
	// Requests by answer, read (and reset) at statsPath.
	ok, notModified, notFound, robots atomic.Int64
}

// statsPath answers, on any portal, the requests served since the last
// call (ServerStats, JSON), and resets them: the parent reads it after each
// crawl, so that a run's requests are counted where they are served.
const statsPath = "/.farm/stats"

// ServerStats are the requests a farm served: 200s, 304s, 404s (pages
// that do not exist: what discovery tries in vain) and robots.txt.
type ServerStats struct {
	OK          int64 `json:"ok"`
	NotModified int64 `json:"not_modified"`
	NotFound    int64 `json:"not_found"`
	Robots      int64 `json:"robots"`
}

// Total is every request but robots.txt.
func (s ServerStats) Total() int64 { return s.OK + s.NotModified + s.NotFound }

// serveMain is `farm serve`: the farm's HTTP servers, until SIGTERM.
func serveMain(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	f := &Farm{}
	farmFlags(fs, f)
	fs.Parse(args)
	f.tpl = loadTemplates()
	s := &server{f: f}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	lns := make([]net.Listener, 0, f.Portals)
	for i := range f.Portals {
		ln, err := net.Listen("tcp", net.JoinHostPort(Addr(i).String(), strconv.Itoa(f.Port)))
		if err != nil {
			return fmt.Errorf("portal %d: %w", i, err)
		}
		lns = append(lns, ln)
	}
	for _, ln := range lns {
		go srv.Serve(ln)
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	srv.Close()
	fmt.Fprintf(os.Stderr, "farm serve: %d requests\n", s.hits.Load())
	return nil
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == statsPath {
		st := ServerStats{OK: s.ok.Swap(0), NotModified: s.notModified.Swap(0), NotFound: s.notFound.Swap(0), Robots: s.robots.Swap(0)}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
		return
	}
	hits := s.hits.Add(1)
	i := portalOf(r.Host)
	f := s.f
	if i < 0 || i >= f.Portals {
		http.NotFound(w, r)
		return
	}
	p := r.URL.Path
	if p == "/robots.txt" {
		s.robots.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		io := "User-agent: *\nDisallow: /private/\n"
		w.Write([]byte(io))
		return
	}
	var body []byte
	ctype := ""
	col := columns[f.style(i)].dir
	if f.Home {
		body, _ = f.homePage(i, p)
	}
	switch {
	case body != nil:
	case indexRe.MatchString(p):
		m := indexRe.FindStringSubmatch(p)
		if m[1] != col {
			break
		}
		k := 0
		switch {
		case f.style(i) == styleCreatePage && m[2] != "":
			k, _ = strconv.Atoi(m[2])
		case f.style(i) == styleNextLink && m[3] != "":
			k, _ = strconv.Atoi(m[3])
			k--
		case f.style(i) == styleNextLink && m[2] != "", f.style(i) == styleCreatePage && m[3] != "":
			k = -1
		}
		if k >= 0 && k < f.ListPages() {
			body = f.listPage(i, k)
		}
	case p == "/"+col+"/list.jsp" && f.style(i) == stylePageParam:
		k, err := strconv.Atoi(r.URL.Query().Get("page"))
		if err != nil {
			k = 1
		}
		if k >= 1 && k <= f.ListPages() {
			body = f.listPage(i, k-1)
		}
	case detailRe.MatchString(p):
		m := detailRe.FindStringSubmatch(p)
		id, _ := strconv.Atoi(m[2])
		if m[1] != col || p != itemPath(i, col, id, m[3]) {
			break
		}
		switch {
		case m[3] == "pdf" && id >= 900000:
			body, ctype = f.tpl.pdf, "application/pdf"
		case m[3] == "docx" && id >= 900000:
			body, ctype = f.tpl.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		case m[3] == "html":
			body, _ = f.detailPage(i, id)
		}
	}
	if body == nil {
		s.notFound.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("<html><head><title>404</title></head><body><h1>404 页面不存在</h1></body></html>"))
		return
	}
	etag := fmt.Sprintf(`"%x"`, hash64("etag", i, r.URL.RequestURI()))
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", farmEpoch.Format(http.TimeFormat))
	if notModified(r, etag) {
		s.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if ctype == "" {
		body = expandVars(body, hits)
		switch f.encoding(i) {
		case encUTF8:
			ctype = "text/html; charset=utf-8"
		case encGBKHeader:
			ctype = "text/html; charset=GBK"
		default:
			ctype = "text/html"
		}
		if f.encoding(i) != encUTF8 {
			enc, err := encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).Bytes(body)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			body = enc
		}
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	s.ok.Add(1)
	w.Write(body)
}

func notModified(r *http.Request, etag string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, e := range strings.Split(inm, ",") {
			if strings.TrimSpace(e) == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !farmEpoch.After(t)
	}
	return false
}

var cst = time.FixedZone("CST", 8*3600)

// expandVars fills in the fake portal's template variables: a view counter
// that changes on every request, today's date and the time.
func expandVars(b []byte, hits int64) []byte {
	now := time.Now().In(cst)
	wd := [...]string{"日", "一", "二", "三", "四", "五", "六"}[now.Weekday()]
	b = bytes.ReplaceAll(b, []byte("{{HITS}}"), []byte(strconv.FormatInt(hits, 10)))
	b = bytes.ReplaceAll(b, []byte("{{TODAY}}"), []byte(now.Format("2006年01月02日")+" 星期"+wd))
	return bytes.ReplaceAll(b, []byte("{{NOW}}"), []byte(now.Format("2006-01-02 15:04:05")))
}
