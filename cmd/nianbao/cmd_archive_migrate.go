package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
)

func newArchiveMigrateCommand(g *globalOptions) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "migrate [--dry-run]",
		Short: "Group an older archive's documents into reports, each with its renditions",
		Long: `An archive written before nianbao kept one record per report has a document
for every page and every file: a report's page, its PDF and its DOCX are
three documents, and a page that only announces its attachments is one too.
migrate groups them as a crawl of today does: a page that only announces its
files becomes their listing (not a report); a file whose text is its page's,
or another file's on the same page, joins that report as a rendition; a file
without text (a scan) joins its page's one report of its kind and year.

Nothing is deleted or rewritten but each changed document's doc.json (one
durable replace each) and its index row; every version stays readable and
verifiable. It needs the archive's lock, like a crawl. Killed at any point,
the archive still verifies; run it again to finish. Run twice, the second
run changes nothing. verify --repair does the same after rebuilding the
index.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runArchiveMigrate(cmd.Context(), g, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what would change, change nothing (no lock needed)")
	return cmd
}

func runArchiveMigrate(ctx context.Context, g *globalOptions, dryRun bool) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	dir := cfg.ArchivePath()
	if archiveMissing(dir) {
		fmt.Fprintf(g.stdout, "no archive at %s yet: nothing to migrate\n", dir)
		return nil
	}
	a, err := archive.Open(dir, archive.Options{ReadOnly: dryRun, Logger: log})
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.Regroup(ctx, !dryRun)
	if err != nil {
		return err
	}
	printRegrouped(g.stdout, dir, r, dryRun)
	return nil
}

// printRegrouped says what grouping documents into reports changed (or,
// with dryRun, would change).
func printRegrouped(w io.Writer, dir string, r archive.Regrouping, dryRun bool) {
	for _, p := range r.Skipped {
		fmt.Fprintf(w, "%s: left as it is: %s\n", displayFile(dir, p.File), p.Msg)
	}
	verb := "grouped"
	if dryRun {
		verb = "would group"
	}
	fmt.Fprintf(w, "%s %s: %d listing page(s), %d rendition(s) joined to their report, %d document(s) changed; %d report(s)\n",
		verb, dir, r.Listings, r.Renditions, len(r.Changes), r.Reports)
}
