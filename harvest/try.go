package harvest

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/sites"
)

// Found is a report a run would archive, as `nianbao sites try` shows it:
// what was read from a report page or a file, without archiving it.
type Found struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Year  int    `json:"year"`
	Kind  string `json:"kind"`
	// From is "page", or the file's type (pdf, docx … jpg).
	From string `json:"from"`
	// TextStatus is ok, or why there is no text (no_text_layer,
	// images_only …).
	TextStatus string `json:"text_status"`
	Chars      int    `json:"chars"`      // the text's length in characters, its title line included
	FirstLine  string `json:"first_line"` // a page's first line after its title; a file's first line
	// ListedOn is the report page a file was an attachment of.
	ListedOn string `json:"listed_on,omitempty"`
}

// TrySite crawls site as RunSite does — the same list pages, links,
// limits and extraction — but archives nothing and asks nothing
// conditionally: it returns every report the run would archive, in the
// order met, with the run's summary (what was skipped and why, what
// failed). deps.Archive is not used.
func TrySite(ctx context.Context, site *sites.Site, deps Deps) (Summary, []Found, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	log := deps.Logger.With("site", site.Name)
	opts := deps.Crawl
	opts.Logger, opts.Now = deps.Logger, deps.Now
	opts.Validators, opts.Lists = nil, nil
	files := deps.Files
	if files == nil {
		files = attachment.NewReader(attachment.ReaderConfig{Logger: deps.Logger})
		defer files.Close()
	}
	start := deps.Now()
	sum := Summary{Site: site.Name, StartedAt: start.UTC(), Trigger: deps.Trigger}
	xopts := extract.Options{ContentSelector: site.Selectors.Content, RemoveSelectors: site.Selectors.Remove}
	texts := newFileTexts()
	var found []Found
	readFound := func(ctx context.Context, f *crawler.File, l *listing) error {
		r, ok, err := readFile(ctx, files, texts, f, l, &sum, log)
		if err != nil || !ok {
			return err
		}
		listedOn := ""
		if l != nil {
			listedOn = l.url
		}
		found = append(found, foundText(f.URL, r.title, r.year, r.kind, r.typ, string(r.t.Status), r.t.Text, listedOn))
		return nil
	}
	handle := func(ctx context.Context, p *crawler.Page) error {
		if p.File != nil {
			return readFound(ctx, p.File, nil)
		}
		r, ok := readPage(p, xopts, &sum, log)
		if !ok {
			return nil
		}
		status := r.status
		if status == "" {
			status = archive.TextOK
		}
		switch {
		case r.text != "":
			found = append(found, foundText(p.URL, r.title, r.year, r.kind, "page", status, r.text, ""))
		case len(p.Attachments) == 0:
			sum.fail(ErrEmpty, p.URL, "no text left after extraction")
		}
		l := &listing{url: p.URL, title: r.title, kind: r.kind, year: r.year, published: r.doc.Published}
		for i := range p.Attachments {
			if err := readFound(ctx, &p.Attachments[i], l); err != nil {
				return err
			}
		}
		return nil
	}
	st, err := crawler.Crawl(ctx, site, opts, handle)
	sum.addCrawl(st)
	sum.Duration = deps.Now().Sub(start)
	sum.end(site, st, err)
	if err != nil {
		return sum, found, err
	}
	return sum, found, nil
}

// foundText is a Found for a text (or none).
func foundText(u, title string, year int, kind, from, status, text, listedOn string) Found {
	// A page's text starts with the title line extraction put there: its
	// first line is the body's. A file's text is the file's own.
	body := text
	if from == "page" {
		_, body, _ = strings.Cut(text, "\n")
	}
	first, _, _ := strings.Cut(body, "\n")
	return Found{URL: u, Title: title, Year: year, Kind: kind, From: from, TextStatus: status,
		Chars: utf8.RuneCountInString(text), FirstLine: strings.TrimSpace(first), ListedOn: listedOn}
}
