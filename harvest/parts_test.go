package harvest_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// articlePage is one page of a TRS article split over several pages.
func articlePage(title, para, pager string) []byte {
	return []byte(`<html><head><meta name="ArticleTitle" content="` + title + `"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/c/">法治政府</a></div>
<h1>` + title + `</h1>
<div class="TRS_Editor"><p>` + para + `</p><p>` + strings.Repeat("各项工作稳步推进,", 10) + `</p></div>
<div class="page">` + pager + `</div></body></html>`)
}

func TestRunSiteJoinsArticleParts(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	pager := `<script>createPageHTML(3, 0, "t20240301_7", "html");</script>`
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="t20240301_7.html">` + title + `</a></li>
<li><a href="t20240302_8.html">2022年法治政府建设年度报告</a></li></ul></body></html>`)},
		"c/t20240301_7.html":   {Data: articlePage(title, "一、推进依法行政的主要举措和成效。", pager)},
		"c/t20240301_7_1.html": {Data: articlePage(title, "二、存在的不足和原因。", pager+`<a href="t20240301_7_2.html">下一页</a>`)},
		"c/t20240301_7_2.html": {Data: articlePage(title, "三、下一年度的工作安排。", pager)},
		// A report whose second page fails is not archived this run.
		"c/t20240302_8.html":   {Data: articlePage("2022年法治政府建设年度报告", "第一页。", `<a href="t20240302_8_1.html">2</a>`)},
		"c/t20240302_8_1.html": {Data: []byte("<!-- portaltest: status=502 -->\n<html>bad gateway</html>")},
	})
	site := testSite(t, srv, "")
	dir := t.TempDir()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewDocuments != 1 || sum.Errors[crawler.ErrHTTP5xx] != 1 {
		t.Errorf("summary %+v", sum)
	}
	vers, _ := a.Versions(context.Background(), archive.Filter{})
	if len(vers) != 1 {
		t.Fatalf("%d versions, want 1", len(vers))
	}
	text, _ := a.ReadText(vers[0])
	i1, i2, i3 := strings.Index(string(text), "一、推进依法行政"), strings.Index(string(text), "二、存在的不足"), strings.Index(string(text), "三、下一年度")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Errorf("parts missing or out of order:\n%s", text)
	}
	if n := strings.Count(string(text), title); n != 1 || !strings.HasPrefix(string(text), title+"\n") {
		t.Errorf("the title appears %d times in the joined text, want once, as its first line:\n%s", n, text)
	}
	raw := vers[0].Raw
	if raw == nil || len(raw.Parts) != 3 || !strings.HasSuffix(raw.Parts[2].URL, "/c/t20240301_7_2.html") || raw.Parts[1].Offset != raw.Parts[0].Bytes {
		t.Errorf("raw parts: %+v", raw)
	}
	a.Close()
	archivetest.Check(t, dir)
}
