package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

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

func newArchiveCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "List and show archived reports",
		Args:  cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("archive needs a subcommand: ls, show, diff, export, reextract or verify")}
		},
	}
	var ls archiveLsOptions
	lsCmd := &cobra.Command{
		Use:   "ls [--site S] [--json]",
		Short: "List stored versions",
		Long: `List stored versions, one per line. With --json, one JSON object per version
with the fields site, doc, url, title, year, kind, version, sha256, bytes,
path (relative to archive_dir), published and fetched_at.`,
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
version's metadata and the document's sources as JSON instead.`,
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
	tb := newTable("DOC", "VERSION", "SITE", "YEAR", "KIND", "FROM", "FETCHED", "TITLE")
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
	case v.File == nil:
		return "page"
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
		if errors.Is(err, archive.ErrNotFound) {
			return usageError{fmt.Errorf("%w (`nianbao archive ls` lists the documents)", err)}
		}
		return err
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
	_, err = g.stdout.Write(text)
	return err
}

func yearString(y int) string {
	if y <= 0 {
		return "-"
	}
	return strconv.Itoa(y)
}
