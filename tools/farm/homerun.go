package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// HomeReport is the home-page mode's measure: the same farm crawled twice
// (first run, re-run) configured by list page (today's site files), and
// twice configured by home page only (discovery finds the column).
type HomeReport struct {
	List, ListRe, Home, HomeRe *CrawlReport
	// Served are the requests the farm served during each run, in the
	// order above: what a run really cost the portals, 404s included.
	Served [4]ServerStats `json:"served"`
	// Missed are the portals where the home-page configuration archived
	// fewer documents than the list-page one, with their shape.
	Missed []MissedPortal `json:"missed,omitempty"`
	// ByDepth counts, per depth of the report column, the portals and
	// those missed.
	ByDepth map[int][2]int `json:"by_depth"`
}

// MissedPortal is a portal whose reports discovery did not all find.
type MissedPortal struct {
	Portal         int      `json:"portal"`
	Depth          int      `json:"depth"`
	Name           string   `json:"name"`   // the link text of its report column
	Column         string   `json:"column"` // the report column's first page
	ListReports    int      `json:"list_reports"`
	HomeReports    int      `json:"home_reports"`
	ListDocs       int      `json:"list_docs"` // new documents + new sources
	HomeDocs       int      `json:"home_docs"`
	DiscoveryPages int      `json:"discovery_pages"`
	Columns        []string `json:"columns_found,omitempty"`
}

// farmStats reads (and resets) the requests the farm has served.
func farmStats(f *Farm) (ServerStats, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(f.BaseURL(0) + statsPath)
	if err != nil {
		return ServerStats{}, fmt.Errorf("farm stats: %w", err)
	}
	defer resp.Body.Close()
	var st ServerStats
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		return ServerStats{}, fmt.Errorf("farm stats %s: %w", f.BaseURL(0)+statsPath, err)
	}
	return st, nil
}

// runHome crawls the farm configured by list page and by home page, first
// run and re-run each, counting what the farm served for each run. conc is
// max_concurrent_sites (0: the config's default).
func runHome(self, work string, f *Farm, conc int) (*HomeReport, error) {
	cfg := crawlConfigYAML("sites", conc, 0)
	ldir, hdir := filepath.Join(work, "crawl-list"), filepath.Join(work, "crawl-home")
	if err := writeSites(ldir, cfg, f.Portals, func(i int) string { return f.BaseURL(i) + f.ListURL(i, 0) }); err != nil {
		return nil, err
	}
	if err := writeSites(hdir, cfg, f.Portals, f.HomeURL); err != nil {
		return nil, err
	}
	h := &HomeReport{ByDepth: map[int][2]int{}}
	if _, err := farmStats(f); err != nil { // reset
		return nil, err
	}
	runs := []struct {
		name, dir string
		out       **CrawlReport
	}{
		{"list-page", ldir, &h.List}, {"list-page re-run", ldir, &h.ListRe},
		{"home-page", hdir, &h.Home}, {"home-page re-run", hdir, &h.HomeRe},
	}
	for k, r := range runs {
		*r.out = crawlChild(self, work, strings.ReplaceAll(r.name, " ", "-"), filepath.Join(r.dir, "config.yaml"), false, false)
		st, err := farmStats(f)
		if err != nil {
			return nil, err
		}
		h.Served[k] = st
	}
	// A portal is missed when its home-page run found fewer report links,
	// or archived fewer documents and sources (the farm serves the same
	// attachment bytes on every portal: which portal's copy is a new
	// document and which a new source of it depends on the order of the
	// runs, so they are counted together).
	list := map[string]SiteResult{}
	for _, s := range h.List.Result.PerSite {
		list[s.Site] = s
	}
	for _, s := range h.Home.Result.PerSite {
		var i int
		if _, err := fmt.Sscanf(s.Site, "farm-%d", &i); err != nil {
			continue
		}
		d := f.ColumnDepth(i)
		c := h.ByDepth[d]
		c[0]++
		l := list[s.Site]
		if s.Reports < l.Reports || s.NewDocuments+s.NewSources < l.NewDocuments+l.NewSources {
			c[1]++
			h.Missed = append(h.Missed, MissedPortal{Portal: i, Depth: d, Name: f.ColumnName(i), Column: f.ListURL(i, 0),
				ListReports: l.Reports, HomeReports: s.Reports, ListDocs: l.NewDocuments + l.NewSources, HomeDocs: s.NewDocuments + s.NewSources,
				DiscoveryPages: s.DiscoveryPages, Columns: s.Columns})
		}
		h.ByDepth[d] = c
	}
	sort.Slice(h.Missed, func(a, b int) bool { return h.Missed[a].Portal < h.Missed[b].Portal })
	return h, nil
}

// printHome prints the home-page mode's table.
func printHome(w io.Writer, f *Farm, h *HomeReport) {
	n := float64(max(1, f.Portals))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "configured by\trun\treports found\tdocs+sources archived\trequests/portal\t200s\t304s\t404s\tdiscovery pages/portal\twall s\tCPU s\tpeak RSS MB\terrors\t")
	for k, c := range []*CrawlReport{h.List, h.ListRe, h.Home, h.HomeRe} {
		cfg, run := "list page", "first"
		if k >= 2 {
			cfg = "home page"
		}
		if k%2 == 1 {
			run = "re-run"
		}
		st := h.Served[k]
		errs := 0
		for _, v := range c.Result.Errors {
			errs += v
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.0f\t%d\t\n", cfg, run, c.Result.Reports, c.Result.NewDocuments+c.Result.NewSources,
			float64(st.Total())/n, st.OK, st.NotModified, st.NotFound, float64(c.Result.DiscoveryPages)/n,
			c.Proc.WallSeconds, c.Proc.CPUSeconds, c.Proc.PeakRSSMB, errs)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nrequests are what the farm served during the run (robots.txt not counted); reports found = report links a run found (summary reports_found); docs+sources = new documents + new sources archived.\n")
	lr, hr := h.List.Result.Reports, h.Home.Result.Reports
	ld, hd := h.List.Result.NewDocuments+h.List.Result.NewSources, h.Home.Result.NewDocuments+h.Home.Result.NewSources
	fmt.Fprintf(w, "share found: configured by home page, the first run found %d of the %d report links the list-page configuration found (%.1f%%) and archived %d of its %d documents+sources (%.1f%%); %d of %d portals missed some\n",
		hr, lr, 100*ratio(float64(hr), float64(lr)), hd, ld, 100*ratio(float64(hd), float64(ld)), len(h.Missed), f.Portals)
	depths := []int{}
	for d := range h.ByDepth {
		depths = append(depths, d)
	}
	sort.Ints(depths)
	for _, d := range depths {
		c := h.ByDepth[d]
		fmt.Fprintf(w, "  report column %d click(s) below the home page: %d portals, %d missed some\n", d, c[0], c[1])
	}
	for _, m := range h.Missed {
		fmt.Fprintf(w, "  missed: portal %d (depth %d, link %q → %s): %d of %d reports, %d of %d docs+sources, %d discovery pages, columns found %v\n",
			m.Portal, m.Depth, m.Name, m.Column, m.HomeReports, m.ListReports, m.HomeDocs, m.ListDocs, m.DiscoveryPages, m.Columns)
	}
	for _, c := range []*CrawlReport{h.List, h.ListRe, h.Home, h.HomeRe} {
		if c.Error != "" {
			fmt.Fprintf(w, "  ERROR %s: %s\n", c.Name, c.Error)
		}
		for _, e := range c.Result.FirstErrors {
			fmt.Fprintf(w, "  %s: %s\n", c.Name, e)
		}
	}
}
