package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
)

// archiveLsOptions are the flags of `nianbao archive ls`.
type archiveLsOptions struct {
	Site     string
	JSON     bool
	Versions bool
}

// archiveShowOptions are the flags of `nianbao archive show`.
type archiveShowOptions struct {
	Meta      bool
	Rendition bool
}

// lsColumns are the columns of `archive ls`'s table, one row per report.
var lsColumns = []string{"DOC", "VERSIONS", "SITE", "YEAR", "KIND", "RENDITIONS", "UPDATED", "TITLE"}

// lsVersionColumns are the columns of `archive ls --versions`'s table, one
// row per stored version of a document.
var lsVersionColumns = []string{"DOC", "VERSION", "SITE", "YEAR", "KIND", "FROM", "FETCHED", "TITLE"}

func newArchiveCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "Read, compare, export, re-extract and verify the archived reports",
		Long: `Work with the archive in archive_dir (the config's): one directory per
document (a report's page, each of its files: PDF, DOCX …), a versioned text
in each, and an index. A report is one or more such documents, its
renditions; its text is the one chosen from them, and its versions are the
changes of that text. A stub page that only links to a report's files is a
listing, kept but no report.

  ls         list the reports (a table, or JSON lines); --versions lists
             every stored version of every document instead
  show       print a report's text, or its metadata with --meta
  diff       show what changed between two versions of a report
  export     write every report's latest text (or every version, or every
             rendition) as JSON lines or CSV, for research pipelines
  reextract  run today's extractor over the stored raw bytes, adding a
             version where the text changes (no network; writes)
  verify     re-hash every file and check it against its metadata and the
             index; --repair rebuilds the index (writes)
  migrate    group an archive written before one record per report into
             reports with their renditions (writes; --dry-run only says)

ls, show, diff, export and verify only read: they work beside a running
daemon or crawl and on an archive that cannot be written, and on one that
does not exist yet they say so ("no archive at DIR yet: 0 reports").
reextract, migrate and verify --repair need the archive's lock, like a crawl.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("archive needs a subcommand: ls, show, diff, export, reextract, verify or migrate")}
		},
	}
	var ls archiveLsOptions
	lsCmd := &cobra.Command{
		Use:   "ls [--site S] [--json] [--versions]",
		Short: "List the archived reports (or, with --versions, every stored version)",
		Long: `List the archived reports, one per line, by site, year (newest first) and
id. Listings (stub pages that only link to a report's files) are no reports
and are not listed. The table's columns: DOC (the report's id, the id of
its first rendition; any unique prefix of it, or of any rendition's id,
names it to show and diff), VERSIONS (how many versions its text has had),
SITE, YEAR (the report's, "-" when unknown), KIND (fzzf, xxgk or other),
RENDITIONS (the forms it was published in, the one its text is read from
first, as "docx+pdf" or "page+jpg×3"; with the reason when it has no text,
as "pdf (no_text_layer)" or "page (images_only)"), UPDATED (local time of
its latest version) and TITLE.

With --json, one JSON object per report: doc (its id), site, year, kind,
title, published, issuer, doc_number, index_number, dir (of its first
rendition, relative to archive_dir), created_at, version (its latest
version), text_from (the rendition its text is read from: doc, version,
type, reason), versions (each version of its text: version, rendition,
rendition_version, type, sha256, bytes, path, text_status, at),
renditions (the chosen one first: doc, type, url, title, versions, bytes,
sha256 and raw_path of the bytes received, path of the text, text_status,
fetched_at), sources (every URL a rendition was found at: url, site,
first_seen) and listed_on (the pages that link to its files). Empty fields
are left out.

With --versions, one line per stored version of every document (a report's
page, each of its files, and listings too), as before reports were grouped:
the columns DOC, VERSION, SITE, YEAR, KIND, FROM ("page", or the file type
the text was read from: pdf, docx, doc, wps, ofd, or a picture's jpg, png …
— with the reason when there is no text, as "pdf (no_text_layer)", "jpg
(image)" or "page (images_only)"), FETCHED (local time) and TITLE. With
--versions --json, one JSON object per version, its metadata file (vN.json)
as stored: site, doc, version, url, title, year, kind, published, source,
site_id_code, issuer, doc_number, index_number, mirror, sha256 (of the text
file), bytes, path (of the text, relative to archive_dir), fetched_at,
extractor; raw (the bytes the text was read from: path, sha256, bytes,
status, content_type, encoding, parts: url, offset, bytes, sha256,
encoding); reextracted (from, at) on a version made by reextract; file (a
version read from a file: name, type, text_status, pages, truncated,
truncated_by, listed_on, listed_on_doc, link_text, same_text_as: doc,
version, similarity); text_status (images_only, on a page whose article is
only pictures) and images (their URLs); report and role (the document's
report, or "listing", when the version was written). Empty and false
fields are left out.

--site names a site of the site files or of the archive; another name is an
error listing them (exit 2).`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runArchiveLs(cmd.Context(), g, ls) },
	}
	lsCmd.Flags().StringVar(&ls.Site, "site", "", "only this site")
	lsCmd.Flags().BoolVar(&ls.JSON, "json", false, "one JSON object per report (per version with --versions)")
	lsCmd.Flags().BoolVar(&ls.Versions, "versions", false, "list every stored version of every document, not the reports")
	var show archiveShowOptions
	showCmd := &cobra.Command{
		Use:   "show DOC[@vN]",
		Short: "Print a report's text (latest version, or vN)",
		Long: `Print the text of a report's latest version, or of its version N with
DOC@vN. DOC may be any unique prefix of the report's id (the id ls
prints); the text is read from the rendition the archive chose (a page
that carries the report over its files, a DOCX or OFD over a PDF's text
layer …). With --meta, print as JSON instead the
metadata of the rendition version the text is read from, the sources of
that rendition, and the report: report (doc; version: the one shown,
absent when a rendition's own text is; versions: how many; text_from: the
rendition the text is read from and the reason; renditions: each form the
report was published in with its type, url, bytes, sha256, text_status
and path).

A DOC that names one of a report's other renditions (not the report's own
id, which is its first rendition's) shows that rendition's own text instead
— its latest version, or its own version N with @vN — and says on stderr
which report it belongs to, so a PDF's text layer can be read beside the
DOCX the report's text is taken from. --rendition does so for any
document, the report's first rendition and a listing too: DOC@vN is then
the document's own version N.

A version read from a file that had no text (a scan: no_text_layer) prints
nothing on stdout and says so on stderr, naming the kept file; exit 0.
A DOC that matches no document, a prefix that matches several, a listing
(a stub page that only links to a report's files) and a version the report
does not have are each one line on stderr, exit 2.`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return runArchiveShow(cmd.Context(), g, show, args[0]) },
	}
	showCmd.Flags().BoolVar(&show.Meta, "meta", false, "print metadata as JSON instead of the text")
	showCmd.Flags().BoolVar(&show.Rendition, "rendition", false, "print the named document's own text (a rendition's, a listing's), not its report's")
	cmd.AddCommand(lsCmd, showCmd, newArchiveDiffCommand(g), newArchiveExportCommand(g), newArchiveReextractCommand(g), newArchiveVerifyCommand(g), newArchiveMigrateCommand(g))
	return cmd
}

func openArchiveRO(g *globalOptions) (*archive.Archive, error) {
	cfg, log, err := g.setup()
	if err != nil {
		return nil, err
	}
	return archive.Open(cfg.ArchivePath(), archive.Options{ReadOnly: true, Logger: log})
}

func runArchiveLs(ctx context.Context, g *globalOptions, o archiveLsOptions) error {
	if o.Versions {
		return runArchiveLsVersions(ctx, g, o)
	}
	a, reports, err := siteReports(ctx, g, o.Site)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(reports) == 0 {
		return sayEmpty(g, a.Dir(), "reports", o.JSON, siteFilter(o.Site)...)
	}
	if o.JSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		for _, r := range reports {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tb := newTable(lsColumns...).alignRight(1)
	for _, r := range reports {
		updated := r.CreatedAt
		if n := len(r.Versions); n > 0 {
			updated = r.Versions[n-1].At
		}
		tb.add(r.ID, strconv.Itoa(r.Version), r.Site, yearString(r.Year), r.Kind, renditionsCell(r),
			updated.Local().Format("2006-01-02 15:04"), r.Title)
	}
	return tb.write(g.stdout)
}

// siteReports opens the archive to read and lists the reports of site
// (every site when ""), checking, when there is none, that the site is
// one of the site files' or the archive's. The caller closes the archive.
func siteReports(ctx context.Context, g *globalOptions, site string) (*archive.Archive, []archive.Report, error) {
	a, err := openArchiveRO(g)
	if err != nil {
		return nil, nil, err
	}
	reports, err := a.Reports(ctx, archive.Filter{Site: site})
	if err == nil && len(reports) == 0 {
		err = checkSite(ctx, g, a, site)
	}
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, reports, nil
}

// runArchiveLsVersions lists every stored version of every document, as
// `archive ls` did before documents were grouped into reports.
func runArchiveLsVersions(ctx context.Context, g *globalOptions, o archiveLsOptions) error {
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
		return sayEmpty(g, a.Dir(), "documents", o.JSON, siteFilter(o.Site)...)
	}
	if o.JSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		for _, v := range vers {
			if err := enc.Encode(v); err != nil {
				return err
			}
		}
		return nil
	}
	tb := newTable(lsVersionColumns...)
	for _, v := range vers {
		tb.add(v.Doc, fmt.Sprintf("v%d", v.Version), v.Site, yearString(v.Year), v.Kind, versionFrom(v),
			v.FetchedAt.Local().Format("2006-01-02 15:04"), v.Title)
	}
	return tb.write(g.stdout)
}

// renditionTypes lists a report's rendition types, the one its text is
// read from first, each once, the others with a count when there are
// several of the type: "docx+pdf", "page+jpg×3".
func renditionTypes(r archive.Report) []string {
	count := map[string]int{}
	var order []string
	for _, rd := range r.Renditions {
		if count[rd.Type] == 0 {
			order = append(order, rd.Type)
		}
		count[rd.Type]++
	}
	out := make([]string, len(order))
	for i, t := range order {
		out[i] = t
		if count[t] > 1 {
			out[i] = fmt.Sprintf("%s×%d", t, count[t])
		}
	}
	return out
}

// renditionsCell is ls's RENDITIONS cell: the rendition types joined by
// "+", with the reason when the report has no text.
func renditionsCell(r archive.Report) string {
	s := strings.Join(renditionTypes(r), "+")
	if len(r.Renditions) > 0 && r.Renditions[0].TextStatus != archive.TextOK {
		s += " (" + r.Renditions[0].TextStatus + ")"
	}
	return s
}

// versionFrom says what a version's text was read from: a page, or a file
// of a type, with the reason when the file had no text.
func versionFrom(v archive.Version) string {
	switch {
	case v.File == nil && v.HasText():
		return "page"
	case v.File == nil:
		return "page (" + v.TextStatus + ")"
	case !v.HasText():
		return v.File.Type + " (" + v.File.TextStatus + ")"
	}
	return v.File.Type
}

// showReport is the report part of `archive show --meta`.
type showReport struct {
	Doc        string              `json:"doc"`
	Version    int                 `json:"version,omitempty"` // the report version shown; 0 for a rendition's own text
	Versions   int                 `json:"versions"`          // how many it has
	TextFrom   archive.Choice      `json:"text_from"`
	Renditions []archive.Rendition `json:"renditions"`
}

// resolveShow finds what `archive show REF` prints: the report REF names
// and the version whose text it is — the report's version (n) when REF
// names the report itself, the rendition's own version (n 0) when REF
// names another of its renditions. A listing is a *archive.RefError
// wrapping archive.ErrListing.
func resolveShow(ctx context.Context, a *archive.Archive, ref string, rendition bool) (r archive.Report, n int, v archive.Version, err error) {
	if rendition {
		// The document's own text, whatever it is (a listing's too).
		if v, err = a.Resolve(ctx, ref); err != nil {
			return r, 0, v, err
		}
		rs, err := a.Reports(ctx, archive.Filter{Doc: v.Doc})
		if len(rs) > 0 {
			r = rs[0]
		}
		return r, 0, v, err
	}
	id, _, _ := strings.Cut(ref, "@")
	d, err := a.Resolve(ctx, id) // the document the reference names, whatever it is
	if err != nil {
		return r, 0, v, err
	}
	rs, err := a.Reports(ctx, archive.Filter{Doc: d.Doc})
	if err != nil {
		return r, 0, v, err
	}
	if len(rs) == 0 {
		return r, 0, v, &archive.RefError{Ref: id, Err: archive.ErrListing, Doc: d.Doc}
	}
	if rs[0].ID != d.Doc {
		v, err = a.Resolve(ctx, ref)
		return rs[0], 0, v, err
	}
	return a.ResolveReport(ctx, ref)
}

func runArchiveShow(ctx context.Context, g *globalOptions, o archiveShowOptions, ref string) error {
	a, err := openArchiveRO(g)
	if err != nil {
		return err
	}
	defer a.Close()
	r, n, v, err := resolveShow(ctx, a, ref, o.Rendition)
	if err != nil {
		return refError(err, a.Dir())
	}
	shown := fmt.Sprintf("%s@v%d", r.ID, n)
	if n == 0 && r.ID == "" {
		shown = fmt.Sprintf("%s@v%d", v.Doc, v.Version)
		fmt.Fprintf(g.stderr, "nianbao: %s is a listing page (where a report's files were found), not a report; showing its own text\n", v.Doc)
	} else if n == 0 {
		shown = fmt.Sprintf("%s@v%d", v.Doc, v.Version)
		from := fmt.Sprintf("whose text is read from its %s (%s)", r.TextFrom.Type, r.TextFrom.Doc)
		if r.TextFrom.Doc == v.Doc {
			from = "whose text is read from it"
		}
		fmt.Fprintf(g.stderr, "nianbao: %s is the %s rendition of report %s, %s; showing the %s's own text (`nianbao archive show %s` shows the report's)\n",
			v.Doc, renditionOf(r, v.Doc), r.ID, from, renditionOf(r, v.Doc), r.ID)
	}
	if o.Meta {
		d, err := a.Doc(ctx, v.Doc)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			archive.Version
			Sources []archive.Source `json:"sources"`
			Report  showReport       `json:"report"`
		}{v, d.Sources, showReport{Doc: r.ID, Version: n, Versions: r.Version, TextFrom: r.TextFrom, Renditions: r.Renditions}})
	}
	text, err := a.ReadText(v)
	if err != nil {
		return err
	}
	if len(text) == 0 || !v.HasText() {
		// No text, or only a title over images: say why on stderr,
		// keeping stdout the text.
		fmt.Fprintf(g.stderr, "nianbao: %s: %s\n", shown, noTextNote(a.Dir(), v))
	}
	if len(text) == 0 {
		return nil
	}
	_, err = g.stdout.Write(text)
	return err
}

// renditionOf is the type of the rendition doc of r: "page", "pdf" …
func renditionOf(r archive.Report, doc string) string {
	for _, rd := range r.Renditions {
		if rd.Doc == doc {
			return rd.Type
		}
	}
	return "document"
}

// textStatusNotes explain the reasons a file has no text (File.TextStatus).
var textStatusNotes = map[string]string{
	"no_text_layer": "a scan, with no text layer",
	"no_unicode":    "its characters map to no Unicode text",
	"encrypted":     "encrypted",
	"unsupported":   "a kind of file that cannot be read",
	"unreadable":    "damaged or garbled",
	"too_large":     "over a reader's budget",
	"images_only":   "the report is published as images",
	"image":         "a picture: no text is read from images",
}

// noTextNote says why a version has no text and where what it was read
// from is kept: "no text: no_text_layer (a scan, with no text layer); the
// file is at DIR/…/v1.pdf".
func noTextNote(dir string, v archive.Version) string {
	var b strings.Builder
	b.WriteString("no text")
	if st := v.Status(); st != "" && st != archive.TextOK {
		b.WriteString(": " + st)
		if n, ok := textStatusNotes[st]; ok {
			b.WriteString(" (" + n + ")")
		}
	}
	switch {
	case v.Raw != nil && v.File != nil:
		b.WriteString("; the file is at " + displayFile(dir, filepath.FromSlash(v.Raw.Path)))
	case v.Raw != nil:
		b.WriteString("; the page is kept at " + displayFile(dir, filepath.FromSlash(v.Raw.Path)))
	}
	if len(v.Images) > 0 {
		fmt.Fprintf(&b, "; its %d image(s) are archived as files listed on it (archive ls)", len(v.Images))
	}
	return b.String()
}

// refError is the error for a DOC or DOC@vN that names no version: one
// line, exit 2 (the argument names nothing, as an unknown --site does).
// When the archive does not exist yet, it says so.
func refError(err error, dir string) error {
	var re *archive.RefError
	if !errors.As(err, &re) {
		return err
	}
	if re.Doc == "" && errors.Is(err, archive.ErrNotFound) {
		if archiveMissing(dir) {
			return usageError{fmt.Errorf("%w: no archive at %s yet: 0 documents", err, dir)}
		}
		return usageError{fmt.Errorf("%w in %s (`nianbao archive ls` lists the reports, `ls --versions` every document)", err, dir)}
	}
	return usageError{err}
}

// archiveMissing reports whether there is no archive at dir at all (as
// before the first crawl), as opposed to one with nothing in it.
func archiveMissing(dir string) bool {
	_, err := os.Stat(dir)
	return errors.Is(err, fs.ErrNotExist)
}

// sayEmpty says that a read found nothing: "no archive at DIR yet: 0
// documents", or "0 documents (site S, year Y) in DIR" with the filters
// that were given. A table's place on stdout takes the line; machine
// output (JSON lines, CSV) stays as it is, empty, and the line goes to
// stderr.
func sayEmpty(g *globalOptions, dir, noun string, machine bool, filters ...string) error {
	var msg string
	switch {
	case archiveMissing(dir):
		msg = fmt.Sprintf("no archive at %s yet: 0 %s", dir, noun)
	case len(filters) > 0:
		msg = fmt.Sprintf("0 %s (%s) in %s", noun, strings.Join(filters, ", "), dir)
	default:
		msg = fmt.Sprintf("0 %s in %s", noun, dir)
	}
	if machine {
		_, err := fmt.Fprintln(g.stderr, "nianbao: "+msg)
		return err
	}
	_, err := fmt.Fprintln(g.stdout, msg)
	return err
}

// checkSite returns a usage error when site is set and names no site of
// the site files or of the archive a (which may be nil: the site files
// alone). Its wording is that of `crawl NAME`. A site file with problems
// still names its site; if any could not be read, the error says so.
func checkSite(ctx context.Context, g *globalOptions, a *archive.Archive, site string) error {
	if site == "" {
		return nil
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	known := map[string]bool{}
	all, probs, err := cfg.LoadSitesContext(ctx)
	if err != nil {
		probs = nil // no sites_dir: the archive's sites alone
	}
	for _, s := range all {
		known[s.Name] = true
	}
	if a != nil {
		names, err := a.Sites()
		if err != nil {
			return err
		}
		for _, n := range names {
			known[n] = true
		}
	}
	if known[site] {
		return nil
	}
	list := make([]string, 0, len(known))
	for n := range known {
		list = append(list, n)
	}
	sort.Strings(list)
	msg := fmt.Sprintf("unknown site: %s (known: %s)", site, strings.Join(list, ", "))
	if len(list) == 0 {
		msg = fmt.Sprintf("unknown site: %s (no site is known: no site files in %s, nothing archived in %s)", site, cfg.SitesPath(), cfg.ArchivePath())
	}
	if len(probs) > 0 {
		msg += "; some site files have problems, see `nianbao sites check`"
	}
	return usageError{errors.New(msg)}
}

func yearString(y int) string {
	if y <= 0 {
		return "-"
	}
	return strconv.Itoa(y)
}

// siteFilter describes a --site filter for sayEmpty: none, or "site S".
func siteFilter(site string) []string {
	if site == "" {
		return nil
	}
	return []string{"site " + site}
}
