package harvest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/nianbao/nianbao/archive"
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
}

// Error kinds a run adds to the crawler's.
const (
	ErrEmpty   = "empty"   // a report page with no text left after extraction
	ErrExtract = "extract" // the extractor failed on a page
)

// Summary is what one run of one site did.
type Summary struct {
	Site         string               `json:"site"`
	RunID        string               `json:"run_id"`
	Status       string               `json:"status"` // ok, failed, cancelled
	Error        string               `json:"error,omitempty"`
	StartedAt    time.Time            `json:"started_at"`
	Duration     time.Duration        `json:"duration_ns"`
	ListPages    int                  `json:"list_pages"`
	PagesFetched int                  `json:"pages_fetched"`
	Bytes        int64                `json:"bytes"`
	ReportsFound int                  `json:"reports_found"`
	NewDocuments int                  `json:"new_documents"`
	NewVersions  int                  `json:"new_versions"`
	NewSources   int                  `json:"new_sources"`
	Unchanged    int                  `json:"unchanged"`
	Skipped      map[string]int       `json:"skipped,omitempty"`
	Errors       map[string]int       `json:"errors,omitempty"`
	Failures     []crawler.FetchError `json:"failures,omitempty"`
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
	sum := Summary{Site: site.Name, StartedAt: start.UTC(), RunID: deps.RunID}
	if sum.RunID == "" {
		sum.RunID = start.UTC().Format("20060102T150405.000Z") + "-" + site.Name
	}
	log.Info("crawl started", "start", []string(site.Start))

	xopts := extract.Options{ContentSelector: site.Selectors.Content, RemoveSelectors: site.Selectors.Remove}
	handle := func(ctx context.Context, p *crawler.Page) error {
		return archivePage(ctx, deps.Archive, site, p, xopts, &sum, log)
	}
	st, err := crawler.Crawl(ctx, site, opts, handle)
	sum.ListPages = st.ListPages
	sum.PagesFetched = st.Pages
	sum.Bytes = st.Bytes
	sum.ReportsFound = st.Reports
	sum.Skipped = st.Skipped
	for k, n := range st.Errors {
		if sum.Errors == nil {
			sum.Errors = map[string]int{}
		}
		sum.Errors[k] += n
	}
	sum.Failures = append(st.Failures, sum.Failures...)
	sum.Duration = deps.Now().Sub(start)
	switch {
	case err == nil:
		sum.Status = "ok"
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		sum.Status = "cancelled"
		sum.Error = err.Error()
	default:
		sum.Status = "failed"
		sum.Error = err.Error()
	}
	rec := archive.Run{ID: sum.RunID, Site: site.Name, StartedAt: sum.StartedAt, FinishedAt: deps.Now().UTC(),
		Status: sum.Status, Error: sum.Error, Summary: sum}
	// The record is written even when the run's context is gone.
	if rerr := deps.Archive.RecordRun(context.WithoutCancel(ctx), rec); rerr != nil && err == nil {
		err = rerr
	}
	log.Info("crawl finished", "status", sum.Status, "pages", sum.PagesFetched, "reports", sum.ReportsFound,
		"new_documents", sum.NewDocuments, "new_versions", sum.NewVersions, "errors", sum.ErrorCount(),
		"duration", sum.Duration.Round(time.Millisecond))
	if err != nil {
		return sum, fmt.Errorf("crawl %s: %w", site.Name, err)
	}
	return sum, nil
}

// archivePage extracts one report page and puts its text in the archive.
func archivePage(ctx context.Context, a *archive.Archive, site *sites.Site, p *crawler.Page, xopts extract.Options, sum *Summary, log *slog.Logger) error {
	u, _ := url.Parse(p.URL)
	raw := sha256.Sum256(p.Body)
	if err := a.SetFetchState(ctx, archive.FetchState{
		URL: p.URL, Site: site.Name, Status: p.Status,
		ETag: p.Header.Get("ETag"), LastModified: p.Header.Get("Last-Modified"),
		SHA256: hex.EncodeToString(raw[:]), Bytes: len(p.Body), FetchedAt: p.FetchedAt,
	}); err != nil {
		return err
	}
	doc, err := extract.Extract(p.HTML, u, xopts)
	if err != nil {
		sum.fail(ErrExtract, p.URL, err.Error())
		log.Warn("extraction failed", "url", p.URL, "err", err)
		return nil
	}
	text, mirror := doc.Text, doc.Mirror
	var parts []archive.Part
	for _, part := range p.Parts {
		pu, _ := url.Parse(part.URL)
		pd, err := extract.Extract(part.HTML, pu, xopts)
		if err != nil {
			sum.fail(ErrExtract, part.URL, err.Error())
			log.Warn("extraction failed", "url", part.URL, "err", err)
			return nil
		}
		text += pd.Body() // each part repeats the title; its text ends with a newline
		mirror = mirror || pd.Mirror
		parts = append(parts, archive.Part{URL: part.URL, Body: part.Body, Encoding: part.Encoding})
	}
	if text == "" {
		sum.fail(ErrEmpty, p.URL, "no text left after extraction")
		log.Warn("report page has no text", "url", p.URL)
		return nil
	}
	title := doc.Title
	if title == "" {
		title = p.LinkTitle
	}
	kind, year := doc.Kind, doc.Year
	if doc.Title == "" {
		kind, year = extract.Classify(title, doc.Published)
	}
	res, err := a.Put(ctx, archive.Entry{
		Site:        site.Name,
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
	})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case archive.NewDocument:
		sum.NewDocuments++
	case archive.NewVersion:
		sum.NewVersions++
	case archive.NewSource:
		sum.NewSources++
	case archive.Unchanged:
		sum.Unchanged++
	}
	log.Info("report", "url", p.URL, "outcome", string(res.Outcome), "doc", res.Doc, "version", res.Version, "title", title)
	return nil
}
