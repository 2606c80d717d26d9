package crawler

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"
)

// response is one fetched page.
type response struct {
	url         string // final URL
	status      int
	header      http.Header
	body        []byte
	html        []byte
	encoding    string
	at          time.Time
	notModified bool // a 304 to a conditional request: no body
}

// errRedirect marks a redirect chain that was not followed to its end.
var errRedirect = errors.New("redirect")

// maxCrawlDelay caps the Crawl-delay a robots.txt may impose, so that a
// typo ("Crawl-delay: 3600") cannot stall a run for days.
const maxCrawlDelay = time.Minute

// isSkip reports whether a FetchError kind is a reason to skip rather than a
// failure.
func isSkip(kind string) bool { return kind == SkipNotHTML || kind == SkipBlocked }

// fetch gets one page: robots.txt first, then the request, tried again on
// timeouts, connection errors, 5xx and 429 up to Options.Attempts times. It
// returns a FetchError for failures the summary counts, or the context's
// error. etag and lastModified, when set, make the request conditional.
func (cr *crawl) fetch(ctx context.Context, raw, etag, lastModified string) (*response, *FetchError, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &FetchError{URL: raw, Kind: ErrNetwork, Err: err.Error()}, nil
	}
	if cr.blocked[u.Host] {
		return nil, &FetchError{URL: raw, Kind: SkipBlocked, Err: "host answered an anti-bot page earlier in the run"}, nil
	}
	ok, err := cr.robotsAllow(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, &FetchError{URL: raw, Kind: ErrRobots, Err: "disallowed by robots.txt"}, nil
	}
	for attempt := 1; ; attempt++ {
		release, err := cr.pacer.wait(ctx, u.Host)
		if err != nil {
			return nil, nil, err
		}
		resp, fe, retryAfter := cr.once(ctx, raw, etag, lastModified)
		release()
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if fe != nil && fe.Kind == ErrBlocked {
			cr.blocked[u.Host] = true
			cr.stats.BlockedHosts = append(cr.stats.BlockedHosts, u.Host)
			cr.log.Warn("anti-bot page: leaving the host alone for the rest of the run", "url", raw, "host", u.Host, "status", fe.Status, "err", fe.Err)
		}
		if resp != nil && resp.notModified && etag == "" && lastModified == "" {
			resp, fe = nil, &FetchError{URL: raw, Kind: ErrHTTP4xx, Status: http.StatusNotModified, Err: "304 Not Modified to a request without validators"}
		}
		if fe == nil || !retryable(fe) || attempt >= cr.opts.Attempts {
			cr.progress()
			return resp, fe, nil
		}
		wait := cr.backoff(attempt)
		if retryAfter > wait {
			wait = min(retryAfter, cr.opts.MaxRetryAfter)
		}
		cr.stats.Retries++
		cr.log.Info("fetch failed: trying again", "url", raw, "kind", fe.Kind, "status", fe.Status, "err", fe.Err,
			"attempt", attempt, "wait", wait.Round(time.Millisecond))
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
	}
}

// once makes one request. retryAfter is what the server's Retry-After asked
// for, if anything.
func (cr *crawl) once(ctx context.Context, raw, etag, lastModified string) (resp *response, fe *FetchError, retryAfter time.Duration) {
	cr.result.resp, cr.result.err, cr.result.errR = nil, nil, nil
	cr.raw.take()
	var hdr http.Header
	if etag != "" || lastModified != "" {
		hdr = http.Header{}
		if etag != "" {
			hdr.Set("If-None-Match", etag)
		}
		if lastModified != "" {
			hdr.Set("If-Modified-Since", lastModified)
		}
	}
	at := cr.opts.Now()
	verr := cr.c.Request(http.MethodGet, raw, nil, nil, hdr)
	if ctx.Err() != nil {
		return nil, nil, 0
	}
	if errors.Is(verr, colly.ErrAbortedAfterHeaders) {
		return nil, &FetchError{URL: raw, Kind: SkipNotHTML, Err: errNotHTML.Error()}, 0
	}
	if fe := cr.result.err; fe != nil {
		body := cr.raw.take()
		cr.stats.Bytes += int64(len(body))
		r := cr.result.errR
		if fe.Status == http.StatusNotModified && r != nil {
			return &response{url: r.Request.URL.String(), status: fe.Status, header: r.Headers.Clone(), at: at, notModified: true}, nil, 0
		}
		if what := challenge(fe.Status, body); what != "" {
			return nil, &FetchError{URL: raw, Kind: ErrBlocked, Status: fe.Status, Err: what}, 0
		}
		if r != nil && r.Headers != nil && (fe.Status == http.StatusTooManyRequests || fe.Status == http.StatusServiceUnavailable) {
			retryAfter = parseRetryAfter(r.Headers.Get("Retry-After"), cr.opts.Now())
		}
		return nil, fe, retryAfter
	}
	if verr != nil {
		return nil, classify(raw, 0, verr), 0
	}
	r := cr.result.resp
	if r == nil {
		return nil, &FetchError{URL: raw, Kind: ErrNetwork, Err: "no response"}, 0
	}
	body := cr.raw.take()
	cr.stats.Pages++
	cr.stats.Bytes += int64(len(body))
	if len(body) > cr.opts.MaxBodySize {
		return nil, &FetchError{URL: raw, Kind: ErrTooLarge, Status: r.StatusCode,
			Err: fmt.Sprintf("body larger than max_body_size (%d bytes)", cr.opts.MaxBodySize)}, 0
	}
	if what := sniffBinary(body); what != "" {
		return nil, &FetchError{URL: raw, Kind: SkipNotHTML, Status: r.StatusCode,
			Err: fmt.Sprintf("served as %q but the body is %s", r.Headers.Get("Content-Type"), what)}, 0
	}
	if what := challenge(r.StatusCode, body); what != "" {
		return nil, &FetchError{URL: raw, Kind: ErrBlocked, Status: r.StatusCode, Err: what}, 0
	}
	html, enc, err := Decode(body, r.Headers.Get("Content-Type"), cr.site.Encoding)
	if err != nil {
		return nil, &FetchError{URL: raw, Kind: ErrDecode, Status: r.StatusCode, Err: err.Error()}, 0
	}
	cr.log.Debug("fetched", "url", r.Request.URL.String(), "status", r.StatusCode, "bytes", len(body), "encoding", enc)
	return &response{
		url:      r.Request.URL.String(),
		status:   r.StatusCode,
		header:   r.Headers.Clone(),
		body:     body,
		html:     html,
		encoding: enc,
		at:       at,
	}, nil, 0
}

// progress reports the counts so far to Options.Progress.
func (cr *crawl) progress() {
	if cr.opts.Progress == nil {
		return
	}
	n := 0
	for _, c := range cr.stats.Errors {
		n += c
	}
	cr.opts.Progress(Progress{ListPages: cr.stats.ListPages, Pages: cr.stats.Pages, NotModified: cr.stats.NotModified,
		Reports: cr.stats.Reports, Errors: n, Bytes: cr.stats.Bytes})
}

// retryable reports whether another try may succeed.
func retryable(fe *FetchError) bool {
	switch fe.Kind {
	case ErrTimeout, ErrNetwork, ErrHTTP5xx:
		return true
	case ErrHTTP4xx:
		return fe.Status == http.StatusTooManyRequests
	}
	return false
}

// backoff is the wait after the attempt'th try: Backoff doubled per try,
// plus up to half as much again at random, so that retries to one host do
// not fall into step.
func (cr *crawl) backoff(attempt int) time.Duration {
	d := cr.opts.Backoff << (attempt - 1)
	return d + time.Duration(cr.rand.Int64N(int64(d)/2+1))
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(n, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// sleep waits for d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// checkRedirect stops redirect loops and long chains, as an error of kind
// redirect rather than colly's silent stop at the tenth hop.
func (cr *crawl) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > cr.opts.MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", errRedirect, cr.opts.MaxRedirects)
	}
	seen := 0
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			seen++
		}
	}
	// One redirect back to a page is allowed: portals set a cookie that way.
	if seen >= 2 {
		return fmt.Errorf("%w: loop back to %s after %d redirects", errRedirect, req.URL, len(via))
	}
	return nil
}

// classify turns a colly error into a FetchError of a known kind.
func classify(raw string, status int, err error) *FetchError {
	fe := &FetchError{URL: raw, Status: status, Kind: ErrNetwork}
	if err != nil {
		fe.Err = err.Error()
	}
	var ne net.Error
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		fe.Kind, fe.Err = ErrRobots, "disallowed by robots.txt"
	case errors.Is(err, errRedirect):
		fe.Kind = ErrRedirect
		var ue *url.Error
		if errors.As(err, &ue) {
			fe.Err = ue.Err.Error()
		}
	case status >= 500:
		fe.Kind = ErrHTTP5xx
	case status >= 400:
		fe.Kind = ErrHTTP4xx
	case status >= 300:
		fe.Kind, fe.Err = ErrHTTP4xx, fmt.Sprintf("unexpected HTTP status %d", status)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		fe.Kind = ErrTimeout
	}
	return fe
}

// robotsAllow reports whether robots.txt lets the crawl fetch u. The file is
// read once per host per run; a Crawl-delay longer than the site's delay
// becomes that host's delay. As RFC 9309 says, a 4xx allows all, and a 5xx
// or an unreachable robots.txt disallows all (for this run); a file that
// does not parse allows all (and is logged).
func (cr *crawl) robotsAllow(ctx context.Context, u *url.URL) (bool, error) {
	data, ok := cr.robots[u.Host]
	if !ok {
		var err error
		if data, err = cr.readRobots(ctx, u); err != nil {
			return false, err
		}
		cr.robots[u.Host] = data
	}
	if data == nil {
		return true, nil
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return data.TestAgent(p, cr.opts.UserAgent), nil
}

// readRobots fetches a host's robots.txt. Like colly's own check, this one
// request per host and run is not paced.
func (cr *crawl) readRobots(ctx context.Context, u *url.URL) (*robotstxt.RobotsData, error) {
	ru := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru, nil)
	if err != nil {
		return nil, nil
	}
	req.Header.Set("User-Agent", cr.opts.UserAgent)
	client := &http.Client{Transport: cr.next, Timeout: cr.site.TimeoutDuration()}
	resp, err := client.Do(req)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		// RFC 9309: an unreachable robots.txt means complete disallow. The
		// host is not crawled this run; the next run asks again.
		cr.log.Warn("robots.txt unreachable: not crawling the host this run", "url", ru, "err", err)
		return robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	}
	defer resp.Body.Close()
	data, err := robotstxt.FromResponse(resp)
	if err != nil {
		cr.log.Warn("robots.txt unreadable: allowing all", "url", ru, "status", resp.StatusCode, "err", err)
		return nil, nil
	}
	if resp.StatusCode >= 400 {
		cr.log.Info("robots.txt answered an error", "url", ru, "status", resp.StatusCode, "allow_all", resp.StatusCode < 500)
	}
	if g := data.FindGroup(cr.opts.UserAgent); g != nil && g.CrawlDelay > cr.site.DelayDuration() {
		d := min(g.CrawlDelay, maxCrawlDelay)
		cr.pacer.raise(u.Host, d)
		cr.log.Info("robots.txt Crawl-delay: slowing down", "host", u.Host, "delay", d)
	}
	return data, nil
}

// Anti-bot detection. These products answer a crawler with a small page
// whose script computes a cookie; its "text" is empty or a plea to enable
// JavaScript. Such a page is never a report and never archived.
var (
	challengeMarkers = []struct{ marker, what string }{
		{"$_ts", "瑞数 (Ruishu) dynamic JS challenge ($_ts)"},
		{"__jsl_clearance", "加速乐 (Jiasule) JS challenge (__jsl_clearance)"},
		{"__jsluid", "加速乐 (Jiasule) JS challenge (__jsluid)"},
		{"wzwsquestion", "WZWS JS challenge (wzwsquestion)"},
		{"wzwsmethod", "WZWS JS challenge (wzwsmethod)"},
	}
	wafPhrases  = []string{"请开启JavaScript", "请开启javascript", "安全验证", "访问异常", "请稍候", "访问验证"}
	scriptRe    = regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<noscript\b.*?</noscript\s*>`)
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	textSpaceRe = regexp.MustCompile(`(\s|&nbsp;|\x{3000})+`)
	hasScriptRe = regexp.MustCompile(`(?i)<script\b`)
	// challengeJSRe is what a challenge's script does: set a cookie, then
	// load the page again. A list page whose pager is a script does neither.
	challengeJSRe = regexp.MustCompile(`document\.cookie|location\.(reload|replace|href)|eval\(`)
	shortPageLen  = 200 // visible characters under which a page may be an interstitial
)

// challenge says which anti-bot page body is, or "" when it is none. The
// positive check (a real page has text) keeps a report that merely mentions
// 安全验证 from being taken for a challenge.
func challenge(status int, body []byte) string {
	text := visibleText(body)
	short := utf8.RuneCountInString(text) < shortPageLen
	for _, m := range challengeMarkers {
		if bytes.Contains(body, []byte(m.marker)) && (short || status == 412 || status == 521) {
			return m.what
		}
	}
	if short {
		for _, p := range wafPhrases {
			if strings.Contains(text, p) || bytes.Contains(body, []byte(p)) {
				return "WAF interstitial (" + p + ")"
			}
		}
	}
	if status == 412 || status == 521 {
		if short {
			return fmt.Sprintf("HTTP %d with no page text (an anti-bot challenge)", status)
		}
		return ""
	}
	if status < 200 || status > 299 {
		return ""
	}
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return "empty body"
	case text == "" && hasScriptRe.Match(body) && challengeJSRe.Match(body):
		return "a page of scripts only (setting a cookie, reloading), no text"
	}
	return ""
}

// visibleText is a page's text without scripts, styles, comments and tags,
// spaces collapsed. It is a rough measure, for challenge only.
func visibleText(body []byte) string {
	s := scriptRe.ReplaceAll(body, nil)
	s = tagRe.ReplaceAll(s, []byte(" "))
	return strings.TrimSpace(textSpaceRe.ReplaceAllString(string(s), " "))
}

// sniffBinary says what binary file body is, or "" when it looks like text:
// portals serve attachments as text/html more often than one would think.
func sniffBinary(body []byte) string {
	switch {
	case bytes.HasPrefix(body, []byte("%PDF")):
		return "a PDF file"
	case bytes.HasPrefix(body, []byte("PK\x03\x04")):
		return "a ZIP file (DOCX, XLSX, OFD…)"
	case bytes.HasPrefix(body, []byte("\xd0\xcf\x11\xe0")):
		return "an OLE file (DOC, XLS, WPS…)"
	case bytes.HasPrefix(body, []byte("\xff\xfe")), bytes.HasPrefix(body, []byte("\xfe\xff")):
		return "" // UTF-16 text has NUL bytes
	}
	if bytes.IndexByte(body[:min(len(body), 1024)], 0) >= 0 {
		return "binary data (NUL bytes)"
	}
	return ""
}

// legacyTLS returns next with TLS widened for old portals: TLS 1.0 and 1.1,
// every cipher suite Go has (the insecure ones included), all curves, and one
// renegotiation (some IIS portals ask for it mid-response). Only an
// *http.Transport can be widened; another RoundTripper is returned as it is.
func legacyTLS(next http.RoundTripper) http.RoundTripper {
	t, ok := next.(*http.Transport)
	if !ok {
		return next
	}
	t = t.Clone()
	cfg := t.TLSClientConfig
	if cfg == nil {
		cfg = &tls.Config{}
	} else {
		cfg = cfg.Clone()
	}
	cfg.MinVersion = tls.VersionTLS10
	cfg.Renegotiation = tls.RenegotiateOnceAsClient
	cfg.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521}
	var suites []uint16
	for _, s := range tls.CipherSuites() {
		suites = append(suites, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		suites = append(suites, s.ID)
	}
	cfg.CipherSuites = suites
	t.TLSClientConfig = cfg
	return t
}
