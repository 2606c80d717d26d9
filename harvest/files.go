package harvest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"path"
	"regexp"
	"slices"
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
	text      string // "" for a stub or a page of images: nothing to compare files with
	kind      string
	year      int
	published string
	// source (来源), issuer, docNumber and indexNumber are the page's (its
	// 信息公开 info table's), which a stub page's files are archived with.
	source, issuer, docNumber, indexNumber string
	// stub is set for a page that only announces its attachments: it is
	// their listing, and its title, date and issuer are theirs.
	stub bool
	// reports are the reports met on the page so far: its own (when it
	// carries one) and those its files made or joined, which the next
	// files join when they are the same report.
	reports []pageReport
	// known are the page's files already archived, unchanged this run:
	// their reports are looked up only when a new file needs them.
	known []string
}

// pageReport is a report met on a listing page, with the text its files
// are compared with ("" for a report without text: a scan, a page of
// images).
type pageReport struct {
	id, text, kind string
	year           int
}

// attachmentNames are the names a page gives its attachments (link texts,
// file names), which a stub page's text is made of.
func attachmentNames(files []crawler.File) []string {
	var names []string
	for _, f := range files {
		names = append(names, f.LinkText, f.Name)
	}
	return names
}

// prepareFiles reads a page's attachments (those the archive does not
// hold as they are), before the page is archived: whether the page is a
// stub depends on them. complete is false when a file was left for the
// next run.
func (h *pageHandler) prepareFiles(ctx context.Context, files []crawler.File, l *listing) (pfs []preparedFile, complete bool, err error) {
	complete = true
	for i := range files {
		pf, done, ok, err := h.prepareFile(ctx, &files[i], l)
		if err != nil {
			return nil, false, err
		}
		if done {
			complete = complete && ok
			continue
		}
		pfs = append(pfs, pf)
	}
	return pfs, complete, nil
}

// sameAsPage reports whether one of a page's files holds the page's text:
// the page carries the report, whatever its length.
func sameAsPage(pfs []preparedFile, text string) bool {
	for _, pf := range pfs {
		if pf.r.t.Text != "" && archive.Similarity(text, pf.r.t.Text) >= archive.SameReport {
			return true
		}
	}
	return false
}

// knownSameAsPage reports whether one of a page's files archived before
// (unchanged this run) holds the page's text.
func (h *pageHandler) knownSameAsPage(ctx context.Context, l *listing, text string) (bool, error) {
	if err := h.loadKnown(ctx, l); err != nil {
		return false, err
	}
	for _, p := range l.reports {
		if p.text != "" && archive.Similarity(text, p.text) >= archive.SameReport {
			return true, nil
		}
	}
	return false, nil
}

// putFiles puts a page's read attachments in the archive: those with text
// first, so that a file without text (a scan) can join the report the
// others make.
func (h *pageHandler) putFiles(ctx context.Context, pfs []preparedFile, l *listing) error {
	for _, withText := range []bool{true, false} {
		for _, pf := range pfs {
			if (pf.r.t.Text != "") != withText {
				continue
			}
			if err := h.putFile(ctx, pf, l); err != nil {
				return err
			}
		}
	}
	return nil
}

// archiveFile archives one file: one linked straight from a list (l nil)
// or a page's. It reports whether the file is now archived (or
// unchanged), false when it had to be left for the next run.
func (h *pageHandler) archiveFile(ctx context.Context, f *crawler.File, l *listing) (bool, error) {
	pf, done, ok, err := h.prepareFile(ctx, f, l)
	if err != nil || done {
		return ok, err
	}
	return true, h.putFile(ctx, pf, l)
}

// preparedFile is a file read and ready to be put.
type preparedFile struct {
	f   *crawler.File
	r   fileRead
	log *slog.Logger
}

// prepareFile reads a file's text, unless the file needs no Put: answered
// 304, or the bytes the archive holds (done, with ok saying whether it is
// archived), or a file to leave for the next run (done, ok false).
func (h *pageHandler) prepareFile(ctx context.Context, f *crawler.File, l *listing) (pf preparedFile, done, ok bool, err error) {
	log := h.log.With("file", f.URL)
	if f.NotModified {
		ok, err := h.a.Seen(ctx, f.FetchedAt, f.URL, f.LinkURL)
		if err != nil {
			return pf, true, false, err
		}
		h.sum.FilesNotModified++
		if ok && l != nil {
			l.known = append(l.known, f.URL)
		}
		// A 304 for a file the archive does not know (it was never
		// archived under this URL) leaves the page to be read again.
		return pf, true, ok, nil
	}
	if ok, err := h.fileArchived(ctx, f); err != nil || ok {
		if ok && l != nil {
			l.known = append(l.known, f.URL)
		}
		return pf, true, ok, err
	}
	r, ok, err := readFile(ctx, h.files, h.texts, f, l, h.sum, log)
	if err != nil || !ok {
		return pf, true, false, err
	}
	return preparedFile{f: f, r: r, log: log}, false, true, nil
}

// putFile puts a read file in the archive, as a rendition of the report on
// its page it is the same as (see joinReport), else of the site's report
// of its year it is the same as (joinSiteReport), or a report of its own.
func (h *pageHandler) putFile(ctx context.Context, pf preparedFile, l *listing) error {
	f, r, log := pf.f, pf.r, pf.log
	if _, named := fileName(f); l != nil && l.stub && !named && l.title != "" {
		// A file whose link and first line say nothing of what it is
		// ("附件1.pdf", a cover page) is the report its stub page names.
		// One that says it (its first line: a year, a kind) keeps its
		// own words: a page may list two years' reports.
		if k, y := extract.Classify(r.title, ""); k == "other" && y == 0 {
			r.title = l.title
			r.kind, r.year = extract.Classify(l.title, r.published)
			if r.kind == "other" {
				r.kind = l.kind
			}
			r.year = cmp.Or(r.year, l.year)
		}
	}
	t, title, kind, year, published := r.t, r.title, r.kind, r.year, r.published
	file := &archive.File{Name: f.Name, Type: r.typ, TextStatus: string(t.Status), Pages: t.Pages,
		Truncated: t.Truncated, TruncatedBy: t.Limit, LinkText: f.LinkText}
	e := archive.Entry{
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
	}
	if l == nil && t.Text != "" {
		report, err := h.joinSiteReport(ctx, t.Text, kind, year)
		if err != nil {
			return err
		}
		e.Report = report
	}
	if l != nil {
		file.ListedOn, file.ListedOnDoc = l.url, l.doc
		if l.doc != "" && l.text != "" && t.Text != "" {
			if sim := archive.Similarity(l.text, t.Text); sim >= archive.SameReport {
				file.SameTextAs = &archive.SameText{Doc: l.doc, Version: l.version, Similarity: round3(sim)}
				h.sum.FilesSameAsPage++
				log.Info("file holds the page's own text", "page", l.url, "similarity", round3(sim))
			}
		}
		if l.stub {
			e.Source, e.Issuer, e.DocNumber, e.IndexNumber = l.source, l.issuer, l.docNumber, l.indexNumber
		}
		report, err := h.joinReport(ctx, l, t.Text, kind, year)
		if err != nil {
			return err
		}
		if report == "" && t.Text != "" {
			report, err = h.joinSiteReport(ctx, t.Text, kind, year)
			if err != nil {
				return err
			}
		}
		e.Report = report
	}
	res, err := h.a.Put(ctx, e)
	if err != nil {
		return err
	}
	h.count(res)
	if res.Report != "" && t.Text != "" {
		h.reports.add(siteReport{id: res.Report, kind: kind, year: year, path: res.Path})
	}
	if l != nil && res.Report != "" && !slices.ContainsFunc(l.reports, func(p pageReport) bool { return p.id == res.Report && p.text != "" }) {
		l.reports = append(l.reports, pageReport{id: res.Report, text: t.Text, kind: kind, year: year})
	}
	if h.wr != nil && res.Outcome != archive.Unchanged {
		if err := h.wr.addFile(f, res); err != nil {
			return err
		}
	}
	log.Info("file", "outcome", string(res.Outcome), "doc", res.Doc, "report", res.Report, "version", res.Version, "type", f.Kind, "text", string(t.Status), "title", title)
	return nil
}

// joinReport finds the report on a listing page that a file is a rendition
// of: with text, the one whose text is the same (Similarity at least
// archive.SameReport; the most similar); without (a scan), the page's one
// report of the file's kind and year, when there is exactly one. "" makes
// the file a report of its own: different reports on one page stay
// different.
func (h *pageHandler) joinReport(ctx context.Context, l *listing, text, kind string, year int) (string, error) {
	if err := h.loadKnown(ctx, l); err != nil {
		return "", err
	}
	if text != "" {
		m := archive.NewMatch(text, kind, year)
		for _, p := range l.reports {
			m.Try(p.id, p.text, p.kind, p.year)
		}
		return m.ID, nil
	}
	var match []string
	for _, p := range l.reports {
		if archive.SameKindAndYear(p.kind, p.year, kind, year) && !slices.Contains(match, p.id) {
			match = append(match, p.id)
		}
	}
	if len(match) == 1 {
		return match[0], nil
	}
	return "", nil
}

// siteReports are a site's reports of each year — where their texts are,
// not the texts, which are read when compared — listed from the archive
// when a file first needs them and added to as the run archives more: a
// file that is no report on its page (or is linked straight from a list)
// may be a form of a report archived from another page, or from the list.
type siteReports struct {
	loaded bool
	byYear map[int][]siteReport
}

// siteReport is a report of the site and the text file of its text.
type siteReport struct {
	id, kind, path string
	year           int
}

func (s *siteReports) add(r siteReport) {
	if s == nil || r.path == "" {
		return
	}
	if s.byYear == nil {
		s.byYear = map[int][]siteReport{}
	}
	for _, q := range s.byYear[r.year] {
		if q.id == r.id {
			return
		}
	}
	s.byYear[r.year] = append(s.byYear[r.year], r)
}

// joinSiteReport finds, among the site's reports of the same year and
// kind, one whose text is the same report's (Similarity at least
// archive.SameReport; the most similar): "" when none is, or the year is
// not known (a year is what keeps this to a few texts).
func (h *pageHandler) joinSiteReport(ctx context.Context, text, kind string, year int) (string, error) {
	if year == 0 || h.reports == nil {
		return "", nil
	}
	r := h.reports
	if !r.loaded {
		rs, err := h.a.Reports(ctx, archive.Filter{Site: h.site.Name})
		if err != nil {
			return "", err
		}
		r.loaded = true
		for _, x := range rs {
			if x.Text.HasText() {
				r.add(siteReport{id: x.ID, kind: x.Kind, year: x.Year, path: x.Text.Path})
			}
		}
	}
	m := archive.NewMatch(text, kind, year)
	for _, p := range r.byYear[year] {
		if !archive.SameKindAndYear(p.kind, p.year, kind, year) {
			continue // not read
		}
		b, err := h.a.ReadText(archive.Version{Path: p.path})
		if err != nil {
			return "", err
		}
		m.Try(p.id, string(b), p.kind, p.year)
	}
	return m.ID, nil
}

// loadKnown adds the reports of a page's files that were archived before
// (unchanged this run) to the page's reports, with their texts, once.
func (h *pageHandler) loadKnown(ctx context.Context, l *listing) error {
	for _, u := range l.known {
		v, report, ok, err := h.a.SourceText(ctx, u)
		if err != nil {
			return err
		}
		if !ok || report == "" {
			continue
		}
		text := ""
		if v.HasText() {
			b, err := h.a.ReadText(v)
			if err != nil {
				return err
			}
			text = string(b)
		}
		if !slices.ContainsFunc(l.reports, func(p pageReport) bool { return p.id == report && (p.text != "" || text == "") }) {
			l.reports = append(l.reports, pageReport{id: report, text: text, kind: v.Kind, year: v.Year})
		}
	}
	l.known = nil
	return nil
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
	h.count(archive.Result{Outcome: archive.Unchanged})
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
	if s, ok := fileName(f); ok {
		return s
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(text), "\n"); first != "" {
		return strings.TrimSpace(first)
	}
	return f.Name
}

// fileName is the link's text or the file's name, when either says what
// the report is ("附件1.pdf" does not).
func fileName(f *crawler.File) (string, bool) {
	for _, s := range []string{f.LinkText, f.Name} {
		s = attachmentLabelRe.ReplaceAllString(strings.TrimSpace(s), "")
		if ext := path.Ext(s); ext != "" && len(ext) <= 5 {
			s = strings.TrimSpace(strings.TrimSuffix(s, ext))
		}
		if hanCount(s) >= 4 {
			return s, true
		}
	}
	return "", false
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
