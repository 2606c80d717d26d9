package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/sites"
)

type sitesTryOptions struct {
	JSON bool
}

func newSitesTryCommand(g *globalOptions) *cobra.Command {
	var o sitesTryOptions
	cmd := &cobra.Command{
		Use:   "try FILE|NAME",
		Short: "Crawl one site without writing the archive; print every report it would archive and what it skipped",
		Long: `Crawl one site completely, as crawl does — the same list pages, links,
limits, politeness and extraction — without writing the archive (and
without asking for pages conditionally), and print every report it would
archive: year, kind, what it was read from (page, or the file type), its
length in characters, title, first line and URL; then the run's summary:
what was skipped and why, what failed. It is what to run while writing or
fixing a site file.

FILE is a site file anywhere (sites/new.yaml, /tmp/try.yaml), read with
config.yaml's defaults; NAME is a site of the sites directory. The archive
is neither read nor locked: try works beside a running daemon.

With --json, one object: site, reports (url, title, year, kind, from,
text_status, chars, first_line, listed_on) and summary (what crawl --json
prints). Exit 5 when the site failed (none of its start pages could be
read), 2 for a site file with problems.`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return runSitesTry(cmd.Context(), g, o, args[0]) },
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print one JSON object: the reports and the summary")
	return cmd
}

func runSitesTry(ctx context.Context, g *globalOptions, o sitesTryOptions, ref string) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	site, err := trySite(ctx, cfg, ref)
	if err != nil {
		return err
	}
	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: cfg.CachePath(os.Getenv), Logger: log})
	defer files.Close()
	deps := harvest.Deps{Logger: log, Crawl: cfg.CrawlOptions(), Files: files, Trigger: "try"}
	sum, found, err := harvest.TrySite(ctx, site, deps)
	if err != nil && ctx.Err() != nil {
		return interruptedError{ctx.Err()}
	}
	if o.JSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		if found == nil {
			found = []harvest.Found{}
		}
		if err := enc.Encode(struct {
			Site    string          `json:"site"`
			Reports []harvest.Found `json:"reports"`
			Summary harvest.Summary `json:"summary"`
		}{site.Name, found, sum}); err != nil {
			return err
		}
	} else {
		printFound(g.stdout, found)
		fmt.Fprintf(g.stdout, "%s: %s, %d list page(s), %d page(s) and %d file(s) fetched, %d report link(s), %d error(s), %s\n",
			sum.Site, sum.Status, sum.ListPages, sum.PagesFetched, sum.Files, sum.ReportsFound, sum.ErrorCount(),
			sum.Duration.Round(100*time.Millisecond))
		printRunNotes(g.stdout, []harvest.Summary{sum})
	}
	if err != nil {
		return err
	}
	return failedSites([]harvest.Summary{sum})
}

// trySite is the site `sites try` names: a site file's path, or the name of
// a site in the sites directory.
func trySite(ctx context.Context, cfg *config.Config, ref string) (*sites.Site, error) {
	if strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") || strings.ContainsRune(ref, os.PathSeparator) {
		fi, err := os.Stat(ref)
		if err != nil {
			return nil, usageError{err}
		}
		if !fi.Mode().IsRegular() || fi.Size() > sites.MaxFileSize {
			return nil, usageError{fmt.Errorf("%s: not a regular file of at most %d bytes", ref, sites.MaxFileSize)}
		}
		data, err := os.ReadFile(ref)
		if err != nil {
			return nil, usageError{err}
		}
		site, probs := sites.Parse(data, ref, cfg.Defaults)
		if probs != nil {
			return nil, probs
		}
		return site, nil
	}
	all, probs, err := cfg.LoadSitesContext(ctx)
	if err != nil {
		return nil, err
	}
	chosen, err := pickSites(all, []string{ref}, probs)
	if err != nil {
		return nil, err
	}
	return chosen[0], nil
}

// printFound writes the reports a try found, one a row.
func printFound(w io.Writer, found []harvest.Found) {
	if len(found) == 0 {
		fmt.Fprintln(w, "no report found")
		return
	}
	tb := newTable("YEAR", "KIND", "FROM", "CHARS", "TITLE", "FIRST LINE", "URL").alignRight(3)
	for _, f := range found {
		from := f.From
		if f.TextStatus != "" && f.TextStatus != "ok" {
			from += " (" + f.TextStatus + ")"
		}
		year := "-"
		if f.Year > 0 {
			year = strconv.Itoa(f.Year)
		}
		tb.add(year, f.Kind, from, strconv.Itoa(f.Chars), clipRunes(f.Title, 40), clipRunes(f.FirstLine, 30), f.URL)
	}
	tb.write(w)
	fmt.Fprintf(w, "%d report(s) found\n", len(found))
}

// clipRunes cuts s to n characters, marking the cut with "…".
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
