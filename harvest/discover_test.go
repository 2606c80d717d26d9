package harvest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/internal/strictyaml"
	"github.com/nianbao/nianbao/sites"
)

// A site file naming only a portal's home page archives the portal's
// reports: the run finds the report columns (named in its summary and its
// run record) and reads them as list pages. A home page with no way to a
// report column fails, saying so.
func TestRunSiteFromHomePage(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	site := parseSite(t, "name: home\ndelay: 0s\nstart: "+srv.URL+"/\n")
	dir := t.TempDir()
	a := openArchive(t, dir)
	sum, err := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range sum.Columns {
		cols = append(cols, strings.TrimPrefix(c, srv.URL))
	}
	if sum.Status != "ok" || sum.NewDocuments != len(portaltest.HomeReports) || !slices.Equal(cols, portaltest.HomeColumns) ||
		sum.DiscoveryPages == 0 || sum.DiscoveryPages > sites.DefaultDiscoverPages || sum.ErrorCount() != 0 {
		t.Errorf("summary %+v (columns %v)", sum, cols)
	}
	var got []string
	for _, v := range archivetest.Check(t, dir) {
		got = append(got, strings.TrimPrefix(v.URL, srv.URL))
	}
	slices.Sort(got)
	want := slices.Clone(portaltest.HomeReports)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("archived %v, want %v", got, want)
	}
	runs, err := a.Runs(context.Background(), "home", 1)
	if err != nil || len(runs) != 1 {
		t.Fatal(runs, err)
	}
	if rs, ok := runs[0].Summary.(map[string]any); !ok || len(rs["columns"].([]any)) != len(portaltest.HomeColumns) {
		t.Errorf("run record's summary: %v", runs[0].Summary)
	}

	// Nothing to find from a page of scripts: failed, and why.
	srv.Set("/js.html", []byte(`<html><head><title>示范县人民政府</title><script src="/app.js"></script></head><body><div id="app"></div></body></html>`))
	js := parseSite(t, "name: js\ndelay: 0s\nstart: "+srv.URL+"/js.html\n")
	sum, err = harvest.RunSite(context.Background(), js, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}})
	if err != nil || sum.Status != "failed" || !strings.Contains(sum.Error, "no report column found") {
		t.Errorf("a page of scripts: %+v, %v", sum, err)
	}
}

// A portal whose report columns are filled by script: its own search form
// finds the reports, and the run archives them and counts the queries.
func TestRunSiteThroughSearch(t *testing.T) {
	srv := portaltest.NewSearchPortal(t)
	site := parseSite(t, "name: s\ndelay: 0s\nstart: "+srv.URL+"/\n")
	dir := t.TempDir()
	a := openArchive(t, dir)
	sum, err := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != "ok" || sum.SearchQueries == 0 || sum.NewDocuments != len(portaltest.SearchReports) || sum.ErrorCount() != 0 {
		t.Errorf("summary %+v", sum)
	}
	archivetest.Check(t, dir)
}

// The report columns a run discovered are remembered: later runs read them
// as list pages and neither discover again nor read the home page they were
// found from — until rediscover_after has passed, or until a remembered
// column lists no report any more.
func TestRunSiteRemembersColumns(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	site := parseSite(t, "name: home\ndelay: 0s\nstart: "+srv.URL+"/\n")
	a := openArchive(t, t.TempDir())
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	run := func() harvest.Summary {
		t.Helper()
		now = now.Add(24 * time.Hour)
		sum, err := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"},
			Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	first := run()
	if first.DiscoveryPages == 0 || len(first.Columns) != len(portaltest.HomeColumns) {
		t.Fatalf("first run: %+v", first)
	}
	hub, home := srv.Count("/zwgk/"), srv.Count("/")
	for day := 2; day <= 7; day++ {
		sum := run()
		if sum.Status != "ok" || sum.DiscoveryPages != 0 || len(sum.Columns) != len(portaltest.HomeColumns) || sum.NewDocuments != 0 {
			t.Errorf("day %d: %+v", day, sum)
		}
	}
	if n := srv.Count("/zwgk/"); n != hub {
		t.Errorf("the 政务公开 hub was read %d more times after the first run", n-hub)
	}
	if n := srv.Count("/"); n != home {
		t.Errorf("the home page was read %d more times while its columns listed reports", n-home)
	}
	// A week after the run that discovered: discovery again.
	if sum := run(); sum.DiscoveryPages == 0 || len(sum.Columns) != len(portaltest.HomeColumns) {
		t.Errorf("after a week: %+v", sum)
	}
	// A remembered column that lists nothing any more: discovery at once.
	if sum := run(); sum.DiscoveryPages != 0 {
		t.Errorf("the day after rediscovery: %+v", sum)
	}
	home = srv.Count("/")
	srv.Set(portaltest.HomeColumns[1], []byte(`<html><head><title>栏目</title></head><body><ul></ul></body></html>`))
	if sum := run(); sum.Status != "ok" || sum.DiscoveryPages == 0 || len(sum.DiscoveredFrom) != 1 {
		t.Errorf("a dead column: %+v", sum)
	}
	if srv.Count("/") != home+1 {
		t.Errorf("a dead column: the home page was read %d times, want once", srv.Count("/")-home)
	}
}

// rediscover_after, in a site file or config.yaml's defaults, sets how
// long the found columns stand for discovery.
func TestRunSiteRediscoverAfter(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	site, probs := sites.Parse([]byte("name: home\ndelay: 0s\nrediscover_after: 36h\nstart: "+srv.URL+"/\n"), "home.yaml",
		sites.Defaults{Timeout: 10e9, MaxPages: 20, RediscoverAfter: strictyaml.Duration(1000 * time.Hour)})
	if probs != nil {
		t.Fatal(probs)
	}
	a := openArchive(t, t.TempDir())
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	var discovered []int
	for day := 1; day <= 5; day++ {
		sum, err := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"},
			Now: func() time.Time { return now }})
		if err != nil || sum.Status != "ok" {
			t.Fatal(err, sum)
		}
		if sum.DiscoveryPages > 0 {
			discovered = append(discovered, day)
		}
		now = now.Add(24 * time.Hour)
	}
	if want := []int{1, 3, 5}; !slices.Equal(discovered, want) {
		t.Errorf("discovered on days %v, want %v (every 36 hours)", discovered, want)
	}
}
