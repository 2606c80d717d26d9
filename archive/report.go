package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Report is one report as the archive holds it: the documents that are its
// renditions, the text chosen from them, and that text's versions. It is
// read from the documents (Doc.Report, Doc.Role) and their versions, never
// written: each rendition's files stay where and as they were archived.
type Report struct {
	ID          string    `json:"doc"` // the id of its first rendition
	Site        string    `json:"site"`
	Year        int       `json:"year"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Published   string    `json:"published,omitempty"`
	Issuer      string    `json:"issuer,omitempty"`
	DocNumber   string    `json:"doc_number,omitempty"`
	IndexNumber string    `json:"index_number,omitempty"`
	Dir         string    `json:"dir"`        // its first rendition's, relative to archive_dir
	CreatedAt   time.Time `json:"created_at"` // first archived
	// Version is the latest of Versions, and Text the rendition version
	// it is; TextFrom says which rendition that is and why.
	Version  int             `json:"version"`
	Text     Version         `json:"-"`
	TextFrom Choice          `json:"text_from"`
	Versions []ReportVersion `json:"versions"`
	// Renditions are the forms the report was published in, the chosen
	// one first, then in the order they were archived.
	Renditions []Rendition `json:"renditions"`
	// Sources are every URL any rendition was found at; ListedOn the
	// pages that link to its files (a stub page among them).
	Sources  []Source `json:"sources"`
	ListedOn []string `json:"listed_on,omitempty"`
}

// Choice is the rendition a report's text is read from, and why.
type Choice struct {
	Doc     string `json:"doc"`
	Version int    `json:"version"`
	Type    string `json:"type"` // page, pdf, docx, doc, wps, ofd, or an image's type
	Reason  string `json:"reason"`
}

// ReportVersion is one text of a report: the rendition version it was read
// from, with that version's text file (Path, whose sha256 is SHA256).
type ReportVersion struct {
	Version    int       `json:"version"`
	Doc        string    `json:"rendition"`
	DocVersion int       `json:"rendition_version"`
	Type       string    `json:"type"`
	SHA256     string    `json:"sha256"`
	Bytes      int       `json:"bytes"`
	Path       string    `json:"path"`
	TextStatus string    `json:"text_status"`
	At         time.Time `json:"at"` // when the text became the report's
}

// Rendition is one form of a report — its page, a PDF, a DOCX … — as
// received: its latest version's bytes and text.
type Rendition struct {
	Doc        string    `json:"doc"`
	Type       string    `json:"type"` // page, or the file's type
	URL        string    `json:"url"`
	Title      string    `json:"title"`
	Versions   int       `json:"versions"`
	Bytes      int       `json:"bytes"`            // of the raw response or file, uncompressed
	SHA256     string    `json:"sha256,omitempty"` // of those bytes
	RawPath    string    `json:"raw_path,omitempty"`
	TextPath   string    `json:"path"`
	TextStatus string    `json:"text_status"`
	FetchedAt  time.Time `json:"fetched_at"`
}

// renditionType is a version's rendition type: page, or its file's type.
func renditionType(v Version) string {
	if v.File != nil {
		return v.File.Type
	}
	return "page"
}

// textRank orders renditions for the report's text, best first: a page
// that carries the report; a word-processor or OFD file, the report as its
// authors wrote it; a PDF's text layer, read from placed glyphs; then
// anything without text. A text a reader's budget cut short comes after
// every whole one.
func textRank(v Version) int {
	r := 9
	switch {
	case !v.HasText():
		return 20
	case v.File == nil:
		r = 0
	case v.File.Type == "docx" || v.File.Type == "ofd":
		r = 1
	case v.File.Type == "doc" || v.File.Type == "wps":
		r = 2
	case v.File.Type == "pdf":
		r = 3
	}
	if v.File != nil && v.File.Truncated {
		r += 10
	}
	return r
}

// chooseText picks the rendition version whose text is the report's among
// the renditions' latest versions, and says why. changed is when each
// rendition's text last changed (was fetched different from its earlier
// one; absent for a rendition never changed): a rendition the
// portal changed after the others were last changed (a corrected PDF
// beside an old DOCX) no longer agrees with them, and its newer text is
// the report's; renditions changed within publishWindow of each other are
// ranked by textRank.
func chooseText(latest []Version, changed map[string]time.Time) (Version, string) {
	var newest time.Time
	for _, v := range latest {
		if v.HasText() && changed[v.Doc].After(newest) {
			newest = changed[v.Doc]
		}
	}
	current := func(v Version) int {
		if v.HasText() && changed[v.Doc].Before(newest.Add(-publishWindow)) {
			return 1 // stale: not changed when another rendition was
		}
		return 0
	}
	best := slices.MinFunc(latest, func(a, b Version) int {
		return cmp.Or(current(a)-current(b), cmp.Compare(textRank(a), textRank(b)), a.FetchedAt.Compare(b.FetchedAt), cmp.Compare(a.Doc, b.Doc))
	})
	var others, stale []string
	for _, v := range latest {
		if v.Doc != best.Doc {
			others = append(others, renditionType(v))
			if current(v) == 1 && textRank(v) < textRank(best) {
				stale = append(stale, renditionType(v))
			}
		}
	}
	slices.Sort(others)
	others = slices.Compact(others)
	over := ""
	if len(others) > 0 {
		over = " (over " + strings.Join(others, ", ") + ")"
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		return best, fmt.Sprintf("the %s changed after the %s: its text is the newer", typeName(best), strings.Join(slices.Compact(stale), ", "))
	}
	switch r := textRank(best); {
	case r == 0:
		return best, "the page carries the report's text" + over
	case r == 20:
		return best, "no rendition has text: " + best.Status()
	case r >= 10:
		return best, fmt.Sprintf("every text was cut short; the %s's is the best of them%s", best.File.Type, over)
	case r == 3:
		return best, "a PDF's text layer, the only text published" + over
	default:
		return best, fmt.Sprintf("the %s is the report as its authors wrote it%s", strings.ToUpper(best.File.Type), over)
	}
}

// typeName names a rendition in a reason: "page", or its file type in
// capitals ("PDF").
func typeName(v Version) string {
	if v.File == nil {
		return "page"
	}
	return strings.ToUpper(v.File.Type)
}

// versionAt is when a version's text came to be: when it was fetched, or
// when it was re-extracted.
func versionAt(v Version) time.Time {
	if v.Reextracted != nil {
		return v.Reextracted.At
	}
	return v.FetchedAt
}

// publishWindow is how close in time different renditions' versions must
// be archived to be one publication of a report: a crawl fetches a page's
// files seconds apart, and a report version is not made of each step of
// that. Two versions of one rendition are never one publication.
const publishWindow = time.Hour

// buildReport makes the report of its renditions (docs, the first the
// report's own document) from their versions (by document, in order).
// A report version is added each time the chosen text changes as the
// renditions' versions came in, in the order they did (those archived
// within publishWindow together); a rendition that changed without
// changing the chosen text adds none.
func buildReport(docs []Doc, vers map[string][]Version) (Report, bool) {
	head := docs[0]
	r := Report{ID: head.ID, Site: head.Site, Year: head.Year, Kind: head.Kind, Title: head.Title, Dir: head.Dir, CreatedAt: head.CreatedAt}
	var all []Version
	for _, d := range docs {
		all = append(all, vers[d.ID]...)
		r.Sources = append(r.Sources, d.Sources...)
		r.CreatedAt = minTime(r.CreatedAt, d.CreatedAt)
	}
	if len(all) == 0 {
		return r, false
	}
	slices.SortStableFunc(all, func(a, b Version) int {
		return cmp.Or(versionAt(a).Compare(versionAt(b)), cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Version, b.Version))
	})
	latest := map[string]Version{}
	changed := map[string]time.Time{} // when each rendition's text last changed
	var order []string
	var cur Version
	for i := 0; i < len(all); {
		// Renditions archived within publishWindow of each other are one
		// publication: the report's text is chosen once they are all in.
		// A second version of one rendition is a change: it starts the
		// next publication.
		start, at := versionAt(all[i]), time.Time{}
		in := map[string]bool{}
		for ; i < len(all) && versionAt(all[i]).Sub(start) < publishWindow && !in[all[i].Doc]; i++ {
			v := all[i]
			in[v.Doc] = true
			prev, ok := latest[v.Doc]
			if !ok {
				order = append(order, v.Doc)
			}
			if ok && prev.key() != v.key() {
				// A correction (a new text where there was one; found
				// first, a rendition is no change). A re-extraction keeps
				// its bytes' fetch time: it is no newer publication.
				changed[v.Doc] = v.FetchedAt
			}
			latest[v.Doc], at = v, versionAt(v)
		}
		now := make([]Version, 0, len(order))
		for _, id := range order {
			now = append(now, latest[id])
		}
		best, reason := chooseText(now, changed)
		cur = best
		r.TextFrom = Choice{Doc: best.Doc, Version: best.Version, Type: renditionType(best), Reason: reason}
		if n := len(r.Versions); n > 0 && best.key() == r.Versions[n-1].SHA256 {
			continue
		}
		r.Versions = append(r.Versions, ReportVersion{Version: len(r.Versions) + 1, Doc: best.Doc, DocVersion: best.Version,
			Type: renditionType(best), SHA256: best.key(), Bytes: best.Bytes, Path: best.Path, TextStatus: best.Status(), At: at})
	}
	r.Version, r.Text = len(r.Versions), cur
	r.Title = cmp.Or(cur.Title, r.Title)
	listed := map[string]bool{}
	for _, id := range order {
		v := latest[id]
		rd := Rendition{Doc: v.Doc, Type: renditionType(v), URL: v.URL, Title: v.Title, Versions: len(vers[id]),
			TextPath: v.Path, TextStatus: v.Status(), FetchedAt: v.FetchedAt}
		if v.Raw != nil {
			rd.Bytes, rd.SHA256, rd.RawPath = v.Raw.Bytes, v.Raw.SHA256, v.Raw.Path
		}
		r.Renditions = append(r.Renditions, rd)
		r.Published = cmp.Or(r.Published, v.Published)
		r.Issuer = cmp.Or(r.Issuer, v.Issuer)
		r.DocNumber = cmp.Or(r.DocNumber, v.DocNumber)
		r.IndexNumber = cmp.Or(r.IndexNumber, v.IndexNumber)
		if v.File != nil && v.File.ListedOn != "" && !listed[v.File.ListedOn] {
			listed[v.File.ListedOn] = true
			r.ListedOn = append(r.ListedOn, v.File.ListedOn)
		}
	}
	if cur.Published != "" {
		r.Published = cur.Published
	}
	slices.SortStableFunc(r.Renditions, func(a, b Rendition) int {
		if a.Doc == cur.Doc {
			return -1
		}
		if b.Doc == cur.Doc {
			return 1
		}
		return 0
	})
	return r, true
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// groupReports gathers documents into reports: each report's own document
// first, then its renditions in the order they were archived. Listings
// belong to none; a rendition whose report is not among docs (a damaged or
// removed document) is a report of its own.
func groupReports(docs []Doc) [][]Doc {
	byID := map[string]int{}
	for i, d := range docs {
		byID[d.ID] = i
	}
	groups := map[string][]Doc{}
	var heads []string
	for _, d := range docs {
		id := d.ReportID()
		if id == "" {
			continue
		}
		if i, ok := byID[id]; !ok || docs[i].ReportID() != id {
			id = d.ID // its report is gone: it stands alone
		}
		if _, ok := groups[id]; !ok {
			heads = append(heads, id)
		}
		groups[id] = append(groups[id], d)
	}
	out := make([][]Doc, 0, len(heads))
	for _, h := range heads {
		g := groups[h]
		slices.SortStableFunc(g, func(a, b Doc) int {
			if a.ID == h {
				return -1
			}
			if b.ID == h {
				return 1
			}
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
		})
		out = append(out, g)
	}
	return out
}

// Reports lists the reports of f.Site (every site when ""), or, with f.Doc,
// the one report the document f.Doc is or is a rendition of (none for a
// listing). Ordered as Versions is: by site, year (latest first), id.
func (a *Archive) Reports(ctx context.Context, f Filter) ([]Report, error) {
	if err := a.noIndex(); err != nil {
		return nil, err
	}
	if a.index == nil {
		return nil, nil // a reader of an archive that does not exist yet
	}
	if f.Doc != "" {
		return a.reportOf(ctx, f.Doc)
	}
	docs, err := a.index.Docs(ctx, Filter{Site: f.Site})
	if err != nil {
		return nil, err
	}
	all, err := a.index.Versions(ctx, Filter{Site: f.Site})
	if err != nil {
		return nil, err
	}
	vers := map[string][]Version{}
	for _, v := range all {
		vers[v.Doc] = append(vers[v.Doc], v)
	}
	var out []Report
	for _, g := range groupReports(docs) {
		if r, ok := buildReport(g, vers); ok {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Report) int {
		return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(b.Year, a.Year), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// reportOf is the report the document id is or belongs to (none for a
// listing), read from that report's documents only.
func (a *Archive) reportOf(ctx context.Context, id string) ([]Report, error) {
	d, ok, err := a.index.Doc(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &RefError{Ref: id, Err: ErrNotFound}
	}
	head := d.ReportID()
	if head == "" {
		return nil, nil
	}
	docs, err := a.index.Docs(ctx, Filter{Doc: head})
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(docs, func(x Doc) bool { return x.ID == id }) {
		docs = append(docs, d)
	}
	vers := map[string][]Version{}
	for _, g := range groupReports(docs) {
		if !slices.ContainsFunc(g, func(x Doc) bool { return x.ID == id }) {
			continue
		}
		for _, m := range g {
			vs, err := a.index.Versions(ctx, Filter{Doc: m.ID})
			if err != nil {
				return nil, err
			}
			vers[m.ID] = vs
		}
		if r, ok := buildReport(g, vers); ok {
			return []Report{r}, nil
		}
	}
	return nil, nil
}

// ReportCounts counts the reports of f.Site (every site when "") by site
// and year, from the index alone.
func (a *Archive) ReportCounts(ctx context.Context, f Filter) (map[string]map[int]int, error) {
	if err := a.noIndex(); err != nil {
		return nil, err
	}
	if a.index == nil {
		return map[string]map[int]int{}, nil
	}
	return a.index.ReportCounts(ctx, f)
}

// ErrListing means a reference names a listing: a stub page, where a
// report's files were found, which is no report itself.
var ErrListing = errors.New("a listing page, not a report")

// ResolveReport finds a report and one of its versions by reference:
// "DOC" (the latest) or "DOC@vN" (the report's version N), DOC any unique
// prefix of the report's id or of any of its renditions'. v is the
// rendition version whose text that report version is. A listing gives a
// *RefError wrapping ErrListing.
func (a *Archive) ResolveReport(ctx context.Context, ref string) (r Report, n int, v Version, err error) {
	id, want, err := parseRef(ref)
	if err != nil {
		return r, 0, v, err
	}
	doc, err := a.resolveDoc(ctx, id)
	if err != nil {
		return r, 0, v, err
	}
	rs, err := a.Reports(ctx, Filter{Doc: doc})
	if err != nil {
		return r, 0, v, err
	}
	if len(rs) == 0 {
		return r, 0, v, &RefError{Ref: id, Err: ErrListing, Doc: doc}
	}
	r = rs[0]
	n = cmp.Or(want, r.Version)
	if n > r.Version {
		return r, 0, v, &RefError{Ref: ref, Err: ErrNotFound, Doc: r.ID, Versions: r.Version, Want: want}
	}
	rv := r.Versions[n-1]
	vers, err := a.index.Versions(ctx, Filter{Doc: rv.Doc})
	if err != nil {
		return r, 0, v, err
	}
	for _, x := range vers {
		if x.Version == rv.DocVersion {
			return r, n, x, nil
		}
	}
	return r, 0, v, &RefError{Ref: ref, Err: ErrNotFound, Doc: rv.Doc, Versions: len(vers), Want: rv.DocVersion}
}

// SourceText finds the document a URL is a source of: its latest version
// and the report it belongs to ("" for a listing). ok is false for a URL
// the archive does not know.
func (a *Archive) SourceText(ctx context.Context, u string) (v Version, report string, ok bool, err error) {
	if err := a.noIndex(); err != nil || a.index == nil {
		return v, "", false, err
	}
	src, known, err := a.index.SourceState(ctx, CanonicalURL(u))
	if err != nil || !known {
		return v, "", false, err
	}
	vers, err := a.index.Versions(ctx, Filter{Doc: src.Doc})
	if err != nil || len(vers) == 0 {
		return v, "", false, err
	}
	return vers[len(vers)-1], Doc{ID: src.Doc, Report: src.Report, Role: src.Role}.ReportID(), true, nil
}
