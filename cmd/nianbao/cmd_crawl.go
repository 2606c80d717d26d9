package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/sites"
)

// crawlOptions are the flags of `nianbao crawl`.
type crawlOptions struct {
	All  bool
	JSON bool
	// Wait makes a crawl beside a holder of the archive lock wait for it
	// (another crawl) or ask it to crawl (a daemon), instead of exiting 3.
	Wait bool
	// LockPoll is how often --wait tries the lock again.
	LockPoll time.Duration
}

func newCrawlCommand(g *globalOptions) *cobra.Command {
	o := crawlOptions{LockPoll: time.Second}
	cmd := &cobra.Command{
		Use:   "crawl [SITE...] | --all",
		Short: "Crawl sites now, in the foreground, and print a summary per site",
		Long: `Crawl the named sites (or every site with --all) once, now, archive what is
new, and print one summary line per site: list pages and pages fetched,
reports found, new documents, new versions, new sources (reposts),
unchanged reports, and failures by kind.

Pages that fail do not fail the command (exit 0); the summary counts them.

Only one process writes the archive. If another one holds it, crawl exits 3
naming it, unless --wait is given: then, if the holder is the daemon
('nianbao serve'), crawl asks the daemon to crawl the sites, waits for its
runs and prints their summaries; if it is another crawl, crawl waits until
that one is done and then crawls.`,
		Args: cobraArgs(func(cmd *cobra.Command, args []string) error {
			if o.All == (len(args) > 0) {
				return errors.New("name the sites to crawl, or pass --all")
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCrawl(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "crawl every site in the sites directory")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print each site's summary as a JSON object")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "if another nianbao process holds the archive, have the daemon crawl, or wait for the other crawl to finish")
	return cmd
}

func runCrawl(ctx context.Context, g *globalOptions, o crawlOptions, names []string) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	all, probs, err := cfg.LoadSitesContext(ctx)
	if err != nil {
		return err
	}
	loadErr := probs.Err()
	chosen, err := pickSites(all, names, probs)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		fmt.Fprintln(g.stderr, probs.Error())
		fmt.Fprintf(g.stderr, "nianbao: skipping %d site file(s) with problems\n", len(probs.Files()))
	}
	if len(chosen) == 0 {
		if loadErr != nil {
			return loadErr
		}
		return &config.Error{Problems: []string{fmt.Sprintf("%s: no site files (*.yaml) to crawl", cfg.SitesPath())}}
	}
	a, err := archive.Open(cfg.ArchivePath(), archive.Options{Logger: log})
	var lockErr *archive.LockError
	if errors.As(err, &lockErr) {
		if !o.Wait {
			return lockedHint(err, lockErr)
		}
		a, err = openArchiveWaiting(ctx, cfg.ArchivePath(), log, o.LockPoll)
		if errors.As(err, &lockErr) && lockErr.Holding().Listen != "" {
			return crawlViaDaemon(ctx, g, o, cfg, chosen, lockErr.Holding(), loadErr)
		}
	}
	if err != nil {
		return err
	}
	defer a.Close()

	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: cfg.CachePath(os.Getenv), Logger: log})
	defer files.Close()
	deps := harvest.Deps{
		WARC:    cfg.WARC,
		Archive: a,
		Logger:  log,
		Crawl:   cfg.CrawlOptions(),
		Files:   files,
	}
	deps.Crawl.Hosts = crawler.NewHosts() // sites on the same portal take turns
	// On a terminal, a live line per site; elsewhere (cron, CI, pipes,
	// tests) the log lines alone.
	if f, ok := g.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		pv := newProgressView(g.stderr, time.Now)
		deps.Progress = pv.update
		defer pv.finish()
	}
	sums, errs := harvest.RunSites(ctx, chosen, deps, cfg.MaxConcurrentSites)

	if err := writeSummaries(g.stdout, o.JSON, sums); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %w", ctx.Err())
		}
		return err
	}
	if loadErr != nil {
		return loadErr // the broken site files make the run exit 2, after the good ones ran
	}
	return nil
}

// writeSummaries prints the summaries as a table, or as JSON objects.
func writeSummaries(w io.Writer, asJSON bool, sums []harvest.Summary) error {
	if !asJSON {
		printSummaries(w, sums)
		return nil
	}
	enc := json.NewEncoder(w)
	for _, s := range sums {
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return nil
}

// pickSites selects the named sites, or all when names is empty.
func pickSites(all []*sites.Site, names []string, probs sites.Problems) ([]*sites.Site, error) {
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]*sites.Site{}
	for _, s := range all {
		byName[s.Name] = s
	}
	var out []*sites.Site
	var missing []string
	for _, n := range names {
		s, ok := byName[n]
		if !ok {
			missing = append(missing, n)
			continue
		}
		out = append(out, s)
	}
	if len(missing) > 0 {
		known := make([]string, 0, len(byName))
		for n := range byName {
			known = append(known, n)
		}
		sort.Strings(known)
		msg := fmt.Sprintf("unknown site(s): %s (known: %s)", strings.Join(missing, ", "), strings.Join(known, ", "))
		if len(probs) > 0 {
			msg += "; some site files have problems, see `nianbao sites check`"
		}
		return nil, usageError{errors.New(msg)}
	}
	return out, nil
}

func printSummaries(w io.Writer, sums []harvest.Summary) {
	tb := newTable("SITE", "STATUS", "LIST PAGES", "PAGES", "FILES", "REPORTS", "NEW DOCS", "NEW VERSIONS", "NEW SOURCES", "UNCHANGED", "ERRORS", "TIME").
		alignRight(2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	for _, s := range sums {
		tb.add(s.Site, s.Status, itoa(s.ListPages), itoa(s.PagesFetched), itoa(s.Files), itoa(s.ReportsFound), itoa(s.NewDocuments),
			itoa(s.NewVersions), itoa(s.NewSources), itoa(s.Unchanged), itoa(s.ErrorCount()),
			s.Duration.Round(100*time.Millisecond).String())
	}
	tb.write(w)
	for _, s := range sums {
		if s.NotModified == 0 && s.ListNotModified == 0 && s.Retries == 0 && len(s.BlockedHosts) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %s moved, %d reports and %d list pages not modified (304), %d retries", s.Site, byteSize(s.Bytes),
			s.NotModified, s.ListNotModified, s.Retries)
		if len(s.BlockedHosts) > 0 {
			fmt.Fprintf(w, "; anti-bot page from %s: not requested again this run", strings.Join(s.BlockedHosts, ", "))
		}
		fmt.Fprintln(w)
	}
	for _, s := range sums {
		if len(s.FilesWithoutText) == 0 && s.FilesSameAsPage == 0 {
			continue
		}
		var notes []string
		if len(s.FilesWithoutText) > 0 {
			why := make([]string, 0, len(s.FilesWithoutText))
			for k, n := range s.FilesWithoutText {
				why = append(why, fmt.Sprintf("%s=%d", k, n))
			}
			sort.Strings(why)
			notes = append(notes, "archived without text (the file is kept): "+strings.Join(why, " "))
		}
		if s.FilesSameAsPage > 0 {
			notes = append(notes, fmt.Sprintf("%d the same report as the page that links to it", s.FilesSameAsPage))
		}
		fmt.Fprintf(w, "\n%s: files: %s\n", s.Site, strings.Join(notes, "; "))
	}
	for _, s := range sums {
		if s.ErrorCount() == 0 && s.Error == "" {
			continue
		}
		kinds := make([]string, 0, len(s.Errors))
		for k, n := range s.Errors {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
		}
		sort.Strings(kinds)
		fmt.Fprintf(w, "\n%s: errors by kind: %s\n", s.Site, strings.Join(kinds, " "))
		if s.Error != "" {
			fmt.Fprintf(w, "  run: %s\n", s.Error)
		}
		for i, f := range s.Failures {
			if i == 5 {
				fmt.Fprintf(w, "  … and %d more (see the log)\n", s.ErrorCount()-5)
				break
			}
			fmt.Fprintf(w, "  %s: %s\n", f.Kind, f.Error())
		}
	}
	for _, s := range sums {
		if len(s.Skips) == 0 {
			continue
		}
		kinds := map[string]bool{}
		for _, f := range s.Skips {
			kinds[f.Kind] = true
		}
		var counts []string
		for k := range kinds {
			counts = append(counts, fmt.Sprintf("%s=%d", k, s.Skipped[k]))
		}
		sort.Strings(counts)
		fmt.Fprintf(w, "\n%s: skipped: %s\n", s.Site, strings.Join(counts, " "))
		total := 0
		for k := range kinds {
			total += s.Skipped[k]
		}
		for i, f := range s.Skips {
			if i == 5 {
				fmt.Fprintf(w, "  … and %d more (crawl --json names the first %d)\n", total-5, len(s.Skips))
				break
			}
			fmt.Fprintf(w, "  %s: %s\n", f.Kind, f.Error())
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// progressView draws a live line per site on a terminal, redrawn in place
// (carriage return, cursor up) at most four times a second, and once more
// when a site ends. It is safe for concurrent use by several runs.
type progressView struct {
	w   io.Writer
	now func() time.Time

	mu    sync.Mutex
	order []string
	state map[string]harvest.Progress
	drawn int // lines on screen
	last  time.Time
}

// progressEvery is the shortest time between two redraws.
const progressEvery = 250 * time.Millisecond

func newProgressView(w io.Writer, now func() time.Time) *progressView {
	return &progressView{w: w, now: now, state: map[string]harvest.Progress{}}
}

func (p *progressView) update(pr harvest.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.state[pr.Site]; !ok {
		p.order = append(p.order, pr.Site)
	}
	p.state[pr.Site] = pr
	if now := p.now(); pr.Done || now.Sub(p.last) >= progressEvery {
		p.last = now
		p.draw()
	}
}

// finish draws the final state and leaves the cursor below it.
func (p *progressView) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.order) > 0 {
		p.draw()
		io.WriteString(p.w, "\n")
		p.drawn = 0
	}
}

func (p *progressView) draw() {
	var b strings.Builder
	if p.drawn > 1 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn-1)
	}
	for i, site := range p.order {
		s := p.state[site]
		b.WriteString("\r\x1b[K")
		fmt.Fprintf(&b, "%s: %d pages, %d not modified, %d reports (%d new, %d new versions), %d errors, %s",
			site, s.Pages, s.NotModified, s.Reports, s.NewDocuments, s.NewVersions, s.Errors, byteSize(s.Bytes))
		if s.Done {
			b.WriteString(" — done")
		}
		if i < len(p.order)-1 {
			b.WriteByte('\n')
		}
	}
	p.drawn = len(p.order)
	io.WriteString(p.w, b.String())
}
