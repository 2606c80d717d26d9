package harvest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

func TestRunSiteWritesWARC(t *testing.T) {
	page := func(title string) []byte {
		return []byte(`<html><head><meta name="ArticleTitle" content="` + title + `"></head><body><div class="TRS_Editor"><p>` +
			strings.Repeat("本年度法治政府建设各项工作稳步推进。", 5) + `</p></div></body></html>`)
	}
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul><li><a href="a.html">2023年法治政府建设年度报告</a></li>
<li><a href="b.html">2022年法治政府建设年度报告</a></li></ul></body></html>`)},
		"c/a.html": {Data: page("2023年法治政府建设年度报告")},
		"c/b.html": {Data: page("2022年法治政府建设年度报告")},
	})
	site := testSite(t, srv, "")
	dir := t.TempDir()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "nianbao-test"}, WARC: true}
	sum, err := harvest.RunSite(context.Background(), site, deps)
	if err != nil || sum.NewDocuments != 2 || !strings.HasPrefix(sum.WARC, "_warc/t/") {
		t.Fatalf("run: %+v, %v", sum, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, sum.WARC))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data)) // reads every member in turn
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	text := string(all)
	for _, want := range []string{"WARC-Type: warcinfo\r\n", "WARC-Target-URI: " + srv.URL + "/c/a.html\r\n",
		"WARC-Target-URI: " + srv.URL + "/c/b.html\r\n", "User-Agent: nianbao-test\r\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("WARC file lacks %q", want)
		}
	}
	if n := strings.Count(text, "WARC-Type: response\r\n"); n != 2 {
		t.Errorf("%d response records, want 2", n)
	}
	// Each response's metadata record says which report it is.
	rs, err := a.Reports(context.Background(), archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text, "WARC-Type: metadata\r\n"); n != 2 || len(rs) != 2 {
		t.Errorf("%d metadata records, %d reports; want 2, 2", n, len(rs))
	}
	for _, r := range rs {
		if !strings.Contains(text, "nianbao-report: "+r.ID+"\r\n") || !strings.Contains(text, "nianbao-doc: "+r.ID+"\r\n") {
			t.Errorf("no metadata record names report %s", r.ID)
		}
	}
	// Nothing new, no WARC file.
	if sum, err := harvest.RunSite(context.Background(), site, deps); err != nil || sum.WARC != "" {
		t.Errorf("unchanged run: warc %q, %v", sum.WARC, err)
	}
	a.Close()
	archivetest.Check(t, dir)
}
