package harvest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
)

// listing is the report page that links to a file, as archived.
type listing struct {
	url       string
	title     string
	doc       string // its document, "" when the page had no text of its own
	version   int    // the version its text is, 0 when not known
	text      string
	kind      string
	year      int
	published string
}

// sameTextThreshold is the similarity above which a file's text is taken to
// be its listing page's own text in another form: a PDF's page numbers,
// running heads and line breaks keep two renderings of one report from
// being byte-identical, while two different reports stay far below it.
const sameTextThreshold = 0.9

// archiveFile reads a file's text and puts it in the archive. l is the page
// that links to it (nil for a file linked straight from a list). It reports
// whether the file is now archived (or unchanged), false when it had to be
// left for the next run.
func (h *pageHandler) archiveFile(ctx context.Context, f *crawler.File, l *listing) (bool, error) {
	log := h.log.With("file", f.URL)
	if f.NotModified {
		ok, err := h.a.Seen(ctx, f.FetchedAt, f.URL, f.LinkURL)
		if err != nil {
			return false, err
		}
		h.sum.FilesNotModified++
		// A 304 for a file the archive does not know (it was never
		// archived under this URL) leaves the page to be read again.
		return ok, nil
	}
	if ok, err := h.fileArchived(ctx, f); err != nil || ok {
		return ok, err
	}
	r, ok, err := readFile(ctx, h.files, h.texts, f, l, h.sum, log)
	if err != nil || !ok {
		return false, err
	}
	t, title, kind, year, published := r.t, r.title, r.kind, r.year, r.published
	file := &archive.File{Name: f.Name, Type: r.typ, TextStatus: string(t.Status), Pages: t.Pages,
		Truncated: t.Truncated, TruncatedBy: t.Limit, LinkText: f.LinkText}
	if l != nil {
		file.ListedOn, file.ListedOnDoc = l.url, l.doc
		if l.doc != "" && t.Text != "" {
			if sim := similarity(l.text, t.Text); sim >= sameTextThreshold {
				file.SameTextAs = &archive.SameText{Doc: l.doc, Version: l.version, Similarity: round3(sim)}
				h.sum.FilesSameAsPage++
				log.Info("file holds the page's own text", "page", l.url, "similarity", round3(sim))
			}
		}
	}
	res, err := h.a.Put(ctx, archive.Entry{
		Site:        h.site.Name,
		URL:         f.URL,
		Title:       title,
		Published:   published,
		Kind:        kind,
		Year:        year,
		Text:        []byte(t.Text),
		Extractor:   attachment.Version,
		FetchedAt:   f.FetchedAt,
		Raw:         f.Body,
		Status:      f.Status,
		ContentType: f.Header.Get("Content-Type"),
		File:        file,
		Fetched:     fetchStates(h.site, f.URL, f.LinkURL, f.Status, f.Header, f.Body, f.FetchedAt, true),
	})
	if err != nil {
		return false, err
	}
	h.count(res.Outcome)
	if h.wr != nil && res.Outcome != archive.Unchanged {
		if err := h.wr.addFile(f); err != nil {
			return false, err
		}
	}
	log.Info("file", "outcome", string(res.Outcome), "doc", res.Doc, "version", res.Version, "type", f.Kind, "text", string(t.Status), "title", title)
	return true, nil
}

// fileRead is what reading a file gave: its text (empty without, with the
// reason in its Status), its type as archived, and the title, kind, year
// and publication date it is archived under.
type fileRead struct {
	t                           attachment.Text
	typ, title, kind, published string
	year                        int
}

// readFile reads a file's text as a run does: the same bytes once a run
// (texts); a failure that may pass (a timeout) is counted and leaves the
// file for the next run (ok false); a file that cannot be read is kept
// without text, with the reason. l is the page that links to it (nil for
// a file linked straight from a list): its title, kind, year and date stand
// in for what the file does not say. Counts go to sum.
func readFile(ctx context.Context, files *attachment.Reader, texts *fileTexts, f *crawler.File, l *listing,
	sum *Summary, log *slog.Logger) (r fileRead, ok bool, err error) {
	t, err := texts.read(ctx, files, f.Kind, f.Body)
	if err != nil {
		if ctx.Err() != nil {
			return r, false, ctx.Err()
		}
		if attachment.Transient(err) {
			sum.fail(ErrFile, f.URL, err.Error())
			log.Warn("file not read this time: left for the next run", "err", err)
			return r, false, nil
		}
		// The file is what the portal published, even when nianbao cannot
		// read it: it is kept, with the reason, for a later reader.
		log.Warn("file cannot be read: archived without text", "type", f.Kind, "status", t.Status, "err", err)
		if t.Status != attachment.StatusTooLarge {
			t = attachment.Text{Status: attachment.StatusUnreadable}
		}
	}
	if t.Status != attachment.StatusOK {
		if sum.FilesWithoutText == nil {
			sum.FilesWithoutText = map[string]int{}
		}
		sum.FilesWithoutText[string(t.Status)]++
		t.Text = ""
	}
	r = fileRead{t: t, typ: string(f.Kind), title: fileTitle(f, t.Text)}
	if f.Kind == attachment.KindImage {
		r.typ = imageType(f.Body)
		if l != nil && l.title != "" {
			r.title = l.title // a page of the report, as a picture
		}
	}
	if l != nil {
		r.published = l.published
	}
	r.kind, r.year = extract.Classify(r.title, r.published)
	if l != nil {
		if r.kind == "other" {
			r.kind = l.kind
		}
		if r.year == 0 {
			r.year = l.year
		}
	}
	return r, true, nil
}

// fileArchived handles a file the archive already holds: the last fetch of
// its URL recorded these very bytes, and the URL is a source of a document.
// Such a file is not read again — the same bytes give the same text, and
// reading is the costly step (the PDF engine: seconds of CPU) — but
// recorded as seen, as Put records an unchanged text. This is what makes a
// file read once per run when the crawler hands it over twice (linked from
// the list and from a report page; through a redirect and directly), and
// once in all while a portal that sends no validators serves it unchanged.
// A new reader's better text comes from `archive reextract`, as for a file
// that answers 304. It reports false when the file must be read.
func (h *pageHandler) fileArchived(ctx context.Context, f *crawler.File) (bool, error) {
	last, ok, err := h.a.FetchState(ctx, f.URL)
	if err != nil || !ok {
		return false, err
	}
	sum := sha256.Sum256(f.Body)
	if last.Bytes != len(f.Body) || last.SHA256 != hex.EncodeToString(sum[:]) {
		return false, nil
	}
	if seen, err := h.a.Seen(ctx, f.FetchedAt, f.URL, f.LinkURL); err != nil || !seen {
		return false, err
	}
	if err := h.a.SetFetchState(ctx, fetchStates(h.site, f.URL, f.LinkURL, f.Status, f.Header, f.Body, f.FetchedAt, true)...); err != nil {
		return false, err
	}
	h.count(archive.Unchanged)
	h.log.Info("file", "file", f.URL, "outcome", string(archive.Unchanged), "type", f.Kind, "text", "as archived: not read again")
	return true, nil
}

// fileTexts remembers, for one run, what reading each file's bytes gave,
// so that the same bytes fetched again at another URL (a repost under
// another name, a mirror path) are not read a second time. It holds at
// most maxRememberedText bytes of text; what comes after is read anew.
type fileTexts struct {
	m    map[[sha256.Size]byte]fileText
	size int
}

// fileText is what reading a file gave.
type fileText struct {
	t   attachment.Text
	err error
}

// maxRememberedText bounds the text fileTexts holds.
const maxRememberedText = 64 << 20

func newFileTexts() *fileTexts { return &fileTexts{m: map[[sha256.Size]byte]fileText{}} }

// read returns the text of a file of the given kind, reading it with r
// unless the same bytes of the same kind were read before in the run. A
// transient failure (a timeout) is not remembered.
func (c *fileTexts) read(ctx context.Context, r *attachment.Reader, kind attachment.Kind, body []byte) (attachment.Text, error) {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(body)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	if c != nil {
		if ft, ok := c.m[key]; ok {
			return ft.t, ft.err
		}
	}
	t, err := r.Text(ctx, kind, body)
	if c != nil && !attachment.Transient(err) && ctx.Err() == nil && c.size+len(t.Text) <= maxRememberedText {
		c.m[key] = fileText{t, err}
		c.size += len(t.Text)
	}
	return t, err
}

// imageType is a picture's file type, by its magic bytes (attachment.Sniff
// has told it is one): jpg, png, gif, webp, bmp or tif.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpg"
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "gif"
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP":
		return "webp"
	case bytes.HasPrefix(b, []byte("BM")):
		return "bmp"
	}
	return "tif"
}

// fileTitle names a file's document: the link's text or the file's name
// when either says what the report is ("附件1.pdf" does not), else the
// text's first line.
func fileTitle(f *crawler.File, text string) string {
	for _, s := range []string{f.LinkText, f.Name} {
		s = attachmentLabelRe.ReplaceAllString(strings.TrimSpace(s), "")
		if ext := path.Ext(s); ext != "" && len(ext) <= 5 {
			s = strings.TrimSpace(strings.TrimSuffix(s, ext))
		}
		if hanCount(s) >= 4 {
			return s
		}
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(text), "\n"); first != "" {
		return strings.TrimSpace(first)
	}
	return f.Name
}

// attachmentLabelRe is the label before an attachment's name: "附件：",
// "附件1、", "附件 2.".
var attachmentLabelRe = regexp.MustCompile(`^附件\s*\d*\s*[：:、.．]?\s*`)

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// similarity is the character-bigram F1 of two texts over their letters and
// digits (Han characters included), the measure the extraction evaluation
// uses: punctuation, spacing and line breaks, which differ between a page
// and a PDF of the same report, do not count.
func similarity(a, b string) float64 {
	ga, gb := bigrams(a), bigrams(b)
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	na, nb, common := 0, 0, 0
	for _, n := range ga {
		na += n
	}
	for g, n := range gb {
		nb += n
		common += min(n, ga[g])
	}
	return 2 * float64(common) / float64(na+nb)
}

func bigrams(s string) map[[2]rune]int {
	m := map[[2]rune]int{}
	var prev rune = -1
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		if prev >= 0 {
			m[[2]rune{prev, r}]++
		}
		prev = r
	}
	return m
}
