package harvest_test

import (
	"context"
	"fmt"
	"html"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// formsPage is a portal's article page (the files portal's template): a
// title, paragraphs of text, and attachment links (href, name).
func formsPage(title, published string, paras []string, files ...[2]string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="ArticleTitle" content="%[1]s"><meta name="PubDate" content="%[2]s"><meta name="ContentSource" content="江北区司法局">
<title>%[1]s_江北区人民政府</title></head><body>
<div class="header"><h1 class="logo">江北区人民政府</h1></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/c/">法治政府建设</a></li></ul>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/c/">法治政府建设</a> &gt; 正文</div>
<div class="article"><h2 class="title">%[1]s</h2>
<div class="info">发布时间：%[2]s　来源：江北区司法局</div>
<div class="TRS_Editor">`, html.EscapeString(title), published)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</div><div class="fj">`)
	for i, f := range files {
		fmt.Fprintf(&b, `<p>附件%d：<a href="%s">%s</a></p>`, i+1, f[0], html.EscapeString(f[1]))
	}
	b.WriteString(`</div></div><div class="footer"><p>主办单位：重庆市江北区人民政府办公室　网站标识码：5001050001</p></div></body></html>`)
	return []byte(b.String())
}

// TestRunSiteOneRecordPerReport crawls a portal that publishes its reports
// in several forms: one report is one document, whatever forms it came in.
//   - a stub page (现将…予以公开) with the report's PDF and DOCX: one report,
//     two renditions, the DOCX's text; the page its listing, no report;
//   - a page with the report inline and its PDF: one report, two
//     renditions, the page's text;
//   - a stub page with two different reports attached: two reports;
//   - a stub page with a scan and the DOCX of one report: one report, the
//     DOCX's text;
//   - the PDF of the first replaced by other bytes with the same text: the
//     file kept as its rendition's next version, no new report version.
func TestRunSiteOneRecordPerReport(t *testing.T) {
	ctx := context.Background()
	files := portaltest.Files()
	read := func(name string) []byte {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dir := t.TempDir()
	a := openArchive(t, dir)
	deps := filesDeps(t, a)
	pdfText := func(b []byte) string {
		tx, err := deps.Files.Text(ctx, attachment.KindPDF, b)
		if err != nil || tx.Text == "" {
			t.Fatalf("reading a fixture PDF: %v (%s)", err, tx.Status)
		}
		return tx.Text
	}
	aPDF := read("fzzf/202403/P020240301123456789.pdf")                  // 江北区人民政府2023年度法治政府建设情况报告
	cPDF := read("fzzf/202303/P020230301000000003.pdf")                  // 江北区司法局2022年度法治政府建设情况报告
	reportDOCX, err := os.ReadFile("../attachment/testdata/report.docx") // XX市司法局2023年度法治政府建设情况报告
	if err != nil {
		t.Fatal(err)
	}
	mfs := fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="/c/s1.html">江北区人民政府2023年度法治政府建设情况报告</a> 2024-03-01</li>
<li><a href="/c/s2.html">江北区司法局2022年度法治政府建设情况报告</a> 2023-03-01</li>
<li><a href="/c/s3.html">江北区2023年政府信息公开工作年度报告及统计表</a> 2024-03-02</li>
<li><a href="/c/s4.html">XX市司法局2023年度法治政府建设情况报告</a> 2024-03-03</li>
</ul></body></html>`)},
		"c/s1.html": {Data: formsPage("江北区人民政府2023年度法治政府建设情况报告", "2024-03-01 09:00",
			[]string{"现将我区2023年度法治政府建设情况报告予以公开。"},
			[2]string{"/c/a.pdf", "江北区人民政府2023年度法治政府建设情况报告.pdf"},
			[2]string{"/c/a.docx", "江北区人民政府2023年度法治政府建设情况报告.docx"})},
		"c/a.pdf":  {Data: aPDF},
		"c/a.docx": {Data: portaltest.DOCX(pdfText(aPDF))},
		"c/s2.html": {Data: formsPage("江北区司法局2022年度法治政府建设情况报告", "2023-03-01 09:00",
			strings.Split(pdfText(cPDF), "\n"),
			[2]string{"/c/c.pdf", "江北区司法局2022年度法治政府建设情况报告.pdf"})},
		"c/c.pdf": {Data: cPDF},
		"c/s3.html": {Data: formsPage("江北区2023年政府信息公开工作年度报告及统计表", "2024-03-02 10:00",
			[]string{"现将江北区2023年政府信息公开工作年度报告和行政复议统计表予以公布，详见附件。"},
			[2]string{"/c/b.docx", "江北区2023年政府信息公开工作年度报告.docx"},
			[2]string{"/c/e.wps", "2021年度行政复议和行政应诉情况统计表.wps"})},
		"c/b.docx": {Data: read("fzzf/202403/P020240302000000001.docx")},
		"c/e.wps":  {Data: read("fzzf/202203/P020220301000000006.wps")},
		"c/s4.html": {Data: formsPage("XX市司法局2023年度法治政府建设情况报告", "2024-03-03 09:00",
			[]string{"XX市司法局2023年度法治政府建设情况报告（扫描件及文字版）点击下载。"},
			[2]string{"/c/scan.pdf", "XX市司法局2023年度法治政府建设情况报告（扫描件）.pdf"},
			[2]string{"/c/r.docx", "XX市司法局2023年度法治政府建设情况报告.docx"})},
		"c/scan.pdf": {Data: read("fzzf/202103/P020210301000000007.pdf")},
		"c/r.docx":   {Data: reportDOCX},
	}
	srv := portaltest.NewServer(t, mfs)
	site := testSite(t, srv, "")
	sum, err := harvest.RunSite(ctx, site, deps)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewDocuments != 5 || sum.NewRenditions != 3 || sum.NewListings != 3 || sum.Files != 7 || sum.ErrorCount() != 0 {
		t.Errorf("first run: %d reports, %d renditions, %d listings, %d files, %d errors; want 5, 3, 3, 7, 0 (%+v)",
			sum.NewDocuments, sum.NewRenditions, sum.NewListings, sum.Files, sum.ErrorCount(), sum)
	}
	byURL := func(rs []archive.Report) map[string]archive.Report {
		m := map[string]archive.Report{}
		for _, r := range rs {
			for _, rd := range r.Renditions {
				m[strings.TrimPrefix(rd.URL, srv.URL)] = r
			}
		}
		return m
	}
	types := func(r archive.Report) string {
		var ts []string
		for _, rd := range r.Renditions {
			ts = append(ts, rd.Type)
		}
		return strings.Join(ts, "+")
	}
	rs, err := a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 5 {
		t.Errorf("%d reports, want 5", len(rs))
	}
	got := byURL(rs)
	for _, c := range []struct {
		url, types, from, title string
	}{
		{"/c/a.pdf", "docx+pdf", "docx", "江北区人民政府2023年度法治政府建设情况报告"},
		{"/c/s2.html", "page+pdf", "page", "江北区司法局2022年度法治政府建设情况报告"},
		{"/c/b.docx", "docx", "docx", "江北区2023年政府信息公开工作年度报告"},
		{"/c/e.wps", "wps", "wps", "2021年度行政复议和行政应诉情况统计表"},
		{"/c/scan.pdf", "docx+pdf", "docx", "XX市司法局2023年度法治政府建设情况报告"},
	} {
		r, ok := got[c.url]
		if !ok {
			t.Errorf("%s: in no report", c.url)
			continue
		}
		if types(r) != c.types || r.TextFrom.Type != c.from || r.Title != c.title || r.Version != 1 {
			t.Errorf("%s: report %s of %s, text from %+v, title %q, version %d; want %s, from %s, %q, 1",
				c.url, r.ID, types(r), r.TextFrom, r.Title, r.Version, c.types, c.from, c.title)
		}
		text, err := a.ReadText(r.Text)
		if err != nil || len(text) < 150 {
			t.Errorf("%s: the report's text is %d bytes (%v)", c.url, len(text), err)
		}
	}
	if r := got["/c/a.pdf"]; len(r.ListedOn) != 1 || !strings.HasSuffix(r.ListedOn[0], "/c/s1.html") || !strings.HasPrefix(r.Published, "2024-03-01") ||
		r.Text.Source != "江北区司法局" {
		t.Errorf("the stub page's report: listed on %v, published %q, source %q; want s1.html, 2024-03-01, the page's 江北区司法局", r.ListedOn, r.Published, r.Text.Source)
	}
	for _, stub := range []string{"/c/s1.html", "/c/s3.html", "/c/s4.html"} {
		if r, ok := got[stub]; ok {
			t.Errorf("stub page %s is a rendition of report %s", stub, r.ID)
		}
	}

	// The PDF re-saved: other bytes, the same text.
	srv.Set("/c/a.pdf", append(append([]byte{}, aPDF...), "\n%re-saved by the portal's CMS\n"...))
	sum, err = harvest.RunSite(ctx, site, deps)
	if err != nil {
		t.Fatal(err)
	}
	if sum.FilesChanged != 1 || sum.NewVersions != 0 || sum.NewDocuments != 0 || sum.NewRenditions != 0 {
		t.Errorf("second run: %d files changed, %d new versions, %d new reports, %d new renditions; want 1, 0, 0, 0",
			sum.FilesChanged, sum.NewVersions, sum.NewDocuments, sum.NewRenditions)
	}
	rs, err = a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	r := byURL(rs)["/c/a.pdf"]
	pdfVersions := 0
	for _, rd := range r.Renditions {
		if rd.Type == "pdf" {
			pdfVersions = rd.Versions
		}
	}
	if len(rs) != 5 || r.Version != 1 || pdfVersions != 2 {
		t.Errorf("after the re-saved PDF: %d reports, the report at version %d, its PDF at %d versions; want 5, 1, 2", len(rs), r.Version, pdfVersions)
	}
	archivetest.Check(t, dir)
}

// nianbaoText is a 政府信息公开工作年度报告 of year in the national form: the
// form's headings and tables, which every year's report repeats, and a few
// figures of the year's own.
func nianbaoText(year, received int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "江北区%d年政府信息公开工作年度报告\n", year)
	b.WriteString("本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制。\n")
	for _, h := range []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"} {
		b.WriteString(h + "\n")
		b.WriteString("本年度，我区坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开，不断提升政府信息公开工作质量。\n")
		b.WriteString("信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t3\t1\t25\n")
	}
	fmt.Fprintf(&b, "本年新收政府信息公开申请数量\t%d\n上年结转政府信息公开申请数量\t%d\n", received, received/10)
	return b.String()
}

// TestRunSiteTwoYearsOnOnePage: one stub page lists two years' 信息公开年报,
// as "附件1.docx" and "附件2.docx". The national form makes their texts
// alike (above the similarity that joins two forms of one report), yet
// they are two reports, each with its own title and year.
func TestRunSiteTwoYearsOnOnePage(t *testing.T) {
	ctx := context.Background()
	y22, y23 := nianbaoText(2022, 37), nianbaoText(2023, 52)
	if sim := archive.Similarity(y22, y23); sim < archive.SameReport {
		t.Fatalf("the two years' texts are %.3f alike: not the case this test is for", sim)
	}
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul><li><a href="/c/s.html">江北区2022年、2023年政府信息公开工作年度报告</a> 2024-01-30</li></ul></body></html>`)},
		"c/s.html": {Data: formsPage("江北区2022年、2023年政府信息公开工作年度报告", "2024-01-30 09:00",
			[]string{"现将我区2022年、2023年政府信息公开工作年度报告予以公开，详见附件。"},
			[2]string{"/c/1.docx", "附件1.docx"}, [2]string{"/c/2.docx", "附件2.docx"})},
		"c/1.docx": {Data: portaltest.DOCX(y22)},
		"c/2.docx": {Data: portaltest.DOCX(y23)},
	})
	dir := t.TempDir()
	a := openArchive(t, dir)
	sum, err := harvest.RunSite(ctx, testSite(t, srv, ""), filesDeps(t, a))
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewDocuments != 2 || sum.NewRenditions != 0 || sum.NewListings != 1 {
		t.Errorf("%d reports, %d renditions, %d listings; want 2, 0, 1", sum.NewDocuments, sum.NewRenditions, sum.NewListings)
	}
	rs, err := a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	years := map[int]string{}
	for _, r := range rs {
		years[r.Year] = r.Title
	}
	if len(rs) != 2 || years[2022] != "江北区2022年政府信息公开工作年度报告" || years[2023] != "江北区2023年政府信息公开工作年度报告" {
		t.Errorf("reports by year: %v; want each year's own title", years)
	}
	archivetest.Check(t, dir)
}

// TestRunSiteListedFilesOneReport: files linked straight from a list are
// renditions of one report too — a PDF and a DOCX of one report in one
// run, and a DOC of it that the portal adds a run later — while another
// year's report stays apart.
func TestRunSiteListedFilesOneReport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openArchive(t, dir)
	deps := filesDeps(t, a)
	aPDF, err := fs.ReadFile(portaltest.Files(), "fzzf/202403/P020240301123456789.pdf")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := deps.Files.Text(ctx, attachment.KindPDF, aPDF)
	if err != nil || tx.Text == "" {
		t.Fatalf("reading the PDF: %v", err)
	}
	const title = "江北区人民政府2023年度法治政府建设情况报告"
	list := func(extra string) []byte {
		return []byte(`<html><body><ul>
<li><a href="/c/a.pdf">` + title + `.pdf</a> 2024-03-01</li>
<li><a href="/c/a.docx">` + title + `（文字版）.docx</a> 2024-03-01</li>
<li><a href="/c/b.docx">江北区2022年度法治政府建设情况报告.docx</a> 2023-03-01</li>` + extra + `
</ul></body></html>`)
	}
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: list("")},
		"c/a.pdf":      {Data: aPDF},
		"c/a.docx":     {Data: portaltest.DOCX(tx.Text + "\n（全文完）")},
		"c/b.docx":     {Data: portaltest.DOCX(strings.ReplaceAll(tx.Text, "2023", "2022"))},
	})
	site := testSite(t, srv, "")
	sum, err := harvest.RunSite(ctx, site, deps)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewDocuments != 2 || sum.NewRenditions != 1 {
		t.Errorf("first run: %d reports, %d renditions; want 2 (2023, 2022), 1 (the 2023 DOCX)", sum.NewDocuments, sum.NewRenditions)
	}
	srv.Set("/c/index.html", list(`<li><a href="/c/a.doc">`+title+`.doc</a> 2024-03-05</li>`))
	srv.Set("/c/a.doc", portaltest.DOCX(tx.Text+"\n（此件公开发布）"))
	sum, err = harvest.RunSite(ctx, site, deps)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewDocuments != 0 || sum.NewRenditions != 1 {
		t.Errorf("second run: %d reports, %d renditions; want 0, 1 (the DOC added later)", sum.NewDocuments, sum.NewRenditions)
	}
	rs, err := a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d reports, want 2", len(rs))
	}
	for _, r := range rs {
		if r.Year == 2023 && (len(r.Renditions) != 3 || r.TextFrom.Type != "docx") {
			t.Errorf("the 2023 report: %d renditions, text from %+v; want 3, the DOCX", len(r.Renditions), r.TextFrom)
		}
	}
	archivetest.Check(t, dir)
}
