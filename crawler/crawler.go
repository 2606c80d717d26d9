package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/sites"
)

// Options are the crawl settings that come from config.yaml rather than the
// site file.
type Options struct {
	UserAgent   string
	MaxBodySize int // bytes; a larger page is a too_large error
	// MaxFileSize caps a file (an attachment: PDF, DOCX…) apart from pages:
	// reports run to tens of megabytes. A larger file is a too_large error.
	MaxFileSize int
	// MaxAttachments bounds the files fetched from one report page
	// (0: 20; negative: none); the rest are counted as skipped.
	MaxAttachments int
	// FileTimeout bounds a request that may be a file, body included
	// (default 5m; the site's timeout bounds pages). The longer of the two
	// applies.
	FileTimeout time.Duration
	MaxProbes   int // detail pages fetched per run only to read a truncated title
	Logger      *slog.Logger
	Now         func() time.Time
	// Transport, when set, replaces the HTTP transport (nil: Go's default).
	// For a site with `tls: legacy`, an *http.Transport is cloned and its TLS
	// settings widened; another RoundTripper is used as it is.
	Transport http.RoundTripper
	// Hosts, when set, is shared with the other crawls running at the same
	// time: one request at a time per host across all of them (nil: this
	// crawl's own).
	Hosts *Hosts
	// Validators, when set, returns the ETag and Last-Modified a report page
	// was archived with ("" for none). A report page with either is requested
	// conditionally (If-None-Match, If-Modified-Since), and a 304 answer is
	// handed over as a Page with NotModified set. List pages are always read
	// in full: their links are needed.
	Validators func(ctx context.Context, url string) (etag, lastModified string)
	// Lists, when set, remembers list pages between runs: a list page is
	// then asked for conditionally, and a 304 is followed with the links the
	// page had when it was last read, so an unchanged list costs no body.
	Lists Lists
	// Attempts bounds the tries per URL (default 3): timeouts, connection
	// errors, 5xx and 429 are tried again after an exponential backoff with
	// jitter, or after the server's Retry-After when that is longer.
	Attempts int
	// Backoff is the wait before the second try (default 500ms); it doubles for
	// each further try.
	Backoff time.Duration
	// MaxRetryAfter caps the wait a Retry-After header may ask for (default 5m).
	MaxRetryAfter time.Duration
	// MaxRedirects bounds a redirect chain (default 10).
	MaxRedirects int
	// BlockBackoff is the base of the pause before a host that answered an
	// anti-bot page is asked for another of its URLs: twice BlockBackoff
	// after its first such answer, four times after the second, eight times
	// after the third; a fourth in a row and the host is left alone for the
	// rest of the run (default: the site's delay, at least Backoff).
	BlockBackoff time.Duration
	// Progress, when set, is called after every fetch with the run's counts
	// so far, on the crawling goroutine: it must return quickly.
	Progress func(Progress)
	// KnownColumns are report columns an earlier run found by discovery
	// (on the site's hosts). They are read as list pages after the start
	// pages; while every one of them lists reports, discovery does not run
	// again, and the columns that still list reports are this run's Columns.
	KnownColumns []string
	// KnownFrom are the start pages the discovery that found KnownColumns
	// began from: pages that listed no report. Those that are a portal's
	// home page (its root) are not read while every known column lists
	// reports, so that a re-run costs what a site file naming the columns
	// would; when one stops, they are read and discovery begins from them
	// again. Other start pages are read on every run.
	KnownFrom []string
}

// Lists stores, per list page URL, the validators (ETag, Last-Modified) it
// was last read with and the links read from it (opaque bytes the crawler
// writes and reads back). ok is false for a page not stored.
type Lists interface {
	List(ctx context.Context, url string) (etag, lastModified string, links []byte, ok bool)
	SetList(ctx context.Context, url, etag, lastModified string, links []byte) error
}

// Progress is a snapshot of a crawl's counts, for a live display.
type Progress struct {
	ListPages   int
	Pages       int
	NotModified int
	Reports     int
	Errors      int
	Bytes       int64
}

// Page is one fetched report page.
type Page struct {
	URL       string // where the page was fetched from, after redirects
	LinkURL   string // the URL as the list linked it
	ListURL   string // the list page that linked it
	LinkTitle string // the title the list gave it
	Status    int
	Header    http.Header
	Body      []byte // the response body exactly as received
	HTML      []byte // Body decoded to UTF-8
	Encoding  string // the encoding Body was decoded from
	FetchedAt time.Time
	// NotModified is set when the server answered a conditional request
	// with 304: the page is as archived, and Body, HTML and Parts are empty.
	// A Handler that cannot use that (it no longer knows the page) returns
	// ErrRefetch, and the page is fetched again in full.
	NotModified bool
	// Parts are the further pages of a report split over several pages
	// (t…_1.html, t…_2.html), in order; nil for a one-page report.
	Parts []Part
	// File is set, and Body, HTML and Parts are empty, when the report link
	// led to a file rather than a page.
	File *File
	// Attachments are the files the page links to, fetched (or answered
	// 304) in the order the page lists them. AttachmentsFailed counts those
	// that could not be fetched this time but may be next time (timeouts,
	// 5xx, network errors; not a 404): a handler should not treat the page
	// as complete (its validators would hide the files from the next run).
	Attachments       []File
	AttachmentsFailed int
	// FetchImages fetches the given image URLs (absolute) as files, as the
	// page's attachments are fetched: on the site's hosts only (others are
	// skipped as offsite), robots.txt, pacing, retries, anti-bot answers
	// and Options.Validators obeyed; at most Options.MaxAttachments images
	// for the page, each up to Options.MaxFileSize and all of them within
	// the page's budget of files (twice MaxFileSize, attachments included).
	// A body is accepted when its Content-Type is image/* or it starts like
	// an image (JPEG, PNG, GIF, WebP, BMP, TIFF); a web page where an image
	// was expected is skipped as not_html. It returns the images fetched, or
	// answered 304, in the order given; the others are counted in Stats (and
	// those that may be fetched next time are added to AttachmentsFailed).
	// Its only error is the context's.
	//
	// It is set on every Page handed to a Handler and may be called only
	// during that call, on the Handler's goroutine.
	FetchImages func(ctx context.Context, urls []string) ([]File, error)
}

// File is a file a report link, or a report page, points at: the report as
// a PDF, DOCX, DOC, WPS or OFD.
type File struct {
	URL      string // where it was fetched from, after redirects
	LinkURL  string // the URL as the page linked it
	LinkText string // the link's text
	Kind     attachment.Kind
	Name     string // from Content-Disposition, else the URL
	Status   int
	Header   http.Header
	Body     []byte // exactly as received
	// NotModified: the server answered a conditional request with 304;
	// Body is empty.
	NotModified bool
	FetchedAt   time.Time
}

// Part is a further page of a report.
type Part struct {
	URL      string
	Status   int
	Header   http.Header
	Body     []byte // as received
	HTML     []byte // decoded
	Encoding string
}

// Handler receives each report page. An error stops the crawl.
type Handler func(ctx context.Context, p *Page) error

// Error kinds, the keys of Stats.Errors.
const (
	ErrTimeout  = "timeout"
	ErrHTTP4xx  = "http_4xx"
	ErrHTTP5xx  = "http_5xx"
	ErrTooLarge = "too_large"
	ErrDecode   = "decode"
	ErrNetwork  = "network"
	// ErrBlocked: an anti-bot challenge or WAF page. The host's other URLs
	// are tried after growing pauses (Options.BlockBackoff); after four
	// such answers in a row the host is left alone for the rest of the run.
	ErrBlocked = "blocked"
	// ErrRedirect: a redirect loop, a chain longer than MaxRedirects, or a
	// robots.txt that redirects off the site's hosts (its rules cannot be
	// read, so the host is not crawled).
	ErrRedirect = "redirect"
	// ErrTooComplex: a page with more markup than a page of its size can
	// hold (see extract.ErrTooComplex); it is not parsed.
	ErrTooComplex = "too_complex"
)

// ErrRefetch, returned by a Handler for a NotModified page, asks for the page
// to be fetched again without validators.
var ErrRefetch = errors.New("crawler: fetch again in full")

// Reasons a report link was not fetched or not handed over, the keys of
// Stats.Skipped.
const (
	SkipOffsite = "offsite"      // its host is not one of the site's
	SkipNotHTML = "not_html"     // the server answered with something other than a web page (by type, or by content: a PDF sent as text/html), or a file nianbao cannot read
	SkipBlocked = "blocked_host" // not requested: its host answered anti-bot pages to four URLs in a row earlier in the run
	// SkipRobots: the host's robots.txt disallows the URL for our
	// User-Agent (the link itself, or where it redirected). Stats.Skips
	// names the first of them.
	SkipRobots = "robots_disallowed"
	// SkipAttachments counts a report page's attachment links beyond
	// Options.MaxAttachments, links to files already fetched this run, and
	// files beyond the page's budget of twice Options.MaxFileSize in all
	// (those are named in Stats.Skips).
	SkipAttachments = "attachments_over_limit"
	// SkipFetched counts report links to files fetched earlier in the run
	// as a report page's attachments (handed over with that page), and
	// links that redirect to a file handed over earlier in the run.
	SkipFetched = "fetched_already"
	// SkipSiteFile counts a report page's links to files that the list
	// pages link to as well (a form or guide in the page chrome).
	SkipSiteFile = "site_file"
	// SkipOffsiteRedirect: the link redirected to a host that is not one
	// of the site's; the redirect was not followed (Stats.Skips names both
	// ends).
	SkipOffsiteRedirect = "offsite_redirect"
	// SkipOverLimit counts report links beyond the site's max_reports:
	// not fetched this run (Stats.Skips names the first of them).
	SkipOverLimit = "reports_over_limit"
	// SkipListLinks counts the links of a list page beyond the first
	// 10,000 (maxListLinks), not read.
	SkipListLinks = "list_links_over_limit"
)

// maxNamedSkips bounds Stats.Skips.
const maxNamedSkips = 20

// Stats counts what one crawl of a site did.
type Stats struct {
	ListPages int `json:"list_pages"` // list pages read
	// ListNotModified counts the list pages among them that the server
	// answered 304 (Options.Lists): their links were known.
	ListNotModified int   `json:"list_not_modified"`
	Pages           int   `json:"pages"`   // responses received (list, report and probe pages)
	Bytes           int64 `json:"bytes"`   // body bytes received
	Reports         int   `json:"reports"` // distinct report pages found
	Probes          int   `json:"probes"`  // detail pages fetched to read a truncated title
	Files           int   `json:"files"`   // files received (reports published as PDF, DOCX…, and report pages' attachments)
	// NotModified counts report pages the server answered 304 to a
	// conditional request: no body moved, nothing to archive.
	NotModified int `json:"not_modified"`
	// Retries counts the further tries made after timeouts, connection
	// errors, 5xx and 429.
	Retries int `json:"retries"`
	// BlockedHosts are the hosts that answered anti-bot pages to four URLs
	// in a row and were not requested again in the run.
	BlockedHosts []string `json:"blocked_hosts,omitempty"`
	// BlockedURLs are the first URLs (up to 20) that were answered with an
	// anti-bot page; each is also among the failures, of kind blocked.
	BlockedURLs []string       `json:"blocked_urls,omitempty"`
	Skipped     map[string]int `json:"skipped"` // report links not fetched, by reason (offsite, not_html)
	// Skips names the first few links skipped for a reason a person may
	// want to act on (an off-site redirect, with both its ends; reports
	// over max_reports; URLs robots.txt disallows).
	Skips    []FetchError   `json:"skips,omitempty"`
	Errors   map[string]int `json:"errors"`   // failed fetches by kind
	Failures []FetchError   `json:"failures"` // the first few failures, for the summary
	// DiscoveryPages counts the pages read to find report columns from a
	// start page that links to no report, and the portal's search result
	// pages (discover_pages bounds them together); the columns found are
	// list pages, counted in ListPages.
	DiscoveryPages int `json:"discovery_pages"`
	// SearchQueries counts the queries sent to the portal's own search
	// forms (search.go), each counted once however many result pages it
	// had.
	SearchQueries int `json:"search_queries"`
	// StartTitle is the name the first start page read gives its portal:
	// its SiteName meta tag, else its <title> without a 首页 part.
	StartTitle string `json:"start_title,omitempty"`
	// Columns are the report columns discovery found this run, in the
	// order found.
	Columns []string `json:"columns,omitempty"`
	// DiscoveredFrom are the start pages discovery began from this run.
	DiscoveredFrom []string `json:"discovered_from,omitempty"`
}

func (s *Stats) skip(reason string) { s.skipN(reason, 1) }

func (s *Stats) skipN(reason string, n int) {
	if n == 0 {
		return
	}
	if s.Skipped == nil {
		s.Skipped = map[string]int{}
	}
	s.Skipped[reason] += n
}

// skipNamed counts a skip and keeps it, with its URL and reason, among
// the first maxNamedSkips in Skips.
func (s *Stats) skipNamed(fe *FetchError) {
	s.skip(fe.Kind)
	if len(s.Skips) < maxNamedSkips {
		s.Skips = append(s.Skips, *fe)
	}
}

// skipFetch counts a fetch that ended in a skip; one worth naming is kept.
func (s *Stats) skipFetch(fe *FetchError) {
	if fe.Kind == SkipOffsiteRedirect || fe.Kind == SkipRobots {
		s.skipNamed(fe)
		return
	}
	s.skip(fe.Kind)
}

func (s *Stats) fail(fe *FetchError) {
	if s.Errors == nil {
		s.Errors = map[string]int{}
	}
	s.Errors[fe.Kind]++
	if len(s.Failures) < 20 {
		s.Failures = append(s.Failures, *fe)
	}
}

// FetchError is a page that could not be fetched.
type FetchError struct {
	URL    string `json:"url"`
	Kind   string `json:"kind"`
	Status int    `json:"status,omitempty"`
	Err    string `json:"error"`
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: %s (HTTP %d)", e.URL, e.Err, e.Status)
	}
	return fmt.Sprintf("%s: %s", e.URL, e.Err)
}

// errNotHTML aborts a download whose Content-Type is not a web page.
var errNotHTML = errors.New("not an HTML page")

// Crawl reads the site's list pages, finds its report links and hands every
// report page to handle. Fetch failures are counted in Stats, not returned:
// the error is the context's, or the handler's.
func Crawl(ctx context.Context, site *sites.Site, opts Options, handle Handler) (Stats, error) {
	cr, err := newCrawl(ctx, site, opts)
	if err != nil {
		return Stats{}, err
	}
	defer cr.pacer.rest()
	if t, ok := cr.next.(*http.Transport); ok && site.TLS == sites.TLSLegacy {
		defer t.CloseIdleConnections() // the site's own transport (legacyTLS)
	}
	return cr.run(ctx, handle)
}

type crawl struct {
	site    *sites.Site
	opts    Options
	log     *slog.Logger
	c       *colly.Collector
	hosts   map[string]bool
	pacer   *pacer
	stats   Stats
	hints   []string
	raw     *rawTransport
	next    http.RoundTripper       // the transport under raw, for robots.txt
	robots  map[string]*robotsRules // by host
	blocks  map[string]*hostBlocks  // hosts that answered an anti-bot page
	fetched map[string]bool         // attachment links, images and report files fetched in this run, by URL
	files   map[string]bool         // URLs (as linked, and after redirects) of files handed over in this run
	// images is set while Page.FetchImages fetches: a body that starts
	// like an image is a file, whatever its Content-Type.
	images bool
	// form, while set, is the body of the request being made, a POST
	// (a Hanweb jpage group, see fetchPost).
	form string
	// siteFiles are files the list pages link to without them being
	// reports: page furniture, not any report's attachment.
	siteFiles map[string]bool
	disc      *discovery // the search for report columns, made on first use (discover.go)
	rand      *rand.Rand
	result    struct {
		resp *colly.Response
		err  *FetchError
		errR *colly.Response // the response behind err, if any
	}
}

func newCrawl(ctx context.Context, site *sites.Site, opts Options) (*crawl, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = 20 << 20
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 100 << 20
	}
	if opts.MaxAttachments == 0 {
		opts.MaxAttachments = 20
	}
	if opts.FileTimeout <= 0 {
		opts.FileTimeout = 5 * time.Minute
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = 5 * time.Minute
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 10
	}
	if opts.BlockBackoff <= 0 {
		opts.BlockBackoff = max(site.DelayDuration(), opts.Backoff)
	}
	cr := &crawl{
		site:      site,
		opts:      opts,
		log:       opts.Logger.With("site", site.Name),
		hosts:     map[string]bool{},
		pacer:     newPacer(site.DelayDuration(), opts.Now, opts.Hosts),
		hints:     probeHints(site),
		robots:    map[string]*robotsRules{},
		blocks:    map[string]*hostBlocks{},
		fetched:   map[string]bool{},
		files:     map[string]bool{},
		siteFiles: map[string]bool{},
		rand:      rand.New(rand.NewPCG(uint64(opts.Now().UnixNano()), 0)),
	}
	for _, s := range site.Start {
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("crawl %s: start %q: %w", site.Name, s, err)
		}
		cr.hosts[hostKey(u.Scheme, u.Host)] = true
	}
	for _, h := range site.AllowHosts {
		cr.hosts[hostKey("", h)] = true
	}
	cr.c = cr.collector(ctx)
	return cr, nil
}

// onSite reports whether u is on one of the site's hosts (its start pages'
// and allow_hosts): the only hosts a crawl requests, by link or redirect.
func (cr *crawl) onSite(u *url.URL) bool { return cr.hosts[hostKey(u.Scheme, u.Host)] }

// hostKey is a host as onSite compares it: lower case, without a trailing
// dot, and without the port its scheme implies (":80" for http, ":443" for
// https; both for a host named without a scheme, as allow_hosts are).
func hostKey(scheme, host string) string {
	host = strings.ToLower(host)
	for _, p := range [...]struct{ scheme, port string }{{"http", ":80"}, {"https", ":443"}} {
		if scheme == "" || scheme == p.scheme {
			host = strings.TrimSuffix(host, p.port)
		}
	}
	return strings.TrimSuffix(host, ".")
}

// collector builds the site's colly collector. Fields are set after
// NewCollector on purpose: colly applies COLLY_* environment variables there,
// and nianbao's behaviour must not change with the environment.
func (cr *crawl) collector(ctx context.Context) *colly.Collector {
	c := colly.NewCollector()
	c.UserAgent = cr.opts.UserAgent
	c.IgnoreRobotsTxt = true // robots.txt is read by the crawl itself (robotsAllow), to honour Crawl-delay too
	c.AllowURLRevisit = true // the frontier is ours: colly would mark URLs visited before fetching them
	c.MaxDepth = 0
	c.Async = false
	c.DetectCharset = false // we decode, from the raw bytes (see Decode)
	c.ParseHTTPErrorResponse = false
	c.CheckHead = false
	c.CacheDir = ""
	c.MaxBodySize = cr.opts.MaxBodySize + 1 // one byte more, to notice a body over the limit
	c.Context = ctx
	next := cr.opts.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if cr.site.TLS == sites.TLSLegacy {
		next = legacyTLS(next)
	}
	cr.next = next
	cr.raw = &rawTransport{next: next, limit: int64(cr.opts.MaxBodySize) + 1, fileLimit: int64(cr.opts.MaxFileSize) + 1}
	c.WithTransport(cr.raw)
	c.SetRequestTimeout(cr.site.TimeoutDuration())
	c.SetRedirectHandler(cr.checkRedirect)
	c.OnResponseHeaders(func(r *colly.Response) {
		if !isHTMLType(r.Headers.Get("Content-Type")) {
			r.Request.Abort()
		}
	})
	c.OnResponse(func(r *colly.Response) { cr.result.resp = r })
	c.OnError(func(r *colly.Response, err error) {
		cr.result.err = classify(r.Request.URL.String(), r.StatusCode, err)
		cr.result.errR = r
	})
	return c
}

// isHTMLType accepts HTML and the vague types portals send HTML as.
func isHTMLType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	return strings.HasPrefix(mt, "text/") || strings.Contains(mt, "html")
}

// job is a list page waiting to be read.
type job struct {
	url       string
	generated int // >0: the createPageHTML run it belongs to
	follow    bool
	start     bool   // a start URL: it may be a report itself (startreport.go)
	known     bool   // a column an earlier run found (Options.KnownColumns)
	post      *jpage // a Hanweb jpage group, asked for by POST (hanweb.go)
	// root is the start page, or the column found by discovery, whose
	// list the page belongs to; depth is the root's clicks from a start
	// page (discover.go).
	root  string
	depth int
}

// homePage reports whether a start URL is a portal's home page — its
// root, or the root's index page — the only start pages whose reading is
// left to rediscovery (Options.KnownFrom): any other start page is a list
// page its site file names, and is read on every run.
func homePage(raw string) bool {
	u, err := url.Parse(indexless(raw))
	return err == nil && u.RawQuery == "" && (u.Path == "/" || u.Path == "")
}

// run reads list pages breadth-first, then fetches the report pages.
func (cr *crawl) run(ctx context.Context, handle Handler) (Stats, error) {
	site := cr.site
	queue := make([]job, 0, len(site.Start))
	queued := map[string]bool{}
	// deferred are the start pages left unread while the columns an
	// earlier run found from them still list reports (Options.KnownFrom).
	var deferred []job
	for _, s := range site.Start {
		if !queued[s] {
			queued[s] = true
			j := job{url: s, follow: true, start: true, root: s}
			if site.DiscoverPages > 0 && len(cr.opts.KnownColumns) > 0 && homePage(s) &&
				slices.Contains(cr.opts.KnownFrom, s) && !slices.Contains(cr.opts.KnownColumns, s) {
				deferred = append(deferred, j)
				continue
			}
			queue = append(queue, j)
		}
	}
	if site.DiscoverPages > 0 {
		for _, c := range cr.opts.KnownColumns {
			if !queued[c] {
				queued[c] = true
				queue = append(queue, job{url: c, follow: true, root: c, depth: 1, known: true})
			}
		}
	}
	var (
		seenLinks = map[string]bool{}
		reports   []candidate
		starts    []startReport // start URLs that are reports themselves
		probes    []candidate
		isReport  = map[string]bool{}
		deadGen   = map[int]bool{}
		genID     = 0
		// What a hostile list can make a run hold is bounded by what it
		// can use: report links kept for max_reports (twice over, for
		// those skipped on the way), probes for max_probes, list pages
		// queued for max_pages.
		maxReports  = site.MaxReports
		keepReports int
		overflow    int // report links not kept
		maxQueue    = 4 * site.MaxPages
	)
	if maxReports <= 0 {
		maxReports = sites.DefaultMaxReports
	}
	keepReports = 2*maxReports + maxNamedSkips
	attempts := 0
	for {
		if len(queue) == 0 && len(deferred) > 0 && !cr.knownListing() {
			// A remembered column stopped listing reports: the start
			// pages it was found from are read, and discovery may begin
			// from them.
			cr.log.Info("a report column found earlier lists no report: reading the start pages to look for columns again", "start", len(deferred))
			queue, deferred = deferred, nil
		}
		if len(queue) == 0 && attempts < site.MaxPages {
			// No list page left: discovery may find a report column.
			dj, ok, err := cr.discover(ctx, queued)
			if err != nil {
				return cr.stats, err
			}
			if ok {
				queue = append(queue, dj)
			} else if found, ran, err := cr.search(ctx, queued); err != nil {
				return cr.stats, err
			} else if ran {
				// Report links from the portal's search (search.go): kept
				// as a column's are; discovery may go on with what is left.
				for _, c := range found {
					if !seenLinks[c.URL] {
						seenLinks[c.URL], isReport[c.URL] = true, true
						if len(reports) < keepReports {
							reports = append(reports, c)
						} else {
							overflow++
						}
					}
				}
				continue
			}
		}
		if len(queue) == 0 || attempts >= site.MaxPages {
			break
		}
		j := queue[0]
		queue = queue[1:]
		if j.generated > 0 && deadGen[j.generated] {
			continue
		}
		if u, err := url.Parse(j.url); err != nil || !cr.onSite(u) {
			continue
		}
		attempts++
		var (
			etag, lastMod string
			saved         []byte
		)
		if cr.opts.Lists != nil && j.post == nil {
			etag, lastMod, saved, _ = cr.opts.Lists.List(ctx, j.url)
		}
		resp, fe, err := cr.columnFetch(ctx, j, etag, lastMod)
		if err != nil {
			return cr.stats, err
		}
		var (
			lp    listPage
			known bool // lp is the page's links as stored: it answered 304
		)
		if fe == nil && resp.notModified {
			if lp, known = decodeList(saved, site.Selectors.Links); !known {
				cr.log.Info("list page not modified, but its links are not known: fetching in full", "url", j.url)
				if resp, fe, err = cr.fetch(ctx, j.url, "", ""); err != nil {
					return cr.stats, err
				}
			}
		}
		if fe != nil && isSkip(fe.Kind) {
			cr.stats.skipFetch(fe)
			cr.log.Info("list page skipped", "url", j.url, "reason", fe.Kind, "err", fe.Err)
			continue
		}
		if fe != nil {
			cr.stats.fail(fe)
			cr.log.Warn("list page failed", "url", j.url, "kind", fe.Kind, "status", fe.Status, "err", fe.Err)
			if j.generated > 0 && fe.Status == http.StatusNotFound {
				deadGen[j.generated] = true // the list is shorter than its pager claimed
			}
			continue
		}
		if resp.file {
			// A start URL that is a file: the report itself.
			if s, ok := cr.asStartReport(j, resp, listPage{}); ok {
				starts = append(starts, s)
			}
			continue
		}
		cr.stats.ListPages++
		if known {
			cr.stats.ListNotModified++
		} else if j.post != nil {
			var jfe *FetchError
			if lp, jfe = jpageGroup(j.post, resp); jfe != nil {
				cr.stats.fail(jfe)
				cr.log.Warn("Hanweb column: dataproxy.jsp answer not read, column paged no further", "url", jfe.URL, "kind", jfe.Kind, "err", jfe.Err)
				continue
			}
		} else {
			base, _ := url.Parse(resp.url)
			root, err := extract.Parse(resp.html)
			if err != nil {
				kind := ErrDecode
				if errors.Is(err, extract.ErrTooComplex) {
					kind = ErrTooComplex
				}
				cr.stats.fail(&FetchError{URL: j.url, Kind: kind, Status: resp.status, Err: err.Error()})
				cr.log.Warn("list page not parsed", "url", j.url, "kind", kind, "err", err)
				continue
			}
			doc := goquery.NewDocumentFromNode(root)
			if j.start && cr.stats.StartTitle == "" {
				cr.stats.StartTitle = portalTitle(doc)
			}
			lp = parseList(doc, base, site.Selectors.Links)
			cr.saveList(ctx, j.url, resp, lp)
			cr.noteForms(j, doc, base, resp.encoding) // search.go
		}
		fresh := 0
		if lp.dropped > 0 {
			cr.stats.skipN(SkipListLinks, lp.dropped)
			cr.log.Warn("list page with more links than are read", "url", j.url, "read", maxListLinks, "left", lp.dropped)
		}
		for _, l := range lp.links {
			if seenLinks[l.URL] {
				continue
			}
			seenLinks[l.URL] = true
			fresh++
			c := candidate{link: l, list: resp.url}
			switch {
			case site.IsReport(l.Text) || site.IsReport(l.Title) || site.IsReport(l.Row):
				isReport[l.URL] = true
				if len(reports) < keepReports {
					reports = append(reports, c)
				} else {
					overflow++ // beyond what max_reports could ever fetch
				}
			case isTruncated(l.title()) && mayMatch(l.title(), cr.hints):
				if len(probes) < 2*cr.opts.MaxProbes {
					probes = append(probes, c)
				}
			default:
				// A file the list pages link to without it being a report
				// (a form, a guide in the sidebar or footer) is the site's,
				// not an attachment of the report pages that show it too.
				if k, maybe := attachment.LinkKind(l.URL, l.Text); k != attachment.KindUnknown || maybe {
					cr.siteFiles[l.URL] = true
				}
			}
		}
		if s, ok := cr.asStartReport(j, resp, lp); ok {
			starts = append(starts, s)
		}
		cr.listRead(j, resp, lp)
		if len(lp.gen) > 0 {
			genID++
			for _, g := range lp.gen {
				if len(queue) >= maxQueue {
					break
				}
				if !queued[g] {
					queued[g] = true
					queue = append(queue, job{url: g, generated: genID, root: j.root, depth: j.depth})
				}
			}
		}
		// Follow "next" links only from a page that brought something new:
		// an endless calendar of empty pages ends at its first repeat.
		if j.follow || fresh > 0 {
			for _, n := range lp.next {
				if len(queue) >= maxQueue {
					break
				}
				if !queued[n] {
					queued[n] = true
					queue = append(queue, job{url: n, root: j.root, depth: j.depth})
				}
			}
		}
		// A Hanweb column's next group of records, by POST, while groups
		// bring something new (and its total says more are left).
		for _, jp := range lp.jpages {
			if !(j.follow || fresh > 0) || len(queue) >= maxQueue {
				break
			}
			if k := jp.key(); !queued[k] {
				queued[k] = true
				queue = append(queue, job{url: jp.url(), post: jp, root: j.root, depth: j.depth})
			}
		}
	}
	if len(queue) > 0 {
		cr.log.Info("max_pages reached; list pages left unread", "max_pages", site.MaxPages, "left", len(queue))
	}
	cr.discoverEnd()

	// The first max_reports report links (in list order) are fetched, in
	// an order that changes from run to run: an anti-bot answer to one link
	// must not hide the links after it run after run.
	fetched, rest := 0, reports
	for _, s := range starts {
		// Fetched already, with the list pages: handed over first.
		fetched++
		if err := cr.handStart(ctx, s, handle); err != nil {
			return cr.stats, err
		}
	}
	for fetched < maxReports && len(rest) > 0 {
		var batch []candidate
		for len(rest) > 0 && len(batch) < maxReports-fetched {
			c := rest[0]
			rest = rest[1:]
			if why := cr.linkSkip(c); why != "" {
				cr.stats.skip(why)
				continue
			}
			batch = append(batch, c)
		}
		cr.rand.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		for _, c := range batch {
			// A link to a file may have been handed over meanwhile, as
			// another report's attachment: the next link takes its place.
			if why := cr.linkSkip(c); why != "" {
				cr.stats.skip(why)
				continue
			}
			fetched++
			if err := cr.report(ctx, c, handle, false); err != nil {
				return cr.stats, err
			}
		}
	}
	if len(rest) > 0 || overflow > 0 {
		cr.leaveOut(rest, maxReports, overflow)
	}
	for i, c := range probes {
		if i >= cr.opts.MaxProbes {
			cr.log.Info("max_probes reached; truncated titles left unchecked", "left", len(probes)-i)
			break
		}
		if isReport[c.URL] {
			continue
		}
		if why := cr.linkSkip(c); why != "" {
			cr.stats.skip(why)
			continue
		}
		if err := cr.report(ctx, c, handle, true); err != nil {
			return cr.stats, err
		}
	}
	return cr.stats, nil
}

// linkSkip says why a report link is not to be fetched at all, or "":
// it is off the site's hosts (SkipOffsite), or a file handed over earlier
// in the run as a report page's attachment (SkipFetched).
func (cr *crawl) linkSkip(c candidate) string {
	if u, err := url.Parse(c.URL); err != nil || !cr.onSite(u) {
		return SkipOffsite
	}
	if cr.files[c.URL] {
		return SkipFetched
	}
	return cr.columnSkip(c) // discover.go
}

// leaveOut records the report links beyond the site's max_reports (those
// that would have been fetched): each is counted as skipped, the first few
// are named, and the log says how many were left for a later run.
//
// overflow counts the report links not even kept (beyond keepReports); they
// are counted too, unnamed.
func (cr *crawl) leaveOut(rest []candidate, limit, overflow int) {
	left := overflow
	cr.stats.skipN(SkipOverLimit, overflow)
	for _, c := range rest {
		if why := cr.linkSkip(c); why != "" {
			cr.stats.skip(why)
			continue
		}
		left++
		cr.stats.skipNamed(&FetchError{URL: c.URL, Kind: SkipOverLimit,
			Err: fmt.Sprintf("not fetched: max_reports (%d) report links of the site were fetched first this run", limit)})
	}
	cr.log.Warn("max_reports reached: report links left unfetched this run", "max_reports", limit, "left", left)
}

// portalTitle is the name a page gives its portal: the SiteName meta tag
// that government CMSs write (政府网站 标准), else the page's <title>, of
// which "首页 - 某某区人民政府" keeps the part that is not 首页.
func portalTitle(doc *goquery.Document) string {
	if t := strings.TrimSpace(doc.Find(`meta[name="SiteName" i]`).First().AttrOr("content", "")); t != "" {
		return t
	}
	title := strings.TrimSpace(doc.Find("title").First().Text())
	best := ""
	for _, part := range strings.FieldsFunc(title, func(r rune) bool { return strings.ContainsRune("-_|—–·", r) }) {
		part = strings.TrimSpace(part)
		if part != "" && part != "首页" && part != "网站首页" && len(part) > len(best) {
			best = part
		}
	}
	return best
}

// candidate is a link that is, or may be, a report.
type candidate struct {
	link
	list string
}

// report fetches a report page (or, when probe is set, a page whose title
// the list truncated) and hands it on if it is a report.
// The caller has checked linkSkip.
func (cr *crawl) report(ctx context.Context, c candidate, handle Handler, probe bool) error {
	var etag, lastMod string
	if cr.opts.Validators != nil {
		etag, lastMod = cr.opts.Validators(ctx, c.URL)
	}
	k, maybe := attachment.LinkKind(c.URL, c.Text)
	looksLikeFile := k != attachment.KindUnknown || maybe
	resp, fe, err := cr.fetchFiles(ctx, c.URL, etag, lastMod, looksLikeFile)
	if err != nil {
		return err
	}
	if probe {
		cr.stats.Probes++
	}
	if resp != nil && resp.notModified {
		cr.stats.Reports++
		cr.stats.NotModified++
		cr.progress()
		herr := cr.hand(ctx, handle, &Page{URL: resp.url, LinkURL: c.URL, ListURL: c.list, LinkTitle: c.title(),
			Status: resp.status, Header: resp.header, FetchedAt: resp.at, NotModified: true})
		if !errors.Is(herr, ErrRefetch) {
			return herr
		}
		cr.stats.Reports--
		cr.stats.NotModified--
		cr.log.Info("not modified, but not known to the handler: fetching in full", "url", c.URL)
		if resp, fe, err = cr.fetchFiles(ctx, c.URL, "", "", looksLikeFile); err != nil {
			return err
		}
	}
	if fe != nil {
		if isSkip(fe.Kind) {
			cr.stats.skipFetch(fe)
			return nil
		}
		cr.stats.fail(fe)
		cr.log.Warn("report page failed", "url", c.URL, "kind", fe.Kind, "status", fe.Status, "err", fe.Err)
		return nil
	}
	if resp.file {
		// The report is published as a file, linked from the list.
		f, ok := cr.file(resp, c.URL, c.title())
		if !ok || probe {
			cr.stats.skip(SkipNotHTML)
			return nil
		}
		cr.fetched[f.URL] = true
		cr.files[c.URL], cr.files[f.URL] = true, true
		cr.stats.Reports++
		cr.progress()
		return cr.hand(ctx, handle, &Page{URL: f.URL, LinkURL: c.URL, ListURL: c.list, LinkTitle: c.title(),
			Status: f.Status, Header: f.Header, FetchedAt: f.FetchedAt, File: &f})
	}
	title := c.title()
	if probe {
		title = extract.Title(resp.html)
		if !cr.site.IsReport(title) {
			return nil
		}
	}
	return cr.reportPage(ctx, c, resp, title, handle)
}

// reportPage hands over a fetched report page, with its further parts and
// its attachments, under title.
func (cr *crawl) reportPage(ctx context.Context, c candidate, resp *response, title string, handle Handler) error {
	var parts []Part
	base, _ := url.Parse(resp.url)
	size := len(resp.body)
	for _, pu := range articleParts(resp.html, base) {
		pr, fe, err := cr.fetch(ctx, pu, "", "")
		if err != nil {
			return err
		}
		if fe == nil && size+len(pr.body) > cr.opts.MaxBodySize {
			// The pages of one report are held together until it is
			// archived: together they obey the page limit.
			fe = &FetchError{URL: c.URL, Kind: ErrTooLarge, Status: pr.status,
				Err: fmt.Sprintf("the report's pages together are larger than max_body_size (%d bytes), at %s", cr.opts.MaxBodySize, pu)}
		}
		if fe != nil {
			// Without every part the text is incomplete: archiving it would
			// add a truncated version. The next run tries again.
			if isSkip(fe.Kind) {
				cr.stats.skipFetch(fe)
			} else {
				cr.stats.fail(fe)
			}
			cr.log.Warn("part of a report failed: report left for the next run", "url", c.URL, "part", pu, "kind", fe.Kind, "err", fe.Err)
			return nil
		}
		size += len(pr.body)
		parts = append(parts, Part{URL: pr.url, Status: pr.status, Header: pr.header, Body: pr.body, HTML: pr.html, Encoding: pr.encoding})
	}
	page := &Page{
		Parts:     parts,
		URL:       resp.url,
		LinkURL:   c.URL,
		ListURL:   c.list,
		LinkTitle: title,
		Status:    resp.status,
		Header:    resp.header,
		Body:      resp.body,
		HTML:      resp.html,
		Encoding:  resp.encoding,
		FetchedAt: resp.at,
	}
	pages := append([][]byte{resp.html}, partsHTML(parts)...)
	if err := cr.attachments(ctx, page, pages, base); err != nil {
		return err
	}
	cr.stats.Reports++
	cr.progress()
	return cr.hand(ctx, handle, page)
}

func partsHTML(parts []Part) [][]byte {
	out := make([][]byte, len(parts))
	for i, p := range parts {
		out[i] = p.HTML
	}
	return out
}

// fetchFiles is fetch for a link that may be a file: a file's body is read
// (up to MaxFileSize) instead of refused.
// A link that looks like a file (by its URL or text) gets FileTimeout; one
// that looks like a page keeps the site's timeout.
func (cr *crawl) fetchFiles(ctx context.Context, raw, etag, lastModified string, looksLikeFile bool) (*response, *FetchError, error) {
	cr.raw.acceptFiles(true)
	if looksLikeFile {
		cr.c.SetRequestTimeout(max(cr.opts.FileTimeout, cr.site.TimeoutDuration()))
	}
	defer func() {
		cr.raw.acceptFiles(false)
		cr.c.SetRequestTimeout(cr.site.TimeoutDuration())
	}()
	return cr.fetch(ctx, raw, etag, lastModified)
}

// file makes a File of a file response, if it is one of the kinds nianbao
// reads.
func (cr *crawl) file(resp *response, linkURL, linkText string) (File, bool) {
	ct, cd := resp.header.Get("Content-Type"), resp.header.Get("Content-Disposition")
	kind := attachment.Sniff(resp.body, ct, cd, resp.url)
	if kind == attachment.KindUnknown {
		cr.log.Info("a file nianbao cannot read: skipped", "url", resp.url, "type", ct, "bytes", len(resp.body))
		return File{}, false
	}
	name := attachment.FileName(cd, resp.url)
	if name == "" || !strings.Contains(name, ".") {
		name = attachment.FileName("", linkURL)
	}
	return File{URL: resp.url, LinkURL: linkURL, LinkText: linkText, Kind: kind, Name: name,
		Status: resp.status, Header: resp.header, Body: resp.body, FetchedAt: resp.at}, true
}

// attachments fetches the files a report page (and its further parts)
// links to, onto page.Attachments.
func (cr *crawl) attachments(ctx context.Context, page *Page, pages [][]byte, base *url.URL) error {
	var links []fileLink
	seen := map[string]bool{}
	for _, h := range pages {
		for _, l := range fileLinks(h, base) {
			if !seen[l.url] {
				seen[l.url] = true
				links = append(links, l)
			}
		}
	}
	n, size := 0, 0
	budget := 2 * cr.opts.MaxFileSize // the files of one page are held together until it is archived
	overBudget := func(l fileLink, what string) {
		cr.stats.skipNamed(&FetchError{URL: l.url, Kind: SkipAttachments,
			Err: fmt.Sprintf("%s: the files of %s together would be over twice max_file_size (%d bytes)", what, page.URL, budget)})
	}
	for _, l := range links {
		u, err := url.Parse(l.url)
		if err != nil || !cr.onSite(u) {
			cr.stats.skip(SkipOffsite)
			cr.log.Info("attachment off the site's hosts: not fetched", "page", page.URL, "url", l.url)
			continue
		}
		if cr.siteFiles[l.url] {
			cr.stats.skip(SkipSiteFile)
			cr.log.Debug("a file the list pages link to as well: the site's, not the report's", "page", page.URL, "url", l.url)
			continue
		}
		if cr.fetched[l.url] || cr.files[l.url] || n >= cr.opts.MaxAttachments {
			cr.stats.skip(SkipAttachments)
			continue
		}
		if size >= budget {
			overBudget(l, "not fetched")
			continue
		}
		n++
		cr.fetched[l.url] = true
		resp, err := cr.pageFile(ctx, page, l.url, "attachment")
		if err != nil {
			return err
		}
		switch {
		case resp == nil:
		case resp.notModified:
			page.Attachments = append(page.Attachments, File{URL: resp.url, LinkURL: l.url, LinkText: l.text,
				Kind: l.kind, Status: resp.status, Header: resp.header, NotModified: true, FetchedAt: resp.at})
			cr.files[l.url], cr.files[resp.url] = true, true
		case !resp.file:
			// A download link that answered with a page: not a file.
			cr.log.Debug("attachment link answered with a web page", "page", page.URL, "url", l.url)
		default:
			if f, ok := cr.file(resp, l.url, l.text); !ok {
				cr.stats.skip(SkipNotHTML)
			} else if size+len(f.Body) > budget {
				overBudget(l, "fetched, not kept")
			} else {
				size += len(f.Body)
				page.Attachments = append(page.Attachments, f)
				// Linked again, directly or through another redirect, it
				// is the same file.
				cr.files[l.url], cr.files[f.URL] = true, true
			}
		}
	}
	return nil
}

// pageFile fetches a file of a report page (an attachment, an image) with
// the validators it was archived with, and counts what went wrong: it
// returns the response when one came, in full or 304, and nil when the
// fetch failed or was skipped. A failure that may pass (a timeout, a 5xx, an
// anti-bot page) leaves the page to be read again next run; a dead link
// (404) does not: it would keep an unchanged page from ever answering 304.
func (cr *crawl) pageFile(ctx context.Context, page *Page, raw, what string) (*response, error) {
	var etag, lastMod string
	if cr.opts.Validators != nil {
		etag, lastMod = cr.opts.Validators(ctx, raw)
	}
	resp, fe, err := cr.fetchFiles(ctx, raw, etag, lastMod, true)
	if err != nil {
		return nil, err
	}
	if fe != nil && (retryable(fe) || fe.Kind == ErrBlocked || fe.Kind == SkipBlocked) {
		page.AttachmentsFailed++
	}
	switch {
	case fe != nil && isSkip(fe.Kind):
		cr.stats.skipFetch(fe)
	case fe != nil:
		cr.stats.fail(fe)
		cr.log.Warn(what+" failed", "page", page.URL, "url", raw, "kind", fe.Kind, "status", fe.Status, "err", fe.Err)
	default:
		return resp, nil
	}
	return nil, nil
}

// pacer spaces one crawl's requests to each host by the site's delay (or a
// longer robots.txt Crawl-delay), through the Hosts it shares with the
// other crawls of the process. Its waits return as soon as the context is
// cancelled.
type pacer struct {
	delay  time.Duration
	now    func() time.Time
	hosts  *Hosts
	mu     sync.Mutex
	delays map[string]time.Duration // hosts whose robots.txt asks for a longer Crawl-delay
	held   bool                     // the crawl holds one of hosts.active
}

func newPacer(delay time.Duration, now func() time.Time, hosts *Hosts) *pacer {
	if hosts == nil {
		hosts = NewHosts()
	}
	return &pacer{delay: delay, now: now, hosts: hosts, delays: map[string]time.Duration{}}
}

// raise makes the delay for host at least d.
func (p *pacer) raise(host string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d > max(p.delay, p.delays[host]) {
		p.delays[host] = d
	}
}

// wait takes host's turn: the host is free and this crawl's delay has
// passed since the last request to it. release must be called when the
// request is done.
//
// With a bound on requests in flight (NewLimitedHosts), the crawl then
// takes one of them, and keeps it after release — while the page is parsed
// and archived — until it waits for its next request, or rests.
func (p *pacer) wait(ctx context.Context, host string) (release func(), err error) {
	p.rest()
	p.mu.Lock()
	d := max(p.delay, p.delays[host])
	p.mu.Unlock()
	release, err = p.hosts.acquire(ctx, host, d, p.now)
	if err != nil {
		return nil, err
	}
	if err := p.hold(ctx); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// hold takes one of the requests in flight that hosts bounds (if it does),
// kept until the crawl's next wait or rest; robots.txt requests, which take
// no host turn, take one too.
func (p *pacer) hold(ctx context.Context) error {
	p.rest()
	if p.hosts.active == nil {
		return nil
	}
	select {
	case p.hosts.active <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.mu.Lock()
	p.held = true
	p.mu.Unlock()
	return nil
}

// rest gives back the crawl's request in flight, if it holds one: before a
// pause (a retry's backoff) and when the crawl ends.
func (p *pacer) rest() {
	p.mu.Lock()
	held := p.held
	p.held = false
	p.mu.Unlock()
	if held {
		<-p.hosts.active
	}
}

// Hosts coordinates the requests to each host of every crawl that shares
// it: one request at a time per host, and each crawl's delay counted from
// the last request to that host by any of them. A process that runs several
// sites at once (`crawl --all`, the daemon) shares one Hosts, so two site
// files on the same portal are not two visitors. Options.Hosts nil gives a
// crawl its own.
//
// Made with NewLimitedHosts, it also bounds the requests in flight across
// all of them: a crawl holds one from the start of a request until it asks
// for its next, so the page's parsing and archiving count too, and a crawl
// that waits out a host's delay holds none (nor any page).
type Hosts struct {
	mu     sync.Mutex
	hosts  map[string]*hostTurn
	active chan struct{} // nil: no bound on requests in flight
}

type hostTurn struct {
	slot chan struct{} // holds one token while a request to the host is in flight
	last time.Time     // when the last request to the host ended
}

// NewHosts returns an empty Hosts, with no bound on requests in flight.
func NewHosts() *Hosts { return &Hosts{hosts: map[string]*hostTurn{}} }

// NewLimitedHosts returns an empty Hosts that lets at most requests
// requests be in flight at once (Limits.Requests).
func NewLimitedHosts(requests int) *Hosts {
	h := NewHosts()
	h.active = make(chan struct{}, max(1, requests))
	return h
}

// InFlight is how many requests the crawls sharing h have in flight (with
// their processing), when h bounds them; 0 otherwise.
func (h *Hosts) InFlight() int { return len(h.active) }

func (h *Hosts) turn(host string) *hostTurn {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.hosts[host]
	if t == nil {
		t = &hostTurn{slot: make(chan struct{}, 1)}
		h.hosts[host] = t
	}
	return t
}

func (h *Hosts) acquire(ctx context.Context, host string, delay time.Duration, now func() time.Time) (func(), error) {
	t := h.turn(host)
	select {
	case t.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	h.mu.Lock()
	next := t.last.Add(delay)
	h.mu.Unlock()
	if d := next.Sub(now()); d > 0 && !t.last.IsZero() {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			<-t.slot
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
	return func() {
		h.mu.Lock()
		t.last = now()
		h.mu.Unlock()
		<-t.slot
	}, nil
}
