package crawler

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"github.com/nianbao/nianbao/extract"
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
	// file is set for a body that is not a web page (a PDF, DOCX…),
	// answered to a request that accepted files; html is then nil.
	file bool
}

// errRedirect marks a redirect chain that was not followed to its end.
var errRedirect = errors.New("redirect")

// maxCrawlDelay caps the Crawl-delay a robots.txt may impose, so that a
// typo ("Crawl-delay: 3600") cannot stall a run for days.
const maxCrawlDelay = time.Minute

// isSkip reports whether a FetchError kind is a reason to skip rather than a
// failure.
func isSkip(kind string) bool {
	return kind == SkipNotHTML || kind == SkipBlocked || kind == SkipOffsiteRedirect || kind == SkipRobots || kind == SkipFetched
}

// fetch gets one page: robots.txt first, then the request, tried again on
// timeouts, connection errors, 5xx and 429 up to Options.Attempts times. It
// returns a FetchError for failures the summary counts, or the context's
// error. etag and lastModified, when set, make the request conditional.
func (cr *crawl) fetch(ctx context.Context, raw, etag, lastModified string) (*response, *FetchError, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &FetchError{URL: raw, Kind: ErrNetwork, Err: err.Error()}, nil
	}
	b := cr.blocks[u.Host]
	if b != nil && b.gaveUp {
		return nil, &FetchError{URL: raw, Kind: SkipBlocked,
			Err: fmt.Sprintf("not requested: %s answered anti-bot pages to %d URLs in a row earlier in the run", u.Host, maxBlockStrikes)}, nil
	}
	fe, err := cr.robotsAllow(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if fe != nil {
		fe.URL = raw
		return nil, fe, nil
	}
	if b != nil && b.strikes > 0 {
		// The challenge may be the URL's, not the host's: try another
		// URL, after a pause that grows with every challenge in a row.
		pause := cr.opts.BlockBackoff << b.strikes
		cr.log.Info("host answered an anti-bot page: pausing before another of its URLs", "url", raw, "host", u.Host,
			"strikes", b.strikes, "wait", pause)
		cr.pacer.rest()
		if err := sleep(ctx, pause); err != nil {
			return nil, nil, err
		}
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
		if resp != nil && resp.notModified && etag == "" && lastModified == "" {
			resp, fe = nil, &FetchError{URL: raw, Kind: ErrHTTP4xx, Status: http.StatusNotModified, Err: "304 Not Modified to a request without validators"}
		}
		switch {
		case fe != nil && fe.Kind == ErrBlocked:
			cr.strike(u.Host, raw, fe)
		case fe == nil && b != nil:
			b.strikes = 0 // the host answered: the challenge was the URL's
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
		cr.pacer.rest()
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
	}
}

// maxBlockStrikes is how many URLs of a host in a row may answer with an
// anti-bot page before the host is left alone for the rest of the run: the
// first, and three more, each after a longer pause. Real challenge products
// guard whole hosts, and that case costs at most this many requests.
const maxBlockStrikes = 4

// maxBlockedURLs bounds Stats.BlockedURLs.
const maxBlockedURLs = 20

// hostBlocks is how a host has answered anti-bot pages in this run.
type hostBlocks struct {
	strikes int  // anti-bot answers since the host last answered a request
	gaveUp  bool // the host is not requested again this run
}

// strike records an anti-bot answer to raw, on host: the URL is named in
// Stats.BlockedURLs and, at the maxBlockStrikes'th answer in a row, the host
// is given up for the run.
func (cr *crawl) strike(host, raw string, fe *FetchError) {
	b := cr.blocks[host]
	if b == nil {
		b = &hostBlocks{}
		cr.blocks[host] = b
	}
	b.strikes++
	if len(cr.stats.BlockedURLs) < maxBlockedURLs {
		cr.stats.BlockedURLs = append(cr.stats.BlockedURLs, raw)
	}
	if b.strikes >= maxBlockStrikes {
		b.gaveUp = true
		cr.stats.BlockedHosts = append(cr.stats.BlockedHosts, host)
		cr.log.Warn("anti-bot page: leaving the host alone for the rest of the run", "url", raw, "host", host,
			"status", fe.Status, "err", fe.Err, "strikes", b.strikes)
		return
	}
	cr.log.Warn("anti-bot page: trying the host's other URLs after a pause", "url", raw, "host", host,
		"status", fe.Status, "err", fe.Err, "strikes", b.strikes, "wait", cr.opts.BlockBackoff<<b.strikes)
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
	method, data := http.MethodGet, io.Reader(nil)
	if cr.form != "" {
		// A POST of a form (a Hanweb jpage group): colly sends it as
		// application/x-www-form-urlencoded. A fresh reader per try.
		method, data = http.MethodPost, strings.NewReader(cr.form)
	}
	verr := cr.c.Request(method, raw, data, nil, hdr)
	if ctx.Err() != nil {
		return nil, nil, 0
	}
	if errors.Is(verr, colly.ErrAbortedAfterHeaders) {
		if f := cr.raw.takeFile(); f != nil {
			return cr.fileResponse(raw, f, at)
		}
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
	if cr.raw.accepting() && (fileMagic(body) || cr.images && imageMagic(body) || len(body) <= cr.opts.MaxBodySize && sniffBinary(body) != "") {
		// A file served as a web page, which portals do more often than
		// one would think. Only one that starts like a file nianbao reads
		// was read past the page limit (see rawTransport).
		return cr.fileResponse(raw, &rawFile{url: r.Request.URL.String(), status: r.StatusCode, header: r.Headers.Clone(), body: body}, at)
	}
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
	// A page over the parser's budget is refused before anything parses
	// or tokenizes it (see extract.Parse).
	if err := extract.CheckComplexity(html); err != nil {
		return nil, &FetchError{URL: raw, Kind: ErrTooComplex, Status: r.StatusCode, Err: err.Error()}, 0
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

// fileResponse is the response for a body that is not a web page.
func (cr *crawl) fileResponse(raw string, f *rawFile, at time.Time) (*response, *FetchError, time.Duration) {
	cr.stats.Bytes += int64(len(f.body))
	switch {
	case f.status == http.StatusNotModified:
		return &response{url: f.url, status: f.status, header: f.header, at: at, notModified: true}, nil, 0
	case f.status == http.StatusTooManyRequests || f.status >= 500:
		fe := classify(raw, f.status, fmt.Errorf("HTTP %d", f.status))
		return nil, fe, parseRetryAfter(f.header.Get("Retry-After"), cr.opts.Now())
	case f.status < 200 || f.status > 299:
		return nil, classify(raw, f.status, fmt.Errorf("HTTP %d", f.status)), 0
	case len(f.body) > cr.opts.MaxFileSize:
		return nil, &FetchError{URL: raw, Kind: ErrTooLarge, Status: f.status,
			Err: fmt.Sprintf("file larger than max_file_size (%d bytes)", cr.opts.MaxFileSize)}, 0
	}
	cr.stats.Files++
	cr.log.Debug("fetched a file", "url", f.url, "status", f.status, "bytes", len(f.body), "type", f.header.Get("Content-Type"))
	return &response{url: f.url, status: f.status, header: f.header, body: f.body, at: at, file: true}, nil, 0
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
// redirect rather than colly's silent stop at the tenth hop. Every hop obeys
// the rules a link does: a hop to a host that is not one of the site's
// (start pages and allow_hosts) is not followed, and is skipped as
// offsite_redirect naming both URLs — so a portal cannot make nianbao fetch
// another host, a loopback or private address, or the daemon's own API, and
// archive the answer as the site's; and the target's robots.txt must allow it
// (a hop it disallows is skipped as robots_disallowed).
func (cr *crawl) checkRedirect(req *http.Request, via []*http.Request) error {
	from := via[len(via)-1].URL.String()
	after := ""
	if len(via) > 1 {
		after = " by " + from
	}
	if !cr.onSite(req.URL) {
		return &redirectError{kind: SkipOffsiteRedirect, from: from, to: req.URL.String(),
			msg: fmt.Sprintf("redirected%s to %s, off the site's hosts (add %s to allow_hosts to follow it)", after, req.URL, req.URL.Host)}
	}
	if cr.files[req.URL.String()] {
		// A file handed over earlier in the run (linked directly from
		// another page): the same file, not downloaded twice.
		return &redirectError{kind: SkipFetched, from: from, to: req.URL.String(),
			msg: fmt.Sprintf("redirected%s to %s, a file fetched earlier in the run", after, req.URL)}
	}
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
	fe, err := cr.robotsAllow(req.Context(), req.URL)
	if err != nil {
		return err
	}
	if fe != nil {
		return &redirectError{kind: fe.Kind, from: from, to: req.URL.String(),
			msg: fmt.Sprintf("redirected%s to %s: %s", after, req.URL, fe.Err)}
	}
	return nil
}

// redirectError is a redirect hop that was not followed, with both ends:
// off the site's hosts, disallowed by robots.txt, or to a host whose
// robots.txt could not be read.
type redirectError struct {
	kind     string // the FetchError kind it is counted as
	from, to string
	msg      string
}

func (e *redirectError) Error() string { return e.msg }

// classify turns a colly error into a FetchError of a known kind.
func classify(raw string, status int, err error) *FetchError {
	fe := &FetchError{URL: raw, Status: status, Kind: ErrNetwork}
	if err != nil {
		fe.Err = err.Error()
	}
	var (
		ne net.Error
		re *redirectError
	)
	switch {
	case errors.As(err, &re):
		fe.Kind, fe.Err = re.kind, re.msg
	case errors.Is(err, errBodyEncoding):
		fe.Kind = ErrDecode
	case errors.Is(err, colly.ErrRobotsTxtBlocked): // not expected: colly's own check is off (robotsAllow reads robots.txt)
		fe.Kind, fe.Err = SkipRobots, "disallowed by robots.txt"
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

// robotsRules is what a host's robots.txt says, for this run.
type robotsRules struct {
	url  string                // the robots.txt URL
	data *robotstxt.RobotsData // nil allows all
	// fail is set when robots.txt could not be read after Options.Attempts
	// tries, or redirected off the site's hosts: RFC 9309 asks to assume
	// complete disallow, so every URL of the host fails with it.
	fail *FetchError
}

// robotsAllow checks u against its host's robots.txt. It returns nil when
// the crawl may fetch u; a FetchError of kind robots_disallowed (a skip)
// when robots.txt disallows it for our User-Agent; or, when robots.txt
// could not be read, a failure of the kind its own fetch failed with
// (network, timeout, http_5xx…) that names the cause. The caller sets its
// URL. The error is the context's.
//
// robots.txt is read once per host per run (its failure too); a
// Crawl-delay longer than the site's delay becomes that host's delay. As
// RFC 9309 says, a 4xx allows all, and a 5xx or an unreachable robots.txt
// disallows all (for this run); a file that does not parse allows all (and
// is logged).
func (cr *crawl) robotsAllow(ctx context.Context, u *url.URL) (*FetchError, error) {
	rules, ok := cr.robots[u.Host]
	if !ok {
		var err error
		if rules, err = cr.readRobots(ctx, u); err != nil {
			return nil, err
		}
		cr.robots[u.Host] = rules
	}
	if rules.fail != nil {
		fe := *rules.fail
		return &fe, nil
	}
	if rules.data == nil {
		return nil, nil
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if !rules.data.TestAgent(p, cr.opts.UserAgent) {
		return &FetchError{URL: u.String(), Kind: SkipRobots,
			Err: fmt.Sprintf("disallowed by %s for user-agent %s", rules.url, cr.opts.UserAgent)}, nil
	}
	return nil, nil
}

// maxRobotsSize is how much of a robots.txt is read: RFC 9309 (2.5) lets a
// crawler stop at 500 KiB, and so a larger file counts as its first 500 KiB
// (up to the last line that fits whole).
const maxRobotsSize = 500 << 10

// maxRobotsRedirects is how many redirects a robots.txt may take (RFC 9309
// asks for at least five).
const maxRobotsRedirects = 5

// robotsRule is what the host is told when its robots.txt cannot be read.
const robotsRule = "RFC 9309 says to assume all is disallowed, so the host is not crawled this run"

// readRobots fetches a host's robots.txt, tried like a page: timeouts,
// connection errors, a body cut off, 5xx and 429 are tried again up to
// Options.Attempts times, after the same backoff (or the server's
// Retry-After, capped), each further try counted in Stats.Retries. Like
// colly's own check, it is not paced. Its body is decoded under the same
// rules as a page's (any Content-Encoding, read lazily) and read up to
// maxRobotsSize decoded bytes, within the site's timeout.
//
// A robots.txt that still cannot be read whole — unreachable, answering
// 5xx, cut off mid-body — disallows the host for this run, as RFC 9309
// asks of an unreachable one, and is never taken for an empty file; the
// rules' fail says why. So does one that redirects off the site's hosts:
// like every request of a crawl, robots.txt is fetched from those hosts
// only. The error is the context's.
func (cr *crawl) readRobots(ctx context.Context, u *url.URL) (*robotsRules, error) {
	ru := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
	rules := &robotsRules{url: ru}
	for attempt := 1; ; attempt++ {
		data, fe, retryAfter, err := cr.robotsOnce(ctx, ru, u)
		if err != nil {
			return nil, err
		}
		if fe == nil {
			rules.data = data
			return rules, nil
		}
		if !retryable(fe) || attempt >= cr.opts.Attempts {
			tries := ""
			if attempt > 1 {
				tries = fmt.Sprintf(", %d tries", attempt)
			}
			if fe.Kind == ErrRedirect {
				fe.Err = fmt.Sprintf("%s %s: its rules could not be read, and %s", ru, fe.Err, robotsRule)
			} else {
				fe.Err = fmt.Sprintf("%s could not be read (%s%s): %s", ru, fe.Err, tries, robotsRule)
			}
			fe.Status = 0 // robots.txt's, not the page's: the page was not asked for
			rules.fail = fe
			cr.log.Warn("robots.txt could not be read: not crawling the host this run", "url", ru, "kind", fe.Kind, "err", fe.Err)
			return rules, nil
		}
		wait := cr.backoff(attempt)
		if retryAfter > wait {
			wait = min(retryAfter, cr.opts.MaxRetryAfter)
		}
		cr.stats.Retries++
		cr.log.Info("robots.txt could not be read: trying again", "url", ru, "kind", fe.Kind, "err", fe.Err,
			"attempt", attempt, "wait", wait.Round(time.Millisecond))
		cr.pacer.rest()
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// robotsOnce makes one request for robots.txt (ru, of u's host). It returns
// the rules (nil: allow all), or a FetchError classified as a page's would
// be, whose Err is the bare cause, with what Retry-After asked for; or the
// context's error.
func (cr *crawl) robotsOnce(ctx context.Context, ru string, u *url.URL) (*robotstxt.RobotsData, *FetchError, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru, nil)
	if err != nil {
		return nil, nil, 0, nil
	}
	req.Header.Set("User-Agent", cr.opts.UserAgent)
	if err := cr.pacer.hold(ctx); err != nil {
		return nil, nil, 0, err
	}
	client := &http.Client{Transport: cr.next, Timeout: cr.site.TimeoutDuration(),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if !cr.onSite(req.URL) {
				// Never off the site, not even for robots.txt: its rules
				// could not be read, as if it were unreachable.
				return &redirectError{kind: ErrRedirect, from: via[len(via)-1].URL.String(), to: req.URL.String(),
					msg: fmt.Sprintf("redirected to %s, off the site's hosts (add %s to allow_hosts to follow it)", req.URL, req.URL.Host)}
			}
			if len(via) > maxRobotsRedirects {
				return &redirectError{kind: ErrRedirect, from: via[len(via)-1].URL.String(), to: req.URL.String(),
					msg: fmt.Sprintf("took more than %d redirects", maxRobotsRedirects)}
			}
			return nil
		}}
	resp, err := client.Do(req)
	if ctx.Err() != nil {
		return nil, nil, 0, ctx.Err()
	}
	if err != nil {
		fe := classify(ru, 0, err)
		var ue *url.Error
		if fe.Kind != ErrRedirect && errors.As(err, &ue) {
			fe.Err = ue.Err.Error() // the URL is named by the caller
		}
		return nil, fe, 0, nil
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		resp.Body.Close()
		return nil, classify(ru, resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)),
			parseRetryAfter(resp.Header.Get("Retry-After"), cr.opts.Now()), nil
	}
	body, err := readRobotsBody(resp)
	if ctx.Err() != nil {
		return nil, nil, 0, ctx.Err()
	}
	if err != nil {
		fe := classify(ru, 0, err)
		fe.Err = fmt.Sprintf("HTTP %d, %v", resp.StatusCode, err)
		return nil, fe, 0, nil
	}
	if len(body) > maxRobotsSize {
		cr.log.Info("robots.txt larger than 500 KiB: reading its first 500 KiB", "url", ru)
		body = body[:maxRobotsSize]
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 {
			body = body[:i+1]
		}
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		cr.log.Warn("robots.txt unreadable: allowing all", "url", ru, "status", resp.StatusCode, "err", err)
		return nil, nil, 0, nil
	}
	if resp.StatusCode >= 400 {
		cr.log.Info("robots.txt answered an error: allowing all", "url", ru, "status", resp.StatusCode)
	}
	if g := data.FindGroup(cr.opts.UserAgent); g != nil && g.CrawlDelay > cr.site.DelayDuration() {
		d := min(g.CrawlDelay, maxCrawlDelay)
		cr.pacer.raise(u.Host, d)
		cr.log.Info("robots.txt Crawl-delay: slowing down", "host", u.Host, "delay", d)
	}
	return data, nil, 0, nil
}

// readRobotsBody reads up to one byte more than maxRobotsSize of a
// robots.txt, decoded. The body of an error status is not needed.
func readRobotsBody(resp *http.Response) ([]byte, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return nil, nil
	}
	return readBody(resp, maxRobotsSize+1, 0)
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
	hasScriptRe = regexp.MustCompile(`(?i)<script\b`)
	// challengeJSRe is what a challenge's script does: set a cookie, then
	// load the page again. A list page whose pager is a script does neither.
	challengeJSRe = regexp.MustCompile(`document\.cookie|location\.(reload|replace|href)|eval\(`)
	shortPageLen  = 200 // visible characters under which a page may be an interstitial
)

// challenge says which anti-bot page body is, or "" when it is none. The
// positive check (a real page has text) keeps a report that merely mentions
// 安全验证 from being taken for a challenge.
//
// It runs on every page fetched, so the page's text is only counted up to
// shortPageLen characters, and built only when the page is short.
func challenge(status int, body []byte) string {
	text, short := visibleTextShort(body, shortPageLen)
	if short || status == 412 || status == 521 {
		for _, m := range challengeMarkers {
			if bytes.Contains(body, []byte(m.marker)) {
				return m.what
			}
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
	case short && text == "" && hasScriptRe.Match(body) && challengeJSRe.Match(body):
		return "a page of scripts only (setting a cookie, reloading), no text"
	}
	return ""
}

// visibleText is a page's text without scripts, styles, comments and tags,
// spaces collapsed. It is a rough measure, for challenge only. Precisely, it
// is what these steps leave, which it computes in one pass:
//
//  1. remove (?is)<script\b.*?</script\s*>, <style\b…</style>, <!--.*?-->
//     and <noscript\b…</noscript> (an element without its end tag stays);
//  2. replace each tag, <[^>]*>, with a space (a "<" with no ">" after it
//     is text);
//  3. replace each run of (\s|&nbsp;|U+3000)+ with one space;
//  4. strings.TrimSpace.
func visibleText(body []byte) string {
	text, _ := visibleTextShort(body, -1)
	return text
}

// visibleTextShort reports whether visibleText(body) has fewer than limit
// characters (runes), and returns the text when it has. It stops reading as
// soon as the count reaches limit; a negative limit reads all of body.
func visibleTextShort(body []byte, limit int) (string, bool) {
	v := textScanner{body: body, kept: make([]byte, 0, min(len(body), 8<<10))}
	i := 0
	for limit < 0 || v.count < limit {
		if i >= len(v.kept) && !v.ensure(i+1) {
			return string(v.out), true
		}
		c := v.kept[i]
		switch {
		case c == '<' && !v.noTags:
			if end := v.tagEnd(i); end > 0 {
				v.space()
				i = end
				continue
			}
			v.noTags = true // no ">" anywhere after: every "<" is text
			v.text(i, 1)
			i++
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f':
			v.space()
			i++
		case c == '&':
			v.ensure(i + len("&nbsp;"))
			if bytes.HasPrefix(v.kept[i:], []byte("&nbsp;")) {
				v.space()
				i += len("&nbsp;")
				continue
			}
			v.text(i, 1)
			i++
		case c == '\v':
			v.otherSpace(i, 1)
			i++
		case c < utf8.RuneSelf:
			v.text(i, 1)
			i++
		default:
			v.ensure(i + utf8.UTFMax)
			r, w := utf8.DecodeRune(v.kept[i:])
			switch {
			case r == '\u3000':
				v.space()
			case unicode.IsSpace(r):
				v.otherSpace(i, w)
			default:
				v.text(i, w)
			}
			i += w
		}
	}
	return "", false
}

// textScanner holds the state of visibleTextShort. kept is body with its
// scripts, styles, comments and noscripts removed (step 1), filled as far as
// the scan has read: a removal joins what is before and after it, which may
// make a tag, an &nbsp; or a character.
type textScanner struct {
	body   []byte
	pos    int // how far in body step 1 has gone
	kept   []byte
	noEnd  [4]bool // no end tag for that kind of element after pos
	noTags bool    // no ">" in the rest of kept
	// Steps 3 and 4: out is the text so far without its trailing spaces,
	// which are pending; count is out's length in runes.
	out      []byte
	pending  []byte
	npending int
	count    int
	spaced   bool // the last thing was a collapsed space
}

// ensure fills kept to at least n bytes, or to the end of body; it reports
// whether kept has n bytes.
func (v *textScanner) ensure(n int) bool {
	for len(v.kept) < n && v.pos < len(v.body) {
		rest := v.body[v.pos:]
		j := bytes.IndexByte(rest, '<')
		if j < 0 {
			v.kept = append(v.kept, rest...)
			v.pos = len(v.body)
			break
		}
		v.kept = append(v.kept, rest[:j]...)
		v.pos += j
		if end := v.removal(v.pos); end > 0 {
			v.pos = end
		} else {
			v.kept = append(v.kept, '<')
			v.pos++
		}
	}
	return len(v.kept) >= n
}

// tagEnd returns the index in kept just past the ">" that closes the tag
// opened at i, or 0 when there is none.
func (v *textScanner) tagEnd(i int) int {
	from := i + 1
	for {
		if j := bytes.IndexByte(v.kept[from:], '>'); j >= 0 {
			return from + j + 1
		}
		from = len(v.kept)
		if !v.ensure(from + 1) {
			return 0
		}
	}
}

// space is a collapsed run of white space (step 3).
func (v *textScanner) space() {
	if v.spaced {
		return
	}
	v.spaced = true
	v.otherSpace(-1, 1)
}

// otherSpace is a white space character that step 3 keeps but step 4 trims
// at the ends (U+00A0, \v…): kept[i:i+w], or " " when i < 0.
func (v *textScanner) otherSpace(i, w int) {
	if i >= 0 {
		v.spaced = false
	}
	if v.count == 0 {
		return // leading: trimmed
	}
	if i < 0 {
		v.pending = append(v.pending, ' ')
	} else {
		v.pending = append(v.pending, v.kept[i:i+w]...)
	}
	v.npending++
}

// text is a character that is not a space: kept[i:i+w].
func (v *textScanner) text(i, w int) {
	v.spaced = false
	v.out = append(v.out, v.pending...)
	v.out = append(v.out, v.kept[i:i+w]...)
	v.count += v.npending + 1
	v.pending, v.npending = v.pending[:0], 0
}

// Elements removed with their content, in the order of textScanner.noEnd.
var removedElems = [...]string{"script", "style", "noscript"}

// removal returns the end of the script, style, comment or noscript that
// starts at body[i] (a "<"), or 0 when none does.
func (v *textScanner) removal(i int) int {
	b := v.body[i+1:]
	if bytes.HasPrefix(b, []byte("!--")) {
		if v.noEnd[3] {
			return 0
		}
		if j := bytes.Index(b[3:], []byte("-->")); j >= 0 {
			return i + 1 + 3 + j + 3
		}
		v.noEnd[3] = true
		return 0
	}
	for k, name := range removedElems {
		n := foldPrefix(b, name)
		if n == 0 || (n < len(b) && isWordByte(b[n])) {
			continue
		}
		if v.noEnd[k] {
			return 0
		}
		if end := endTag(b[n:], name); end >= 0 {
			return i + 1 + n + end
		}
		v.noEnd[k] = true
		return 0
	}
	return 0
}

// endTag returns the end of the first </name\s*> in b (name matched as
// (?i) does), or -1.
func endTag(b []byte, name string) int {
	for from := 0; ; {
		j := bytes.Index(b[from:], []byte("</"))
		if j < 0 {
			return -1
		}
		j += from + 2
		from = j
		n := foldPrefix(b[j:], name)
		if n == 0 {
			continue
		}
		j += n
		for j < len(b) && (b[j] == ' ' || b[j] == '\n' || b[j] == '\t' || b[j] == '\r' || b[j] == '\f') {
			j++
		}
		if j < len(b) && b[j] == '>' {
			return j + 1
		}
	}
}

// foldPrefix returns the length of the prefix of b that is name (ASCII
// lower case letters) under Unicode simple case folding, as (?i) matches
// it: "s" is also "S" and "ſ" (U+017F). It returns 0 when b does not start
// with name.
func foldPrefix(b []byte, name string) int {
	n := 0
	for k := 0; k < len(name); k++ {
		if n >= len(b) {
			return 0
		}
		switch c := b[n]; {
		case c|0x20 == name[k]:
			n++
		case name[k] == 's' && c == 0xc5 && n+1 < len(b) && b[n+1] == 0xbf:
			n += 2
		default:
			return 0
		}
	}
	return n
}

// isWordByte reports whether c is an ASCII word character, as \b sees it.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
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
