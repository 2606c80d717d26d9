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
	Site string
	JSON bool
}

// archiveShowOptions are the flags of `nianbao archive show`.
type archiveShowOptions struct {
	Meta bool
}

// lsColumns are the columns of `archive ls`'s table.
var lsColumns = []string{"DOC", "VERSION", "SITE", "YEAR", "KIND", "FROM", "FETCHED", "TITLE"}

func newArchiveCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "Read, compare, export, re-extract and verify the archived reports",
		Long: `Work with the archive in archive_dir (the config's): one directory per
document, a versioned text in each, and an index.

  ls         list the stored versions (a table, or JSON lines)
  show       print a document's text, or its metadata with --meta
  diff       show what changed between two versions of a document
  export     write every document's latest version (or every version) as
             JSON lines or CSV, for research pipelines
  reextract  run today's extractor over the stored raw bytes, adding a
             version where the text changes (no network; writes)
  verify     re-hash every file and check it against its metadata and the
             index; --repair rebuilds the index (writes)

ls, show, diff, export and verify only read: they work beside a running
daemon or crawl and on an archive that cannot be written, and on one that
does not exist yet they say so ("no archive at DIR yet: 0 documents").
reextract and verify --repair need the archive's lock, like a crawl.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("archive needs a subcommand: ls, show, diff, export, reextract or verify")}
		},
	}
	var ls archiveLsOptions
	lsCmd := &cobra.Command{
		Use:   "ls [--site S] [--json]",
		Short: "List stored versions",
		Long: `List stored versions, one per line, by site, year (newest first), document
and version. The table's columns: DOC (the document's id; any unique prefix
of it names it to show and diff), VERSION, SITE, YEAR (the report's, "-"
when unknown), KIND (fzzf, xxgk or other), FROM ("page", or the file type
the text was read from: pdf, docx, doc, wps, ofd, or a picture's jpg, png …
— with the reason when there is no text, as "pdf (no_text_layer)", "jpg
(image)" or "page (images_only)"), FETCHED (local time) and TITLE.

With --json, one JSON object per version, its metadata file (vN.json) as
stored: site, doc, version, url, title, year, kind, published, source,
site_id_code, issuer, doc_number, index_number, mirror, sha256 (of the text
file), bytes, path (of the text, relative to archive_dir), fetched_at,
extractor; raw (the bytes the text was read from: path, sha256, bytes,
status, content_type, encoding, parts: url, offset, bytes, sha256,
encoding); reextracted (from, at) on a version made by reextract; file (a
version read from a file: name, type, text_status, pages, truncated,
truncated_by, listed_on, listed_on_doc, link_text, same_text_as: doc,
version, similarity); text_status (images_only, on a page whose article is
only pictures) and images (their URLs). Empty and false fields are left
out.

--site names a site of the site files or of the archive; another name is an
error listing them (exit 2).`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runArchiveLs(cmd.Context(), g, ls) },
	}
	lsCmd.Flags().StringVar(&ls.Site, "site", "", "only this site")
	lsCmd.Flags().BoolVar(&ls.JSON, "json", false, "one JSON object per version")
	var show archiveShowOptions
	showCmd := &cobra.Command{
		Use:   "show DOC[@vN]",
		Short: "Print a document's text (latest version, or vN)",
		Long: `Print the text of a document's latest version, or of version N with DOC@vN.
DOC may be any unique prefix of a document id. With --meta, print the
version's metadata and the document's sources as JSON instead.

A version read from a file that had no text (a scan: no_text_layer) prints
nothing on stdout and says so on stderr, naming the kept file; exit 0.
A DOC that matches no document, a prefix that matches several, and a
version the document does not have are each one line on stderr, exit 2.`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return runArchiveShow(cmd.Context(), g, show, args[0]) },
	}
	showCmd.Flags().BoolVar(&show.Meta, "meta", false, "print metadata as JSON instead of the text")
	cmd.AddCommand(lsCmd, showCmd, newArchiveDiffCommand(g), newArchiveExportCommand(g), newArchiveReextractCommand(g), newArchiveVerifyCommand(g))
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
	tb := newTable(lsColumns...)
	for _, v := range vers {
		tb.add(v.Doc, fmt.Sprintf("v%d", v.Version), v.Site, yearString(v.Year), v.Kind, versionFrom(v),
			v.FetchedAt.Local().Format("2006-01-02 15:04"), v.Title)
	}
	return tb.write(g.stdout)
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

func runArchiveShow(ctx context.Context, g *globalOptions, o archiveShowOptions, ref string) error {
	a, err := openArchiveRO(g)
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.Resolve(ctx, ref)
	if err != nil {
		return refError(err, a.Dir())
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
		}{v, d.Sources})
	}
	text, err := a.ReadText(v)
	if err != nil {
		return err
	}
	if len(text) == 0 || !v.HasText() {
		// No text, or only a title over images: say why on stderr,
		// keeping stdout the text.
		fmt.Fprintf(g.stderr, "nianbao: %s@v%d: %s\n", v.Doc, v.Version, noTextNote(a.Dir(), v))
	}
	if len(text) == 0 {
		return nil
	}
	_, err = g.stdout.Write(text)
	return err
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
		return usageError{fmt.Errorf("%w in %s (`nianbao archive ls` lists the documents)", err, dir)}
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
