package crawler

import (
	"context"

	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/extract"
)

// A start URL may be a report itself rather than a list of reports: a file
// (PDF, DOCX, DOC, WPS, OFD: the report as published) or a report page (its
// own title matches the site's match, and it is no list: no report links,
// no truncated titles that may be reports, no pager script). Either is
// handed to the Handler as a report, after the list pages are read and
// before the report links are fetched, within max_reports.

// startReport is a start URL that is itself a report, as fetched while the
// list pages were read: handed over without asking for it again.
type startReport struct {
	c    candidate
	resp *response
}

// listFetch fetches a list page: a jpage group by POST; a start URL
// accepting files (it may be the report as a file), with the file timeout
// when it looks like one; any other list page as a page.
func (cr *crawl) listFetch(ctx context.Context, j job, etag, lastModified string) (*response, *FetchError, error) {
	switch {
	case j.post != nil:
		return cr.fetchPost(ctx, j.post)
	case j.start:
		k, maybe := attachment.LinkKind(j.url, "")
		return cr.fetchFiles(ctx, j.url, etag, lastModified, k != attachment.KindUnknown || maybe)
	}
	return cr.fetch(ctx, j.url, etag, lastModified)
}

// asStartReport says whether a start page read as a list is the report
// itself: it gave no report links and its own title matches the site's
// match. A file is one whatever its name.
func (cr *crawl) asStartReport(j job, resp *response, lp listPage) (startReport, bool) {
	if !j.start {
		return startReport{}, false
	}
	if resp.file {
		return startReport{c: candidate{link: link{URL: j.url}}, resp: resp}, true
	}
	if resp.notModified || len(resp.html) == 0 {
		return startReport{}, false // unchanged: archived as it is (startIsReport counts it)
	}
	// A list of reports is not a report, even one whose column is named
	// like them: not one with report links, truncated titles that may
	// name reports, or further pages its scripts page through.
	if len(lp.jpages) > 0 || len(lp.gen) > 0 {
		return startReport{}, false
	}
	for _, l := range lp.links {
		if cr.site.IsReport(l.Text) || cr.site.IsReport(l.Title) || cr.site.IsReport(l.Row) ||
			isTruncated(l.title()) && mayMatch(l.title(), cr.hints) {
			return startReport{}, false
		}
	}
	if !cr.startIsReport(resp, lp) {
		return startReport{}, false
	}
	title := extract.Title(resp.html)
	cr.log.Info("start page is a report: handed over as one", "url", j.url, "title", title)
	return startReport{c: candidate{link: link{URL: j.url, Text: title}}, resp: resp}, true
}

// startIsReport reports whether a start page is a report by its title: it
// matches the site's reports and names a year (a column named like them,
// 政府信息公开年报, does not). The title is the page's <title>, as read
// with its links (and stored with them: a page that answers 304 is still
// known).
func (cr *crawl) startIsReport(resp *response, lp listPage) bool {
	return cr.site.IsReport(lp.title) && yearRe.MatchString(lp.title)
}

// handStart hands over a start URL that is a report: a file as Page.File,
// a page as a report page (its parts and attachments fetched as a report
// link's are).
func (cr *crawl) handStart(ctx context.Context, s startReport, handle Handler) error {
	if !s.resp.file {
		return cr.reportPage(ctx, s.c, s.resp, s.c.title(), handle)
	}
	f, ok := cr.file(s.resp, s.c.URL, "")
	if !ok {
		cr.stats.skip(SkipNotHTML)
		return nil
	}
	cr.log.Info("start URL is a file: handed over as a report", "url", s.c.URL, "kind", f.Kind)
	cr.fetched[f.URL] = true
	cr.files[s.c.URL], cr.files[f.URL] = true, true
	cr.stats.Reports++
	cr.progress()
	return cr.hand(ctx, handle, &Page{URL: f.URL, LinkURL: s.c.URL, Status: f.Status, Header: f.Header,
		FetchedAt: f.FetchedAt, File: &f})
}
