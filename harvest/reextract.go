package harvest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/sites"
)

// pageHTML is one decoded page of a report: the report page itself, or one
// of the further pages of a report split over several.
type pageHTML struct {
	URL  string
	HTML []byte
}

// extractPages turns a report's pages into its archived text: the first
// page's Text (title line first), then each further page's Body. It returns
// the first page's Document, the text, whether any page looked like a
// mirror copy, and, on failure, the URL of the page that failed.
func extractPages(pages []pageHTML, xopts extract.Options) (*extract.Document, string, bool, string, error) {
	var (
		first  *extract.Document
		text   string
		mirror bool
	)
	var images []string
	imagesOnly := true
	for i, p := range pages {
		u, _ := url.Parse(p.URL)
		d, err := extract.Extract(p.HTML, u, xopts)
		if err != nil {
			return nil, "", false, p.URL, err
		}
		if i == 0 {
			first, text = d, d.Text
		} else {
			text += d.Body() // each further page repeats the title; its text ends with a newline
		}
		mirror = mirror || d.Mirror
		images = append(images, d.Images...)
		imagesOnly = imagesOnly && d.ImagesOnly
	}
	// The report is images only when every page of it is; its images are
	// those of all its pages.
	doc := *first
	doc.Images, doc.ImagesOnly = distinct(images), imagesOnly
	return &doc, text, mirror, "", nil
}

// distinct returns ss without repeats, in order.
func distinct(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// imagesOf is what a page version records of its images: their URLs, for a
// page whose article is only images (none for a page with text).
func imagesOf(d *extract.Document) []string {
	if !d.ImagesOnly {
		return nil
	}
	return d.Images
}

// ReextractSummary is what Reextract did.
type ReextractSummary struct {
	Documents   int // documents whose latest version was re-extracted
	NewVersions int // whose text changed: a re-extracted version was added
	Unchanged   int
	NoRaw       int // versions without raw bytes to re-extract
	Failed      int // raw bytes that could not be decoded or extracted
}

// Reextract runs today's extractor over the raw bytes of each document's
// latest version — no network — with each site's current selectors (a site
// no longer configured gets the generic rules). Where the text changes, a
// version is added, marked as re-extracted from the version whose bytes it
// used, with today's extractor version; its raw bytes are that version's
// file. site limits it to one site ("" for all). A version read from a file
// (a PDF, DOCX…) is read again by files, today's readers (nil: a Reader made
// for the call).
func Reextract(ctx context.Context, a *archive.Archive, configured []*sites.Site, site string, files *attachment.Reader, log *slog.Logger, now func() time.Time) (ReextractSummary, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if files == nil {
		files = attachment.NewReader(attachment.ReaderConfig{Logger: log})
		defer files.Close()
	}
	if now == nil {
		now = time.Now
	}
	bySite := map[string]*sites.Site{}
	for _, s := range configured {
		bySite[s.Name] = s
	}
	vers, err := a.Versions(ctx, archive.Filter{Site: site})
	if err != nil {
		return ReextractSummary{}, err
	}
	latest := map[string]archive.Version{}
	var order []string
	for _, v := range vers {
		if _, ok := latest[v.Doc]; !ok {
			order = append(order, v.Doc)
		}
		if v.Version >= latest[v.Doc].Version {
			latest[v.Doc] = v
		}
	}
	var sum ReextractSummary
	for _, id := range order {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		v := latest[id]
		sum.Documents++
		if v.Raw == nil {
			sum.NoRaw++
			continue
		}
		if v.File != nil {
			changed, err := rereadFile(ctx, a, files, v, now)
			switch {
			case ctx.Err() != nil:
				return sum, ctx.Err()
			case err != nil:
				sum.Failed++
				log.Warn("cannot re-read", "doc", v.Doc, "version", v.Version, "err", err)
			case changed:
				sum.NewVersions++
				log.Info("re-read", "doc", v.Doc, "from", v.Version)
			default:
				sum.Unchanged++
			}
			continue
		}
		var (
			xopts    extract.Options
			encoding string
		)
		if s := bySite[v.Site]; s != nil {
			xopts = extract.Options{ContentSelector: s.Selectors.Content, RemoveSelectors: s.Selectors.Remove}
			encoding = s.Encoding
		}
		pages, err := decodeRaw(a, v, encoding)
		if err != nil {
			sum.Failed++
			log.Warn("cannot re-extract", "doc", v.Doc, "version", v.Version, "err", err)
			continue
		}
		doc, text, mirror, failed, err := extractPages(pages, xopts)
		if err == nil && text == "" && doc.ImagesOnly && v.Title != "" {
			text = v.Title + "\n" // an untitled page of images: the title it was archived with
		}
		if err != nil || text == "" {
			sum.Failed++
			log.Warn("cannot re-extract", "doc", v.Doc, "version", v.Version, "page", failed, "err", err)
			continue
		}
		old, err := a.ReadText(v)
		if err != nil {
			return sum, err
		}
		status := ""
		if doc.ImagesOnly {
			status = archive.TextImagesOnly
		}
		if string(old) == text && v.TextStatus == status {
			sum.Unchanged++
			continue
		}
		title := doc.Title
		if title == "" {
			title = v.Title
		}
		res, err := a.Put(ctx, archive.Entry{
			Site: v.Site, URL: v.URL, Title: title, Published: doc.Published, Source: doc.Source,
			SiteIDCode: doc.SiteIDCode, Issuer: doc.Issuer, DocNumber: doc.DocNumber, IndexNumber: doc.IndexNumber,
			Mirror: mirror, Kind: v.Kind, Year: v.Year, Text: []byte(text), Extractor: extract.Version,
			FetchedAt: v.FetchedAt, RawFrom: v.Raw, Reextracted: &archive.Reextraction{From: v.Version, At: now().UTC()},
			TextStatus: status, Images: imagesOf(doc),
		})
		if err != nil {
			return sum, fmt.Errorf("re-extract %s@v%d: %w", v.Doc, v.Version, err)
		}
		if res.Outcome == archive.NewVersion {
			sum.NewVersions++
			log.Info("re-extracted", "doc", v.Doc, "from", v.Version, "version", res.Version)
		} else {
			sum.Unchanged++ // the new text is one the document already had
		}
	}
	return sum, nil
}

// rereadFile reads a file version's original bytes again with today's
// readers, and adds a version when the text (or the reason there is none)
// changed.
func rereadFile(ctx context.Context, a *archive.Archive, files *attachment.Reader, v archive.Version, now func() time.Time) (bool, error) {
	raw, err := a.ReadRaw(v)
	if err != nil {
		return false, err
	}
	t, err := files.Text(ctx, attachment.Kind(v.File.Type), raw)
	if err != nil && ctx.Err() == nil && t.Status != attachment.StatusTooLarge {
		t = attachment.Text{Status: attachment.StatusUnreadable}
	}
	if t.Status != attachment.StatusOK {
		t.Text = ""
	}
	old, err := a.ReadText(v)
	if err != nil {
		return false, err
	}
	if string(old) == t.Text && v.File.TextStatus == string(t.Status) {
		return false, nil
	}
	f := *v.File
	f.TextStatus, f.Pages, f.Truncated, f.TruncatedBy = string(t.Status), t.Pages, t.Truncated, t.Limit
	res, err := a.Put(ctx, archive.Entry{
		Site: v.Site, URL: v.URL, Title: v.Title, Published: v.Published, Kind: v.Kind, Year: v.Year,
		Text: []byte(t.Text), Extractor: attachment.Version, FetchedAt: v.FetchedAt, File: &f,
		RawFrom: v.Raw, Reextracted: &archive.Reextraction{From: v.Version, At: now().UTC()},
	})
	if err != nil {
		return false, fmt.Errorf("re-read %s@v%d: %w", v.Doc, v.Version, err)
	}
	return res.Outcome == archive.NewVersion, nil
}

// decodeRaw splits a version's raw bytes into its pages and decodes each by
// the crawler's rules.
func decodeRaw(a *archive.Archive, v archive.Version, siteEncoding string) ([]pageHTML, error) {
	raw, err := a.ReadRaw(v)
	if err != nil {
		return nil, err
	}
	type piece struct {
		url, contentType, encoding string
		body                       []byte
	}
	pieces := []piece{{url: v.URL, contentType: v.Raw.ContentType, encoding: v.Raw.Encoding, body: raw}}
	if len(v.Raw.Parts) > 0 {
		pieces = pieces[:0]
		for i, p := range v.Raw.Parts {
			if p.Offset < 0 || p.Offset+p.Bytes > len(raw) {
				return nil, fmt.Errorf("%s: part %d lies outside the raw bytes", v.Raw.Path, i+1)
			}
			ct := ""
			if i == 0 {
				ct = v.Raw.ContentType
			}
			pieces = append(pieces, piece{url: p.URL, contentType: ct, encoding: p.Encoding, body: raw[p.Offset : p.Offset+p.Bytes]})
		}
	}
	pages := make([]pageHTML, 0, len(pieces))
	for _, p := range pieces {
		fallback := siteEncoding
		if fallback == "" {
			fallback = p.encoding
		}
		html, _, err := crawler.Decode(p.body, p.contentType, fallback)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.url, err)
		}
		pages = append(pages, pageHTML{URL: p.url, HTML: html})
	}
	return pages, nil
}
