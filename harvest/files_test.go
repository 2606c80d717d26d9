package harvest_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

// TestRunSiteArchivesFiles crawls the files portal: reports published as
// PDF, DOCX, DOC, WPS and OFD, linked from lists and from report pages.
func TestRunSiteArchivesFiles(t *testing.T) {
	srv := portaltest.NewFilesPortal(t)
	srv.SetConditional(true)
	site := filesPortalSite(t, srv)
	dir := t.TempDir()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	deps := filesDeps(t, a)
	files := deps.Files
	ctx := context.Background()

	sum, err := harvest.RunSite(ctx, site, deps)
	if err != nil {
		t.Fatal(err)
	}
	// 3 pages and 7 files: 7 reports (a page with the report inline, a
	// DOCX, a DOC and a WPS of different reports on two stub pages, a PDF,
	// a scan and an OFD linked from the list), the PDF of the inline
	// report a rendition of it, the two stub pages listings; one PDF,
	// linked again under another name and served as text/html, is a new
	// source of one of them. The ZIP is not a file nianbao reads: it is not
	// fetched.
	if sum.NewDocuments != 7 || sum.NewRenditions != 1 || sum.NewListings != 2 || sum.NewSources != 1 || sum.Files != 8 || sum.FilesSameAsPage != 1 ||
		sum.FilesWithoutText["no_text_layer"] != 1 || sum.Skipped[crawler.SkipOffsite] != 1 || len(sum.Skipped) != 1 ||
		sum.ErrorCount() != 0 {
		t.Errorf("first run: %+v", sum)
	}

	// Report links are fetched in an order that changes between runs, so
	// the copy of a file met first is its document's URL: versions are
	// found by any of their document's sources.
	byPath := map[string]archive.Version{}
	vers := archivetest.Check(t, dir)
	for _, v := range vers {
		byPath[strings.TrimPrefix(v.URL, srv.URL)] = v
	}
	for _, v := range vers {
		d, err := a.Doc(ctx, v.Doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range d.Sources {
			if p := strings.TrimPrefix(s.URL, srv.URL); byPath[p].Doc == "" {
				byPath[p] = v
			}
		}
	}
	text := func(p string) string {
		v, ok := byPath[p]
		if !ok {
			t.Fatalf("%s not archived (have %d versions)", p, len(byPath))
		}
		b, err := a.ReadText(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	page := byPath["/fzzf/202403/t20240301_4001.html"]
	// name and listedOn may list alternatives, split by "|": which copy
	// of a file posted twice is met first depends on the run's order.
	tests := []struct {
		path, typ, name, status, kind string
		year                          int
		listedOn                      string
		contains                      string
	}{
		{"/fzzf/202403/P020240301123456789.pdf", "pdf", "P020240301123456789.pdf", "ok", "fzzf", 2023,
			"/fzzf/202403/t20240301_4001.html", "依法纠错率为12.4%"},
		{"/fzzf/202403/P020240302000000001.docx", "docx", "P020240302000000001.docx", "ok", "xxgk", 2023,
			"/fzzf/202403/t20240302_4002.html", "一、本年新收政府信息公开申请数量\t152\t11\t2\t165"},
		{"/fzzf/202303/P020230301000000003.pdf", "pdf", "P020230301000000003.pdf|P020220301000000008.pdf", "ok", "fzzf", 2022,
			"|/fzzf/202203/t20220301_4005.html", "调解成功率98.1%"},
		{"/fzzf/downfile.jsp?fileid=4004", "ofd", "江北区2022年度法治政府建设情况报告.ofd", "ok", "fzzf", 2022, "", ""},
		{"/fzzf/202203/P020220301000000005.doc", "doc", "江北区2021年度法治政府建设情况报告.doc", "ok", "fzzf", 2021,
			"/fzzf/202203/t20220301_4005.html", "累计办理告知承诺事项1.6万件"},
		{"/fzzf/202203/P020220301000000006.wps", "wps", "P020220301000000006.wps", "ok", "fzzf", 2021,
			"/fzzf/202203/t20220301_4005.html", "行政复议\t76\t74\t9"},
		{"/fzzf/202103/P020210301000000007.pdf", "pdf", "P020210301000000007.pdf", "no_text_layer", "fzzf", 2020, "", ""},
	}
	for _, tt := range tests {
		v, ok := byPath[tt.path]
		if !ok || v.File == nil {
			t.Errorf("%s: not archived as a file: %+v", tt.path, v)
			continue
		}
		f := v.File
		if f.Type != tt.typ || !slices.Contains(strings.Split(tt.name, "|"), f.Name) || f.TextStatus != tt.status || v.Kind != tt.kind || v.Year != tt.year ||
			!slices.Contains(strings.Split(tt.listedOn, "|"), strings.TrimPrefix(f.ListedOn, srv.URL)) || v.Raw == nil || v.Raw.Bytes == 0 {
			t.Errorf("%s: version %+v, file %+v", tt.path, v, f)
		}
		if got := text(tt.path); !strings.Contains(got, tt.contains) || (tt.status != "ok") != (got == "") {
			t.Errorf("%s: text %q does not hold %q", tt.path, got, tt.contains)
		}
	}
	if same := byPath["/fzzf/202403/P020240301123456789.pdf"].File.SameTextAs; same == nil || same.Doc != page.Doc || same.Similarity < 0.9 {
		t.Errorf("the PDF of the inline report was not noticed as the same text: %+v (page doc %s)", same, page.Doc)
	}
	if f := byPath["/fzzf/202403/P020240301123456789.pdf"].File; f.ListedOnDoc != page.Doc {
		t.Errorf("listed_on_doc %q, want the page's %q", f.ListedOnDoc, page.Doc)
	}
	if d, err := a.Doc(ctx, byPath["/fzzf/202303/P020230301000000003.pdf"].Doc); err != nil || len(d.Sources) != 2 {
		t.Errorf("the PDF served again as text/html is not a second source: %+v, %v", d.Sources, err)
	}

	// Nothing changed: the pages answer 304, their files are not asked for
	// again, and the files linked from the list answer 304 too.
	again, err := harvest.RunSite(ctx, site, deps)
	if err != nil {
		t.Fatal(err)
	}
	if again.NewDocuments != 0 || again.NewVersions != 0 || again.NewSources != 0 || again.NotModified != 6 || again.ErrorCount() != 0 {
		t.Errorf("second run: %+v", again)
	}
	archivetest.Check(t, dir)

	// Today's readers read the kept files to the same texts.
	rs, err := harvest.Reextract(ctx, a, []*sites.Site{site}, "jb", files, nil, nil)
	if err != nil || rs.Documents != 10 || rs.Unchanged != 10 || rs.NewVersions != 0 || rs.Failed != 0 {
		t.Errorf("reextract: %+v, %v", rs, err)
	}
}

// filesPortalSite is the site file of the files portal's report column.
func filesPortalSite(t *testing.T, srv *portaltest.Server) *sites.Site {
	t.Helper()
	site, probs := sites.Parse([]byte("name: jb\nstart: "+srv.URL+"/fzzf/\ndelay: 0s\n"), "jb.yaml",
		sites.Defaults{Timeout: 10e9, MaxPages: 5})
	if probs != nil {
		t.Fatal(probs)
	}
	return site
}

// filesDeps are a run's dependencies with a file reader, closed when the
// test ends.
func filesDeps(t *testing.T, a *archive.Archive) harvest.Deps {
	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: pdfCache})
	t.Cleanup(func() { files.Close() })
	return harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}, Files: files}
}

// TestRunSiteReadsEachFileOnce counts the files a run reads. The crawler
// can hand over one file twice in a run — linked from the list and from a
// report page, or through a redirect and directly — and a portal that
// sends no validators gives the same bytes again on every run. Reading is
// the costly step (a PDF engine, seconds of CPU), and the same bytes give
// the same text: each file must be read once, and not again while it is
// unchanged.
func TestRunSiteReadsEachFileOnce(t *testing.T) {
	doc, err := fs.ReadFile(portaltest.Files(), "fzzf/202203/P020220301000000005.doc")
	if err != nil {
		t.Fatal(err)
	}
	page := func(body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`<html><head><title>2023年法治政府建设年度报告</title></head><body><div class="TRS_Editor">` +
			strings.Repeat("<p>本年度法治政府建设取得积极成效,各项工作稳步推进。</p>", 4) + body + `</div></body></html>`)}
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"linked from the list and from a report page", fstest.MapFS{
			"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="a.html">2023年法治政府建设年度报告</a></li>
<li><a href="report.doc">2023年法治政府建设年度报告（Word版）</a></li></ul></body></html>`)},
			"c/a.html":     page(`<p>附件：<a href="report.doc">2023年法治政府建设年度报告.doc</a></p>`),
			"c/report.doc": {Data: doc},
		}},
		{"through a redirect and directly", fstest.MapFS{
			"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="a.html">2023年法治政府建设年度报告</a></li>
<li><a href="b.html">2023年度法治政府建设情况报告</a></li></ul></body></html>`)},
			"c/a.html":          page(`<p>附件：<a href="down.jsp?id=1">2023年法治政府建设年度报告.doc</a></p>`),
			"c/b.html":          page(`<p>原文：<a href="report.doc">2023年法治政府建设年度报告.doc</a></p>`),
			"c/down.jsp%3Fid=1": {Data: []byte(`<!-- portaltest: status=302 location="/c/report.doc" -->` + "\n")},
			"c/report.doc":      {Data: doc},
		}},
		{"the same bytes at two URLs", fstest.MapFS{
			"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="a.html">2023年法治政府建设年度报告</a></li>
<li><a href="b.html">2023年度法治政府建设情况报告</a></li></ul></body></html>`)},
			"c/a.html":       page(`<p>附件：<a href="report.doc">2023年法治政府建设年度报告.doc</a></p>`),
			"c/b.html":       page(`<p>原文：<a href="/files/copy.doc">2023年法治政府建设年度报告.doc</a></p>`),
			"c/report.doc":   {Data: doc},
			"files/copy.doc": {Data: doc},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := portaltest.NewServer(t, tc.fsys)
			a := openArchive(t, t.TempDir())
			files := attachment.NewReader(attachment.ReaderConfig{})
			defer files.Close()
			deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}, Files: files}
			for run := 1; run <= 2; run++ {
				sum, err := harvest.RunSite(context.Background(), testSite(t, srv, ""), deps)
				if err != nil || sum.ErrorCount() != 0 {
					t.Fatalf("run %d: %+v, %v", run, sum, err)
				}
				// Downloaded once per run under each URL it has.
				if got := srv.Count("/c/report.doc"); got != run {
					t.Errorf("run %d: the file was fetched %d times in all", run, got)
				}
				if n := files.FilesRead(); n != 1 {
					t.Errorf("after run %d (the file fetched %d times in all): %d readings, want 1", run, srv.Count("/c/report.doc"), n)
				}
			}
			vs, err := a.Versions(context.Background(), archive.Filter{Site: "t"})
			if err != nil {
				t.Fatal(err)
			}
			fileVersions := 0
			for _, v := range vs {
				if v.File != nil {
					fileVersions++
					if v.File.TextStatus != "ok" {
						t.Errorf("%s: text status %s", v.URL, v.File.TextStatus)
					}
				}
			}
			if fileVersions != 1 {
				t.Errorf("%d file versions archived, want 1: %+v", fileVersions, vs)
			}
		})
	}
}
