package extract

import (
	"strings"
	"testing"
)

// BenchmarkExtract runs on a 67 KB 政府信息公开工作年度报告 page, mostly
// Word-exported tables.
func BenchmarkExtract(b *testing.B) {
	page := readTestdata(b, "xxgk_annual_tables.html")
	u := mustURL(b, "http://www.donghu.gov.cn/art/2024/1/19/art_3399_1234567.html")
	b.ReportAllocs()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := Extract(page, u, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTitle(b *testing.B) {
	page := readTestdata(b, "xxgk_annual_tables.html")
	b.ReportAllocs()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		Title(page)
	}
}

// TestLargePage builds pages of about 3 MB (within the tag budget, see
// Parse) and only checks that Extract returns: every pass over the tree
// must be linear.
func TestLargePage(t *testing.T) {
	if testing.Short() {
		t.Skip("large page")
	}
	body := readTestdata(t, "trs_tianjin_sfj.html")
	tables := readTestdata(t, "xxgk_annual_tables.html")
	pages := map[string]string{
		// many copies of a real page's body, one container
		"long report": `<html><body><div class="TRS_Editor">` + strings.Repeat(string(body), 3<<20/len(body)) + `</div></body></html>`,
		// tables nested in tables
		"many tables": strings.Repeat(string(tables), 3<<20/len(tables)),
		// one flat block of links and text, no container
		"links": `<html><body>` + strings.Repeat(`<a href="/x">链接文字</a> 正文文字，`, 3<<20/60) + `</body></html>`,
		// deep nesting past the parser's limit
		"deep": strings.Repeat(`<div><font>`, minTags/4) + "正文",
	}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			doc, err := Extract([]byte(page), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes in, %d bytes of text", len(page), len(doc.Text))
		})
	}
}
