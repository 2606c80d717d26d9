package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/sites"
)

type sitesAddOptions struct {
	From   string
	Dir    string
	DryRun bool
}

func newSitesAddCommand(g *globalOptions) *cobra.Command {
	var o sitesAddOptions
	cmd := &cobra.Command{
		Use:   "add URL... | --from FILE",
		Short: "Find each portal's report columns from its home page and write a site file for it",
		Long: `For each portal URL (a home page, or any page of the portal), crawl it as
sites try does — discovering the report columns from the page, reading them,
archiving nothing — and print what was found: the columns, and the reports
per year and kind with a sample title. Then write sites_dir/<name>.yaml
(--dir: another directory): the name from the host (www.jn.gov.cn → jn-gov-cn),
the title from the portal (its SiteName meta tag, else its <title>), the
columns found as start (the URL itself when it lists reports), and a comment
naming the page they were found from. An existing file is never overwritten.
A portal where nothing was found gets a line saying why (unreachable, blocked,
no report column seen) and no file.

--from FILE reads the URLs from a file, one a line (blank lines and lines
starting with # are skipped), so a province's portal list becomes site files
in one run; portals are crawled in parallel (max_concurrent_sites), one
request at a time per host. --dry-run prints what would be written.

Each portal is written as soon as it is done. Exit 0 when every portal got a
new file, 5 when one got none (nothing found, or its file exists already), 2
for bad arguments.`,
		Args: cobraArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return runSitesAdd(cmd.Context(), g, o, args) },
	}
	cmd.Flags().StringVar(&o.From, "from", "", "a file of portal URLs, one a line")
	cmd.Flags().StringVar(&o.Dir, "dir", "", "where to write the site files (default: sites_dir)")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "print what would be written; write nothing")
	return cmd
}

// portalAdd is one portal `sites add` was given, and what became of it.
type portalAdd struct {
	url   string
	site  *sites.Site
	sum   harvest.Summary
	found []harvest.Found
	err   error
	file  string // the site file written (or that would be)
	why   string // no file: why
}

func runSitesAdd(ctx context.Context, g *globalOptions, o sitesAddOptions, args []string) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	urls := slices.Clone(args)
	if o.From != "" {
		more, err := readURLList(o.From)
		if err != nil {
			return usageError{err}
		}
		urls = append(urls, more...)
	}
	if len(urls) == 0 {
		return usageError{errors.New("name the portals to add (URL...), or --from FILE")}
	}
	dir := o.Dir
	if dir == "" {
		dir = cfg.SitesPath()
	}
	if !o.DryRun {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return usageError{fmt.Errorf("--dir %s: not a directory", dir)}
		}
	}
	adds := make([]*portalAdd, 0, len(urls))
	byName := map[string]string{} // site name → the URL that has it in this run
	for _, raw := range urls {
		p := &portalAdd{url: raw}
		adds = append(adds, p)
		if p.site, p.err = addSite(raw, cfg.Defaults); p.err != nil {
			continue
		}
		// Known before any request: a file of that name, or an earlier
		// URL of this run with the same host.
		file := filepath.Join(dir, p.site.Name+".yaml")
		if first, ok := byName[p.site.Name]; ok {
			p.err = fmt.Errorf("the same site as %s (%s)", first, file)
		} else if _, err := os.Lstat(file); err == nil {
			p.err = fmt.Errorf("%s exists: not overwritten", file)
		}
		byName[p.site.Name] = raw
	}

	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: cfg.CachePath(os.Getenv), Logger: log})
	defer files.Close()
	deps := harvest.Deps{Logger: log, Crawl: cfg.CrawlOptions(), Files: files, Trigger: "add"}
	// One request at a time per host, across portals.
	limits := cfg.Limits(crawler.FileLimit())
	limits.Share(&deps.Crawl)
	// Each portal is written as soon as it is done: an interrupted run
	// keeps the files of the portals finished before.
	// Workers take the portals in order: one waiting costs its place in
	// the list, not a goroutine.
	todo := make(chan *portalAdd)
	done := make(chan *portalAdd)
	var wg sync.WaitGroup
	for range min(limits.Sites, max(1, len(adds))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range todo {
				switch {
				case p.err != nil:
				case ctx.Err() != nil:
					p.err = ctx.Err()
				default:
					p.sum, p.found, p.err = harvest.TrySite(ctx, p.site, deps)
				}
				done <- p
			}
		}()
	}
	go func() {
		for _, p := range adds {
			todo <- p
		}
		close(todo)
		wg.Wait()
		close(done)
	}()

	failed := 0
	for p := range done {
		if ctx.Err() != nil {
			continue // drained: the portals not finished say nothing
		}
		p.decide(dir)
		if p.file == "" {
			failed++
			fmt.Fprintf(g.stdout, "%s: no file: %s\n", p.url, p.why)
			continue
		}
		content := p.siteFile(time.Now())
		switch _, err := os.Lstat(p.file); {
		case err == nil:
			failed++
			fmt.Fprintf(g.stdout, "%s: %s exists: not overwritten\n", p.url, p.file)
			continue
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
		p.describe(g.stdout)
		if o.DryRun {
			fmt.Fprintf(g.stdout, "would write %s:\n%s", p.file, content)
			continue
		}
		if err := writeNew(p.file, content); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "wrote %s\n", p.file)
	}
	if ctx.Err() != nil {
		return interruptedError{ctx.Err()}
	}
	if failed > 0 {
		return &sitesAddError{failed: failed, total: len(adds)}
	}
	return nil
}

// sitesAddError is a `sites add` in which some portals got no file: exit 5,
// as a crawl whose sites failed.
type sitesAddError struct{ failed, total int }

func (e *sitesAddError) Error() string {
	return fmt.Sprintf("%d of %d portal(s) got no site file (see above)", e.failed, e.total)
}

// readURLList reads a file of URLs, one a line; blank lines and # comments
// are skipped.
func readURLList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

// addSite is the site a portal URL is tried as: named from its host,
// starting at the URL, with config.yaml's defaults.
func addSite(raw string, d sites.Defaults) (*sites.Site, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("not an http(s) URL")
	}
	name := siteName(u.Host)
	site, probs := sites.Parse([]byte("name: "+name+"\nstart: "+strconv.Quote(raw)+"\n"), name+".yaml", d)
	if probs != nil {
		return nil, probs
	}
	return site, nil
}

// siteName names a site after its host: lower case, "www." dropped, every
// character other than a-z and 0-9 a hyphen (www.jn.gov.cn → jn-gov-cn,
// 127.0.0.1:8428 → 127-0-0-1-8428).
func siteName(host string) string {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	var b strings.Builder
	for _, r := range host {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// decide says whether the portal gets a site file and which, or why not.
func (p *portalAdd) decide(dir string) {
	switch {
	case p.err != nil:
		p.why = p.err.Error()
	case p.sum.Status == "failed":
		p.why = p.sum.Error
	case len(p.found) == 0 && len(p.sum.BlockedHosts) > 0:
		p.why = "blocked: the portal answered anti-bot pages (" + strings.Join(p.sum.BlockedHosts, ", ") + ")"
	case len(p.found) == 0:
		p.why = fmt.Sprintf("no report found (%d list page(s), %d discovery page(s) read)", p.sum.ListPages, p.sum.DiscoveryPages)
	default:
		p.file = filepath.Join(dir, p.site.Name+".yaml")
	}
}

// start is what the site file's start lists: the columns discovery found,
// else the URL itself (a list of reports).
func (p *portalAdd) start() []string {
	if len(p.sum.Columns) > 0 {
		return p.sum.Columns
	}
	return []string{p.url}
}

// describe prints what was found: the columns, and the reports per year
// and kind with a sample title.
func (p *portalAdd) describe(w io.Writer) {
	name := p.sum.StartTitle
	if name == "" {
		name = p.site.Name
	}
	fmt.Fprintf(w, "%s: %s, %d report(s)", p.url, name, len(p.found))
	switch {
	case len(p.sum.Columns) > 0:
		fmt.Fprintf(w, " in %d column(s) found in %d discovery page(s)", len(p.sum.Columns), p.sum.DiscoveryPages)
	case p.sum.SearchQueries > 0:
		fmt.Fprintf(w, " found through the portal's search (%d queries)", p.sum.SearchQueries)
	}
	fmt.Fprintln(w)
	for _, c := range p.sum.Columns {
		fmt.Fprintf(w, "  column: %s\n", c)
	}
	type key struct {
		year int
		kind string
	}
	count := map[key]int{}
	sample := map[key]string{}
	var keys []key
	for _, f := range p.found {
		k := key{f.Year, f.Kind}
		if count[k] == 0 {
			keys = append(keys, k)
			sample[k] = f.Title
		}
		count[k]++
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.year != b.year {
			return b.year - a.year
		}
		return strings.Compare(a.kind, b.kind)
	})
	for _, k := range keys {
		year := "-"
		if k.year > 0 {
			year = strconv.Itoa(k.year)
		}
		fmt.Fprintf(w, "  %s %s: %d, e.g. %s\n", year, k.kind, count[k], sample[k])
	}
}

// siteFile is the site file written for the portal.
func (p *portalAdd) siteFile(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by `nianbao sites add` on %s from %s:\n", now.Format("2006-01-02"), p.url)
	switch {
	case len(p.sum.Columns) > 0:
		fmt.Fprintf(&b, "# %d report column(s) found from that page, %d report(s) in them. To look for\n# columns again, put that page back in start.\n", len(p.sum.Columns), len(p.found))
	case p.sum.SearchQueries > 0:
		fmt.Fprintf(&b, "# %d report(s) found through the portal's own search from that page, which\n# stays the start page: each run looks for its columns and searches again.\n", len(p.found))
	case len(p.found) == 1 && p.found[0].URL == p.url:
		b.WriteString("# the URL is a report itself.\n")
	default:
		fmt.Fprintf(&b, "# the page lists %d report(s) itself.\n", len(p.found))
	}
	fmt.Fprintf(&b, "name: %s\n", p.site.Name)
	if p.sum.StartTitle != "" {
		fmt.Fprintf(&b, "title: %s\n", strconv.Quote(p.sum.StartTitle))
	}
	b.WriteString("start:\n")
	for _, s := range p.start() {
		fmt.Fprintf(&b, "  - %s\n", strconv.Quote(s))
	}
	return b.String()
}

// writeNew writes a new file whole or not at all, and never over one that
// appeared meanwhile: a temporary file, synced, then linked to its name
// (which fails if the name is taken) — the daemon, which reads sites_dir,
// never sees half a site file.
func writeNew(path, content string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".add-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Link(f.Name(), path)
}
