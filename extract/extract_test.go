package extract

import (
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/nianbao/nianbao/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenPages are hand-built pages, one per platform shape, each with the
// URL it is extracted as. testdata/<name>.html gives
// testdata/<name>.golden.txt (the Text) and testdata/<name>.golden.json
// (the other fields).
var goldenPages = []struct {
	name string
	url  string
}{
	{"trs_tianjin_sfj", "https://sf.tj.gov.cn/ZWXX5652/TZGG9578/202103/t20210326_5395336.html"},
	{"gd_jiangmen_sfj", "http://www.jiangmen.gov.cn/bmpd/jmssfj/ztzl/fzjs/content/post_2287654.html"},
	{"bj_maintext_hedong", "https://www.tjhd.gov.cn/zwgk/fzzfjsbg/202501/t20250120_6825113.html"},
	{"xxgk_infotable_tongchuan", "http://www.tchuan.gov.cn/xxgk-show-48459.html"},
	{"xxgk_annual_tables", "http://www.donghu.gov.cn/art/2024/1/19/art_3399_1234567.html"},
	{"density_jinnan", "https://www.tjjn.gov.cn/zwgk/fdzdgknr/fzzfjsndbg/202502/t20250228_6862431.html"},
	{"layout_table_oldcms", "http://sfj.tjbh.gov.cn/contents/9731/291255.html"},
	{"clock_counter", "https://www.tjjn.gov.cn/zwgk/fzzf/202502/t20250228_6862431.html"},
	// A report posted as six scanned pages loaded lazily: the footer
	// (主办单位 … 联系地址 …) must not become its text.
	{"images_only_hanweb", "https://www.wuxing.gov.cn/art/2024/3/28/art_1229549875_58912345.html"},
	{"image_pdf_link", "http://www.qsh.gov.cn/zwgk/fzzfjs/202402/t20240229_5123456.html"},
	{"chart_report", "https://www.cdwh.gov.cn/wuhou/c100745/2024-01/22/content_abc.shtml"},
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// metaJSON is the golden form of a Document without its Text.
func metaJSON(t testing.TB, d *Document) []byte {
	t.Helper()
	m := *d
	m.Text = ""
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenPages {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract(readTestdata(t, tc.name+".html"), mustURL(t, tc.url), Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tc.name+".golden.txt", []byte(doc.Text), *update)
			golden.Check(t, tc.name+".golden.json", metaJSON(t, doc), *update)
			checkTextFormat(t, doc.Text)
			if n := NormalizeText(doc.Text); n != doc.Text {
				t.Errorf("Text is not in the normal form of NormalizeText:\n%s", golden.LineDiff(doc.Text, n))
			}
		})
	}
}

// checkTextFormat asserts the Text invariants of doc.go.
func checkTextFormat(t *testing.T, text string) {
	t.Helper()
	if text == "" {
		return
	}
	if !strings.HasSuffix(text, "\n") {
		t.Error("text does not end with a newline")
	}
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		switch {
		case l == "":
			t.Errorf("line %d is empty", i+1)
		case l != strings.TrimFunc(l, func(c rune) bool { return unicode.IsSpace(c) && c != '\t' }):
			// Tabs at the ends are empty table cells.
			t.Errorf("line %d is not trimmed: %q", i+1, l)
		case strings.Contains(l, "  "):
			t.Errorf("line %d has a double space: %q", i+1, l)
		case l != normalizeLine(l):
			t.Errorf("line %d is not normalised: %q", i+1, l)
		}
	}
}

// TestGoldenChrome checks every golden text against the chrome inventory
// of DOMAIN.md §2.9, independently of the line rules in chrome.go.
func TestGoldenChrome(t *testing.T) {
	chrome := []string{
		"当前位置", "您所在的位置", "您当前的位置", "您现在的位置", "分享到", "打印本页", "关闭窗口",
		"扫一扫", "适老版", "关爱版", "建议升级浏览器", "ICP备", "公网安备", "网站标识码:",
		"主办单位:", "找错", "点击数", "浏览次数", "阅读次数", "上一篇", "下一篇", "相关链接",
		"相关文章", "今天是", "星期", "返回顶部", "新媒体矩阵", "索引号", "发布机构", "来源:",
		"发布时间", "发布日期", "字号", "字体", "网站地图", "版权所有",
	}
	for _, tc := range goldenPages {
		t.Run(tc.name, func(t *testing.T) {
			text := string(readTestdata(t, tc.name+".golden.txt"))
			for _, l := range strings.Split(text, "\n") {
				if len([]rune(l)) >= shortLineRunes {
					continue // body paragraphs may mention these words
				}
				for _, c := range chrome {
					if strings.Contains(l, c) {
						t.Errorf("chrome %q in line %q", c, l)
					}
				}
			}
		})
	}
}

func TestOptions(t *testing.T) {
	page := []byte(`<html><head><title>测试页面</title></head><body>
<div class="main"><p>导航栏目一</p><div class="body-a"><p>第一段正文内容。</p><p class="ad">广告：本站推荐阅读</p><p>第二段正文内容。</p></div></div>
<div id="zoom"><p>这是一个容器，但不是正文，它的文字足够长以便被选中作为容器。这是一个容器，但不是正文，它的文字足够长以便被选中作为容器。这是一个容器，但不是正文，它的文字足够长以便被选中作为容器。</p></div>
</body></html>`)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"automatic", Options{}, "这是一个容器,但不是正文,它的文字足够长以便被选中作为容器。这是一个容器,但不是正文,它的文字足够长以便被选中作为容器。这是一个容器,但不是正文,它的文字足够长以便被选中作为容器。\n"},
		{"content selector", Options{ContentSelector: "div.body-a"}, "第一段正文内容。\n广告:本站推荐阅读\n第二段正文内容。\n"},
		{"remove selectors", Options{ContentSelector: "div.body-a", RemoveSelectors: []string{"p.ad", ".none"}}, "第一段正文内容。\n第二段正文内容。\n"},
		{"selector without match", Options{ContentSelector: "div.missing"}, "这是一个容器,但不是正文,它的文字足够长以便被选中作为容器。这是一个容器,但不是正文,它的文字足够长以便被选中作为容器。这是一个容器,但不是正文,它的文字足够长以便被选中作为容器。\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract(page, nil, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := bodyText(doc); got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOptionsInvalid(t *testing.T) {
	for _, o := range []Options{
		{ContentSelector: "div[["},
		{RemoveSelectors: []string{".ok", "p:nth-child("}},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", o)
		}
		if _, err := Extract([]byte("<p>x</p>"), nil, o); err == nil {
			t.Errorf("Extract with %+v: no error", o)
		}
	}
	if err := (Options{ContentSelector: "[wzades=正文]", RemoveSelectors: []string{".share", ""}}).Validate(); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestEmptyAndDegenerate(t *testing.T) {
	for _, page := range []string{"", "   ", "<html></html>", "<p></p>", "\x00\xff\xfe", "<title>只有标题</title>"} {
		doc, err := Extract([]byte(page), nil, Options{})
		if err != nil {
			t.Errorf("Extract(%q): %v", page, err)
			continue
		}
		if doc.Text != "" {
			t.Errorf("Extract(%q).Text = %q, want empty", page, doc.Text)
		}
		if doc.Kind != "other" {
			t.Errorf("Extract(%q).Kind = %q", page, doc.Kind)
		}
	}
}

// bodyText is a Document's text without its title line: most tests are
// about what the body keeps and drops.
func bodyText(doc *Document) string { return doc.Body() }

func TestTitleIsTheFirstLine(t *testing.T) {
	page := `<html><head><meta name="ArticleTitle" content="某区2023年法治政府建设年度报告"></head><body>
<h1>某区2023年法治政府建设年度报告</h1><div class="TRS_Editor"><p>某区2023年法治政府建设年度报告</p>
<p>2023年,某区坚持以习近平法治思想为指导,扎实推进法治政府建设,各项工作取得积极成效。</p></div></body></html>`
	doc, err := Extract([]byte(page), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "某区2023年法治政府建设年度报告\n2023年,某区坚持以习近平法治思想为指导,扎实推进法治政府建设,各项工作取得积极成效。\n"
	if doc.Text != want {
		t.Errorf("text = %q, want the title once, then the body: %q", doc.Text, want)
	}
}

func TestTitleDateLineDropped(t *testing.T) {
	page := `<html><head><meta name="ArticleTitle" content="某区2023年法治政府建设年度报告"></head><body>
<div class="TRS_Editor"><table><tr><td>某区2023年法治政府建设年度报告</td><td>2024-03-28 10:05</td></tr></table>
<p>2023年,某区坚持以习近平法治思想为指导,扎实推进法治政府建设,各项工作取得积极成效。</p>
<p>某区2023年法治政府建设年度报告的编制依据了相关规定,2024年3月28日向社会公开。</p></div></body></html>`
	doc, err := Extract([]byte(page), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "2023年,某区坚持以习近平法治思想为指导,扎实推进法治政府建设,各项工作取得积极成效。\n" +
		"某区2023年法治政府建设年度报告的编制依据了相关规定,2024年3月28日向社会公开。\n"
	if got := doc.Body(); got != want {
		t.Errorf("body = %q, want the title+date line dropped and the rest kept: %q", got, want)
	}
}
