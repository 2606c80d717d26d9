package portaltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Request is one request a Handler received, as recorded before it was answered.
type Request struct {
	Method    string
	Path      string // URL path, decoded (http.Request.URL.Path)
	RawQuery  string // query as sent, without the '?'
	UserAgent string
	Header    http.Header // a copy of the request headers
	Time      time.Time   // when it arrived, by the Handler's clock
}

// URI returns the request's path plus "?" and its query when it has one:
// the key Count matches against.
func (r Request) URI() string {
	if r.RawQuery == "" {
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

// Handler serves a fake portal from an fs.FS; see the package documentation
// for the serving rules. It records every request and is safe for concurrent
// use. The zero value is not usable; call NewHandler.
type Handler struct {
	fsys fs.FS

	mu      sync.Mutex
	pages   map[string][]byte // pages added by Set, by file name
	removed map[string]bool   // file names hidden by Remove
	vars    map[string]string // SetVar values
	reqs    []Request
	now     func() time.Time
	served  map[string]int       // requests answered from each file name, for fail=N
	since   map[string]time.Time // when a page was added by Set, for Last-Modified
	cond    bool                 // SetConditional
	started time.Time            // Last-Modified of the tree's files
}

// NewHandler returns a Handler that serves the fixture tree fsys. It does not
// listen anywhere: wrap it in an http.Server (or use NewServer).
func NewHandler(fsys fs.FS) *Handler {
	return &Handler{
		fsys:    fsys,
		pages:   make(map[string][]byte),
		removed: make(map[string]bool),
		vars:    make(map[string]string),
		now:     time.Now,
		served:  make(map[string]int),
		since:   make(map[string]time.Time),
		started: time.Now().Truncate(time.Second),
	}
}

// SetConditional turns validators on or off (default off). When on, every
// file answered 200 carries an ETag (a hash of the file as stored, before
// template variables are expanded — like a static page whose view counter is
// drawn by a script) and a Last-Modified (when Set added the page, else when
// the Handler was made), and a GET or HEAD whose If-None-Match matches the
// ETag — or, without If-None-Match, whose If-Modified-Since is not before
// Last-Modified — is answered 304 Not Modified with no body.
func (h *Handler) SetConditional(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cond = on
}

// Set adds or replaces the page at uri (a URL path with an optional query, as
// for FileName). content may start with front matter, as a file in the tree
// would. Requests that arrive after Set returns see the new page. Set keeps its
// own copy of content.
func (h *Handler) Set(uri string, content []byte) {
	name := FileName(uri)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pages[name] = bytes.Clone(content)
	h.since[name] = h.now().Truncate(time.Second)
	delete(h.removed, name)
}

// Remove makes the page at uri answer 404 from now on, whether it came from the
// tree or from Set. A later Set brings it back.
func (h *Handler) Remove(uri string) {
	name := FileName(uri)
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.pages, name)
	h.removed[name] = true
}

// SetVar makes {{name}} in served text pages expand to value. A SetVar value
// wins over the built-in HITS, NOW and TODAY, which lets golden tests pin them.
func (h *Handler) SetVar(name, value string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.vars[name] = value
}

// SetClock replaces the clock behind {{NOW}}, {{TODAY}} and Request.Time;
// nil restores time.Now.
func (h *Handler) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = now
}

// Requests returns a copy of every request received so far, in arrival order.
func (h *Handler) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Request, len(h.reqs))
	for i, r := range h.reqs {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// Count returns how many requests had exactly this path and query:
// Count("/xxgk/list.jsp?page=2") counts only that query, and
// Count("/fzzfjs/index.html") only requests without a query. "/fzzfjs/" and
// "/fzzfjs/index.html" are different keys, though they serve the same file.
func (h *Handler) Count(uri string) int {
	uri = strings.TrimSuffix(uri, "?")
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.reqs {
		if r.URI() == uri {
			n++
		}
	}
	return n
}

// ServeHTTP records r and answers it from the tree (or the trap).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	env := h.record(r)
	if r.URL.Path == "/trap" || strings.HasPrefix(r.URL.Path, "/trap/") {
		serveTrap(w, r)
		return
	}
	name := FileName(r.URL.Path + "?" + r.URL.RawQuery)
	content, ok := h.lookup(name)
	if !ok && r.URL.RawQuery != "" {
		// Like a static web server, ignore a query nobody wrote a file for.
		name = FileName(r.URL.Path)
		content, ok = h.lookup(name)
	}
	if !ok {
		if !strings.HasSuffix(r.URL.Path, "/") && h.isDir(FileName(r.URL.Path)) {
			target := r.URL.Path + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		notFound(w, r)
		return
	}
	h.serveFile(w, r, name, content, env)
}

// env is what template variables expand to for one request.
type env struct {
	hits int
	now  time.Time
	vars map[string]string
}

// record appends r to the request log and snapshots the template variables.
func (h *Handler) record(r *http.Request) env {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	h.reqs = append(h.reqs, Request{
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		UserAgent: r.UserAgent(),
		Header:    r.Header.Clone(),
		Time:      now,
	})
	return env{hits: len(h.reqs), now: now, vars: maps.Clone(h.vars)}
}

// lookup returns the content of the fixture file name, preferring pages added
// by Set. Directories and invalid names are not found.
func (h *Handler) lookup(name string) ([]byte, bool) {
	h.mu.Lock()
	if h.removed[name] {
		h.mu.Unlock()
		return nil, false
	}
	if b, ok := h.pages[name]; ok {
		h.mu.Unlock()
		return b, true // never mutated: Set stores a fresh copy
	}
	h.mu.Unlock()
	if !fs.ValidPath(name) {
		return nil, false
	}
	b, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		return nil, false
	}
	return b, true
}

// isDir reports whether name, the FileName of a path without a trailing slash
// such as "fzzfjs", is a folder in the tree or among the pages added by Set.
func (h *Handler) isDir(name string) bool {
	if name == "index.html" || strings.Contains(name, querySep) {
		return false
	}
	h.mu.Lock()
	for k := range h.pages {
		if strings.HasPrefix(k, name+"/") {
			h.mu.Unlock()
			return true
		}
	}
	h.mu.Unlock()
	fi, err := fs.Stat(h.fsys, name)
	return err == nil && fi.IsDir()
}

// serveFile answers with one fixture file: front matter applied, template
// variables expanded, then encoded.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string, content []byte, e env) {
	fm, body, err := parseFrontMatter(content)
	if err != nil {
		http.Error(w, fmt.Sprintf("portaltest: %s: %v", name, err), http.StatusInternalServerError)
		return
	}
	ctype := fm.contentType
	if ctype == "" {
		ctype = defaultContentType(splitName(name), fm.gbk, body)
	}
	if isText(ctype) {
		body = expand(body, e)
	}
	if fm.gbk {
		body, err = simplifiedchinese.GBK.NewEncoder().Bytes(body)
		if err != nil {
			http.Error(w, fmt.Sprintf("portaltest: %s: encode gbk: %v", name, err), http.StatusInternalServerError)
			return
		}
	}
	if fm.delay > 0 {
		t := time.NewTimer(fm.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	hdr := w.Header()
	if fm.retryAfter != "" {
		hdr.Set("Retry-After", fm.retryAfter)
	}
	if fm.disposition != "" {
		v := fm.disposition
		if fm.headerGBK {
			// As many Chinese portals send it: the file name's GBK bytes,
			// raw, in the header.
			b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(v))
			if err != nil {
				http.Error(w, fmt.Sprintf("portaltest: %s: encode gbk: %v", name, err), http.StatusInternalServerError)
				return
			}
			v = string(b)
		}
		hdr.Set("Content-Disposition", v)
	}
	h.mu.Lock()
	h.served[name]++
	n, cond := h.served[name], h.cond
	modified, ok := h.since[name]
	if !ok {
		modified = h.started
	}
	h.mu.Unlock()
	if n <= fm.fail {
		msg := fmt.Sprintf("<html><body>portaltest: failure %d of %d</body></html>\n", n, fm.fail)
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		hdr.Set("Content-Length", strconv.Itoa(len(msg)))
		st := fm.failStatus
		if st == 0 {
			st = http.StatusServiceUnavailable
		}
		w.WriteHeader(st)
		if r.Method != http.MethodHead {
			w.Write([]byte(msg))
		}
		return
	}
	if cond && fm.status == http.StatusOK {
		sum := sha256.Sum256(content)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		hdr.Set("ETag", etag)
		hdr.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
		if notModified(r, etag, modified) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if fm.location != "" {
		hdr.Set("Location", string(expand([]byte(fm.location), e)))
	}
	w.WriteHeader(fm.status)
	if r.Method == http.MethodHead {
		return
	}
	if fm.drip > 0 {
		drip(w, r, body, fm.drip)
		return
	}
	w.Write(body) // an error means the client went away; nothing to do
}

// notModified evaluates a request's If-None-Match, or else its
// If-Modified-Since, against a page's validators (RFC 9110 §13.2.2).
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.After(t)
	}
	return false
}

// drip writes body one byte per interval, flushing each, until it is all
// sent or the client goes away: a server too slow to finish within a
// client's timeout.
func drip(w http.ResponseWriter, r *http.Request, body []byte, every time.Duration) {
	f, _ := w.(http.Flusher)
	t := time.NewTicker(every)
	defer t.Stop()
	for i := range body {
		if _, err := w.Write(body[i : i+1]); err != nil {
			return
		}
		if f != nil {
			f.Flush()
		}
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
}

// notFound answers 404 with a small HTML page, as a real web server does.
func notFound(w http.ResponseWriter, r *http.Request) {
	body := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>\n" +
		"<body><h1>404 Not Found</h1><p>The requested URL " + html.EscapeString(r.URL.Path) +
		" was not found on this server.</p></body></html>\n"
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		w.Write([]byte(body)) // an error means the client went away
	}
}

// defaultContentType picks the Content-Type for a file without a content-type
// key. Text types get "; charset=utf-8" unless the file is served as GBK: real
// GBK portals declare the charset only in <meta>.
func defaultContentType(name string, gbk bool, body []byte) string {
	var t string
	switch strings.ToLower(path.Ext(name)) {
	case "", ".html", ".htm", ".shtml", ".jsp", ".jhtml", ".asp", ".aspx", ".php", ".do", ".action":
		t = "text/html"
	case ".txt":
		t = "text/plain"
	case ".xml":
		t = "text/xml"
	case ".css":
		t = "text/css"
	case ".js":
		t = "text/javascript"
	case ".json":
		t = "application/json"
	case ".pdf":
		t = "application/pdf"
	case ".doc", ".wps":
		t = "application/msword"
	case ".docx":
		t = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xls", ".et":
		t = "application/vnd.ms-excel"
	case ".xlsx":
		t = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".ofd":
		t = "application/ofd"
	case ".zip":
		t = "application/zip"
	case ".png":
		t = "image/png"
	case ".jpg", ".jpeg":
		t = "image/jpeg"
	case ".gif":
		t = "image/gif"
	default:
		return http.DetectContentType(body)
	}
	if gbk || !isText(t) {
		return t
	}
	return t + "; charset=utf-8"
}

// isText reports whether a Content-Type names text that template variables
// may be expanded in.
func isText(ctype string) bool {
	t, _, _ := strings.Cut(ctype, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	return strings.HasPrefix(t, "text/") || strings.HasSuffix(t, "json") ||
		strings.HasSuffix(t, "xml") || strings.HasSuffix(t, "javascript")
}

// weekday returns the Chinese name of d, as {{TODAY}} writes it.
func weekday(d time.Weekday) string {
	return [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[d]
}

// expand replaces {{NAME}} (NAME: an upper-case letter, then upper-case
// letters, digits or '_') by its value in e, leaving unknown names as they are.
func expand(b []byte, e env) []byte {
	if !bytes.Contains(b, []byte("{{")) {
		return b
	}
	now := e.now.In(chinaTime())
	value := func(name string) (string, bool) {
		if v, ok := e.vars[name]; ok {
			return v, true
		}
		switch name {
		case "HITS":
			return strconv.Itoa(e.hits), true
		case "NOW":
			return now.Format("2006-01-02 15:04:05"), true
		case "TODAY":
			return fmt.Sprintf("%d年%d月%d日 %s", now.Year(), int(now.Month()), now.Day(), weekday(now.Weekday())), true
		}
		return "", false
	}
	var out bytes.Buffer
	out.Grow(len(b))
	for {
		i := bytes.Index(b, []byte("{{"))
		if i < 0 {
			out.Write(b)
			return out.Bytes()
		}
		out.Write(b[:i])
		b = b[i:]
		j := bytes.Index(b, []byte("}}"))
		if j < 0 || !isVarName(b[2:j]) {
			out.WriteString("{{")
			b = b[2:]
			continue
		}
		if v, ok := value(string(b[2:j])); ok {
			out.WriteString(v)
		} else {
			out.Write(b[:j+2])
		}
		b = b[j+2:]
	}
}

// isVarName reports whether s is a template variable name.
func isVarName(s []byte) bool {
	if len(s) == 0 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, c := range s {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// chinaTime returns China Standard Time, a fixed zone, so that {{TODAY}} needs
// no tzdata on the test machine.
func chinaTime() *time.Location {
	return time.FixedZone("CST", 8*60*60)
}
