package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/harvest"
)

// archiveReextractOptions are the flags of `nianbao archive reextract`.
type archiveReextractOptions struct {
	Site string
}

func newArchiveReextractCommand(g *globalOptions) *cobra.Command {
	var o archiveReextractOptions
	cmd := &cobra.Command{
		Use:   "reextract [--site S]",
		Short: "Run today's extractor over the stored raw bytes (no network)",
		Long: `Run today's extractor, with each site's current selectors, over the raw
bytes kept with each document's latest version — no network. Where the text
changes, a version is added, marked in its metadata as re-extracted (from
which version, when, and by which extractor version); its raw bytes are the
earlier version's file. Use it after upgrading nianbao or after fixing a
site's selectors. It needs the archive's lock, like a crawl.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runArchiveReextract(cmd.Context(), g, o) },
	}
	cmd.Flags().StringVar(&o.Site, "site", "", "only this site")
	return cmd
}

func runArchiveReextract(ctx context.Context, g *globalOptions, o archiveReextractOptions) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	all, probs, err := cfg.LoadSitesContext(ctx)
	if err != nil {
		return err
	}
	loadErr := probs.Err()
	dir := cfg.ArchivePath()
	if o.Site != "" {
		// Checked before the lock is taken: a mistyped name changes
		// nothing, and says which names there are.
		ro, err := archive.Open(dir, archive.Options{ReadOnly: true, DamagedIndexOK: true, Logger: log})
		if err != nil {
			return err
		}
		err = checkSite(ctx, g, ro, o.Site)
		ro.Close()
		if err != nil {
			return err
		}
	}
	if archiveMissing(dir) {
		// Nothing to re-extract; a writer would create the directory.
		fmt.Fprintf(g.stdout, "no archive at %s yet: 0 documents; nothing to re-extract\n", dir)
		return loadErr
	}
	a, err := archive.Open(dir, archive.Options{Logger: log})
	if err != nil {
		return err
	}
	defer a.Close()
	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: cfg.CachePath(os.Getenv), Logger: log})
	defer files.Close()
	sum, err := harvest.Reextract(ctx, a, all, o.Site, files, log, nil)
	fmt.Fprintf(g.stdout, "re-extracted %d document(s) with %s: %d new version(s), %d unchanged, %d without raw bytes, %d failed\n",
		sum.Documents, extract.Version, sum.NewVersions, sum.Unchanged, sum.NoRaw, sum.Failed)
	if err != nil {
		return err
	}
	return loadErr
}
