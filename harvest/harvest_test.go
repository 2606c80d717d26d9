package harvest_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

func TestRunSite(t *testing.T) {
	body := strings.Repeat("<p>本年度法治政府建设取得积极成效,各项工作稳步推进,群众满意度持续提升。</p>", 6)
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="a.html">2023年法治政府建设年度报告</a></li>
<li><a href="shell.html">2022年法治政府建设年度报告</a></li></ul></body></html>`)},
		"c/a.html": {Data: []byte(`<html><head><title>2023年法治政府建设年度报告</title></head><body><div class="TRS_Editor">` + body + `</div></body></html>`)},
		// A page rendered by JavaScript: a title and nothing else.
		"c/shell.html": {Data: []byte(`<html><head><title>2022年法治政府建设年度报告</title><script src="/app.js"></script></head><body><div id="app"></div></body></html>`)},
	})
	site := testSite(t, srv, "")
	dir := t.TempDir()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}, Now: func() time.Time { now = now.Add(time.Second); return now }}

	sum, err := harvest.RunSite(context.Background(), site, deps)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != "ok" || sum.ReportsFound != 2 || sum.NewDocuments != 1 || sum.Errors[harvest.ErrEmpty] != 1 {
		t.Errorf("summary %+v", sum)
	}
	sum, err = harvest.RunSite(context.Background(), site, deps)
	if err != nil || sum.Unchanged != 1 || sum.NewDocuments != 0 {
		t.Errorf("second run: %+v, %v", sum, err)
	}
	// Two sites starting in the same millisecond get records of their own.
	other := *site
	other.Name = "u"
	fixed := func() time.Time { return time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC) }
	s1, err1 := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: deps.Crawl, Now: fixed})
	s2, err2 := harvest.RunSite(context.Background(), &other, harvest.Deps{Archive: a, Crawl: deps.Crawl, Now: fixed})
	if err1 != nil || err2 != nil || s1.RunID == s2.RunID {
		t.Errorf("same-millisecond runs: ids %q and %q (%v, %v)", s1.RunID, s2.RunID, err1, err2)
	}
	runs, err := a.Runs(context.Background(), "t", 10)
	if err != nil || len(runs) != 3 || runs[0].Status != "ok" || runs[0].StartedAt.Before(runs[1].StartedAt) {
		t.Errorf("runs %+v, %v", runs, err)
	}
	a.Close()
	if vers := archivetest.Check(t, dir); len(vers) != 1 || vers[0].Title != "2023年法治政府建设年度报告" {
		t.Errorf("archive: %+v", vers)
	}

	// An archive that cannot be written fails the run.
	ro, err := archive.Open(dir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	deps.Archive = ro
	sum, err = harvest.RunSite(context.Background(), site, deps)
	if err == nil || sum.Status != "failed" {
		t.Errorf("read-only archive: status %s, err %v", sum.Status, err)
	}
}
