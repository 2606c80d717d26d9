package harvest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/sites"
)

// Deps are what a run needs from outside: the archive to write to, the
// crawl options, a logger and a clock.
type Deps struct {
	Archive *archive.Archive
	Crawl   crawler.Options
	Logger  *slog.Logger
	Now     func() time.Time
	// RunID names the run's record; "" gives "<start time>-<site>". The
	// daemon passes the id its API announced, so both name the same run.
	RunID string
	// Trigger says what started the run ("schedule", "manual" from the
	// daemon's API or page, "cli" for `nianbao crawl`); recorded in its
	// Summary.
	Trigger string
	// WARC, when set, also records every response that added to the archive
	// as WARC/1.1 request and response records, one file per run
	// (config.yaml's warc).
	WARC bool
	// Files reads the text of files (attachments: PDF, DOCX, DOC, WPS,
	// OFD). One Reader serves every run of a process, so its PDF engine
	// starts once, on the first PDF. nil: the run makes its own and closes
	// it when the run ends.
	Files *attachment.Reader
	// Progress, when set, is called with the run's counts after every fetch
	// and every archived report, on the run's goroutine: it must return
	// quickly and be safe to call from several runs at once. nil: no calls.
	Progress func(Progress)
	// MemoryBudget, for RunSites: no site run starts while the Go heap's
	// live bytes are above it, unless none is running (0: no check;
	// config.yaml's memory_budget).
	MemoryBudget int64
}

// Progress is a run's counts so far, for a live display.
type Progress struct {
	Site         string
	ListPages    int
	Pages        int
	NotModified  int
	Reports      int
	NewDocuments int
	NewVersions  int
	Errors       int
	Bytes        int64
	Done         bool   // the run has ended; this is its last call
	Status       string // with Done: the run's status (ok, failed, cancelled)
}

// Error kinds a run adds to the crawler's.
const (
	ErrEmpty   = "empty"   // a report page with no text left after extraction
	ErrExtract = "extract" // the extractor failed on a page
	ErrFile    = "file"    // a file could not be read this time (the reader timed out): tried again next run
)

// Summary is what one run of one site did.
type Summary struct {
	Site   string `json:"site"`
	RunID  string `json:"run_id"`
	Status string `json:"status"` // ok, failed, cancelled
	// Trigger is what started the run: schedule, manual or cli ("" for
	// runs recorded before nianbao kept it).
	Trigger   string        `json:"trigger,omitempty"`
	Error     string        `json:"error,omitempty"`
	StartedAt time.Time     `json:"started_at"`
	Duration  time.Duration `json:"duration_ns"`
	ListPages int           `json:"list_pages"`
	// ListNotModified counts the list pages among them answered 304: their
	// links were known from the last full read.
	ListNotModified int `json:"list_not_modified"`
	// DiscoveryPages counts the pages read to find the site's report
	// columns from a start page that listed no report (a home page);
	// Columns are the report columns found so.
	DiscoveryPages int      `json:"discovery_pages,omitempty"`
	Columns        []string `json:"columns,omitempty"`
	// DiscoveredFrom are the start pages discovery began from.
	DiscoveredFrom []string `json:"discovered_from,omitempty"`
	// SearchQueries counts the queries sent to the portal's own search
	// form when discovery found no report column (their result pages are
	// among DiscoveryPages).
	SearchQueries int `json:"search_queries,omitempty"`
	// StartTitle is the portal's name as its first start page gives it.
	StartTitle   string `json:"start_title,omitempty"`
	PagesFetched int    `json:"pages_fetched"`
	Bytes        int64  `json:"bytes"`
	ReportsFound int    `json:"reports_found"`
	// NewDocuments counts new reports: a new rendition of a report already
	// archived (its DOCX beside its PDF) is counted in NewRenditions, a new
	// stub page (one that only announces its attachments) in NewListings.
	NewDocuments  int `json:"new_documents"`
	NewRenditions int `json:"new_renditions,omitempty"`
	NewListings   int `json:"new_listings,omitempty"`
	NewVersions   int `json:"new_versions"`
	NewSources    int `json:"new_sources"`
	Unchanged     int `json:"unchanged"`
	// FilesChanged counts files whose bytes changed while their text did
	// not: each kept as its rendition's next version, the report's text
	// the same.
	FilesChanged int `json:"files_changed,omitempty"`
	// NotModified counts report pages the server answered 304 to a
	// conditional request: nothing downloaded, nothing added. They are not
	// in Unchanged, which counts reports fetched in full whose text was
	// already archived.
	NotModified int `json:"not_modified"`
	// Files counts the files (reports published as PDF, DOCX…, and report
	// pages' attachments) fetched in full; FilesNotModified those answered
	// 304. FilesWithoutText counts archived files with no usable text, by
	// reason (no_text_layer: a scan; no_unicode; encrypted; unsupported;
	// unreadable), and FilesSameAsPage the files whose text is the listing
	// page's own.
	Files            int            `json:"files"`
	FilesNotModified int            `json:"files_not_modified"`
	FilesWithoutText map[string]int `json:"files_without_text,omitempty"`
	FilesSameAsPage  int            `json:"files_same_as_page"`
	// ImagesOnly counts the report pages whose article is only images
	// (archived with their title as text, their pictures as files).
	ImagesOnly int `json:"images_only,omitempty"`
	Retries    int `json:"retries"`
	// BlockedHosts are the hosts given up for the run after anti-bot
	// answers to several URLs in a row; BlockedURLs the first URLs that
	// got an anti-bot answer.
	BlockedHosts []string       `json:"blocked_hosts,omitempty"`
	BlockedURLs  []string       `json:"blocked_urls,omitempty"`
	Skipped      map[string]int `json:"skipped,omitempty"`
	// Skips names the first few skipped links a person may want to act
	// on: an off-site redirect with both its ends, reports over max_reports.
	Skips    []crawler.FetchError `json:"skips,omitempty"`
	Errors   map[string]int       `json:"errors,omitempty"`
	Failures []crawler.FetchError `json:"failures,omitempty"`
	// WARC is the run's WARC file, relative to the archive, when warc is on and the run archived something.
	WARC string `json:"warc,omitempty"`
}

// ErrorCount is the number of failed pages.
func (s *Summary) ErrorCount() int {
	n := 0
	for _, c := range s.Errors {
		n += c
	}
	return n
}

func (s *Summary) fail(kind, u, msg string) {
	if s.Errors == nil {
		s.Errors = map[string]int{}
	}
	s.Errors[kind]++
	if len(s.Failures) < 20 {
		s.Failures = append(s.Failures, crawler.FetchError{URL: u, Kind: kind, Err: msg})
	}
}

// RunSite crawls site once and archives what is new. Page failures are
// counted in the Summary and do not fail the run; the error is for what
// stops a run: cancellation, or an archive that cannot be written. The run's
// record is stored in the archive either way.
func RunSite(ctx context.Context, site *sites.Site, deps Deps) (Summary, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	log := deps.Logger.With("site", site.Name)
	opts := deps.Crawl
	opts.Logger = deps.Logger
	opts.Now = deps.Now
	start := deps.Now()
	sum := Summary{Site: site.Name, StartedAt: start.UTC(), RunID: deps.RunID, Trigger: deps.Trigger}
	if sum.RunID == "" {
		sum.RunID = start.UTC().Format("20060102T150405.000Z") + "-" + site.Name
	}
	log.Info("crawl started", "start", []string(site.Start))

	xopts := extract.Options{ContentSelector: site.Selectors.Content, RemoveSelectors: site.Selectors.Remove}
	files := deps.Files
	if files == nil {
		files = attachment.NewReader(attachment.ReaderConfig{Logger: deps.Logger})
		defer files.Close()
	}
	var wr *runWARC
	if deps.WARC {
		var err error
		if wr, err = newRunWARC(sum.RunID+".warc.gz", opts.UserAgent, start); err != nil {
			return sum, fmt.Errorf("crawl %s: %w", site.Name, err)
		}
	}
	var (
		last   crawler.Progress
		merged bool // the crawler's errors are in sum.Errors: not to be counted twice
	)
	progress := func(done bool) {
		if deps.Progress != nil {
			status := ""
			if done {
				status = sum.Status
			}
			errs := sum.ErrorCount()
			if !merged {
				errs += last.Errors
			}
			deps.Progress(Progress{Site: site.Name, ListPages: last.ListPages, Pages: last.Pages, NotModified: last.NotModified,
				Reports: last.Reports, NewDocuments: sum.NewDocuments, NewVersions: sum.NewVersions,
				Errors: errs, Bytes: last.Bytes, Done: done, Status: status})
		}
	}
	opts.Progress = func(p crawler.Progress) { last = p; progress(false) }
	opts.Validators = func(ctx context.Context, u string) (string, string) {
		fs, ok, err := deps.Archive.FetchState(ctx, u)
		if err != nil || !ok {
			return "", ""
		}
		return fs.ETag, fs.LastModified
	}
	opts.Lists = archiveLists{a: deps.Archive, site: site.Name, now: deps.Now}
	opts.KnownColumns, opts.KnownFrom = knownColumns(ctx, deps.Archive, site, start, log)
	texts := newFileTexts()
	known := &siteReports{}
	handle := func(ctx context.Context, p *crawler.Page) error {
		defer progress(false)
		if p.NotModified {
			return pageNotModified(ctx, deps.Archive, p, &sum, log)
		}
		h := pageHandler{a: deps.Archive, site: site, xopts: xopts, files: files, texts: texts, reports: known, sum: &sum, log: log, wr: wr}
		if p.File != nil {
			_, err := h.archiveFile(ctx, p.File, nil)
			return err
		}
		return h.archivePage(ctx, p)
	}
	st, err := crawler.Crawl(ctx, site, opts, handle)
	defer progress(true)
	sum.addCrawl(st)
	merged = true
	sum.Duration = deps.Now().Sub(start)
	sum.end(site, st, err)
	if wr != nil && wr.n > 0 {
		// Stored even for a failed or cancelled run: what was archived was fetched.
		p, werr := deps.Archive.StoreWARC(site.Name, sum.RunID, wr.buf.Bytes())
		if werr != nil && err == nil {
			err = werr
			sum.Status, sum.Error = "failed", werr.Error()
		}
		if werr == nil {
			sum.WARC = p
		}
	}
	rec := archive.Run{ID: sum.RunID, Site: site.Name, StartedAt: sum.StartedAt, FinishedAt: deps.Now().UTC(),
		Status: sum.Status, Error: sum.Error, Summary: sum}
	// The record is written even when the run's context is gone.
	if rerr := deps.Archive.RecordRun(context.WithoutCancel(ctx), rec); rerr != nil && err == nil {
		err = rerr
	}
	log.Info("crawl finished", "status", sum.Status, "pages", sum.PagesFetched, "not_modified", sum.NotModified, "bytes", sum.Bytes, "reports", sum.ReportsFound,
		"new_documents", sum.NewDocuments, "new_versions", sum.NewVersions, "errors", sum.ErrorCount(),
		"duration", sum.Duration.Round(time.Millisecond))
	if err != nil {
		return sum, fmt.Errorf("crawl %s: %w", site.Name, err)
	}
	return sum, nil
}

// FoundColumns are the report columns of the site's last ok run that had
// any, and when that run started: what `nianbao sites list` shows.
func FoundColumns(ctx context.Context, a *archive.Archive, site string) ([]string, time.Time, error) {
	runs, err := a.Runs(ctx, site, 50)
	if err != nil {
		return nil, time.Time{}, err
	}
	for _, r := range runs { // newest first
		if s := runColumns(r); r.Status == "ok" && len(s.Columns) > 0 {
			return s.Columns, r.StartedAt, nil
		}
	}
	return nil, time.Time{}, nil
}

// runColumns reads a run record's discovery counts.
func runColumns(r archive.Run) (s struct {
	DiscoveryPages int      `json:"discovery_pages"`
	Columns        []string `json:"columns"`
	DiscoveredFrom []string `json:"discovered_from"`
}) {
	if b, err := json.Marshal(r.Summary); err == nil {
		json.Unmarshal(b, &s)
	}
	return s
}

// knownColumns are the report columns to read instead of discovering them
// (those of the site's last ok run that had columns, while the last run that
// discovered them is less than the site's rediscover_after old), and the
// start pages that discovery began from (pages that listed no report). nil:
// discover.
func knownColumns(ctx context.Context, a *archive.Archive, site *sites.Site, now time.Time, log *slog.Logger) (columns, from []string) {
	runs, err := a.Runs(ctx, site.Name, 50)
	if err != nil {
		log.Warn("cannot read the site's runs: looking for its report columns anew", "err", err)
		return nil, nil
	}
	for _, r := range runs { // newest first
		s := runColumns(r)
		if columns == nil && r.Status == "ok" && len(s.Columns) > 0 {
			columns = s.Columns
		}
		if s.DiscoveryPages > 0 { // the last run that discovered
			if columns == nil || now.Sub(r.StartedAt) >= time.Duration(site.RediscoverAfter) {
				return nil, nil
			}
			return columns, s.DiscoveredFrom
		}
	}
	return nil, nil
}

// pageRead is what a report page gave: its extracted document and text
// (the further pages' joined on), the title, kind and year it is archived
// under, and its text status ("" or archive.TextImagesOnly).
type pageRead struct {
	doc                       *extract.Document
	text, title, kind, status string
	year                      int
	mirror                    bool
}

// readPage extracts a report page, with its further pages, as a run does:
// the list's title when the page has none; a page whose article is only
// pictures keeps its title as text (counted in sum.ImagesOnly). ok is
// false when extraction failed (counted in sum).
func readPage(p *crawler.Page, xopts extract.Options, sum *Summary, log *slog.Logger) (r pageRead, ok bool) {
	pages := []pageHTML{{URL: p.URL, HTML: p.HTML}}
	for _, part := range p.Parts {
		pages = append(pages, pageHTML{URL: part.URL, HTML: part.HTML})
	}
	doc, text, mirror, failed, err := extractPages(pages, xopts)
	if err != nil {
		kind := ErrExtract
		if errors.Is(err, extract.ErrTooComplex) {
			kind = crawler.ErrTooComplex
		}
		sum.fail(kind, failed, err.Error())
		log.Warn("extraction failed", "url", failed, "kind", kind, "err", err)
		return r, false
	}
	r = pageRead{doc: doc, text: text, mirror: mirror, title: doc.Title, kind: doc.Kind, year: doc.Year}
	if r.title == "" {
		r.title = p.LinkTitle
		r.kind, r.year = extract.Classify(r.title, doc.Published)
	}
	if doc.ImagesOnly {
		r.status = archive.TextImagesOnly
		sum.ImagesOnly++
		if r.text == "" && r.title != "" {
			r.text = r.title + "\n"
		}
	}
	return r, true
}

// addCrawl adds what the crawler counted to the summary.
func (sum *Summary) addCrawl(st crawler.Stats) {
	sum.ListPages = st.ListPages
	sum.ListNotModified = st.ListNotModified
	sum.DiscoveryPages = st.DiscoveryPages
	sum.Columns = st.Columns
	sum.DiscoveredFrom = st.DiscoveredFrom
	sum.StartTitle = st.StartTitle
	sum.SearchQueries = st.SearchQueries
	sum.PagesFetched = st.Pages
	sum.Bytes = st.Bytes
	sum.ReportsFound = st.Reports
	sum.Skipped = st.Skipped
	sum.Skips = st.Skips
	sum.NotModified = st.NotModified
	sum.Files = st.Files
	sum.Retries = st.Retries
	sum.BlockedHosts = st.BlockedHosts
	sum.BlockedURLs = st.BlockedURLs
	for k, n := range st.Errors {
		if sum.Errors == nil {
			sum.Errors = map[string]int{}
		}
		sum.Errors[k] += n
	}
	sum.Failures = append(st.Failures, sum.Failures...)
}

// end sets the run's status from how the crawl ended: ok; failed when it
// read nothing of the site or broke off (err); cancelled.
func (sum *Summary) end(site *sites.Site, st crawler.Stats, err error) {
	switch {
	case err == nil && st.ListPages == 0 && st.Reports == 0:
		// Not one start or list page could be read: the run saw nothing
		// of the site, whatever the reason, and says so.
		sum.Status = "failed"
		sum.Error = nothingRead(site, st)
	case err == nil && st.Reports == 0 && st.Skipped[crawler.SkipNoColumn] > 0:
		// A start page that lists no report, and no report column found
		// from it: the run found nothing to archive, and cannot.
		sum.Status = "failed"
		sum.Error = "no report found: " + namedSkip(st, crawler.SkipNoColumn)
	case err == nil:
		sum.Status = "ok"
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		sum.Status = "cancelled"
		sum.Error = err.Error()
	default:
		sum.Status = "failed"
		sum.Error = err.Error()
	}
}

// namedSkip is the message of the first named skip of a kind.
func namedSkip(st crawler.Stats, kind string) string {
	for _, fe := range st.Skips {
		if fe.Kind == kind {
			return fe.Err
		}
	}
	return kind
}

// nothingRead says why a run read none of the site's pages: the failure or
// skip of its first start page that has one, else the first failure.
func nothingRead(site *sites.Site, st crawler.Stats) string {
	start := map[string]bool{}
	for _, u := range site.Start {
		start[u] = true
	}
	why := func(fe crawler.FetchError) string {
		msg := fe.Kind + ": " + fe.Err
		if fe.Status != 0 && !strings.Contains(fe.Err, strconv.Itoa(fe.Status)) {
			msg += fmt.Sprintf(" (HTTP %d)", fe.Status)
		}
		return fmt.Sprintf("no start page could be read: %s: %s", fe.URL, msg)
	}
	for _, list := range [][]crawler.FetchError{st.Failures, st.Skips} {
		for _, fe := range list {
			if start[fe.URL] {
				return why(fe)
			}
		}
	}
	if len(st.Failures) > 0 {
		return why(st.Failures[0])
	}
	if len(st.Skips) > 0 {
		return why(st.Skips[0])
	}
	if len(st.Skipped) > 0 {
		reasons := make([]string, 0, len(st.Skipped))
		for k, n := range st.Skipped {
			reasons = append(reasons, fmt.Sprintf("%s %d", k, n))
		}
		slices.Sort(reasons)
		return "no start page could be read: skipped (" + strings.Join(reasons, ", ") + ")"
	}
	return "no start page could be read"
}

// archiveLists keeps the crawler's list pages in the archive's index.
type archiveLists struct {
	a    *archive.Archive
	site string
	now  func() time.Time
}

func (l archiveLists) List(ctx context.Context, u string) (string, string, []byte, bool) {
	st, ok, err := l.a.ListState(ctx, u)
	if err != nil || !ok {
		return "", "", nil, false
	}
	return st.ETag, st.LastModified, st.Links, true
}

func (l archiveLists) SetList(ctx context.Context, u, etag, lastModified string, links []byte) error {
	return l.a.SetListState(ctx, archive.ListState{URL: u, Site: l.site, ETag: etag, LastModified: lastModified,
		Links: links, FetchedAt: l.now()})
}

// pageHandler archives what the crawler hands over: report pages, their
// attachments, and reports published as files.
type pageHandler struct {
	a     *archive.Archive
	site  *sites.Site
	xopts extract.Options
	files *attachment.Reader
	texts *fileTexts // the run's files read so far, by their bytes
	// reports are the site's reports, for files that match no report on
	// their page (or have none: linked straight from a list).
	reports *siteReports
	sum     *Summary
	log     *slog.Logger
	wr      *runWARC
}

// archivePage extracts one report page and puts its text in the archive,
// then its attachments' texts.
func (h *pageHandler) archivePage(ctx context.Context, p *crawler.Page) error {
	var parts []archive.Part
	for _, part := range p.Parts {
		parts = append(parts, archive.Part{URL: part.URL, Body: part.Body, Encoding: part.Encoding})
	}
	r, ok := readPage(p, h.xopts, h.sum, h.log)
	if !ok {
		return nil
	}
	doc, text, mirror, title, kind, year, status := r.doc, r.text, r.mirror, r.title, r.kind, r.year, r.status
	if status != "" {
		// A report posted as pictures: the page is archived with its title
		// and the pictures' URLs, and the pictures as files listed on it.
		if p.FetchImages != nil {
			imgs, err := p.FetchImages(ctx, doc.Images)
			if err != nil {
				return err
			}
			p.Attachments = append(p.Attachments, imgs...)
		}
		h.log.Info("report published as images", "url", p.URL, "images", len(doc.Images))
	}
	if text == "" && len(p.Attachments) == 0 {
		h.sum.fail(ErrEmpty, p.URL, "no text left after extraction")
		h.log.Warn("report page has no text", "url", p.URL)
		return nil
	}
	listing := &listing{url: p.URL, title: title, text: text, kind: kind, year: year, published: doc.Published,
		source: doc.Source, issuer: doc.Issuer, docNumber: doc.DocNumber, indexNumber: doc.IndexNumber}
	if status != "" {
		listing.text = "" // a title is no text to compare files with
	}
	// The files are read first: a page that only announces its
	// attachments is where the report's renditions were found, not one of
	// them, unless one of them holds its text (a short report, inline and
	// attached).
	pfs, complete, err := h.prepareFiles(ctx, p.Attachments, listing)
	if err != nil {
		return err
	}
	role := ""
	stub := status == "" && archive.IsStub(text, attachmentNames(p.Attachments)) && !sameAsPage(pfs, text)
	if stub {
		// Files archived before, unchanged, may hold the page's text too.
		same, err := h.knownSameAsPage(ctx, listing, text)
		if err != nil {
			return err
		}
		stub = !same
	}
	if stub {
		role, listing.stub, listing.text = archive.RoleListing, true, ""
		h.log.Info("page only announces its attachments: kept as their listing", "url", p.URL)
	}
	// A page without attachments records its fetch with its text, in one
	// index transaction; one with attachments only after them (below).
	var fetched []archive.FetchState
	if len(p.Attachments) == 0 {
		fetched = pageFetched(h.site, p, p.AttachmentsFailed == 0)
	}
	if text != "" {
		res, err := h.a.Put(ctx, archive.Entry{
			Site:        h.site.Name,
			URL:         p.URL,
			Title:       title,
			Published:   doc.Published,
			Source:      doc.Source,
			SiteIDCode:  doc.SiteIDCode,
			Issuer:      doc.Issuer,
			DocNumber:   doc.DocNumber,
			IndexNumber: doc.IndexNumber,
			Mirror:      mirror,
			Kind:        kind,
			Year:        year,
			Text:        []byte(text),
			Extractor:   extract.Version,
			FetchedAt:   p.FetchedAt,
			Raw:         p.Body,
			Status:      p.Status,
			ContentType: p.Header.Get("Content-Type"),
			Encoding:    p.Encoding,
			Parts:       parts,
			Fetched:     fetched,
			TextStatus:  status,
			Images:      imagesOf(doc),
			Role:        role,
		})
		if err != nil {
			return err
		}
		h.count(res)
		if h.wr != nil && res.Outcome != archive.Unchanged {
			if err := h.wr.add(p, res); err != nil {
				return err
			}
		}
		listing.doc, listing.version = res.Doc, res.Version
		if !listing.stub && res.Report != "" {
			listing.reports = append(listing.reports, pageReport{id: res.Report, text: listing.text, kind: kind, year: year})
		}
		h.log.Info("report", "url", p.URL, "outcome", string(res.Outcome), "doc", res.Doc, "version", res.Version, "title", title)
	}
	if err := h.putFiles(ctx, pfs, listing); err != nil {
		return err
	}
	complete = complete && p.AttachmentsFailed == 0
	if fetched != nil {
		return nil // recorded with its text
	}
	// A page whose files could not all be archived is recorded without
	// validators, so the next run reads it again and retries them.
	return recordFetch(ctx, h.a, h.site, p, complete)
}

func (h *pageHandler) count(res archive.Result) {
	switch res.Outcome {
	case archive.NewDocument:
		switch res.Report {
		case "":
			h.sum.NewListings++
		case res.Doc:
			h.sum.NewDocuments++
		default:
			h.sum.NewRenditions++
		}
	case archive.FileChanged:
		h.sum.FilesChanged++
	case archive.NewVersion:
		h.sum.NewVersions++
	case archive.NewSource:
		h.sum.NewSources++
	case archive.Unchanged:
		h.sum.Unchanged++
	}
}

// recordFetch stores a report page's validators once its text is archived,
// under the URL fetched and the URL linked (they differ after a redirect), so
// the next run can ask for it conditionally. A report split over parts is
// recorded without validators and so is always re-read whole: a 304 on its
// first page would say nothing about its other pages, and a changed part
// must make a new version.
func recordFetch(ctx context.Context, a *archive.Archive, site *sites.Site, p *crawler.Page, validators bool) error {
	return a.SetFetchState(ctx, pageFetched(site, p, validators)...)
}

// pageFetched is what recordFetch records.
func pageFetched(site *sites.Site, p *crawler.Page, validators bool) []archive.FetchState {
	return fetchStates(site, p.URL, p.LinkURL, p.Status, p.Header, p.Body, p.FetchedAt, validators && len(p.Parts) == 0)
}

// fetchStates is a fetch's state under the URL fetched and the URL linked.
func fetchStates(site *sites.Site, u, linkURL string, status int, h http.Header, body []byte, at time.Time, validators bool) []archive.FetchState {
	raw := sha256.Sum256(body)
	fs := archive.FetchState{
		URL: u, Site: site.Name, Status: status,
		SHA256: hex.EncodeToString(raw[:]), Bytes: len(body), FetchedAt: at,
	}
	if validators {
		fs.ETag, fs.LastModified = h.Get("ETag"), h.Get("Last-Modified")
	}
	out := []archive.FetchState{fs}
	if linkURL != "" && archive.CanonicalURL(linkURL) != archive.CanonicalURL(u) {
		fs.URL = linkURL
		out = append(out, fs)
	}
	return out
}

// pageNotModified records a 304: the source was seen, unchanged. A URL the
// archive does not know as a source is fetched again in full.
func pageNotModified(ctx context.Context, a *archive.Archive, p *crawler.Page, sum *Summary, log *slog.Logger) error {
	ok, err := a.Seen(ctx, p.FetchedAt, p.URL, p.LinkURL)
	if err != nil {
		return err
	}
	if !ok {
		return crawler.ErrRefetch
	}
	log.Debug("report not modified", "url", p.URL)
	return nil
}

// RunSites runs RunSite for each site, at most limit at a time (< 1: one),
// and returns their summaries and errors in the sites' order. limit is
// sites in flight, not work: a run waiting out its host's delay costs
// little, and Deps.Crawl.Hosts bounds the requests in flight. Workers take
// the sites in order, so a site waiting for its turn costs nothing but its
// place in the list; with Deps.MemoryBudget no site starts while the heap is
// over it (unless none runs). A site still waiting for its turn when ctx
// ends is not started: its summary says cancelled. This is `nianbao
// crawl`'s loop; the daemon schedules sites one by one instead.
func RunSites(ctx context.Context, list []*sites.Site, deps Deps, limit int) ([]Summary, []error) {
	sums := make([]Summary, len(list))
	errs := make([]error, len(list))
	var (
		next    atomic.Int64
		running atomic.Int64
		admit   sync.Mutex // one site at a time checks the budget and counts itself running
		wg      sync.WaitGroup
	)
	for range min(max(1, limit), len(list)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(list) {
					return
				}
				s := list[i]
				admit.Lock()
				if ctx.Err() == nil {
					WaitForMemory(ctx, deps.MemoryBudget, func() int { return int(running.Load()) }, deps.Logger)
				}
				if err := ctx.Err(); err != nil {
					admit.Unlock()
					errs[i] = err
					sums[i] = Summary{Site: s.Name, Status: "cancelled", Trigger: deps.Trigger}
					continue
				}
				running.Add(1)
				admit.Unlock()
				sums[i], errs[i] = RunSite(ctx, s, deps)
				running.Add(-1)
			}
		}()
	}
	wg.Wait()
	return sums, errs
}

// WaitForMemory is what a site run waits for before it starts, under a
// memory budget (Deps.MemoryBudget; 0: no check): while running (the
// number of runs going) is above 0, until the Go heap's live bytes (as of
// the last collection) are at most budget, or ctx ends. The caller checks
// and counts its run as running in one step (under a lock of its own), so
// that runs waiting together do not all start when the last one ends. A
// wait is logged (nil log: not).
func WaitForMemory(ctx context.Context, budget int64, running func() int, log *slog.Logger) {
	if budget <= 0 {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	logged := false
	for running() > 0 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 || int64(sample[0].Value.Uint64()) <= budget {
			if logged {
				log.Info("memory budget: heap below it again, starting the next site", "heap_live_bytes", sample[0].Value.Uint64())
			}
			return
		}
		if !logged && log != nil {
			log.Info("memory budget reached: the next site waits for running ones to end",
				"heap_live_bytes", sample[0].Value.Uint64(), "memory_budget", budget, "running", running())
			logged = true
		}
		t := time.NewTimer(50 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
