package harvest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

// TrySite reads a site as a run would and archives nothing: every report
// page it would archive (one per report page fetched: a repost too), with its
// year, kind, length and first line; the link robots.txt forbids among the
// skips. Without an archive at all.
func TestTrySite(t *testing.T) {
	srv := portaltest.NewPortal(t)
	site, probs := sites.Parse([]byte("name: jinnan\ndelay: 0s\nstart:\n  - "+srv.URL+"/fzzfjs/\n  - "+srv.URL+"/tzgg/\n  - "+
		srv.URL+"/xxgk/list.jsp?page=1\n"), "jinnan.yaml", sites.Defaults{Timeout: 10e9, MaxPages: 20})
	if probs != nil {
		t.Fatal(probs)
	}
	sum, found, err := harvest.TrySite(context.Background(), site, harvest.Deps{Crawl: crawler.Options{UserAgent: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != "ok" || sum.Skipped[crawler.SkipRobots] != 1 || len(found) != sum.ReportsFound || len(found) < 6 {
		t.Fatalf("summary %+v, %d found", sum, len(found))
	}
	for _, f := range found {
		if f.From != "page" || f.TextStatus != "ok" || f.Year < 2019 || (f.Kind != "fzzf" && f.Kind != "xxgk") ||
			f.Chars < 100 || f.FirstLine == "" || strings.Contains(f.FirstLine, f.Title) || !strings.HasPrefix(f.URL, srv.URL) {
			t.Errorf("found %+v", f)
		}
	}

	// A dead site: failed, with its cause, and nothing found.
	dead, _ := sites.Parse([]byte("name: dead\ndelay: 0s\nstart: http://"+portaltest.ClosedAddr(t)+"/\n"), "dead.yaml",
		sites.Defaults{Timeout: 10e9, MaxPages: 20})
	sum, found, err = harvest.TrySite(context.Background(), dead, harvest.Deps{Crawl: crawler.Options{UserAgent: "t", Backoff: 1}})
	if err != nil || sum.Status != "failed" || !strings.Contains(sum.Error, "connection refused") || len(found) != 0 {
		t.Errorf("dead site: %+v, %v, %v", sum, found, err)
	}
}
