package harvest

import (
	"context"
	"errors"
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
	readFile := func(ctx context.Context, f *crawler.File, listedOn string, l *listing) error {
		t, err := texts.read(ctx, files, f.Kind, f.Body)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if attachment.Transient(err) {
				sum.fail(ErrFile, f.URL, err.Error())
				return nil
			}
			log.Warn("file cannot be read", "file", f.URL, "type", f.Kind, "err", err)
			if t.Status != attachment.StatusTooLarge {
				t = attachment.Text{Status: attachment.StatusUnreadable}
			}
		}
		if t.Status != attachment.StatusOK {
			t.Text = ""
		}
		typ := string(f.Kind)
		if f.Kind == attachment.KindImage {
			typ = imageType(f.Body)
		}
		title := fileTitle(f, t.Text)
		published := ""
		if l != nil {
			published = l.published
			if f.Kind == attachment.KindImage && l.title != "" {
				title = l.title
			}
		}
		kind, year := extract.Classify(title, published)
		if l != nil {
			if kind == "other" {
				kind = l.kind
			}
			if year == 0 {
				year = l.year
			}
		}
		found = append(found, foundText(f.URL, title, year, kind, typ, string(t.Status), t.Text, listedOn))
		return nil
	}
	handle := func(ctx context.Context, p *crawler.Page) error {
		if p.File != nil {
			return readFile(ctx, p.File, "", nil)
		}
		pages := []pageHTML{{URL: p.URL, HTML: p.HTML}}
		for _, part := range p.Parts {
			pages = append(pages, pageHTML{URL: part.URL, HTML: part.HTML})
		}
		doc, text, _, failed, err := extractPages(pages, xopts)
		if err != nil {
			kind := ErrExtract
			if errors.Is(err, extract.ErrTooComplex) {
				kind = crawler.ErrTooComplex
			}
			sum.fail(kind, failed, err.Error())
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
		status := archive.TextOK
		if doc.ImagesOnly {
			status = archive.TextImagesOnly
			sum.ImagesOnly++
			if text == "" && title != "" {
				text = title + "\n"
			}
		}
		switch {
		case text != "":
			found = append(found, foundText(p.URL, title, year, kind, "page", status, text, ""))
		case len(p.Attachments) == 0:
			sum.fail(ErrEmpty, p.URL, "no text left after extraction")
		}
		l := &listing{url: p.URL, title: title, kind: kind, year: year, published: doc.Published}
		for i := range p.Attachments {
			if err := readFile(ctx, &p.Attachments[i], p.URL, l); err != nil {
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
