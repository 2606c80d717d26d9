package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"golang.org/x/text/width"

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
reports found, new reports (one a report, whatever forms it came in), new
versions, new sources (reposts), unchanged reports, and failures by kind;
below the table, the new renditions of reports already archived (a DOCX
beside their PDF), the stub pages kept as listings, and the files re-saved
with the same text.

Pages that fail do not fail the command (exit 0); the summary counts them.
A site that failed — none of its start pages could be read (DNS, refused
connection, timeout, an error page, robots.txt out of reach), a start page
that lists no report led to no report column and no report, or its run
broke off — makes the command exit 5, after every site has run; the
summary and the last line name the cause.

On a terminal, a live line per site shows the counts so far; log records
are written above those lines, never into them, and the summary follows
their last state.

Only one process writes the archive. If another one holds it, crawl exits 3
naming it, unless --wait is given: then, if the holder is the daemon
('nianbao serve'), crawl asks the daemon to crawl the sites, waits for its
runs and prints their summaries; if it is another crawl, crawl waits until
that one is done and then crawls.`,
		Args: cobraArgs(func(cmd *cobra.Command, args []string) error {
			switch {
			case o.All && len(args) > 0:
				return fmt.Errorf("name the sites to crawl or pass --all, not both (got --all and %s)", strings.Join(args, " "))
			case !o.All && len(args) == 0:
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
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	// On a terminal, a live line per site; elsewhere (cron, CI, pipes,
	// tests) the log lines alone. The view is the only writer of the
	// terminal's stderr while it lives: log records go through it.
	var pv *progressView
	logTo := g.stderr
	if f, ok := g.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		pv = newProgressView(g.stderr, time.Now)
		pv.width = func() int {
			w, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0
			}
			return w
		}
		logTo = pv
	}
	log, err := g.loggerTo(logTo, cfg)
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
			return crawlViaDaemon(ctx, g, o, cfg, chosen, lockErr.Holding(), skipped(loadErr, probs))
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
		Trigger: triggerCLI,
	}
	// Sites on the same portal take turns; the limits fit the process's
	// file descriptors.
	limits := cfg.Limits(crawler.FileLimit())
	limits.Share(&deps.Crawl)
	deps.MemoryBudget = cfg.MemoryBudget
	if len(chosen) > 1 {
		log.Info("crawl limits: "+limits.String(), "sites", len(chosen), "memory_budget", cfg.MemoryBudget)
	}
	if pv != nil {
		pv.total = len(chosen)
		deps.Progress = pv.update
	}
	sums, errs := harvest.RunSites(ctx, chosen, deps, limits.Sites)
	if pv != nil {
		pv.finish() // the view's last redraw, before the summary: nothing draws over it
	}

	if err := writeSummaries(g.stdout, o.JSON, sums); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		if ctx.Err() != nil {
			return interruptedError{ctx.Err()}
		}
		return err
	}
	// The broken site files make the run exit 2, after the good ones ran;
	// a failed site makes it exit 5.
	return errors.Join(skipped(loadErr, probs), failedSites(sums))
}

// triggerCLI is the trigger of runs started by `nianbao crawl`, beside the
// daemon's schedule and manual.
const triggerCLI = "cli"

// interruptedError is a crawl stopped by SIGINT or SIGTERM. It says
// "interrupted", not the context's "context canceled", and wraps it.
type interruptedError struct{ err error }

func (e interruptedError) Error() string { return "interrupted" }
func (e interruptedError) Unwrap() error { return e.err }

// skippedFilesError ends a crawl that skipped broken site files (exit 2):
// they were listed when the sites were loaded, so the last lines only count
// them.
type skippedFilesError struct {
	err error // the problems, for the exit code
	n   int
}

func (e skippedFilesError) Error() string {
	return fmt.Sprintf("%d site file(s) with problems were skipped (listed above; `nianbao sites check` lists them again)", e.n)
}
func (e skippedFilesError) Unwrap() error { return e.err }

// skipped is the error for the site files that were skipped, nil when none
// was.
func skipped(loadErr error, probs sites.Problems) error {
	if loadErr == nil {
		return nil
	}
	return skippedFilesError{err: loadErr, n: len(probs.Files())}
}

// sitesFailedError is a crawl in which sites failed (their Summary.Status
// is failed): exit 5. Each cause is in the site's summary too.
type sitesFailedError struct {
	sums []harvest.Summary
}

func (e *sitesFailedError) Error() string {
	if len(e.sums) == 1 {
		return fmt.Sprintf("site %s failed: %s", e.sums[0].Site, e.sums[0].Error)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d sites failed:", len(e.sums))
	for _, s := range e.sums {
		fmt.Fprintf(&b, "\n  %s: %s", s.Site, s.Error)
	}
	return b.String()
}

// failedSites returns a *sitesFailedError naming the failed sites in sums,
// or nil when none failed.
func failedSites(sums []harvest.Summary) error {
	var failed []harvest.Summary
	for _, s := range sums {
		if s.Status == "failed" {
			failed = append(failed, s)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &sitesFailedError{sums: failed}
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
	tb := newTable("SITE", "STATUS", "LIST PAGES", "PAGES", "FILES", "REPORTS", "NEW REPORTS", "NEW VERSIONS", "NEW SOURCES", "UNCHANGED", "ERRORS", "TIME").
		alignRight(2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	for _, s := range sums {
		tb.add(s.Site, s.Status, itoa(s.ListPages), itoa(s.PagesFetched), itoa(s.Files), itoa(s.ReportsFound), itoa(s.NewDocuments),
			itoa(s.NewVersions), itoa(s.NewSources), itoa(s.Unchanged), itoa(s.ErrorCount()),
			s.Duration.Round(100*time.Millisecond).String())
	}
	tb.write(w)
	printRunNotes(w, sums)
}

// printRunNotes writes, below a summary table, what the runs moved, what
// was blocked, files without text, skips and errors: what a person may act
// on.
func printRunNotes(w io.Writer, sums []harvest.Summary) {
	for _, s := range sums {
		if s.DiscoveryPages > 0 || len(s.Columns) > 0 {
			fmt.Fprintf(w, "\n%s: %d report column(s) found in %d discovery page(s)", s.Site, len(s.Columns), s.DiscoveryPages)
			if s.SearchQueries > 0 {
				fmt.Fprintf(w, ", %d query(ies) to the portal's search", s.SearchQueries)
			}
			fmt.Fprintln(w)
			for _, c := range s.Columns {
				fmt.Fprintf(w, "  column: %s\n", c)
			}
		}
	}
	for _, s := range sums {
		// A run that read nothing has its cause below: the counts of
		// what it did not move would be noise.
		read := s.ListPages > 0 || s.PagesFetched > 0
		if read && (s.NotModified > 0 || s.ListNotModified > 0 || s.Retries > 0) {
			fmt.Fprintf(w, "\n%s: %s moved, %d reports and %d list pages not modified (304), %d retries\n", s.Site, byteSize(s.Bytes),
				s.NotModified, s.ListNotModified, s.Retries)
		}
		if len(s.BlockedURLs) > 0 {
			// Which URLs got an anti-bot answer, and which hosts were
			// given up for the run after several in a row.
			fmt.Fprintf(w, "\n%s: anti-bot answer to %d URL(s)", s.Site, len(s.BlockedURLs))
			if len(s.BlockedHosts) > 0 {
				fmt.Fprintf(w, "; %s not requested again this run", strings.Join(s.BlockedHosts, ", "))
			}
			fmt.Fprintln(w)
			for _, u := range s.BlockedURLs {
				fmt.Fprintf(w, "  blocked: %s\n", u)
			}
		}
	}
	for _, s := range sums {
		if len(s.FilesWithoutText) == 0 && s.ImagesOnly == 0 && s.NewRenditions == 0 && s.NewListings == 0 && s.FilesChanged == 0 {
			continue
		}
		var notes []string
		if s.NewRenditions > 0 {
			notes = append(notes, fmt.Sprintf("%d new rendition(s) of a report in another form", s.NewRenditions))
		}
		if s.NewListings > 0 {
			notes = append(notes, fmt.Sprintf("%d stub page(s) that only announce their files, kept as listings", s.NewListings))
		}
		if s.FilesChanged > 0 {
			notes = append(notes, fmt.Sprintf("%d file(s) re-saved with the same text (kept, no new report version)", s.FilesChanged))
		}
		if s.ImagesOnly > 0 {
			notes = append(notes, fmt.Sprintf("%d report page(s) published as pictures (images_only: the title as text, the pictures kept as files)", s.ImagesOnly))
		}
		if len(s.FilesWithoutText) > 0 {
			why := make([]string, 0, len(s.FilesWithoutText))
			for k, n := range s.FilesWithoutText {
				why = append(why, fmt.Sprintf("%s=%d", k, n))
			}
			sort.Strings(why)
			notes = append(notes, "archived without text (the file is kept): "+strings.Join(why, " "))
		}
		fmt.Fprintf(w, "\n%s: files: %s\n", s.Site, strings.Join(notes, "; "))
	}
	for _, s := range sums {
		if s.ErrorCount() == 0 && s.Error == "" {
			continue
		}
		// The run's own failure first (why the site failed or stopped),
		// then the pages' failures, if any: never an empty list.
		fmt.Fprintf(w, "\n%s: ", s.Site)
		if s.Error != "" {
			fmt.Fprintf(w, "run %s: %s\n", s.Status, runError(s))
			if s.ErrorCount() > 0 {
				io.WriteString(w, "  ")
			}
		}
		if s.ErrorCount() > 0 {
			kinds := make([]string, 0, len(s.Errors))
			for k, n := range s.Errors {
				kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
			}
			sort.Strings(kinds)
			fmt.Fprintf(w, "errors by kind: %s\n", strings.Join(kinds, " "))
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

// runError is what a summary says about its run's error: "interrupted"
// for a run a signal cancelled, rather than Go's "context canceled".
func runError(s harvest.Summary) string {
	if s.Status == "cancelled" && strings.HasSuffix(s.Error, context.Canceled.Error()) {
		return "interrupted"
	}
	return s.Error
}

// progressView draws a live line per site on a terminal, redrawn in place
// at most four times a second, and once more when a site ends. It is the
// only writer of the terminal while it lives: log records are written
// through it (Write), above its lines, so a record never lands inside a
// line the view drew and a redraw never erases a record. finish draws its
// last state and leaves it; the summary comes after that, and nothing is
// drawn over it. It is safe for concurrent use by several runs.
type progressView struct {
	w     io.Writer
	now   func() time.Time
	width func() int // the terminal's columns, 0 if unknown; nil: no limit

	total int // sites the crawl runs (0: unknown); more than maxViewLines get a totals line

	mu       sync.Mutex
	order    []string
	state    map[string]harvest.Progress
	first    map[string]int       // a site's place in order
	seen     map[string]time.Time // when a site last reported
	drawn    int                  // lines of the view on screen, the cursor at the end of the last
	last     time.Time
	finished bool // finish was called: writes pass through, updates are ignored
}

// progressEvery is the shortest time between two redraws.
const progressEvery = 250 * time.Millisecond

func newProgressView(w io.Writer, now func() time.Time) *progressView {
	return &progressView{w: w, now: now, state: map[string]harvest.Progress{}, first: map[string]int{}, seen: map[string]time.Time{}}
}

func (p *progressView) update(pr harvest.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	if _, ok := p.state[pr.Site]; !ok {
		p.first[pr.Site] = len(p.order)
		p.order = append(p.order, pr.Site)
	}
	p.state[pr.Site] = pr
	now := p.now()
	p.seen[pr.Site] = now
	if pr.Done || now.Sub(p.last) >= progressEvery {
		p.last = now
		var b bytes.Buffer
		p.erase(&b)
		p.draw(&b)
		p.w.Write(b.Bytes())
	}
}

// Write writes b (a log record) above the view: in one write to the
// terminal, it erases the view's lines, writes b on a line of its own and
// draws the view again below it.
func (p *progressView) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished || p.drawn == 0 {
		return p.w.Write(b)
	}
	var buf bytes.Buffer
	p.erase(&buf)
	buf.Write(b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		buf.WriteByte('\n')
	}
	p.draw(&buf)
	if _, err := p.w.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}

// finish draws the final state and leaves the cursor on the line below it.
// After it the view draws nothing more.
func (p *progressView) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	if len(p.order) > 0 {
		var b bytes.Buffer
		p.erase(&b)
		p.draw(&b)
		b.WriteByte('\n')
		p.w.Write(b.Bytes())
		p.drawn = 0
	}
}

// erase moves the cursor to the start of the view's first line and clears
// from there to the end of the screen.
func (p *progressView) erase(b *bytes.Buffer) {
	if p.drawn == 0 {
		return
	}
	if p.drawn > 1 {
		fmt.Fprintf(b, "\x1b[%dA", p.drawn-1)
	}
	b.WriteString("\r\x1b[J")
	p.drawn = 0
}

// draw writes the view's lines from the cursor, which is at the start of
// an empty line. A line is cut to the terminal's width: a line that wrapped
// would leave the cursor one row lower than erase assumes.
func (p *progressView) draw(b *bytes.Buffer) {
	cols := 0
	if p.width != nil {
		cols = p.width()
	}
	shown := p.order
	if len(shown) > maxViewLines {
		shown = p.busiest(b, cols)
	}
	for i, site := range shown {
		s := p.state[site]
		end := ""
		switch {
		case s.Done && (s.Status == "ok" || s.Status == ""):
			end = " — done"
		case s.Done:
			end = " — " + s.Status
		}
		line := fmt.Sprintf("%s: %d pages, %d not modified, %d reports (%d new, %d new versions), %d errors, %s%s",
			site, s.Pages, s.NotModified, s.Reports, s.NewDocuments, s.NewVersions, s.Errors, byteSize(s.Bytes), end)
		if cols > 0 && textCols(line) > cols-1 {
			// A narrow terminal: the counts that matter most, errors among them.
			line = fmt.Sprintf("%s: %d pages, %d reports, %d new, %d errors, %s%s",
				site, s.Pages, s.Reports, s.NewDocuments+s.NewVersions, s.Errors, byteSize(s.Bytes), end)
		}
		b.WriteString("\r\x1b[K")
		b.WriteString(fitWidth(line, cols-1))
		if i < len(shown)-1 {
			b.WriteByte('\n')
		}
	}
	p.drawn += len(shown)
}

// maxViewLines is how many lines the view takes at most: a crawl of
// thousands of sites at once shows their totals and the sites that last
// made progress, not a line each (which no terminal could redraw in place).
const maxViewLines = 12

// busiest writes the totals line of a view with more sites than
// maxViewLines and returns the sites to show below it: the running ones
// that reported last, in the order they started.
func (p *progressView) busiest(b *bytes.Buffer, cols int) []string {
	var t harvest.Progress
	done, failed := 0, 0
	var running []string
	for _, site := range p.order {
		s := p.state[site]
		t.Pages += s.Pages
		t.Reports += s.Reports
		t.NewDocuments += s.NewDocuments + s.NewVersions
		t.Errors += s.Errors
		t.Bytes += s.Bytes
		switch {
		case s.Done && (s.Status == "ok" || s.Status == ""):
			done++
		case s.Done:
			done++
			failed++
		default:
			running = append(running, site)
		}
	}
	waiting := ""
	if p.total > len(p.order) {
		waiting = fmt.Sprintf(", %d waiting", p.total-len(p.order))
	}
	line := fmt.Sprintf("%d sites: %d done (%d not ok), %d running%s; %d pages, %d reports, %d new, %d errors, %s",
		max(p.total, len(p.order)), done, failed, len(running), waiting, t.Pages, t.Reports, t.NewDocuments, t.Errors, byteSize(t.Bytes))
	b.WriteString("\r\x1b[K")
	b.WriteString(fitWidth(line, cols-1))
	p.drawn = 1
	if len(running) == 0 {
		return nil
	}
	b.WriteByte('\n')
	if len(running) > maxViewLines-1 {
		slices.SortStableFunc(running, func(a, c string) int { return p.seen[c].Compare(p.seen[a]) })
		running = running[:maxViewLines-1]
		slices.SortStableFunc(running, func(a, c string) int { return p.first[a] - p.first[c] })
	}
	return running
}

// fitWidth cuts s to at most cols terminal columns, ending it with "…"
// when cut (two columns are kept for it: it is wide on some CJK
// terminals); cols <= 0 means no limit.
func fitWidth(s string, cols int) string {
	if cols <= 0 || textCols(s) <= cols {
		return s
	}
	used := 0
	for i, r := range s {
		w := runeCols(r)
		if used+w > cols-2 {
			return s[:i] + "…"
		}
		used += w
	}
	return s
}

// textCols is how many terminal columns s takes.
func textCols(s string) int {
	n := 0
	for _, r := range s {
		n += runeCols(r)
	}
	return n
}

// runeCols is how many terminal columns r takes: two for East Asian wide
// and fullwidth characters (Han, fullwidth punctuation), else one.
func runeCols(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
