package crawler

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/sites"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCreatePageURLs(t *testing.T) {
	tests := []struct {
		name, page, script string
		want               []string
	}{
		{"TRS 4 args, 0-based, from the column root", "http://a.gov.cn/fzzfjs/",
			`createPageHTML(3, 0, "index", "html");`,
			[]string{"http://a.gov.cn/fzzfjs/index_1.html", "http://a.gov.cn/fzzfjs/index_2.html"}},
		{"TRS 4 args, list prefix, shtml", "http://a.gov.cn/c/list.shtml",
			`createPageHTML(2,0,"list","shtml")`,
			[]string{"http://a.gov.cn/c/list_1.shtml"}},
		{"6 args, 1-based", "http://zjt.hainan.gov.cn/x/dezlist.shtml",
			`createPageHTML('page_div',4, 1,'dezlist','shtml',149);`,
			[]string{"http://zjt.hainan.gov.cn/x/dezlist_2.shtml", "http://zjt.hainan.gov.cn/x/dezlist_3.shtml", "http://zjt.hainan.gov.cn/x/dezlist_4.shtml"}},
		{"one page only", "http://a.gov.cn/c/", `createPageHTML(1, 0, "index", "html")`, nil},
		{"no call", "http://a.gov.cn/c/", `var x = 1;`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := createPageURLs(tt.script, mustURL(t, tt.page), 1000)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestIsSibling(t *testing.T) {
	tests := []struct {
		base, link string
		want       bool
	}{
		{"http://a.gov.cn/c/", "http://a.gov.cn/c/index_2.html", true},
		{"http://a.gov.cn/c/index_2.html", "http://a.gov.cn/c/index_3.html", true},
		{"http://a.gov.cn/c/list.shtml", "http://a.gov.cn/c/list_2.shtml", true},
		{"http://a.gov.cn/c/", "http://a.gov.cn/d/index_2.html", false},
		{"http://a.gov.cn/c/", "http://a.gov.cn/c/202401/t20240101_1.html", false},
		{"http://a.gov.cn/x/list.jsp?page=1", "http://a.gov.cn/x/list.jsp?page=2", true},
		{"http://a.gov.cn/x/list.jsp?col=3&pageNo=1", "http://a.gov.cn/x/list.jsp?col=3&pageNo=2", true},
		{"http://a.gov.cn/x/list.jsp?col=3&page=1", "http://a.gov.cn/x/list.jsp?col=4&page=2", false},
		{"http://a.gov.cn/x/show.jsp?id=1", "http://a.gov.cn/x/show.jsp?id=2", false},
		{"http://a.gov.cn/c/", "http://b.gov.cn/c/index_2.html", false},
	}
	for _, tt := range tests {
		if got := isSibling(mustURL(t, tt.base), mustURL(t, tt.link)); got != tt.want {
			t.Errorf("isSibling(%s, %s) = %v, want %v", tt.base, tt.link, got, tt.want)
		}
	}
}

func TestParseList(t *testing.T) {
	const page = `<html><body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="javascript:void(0)">打印</a></li><li><a href="#top">顶部</a></li></ul>
<ul class="list">
 <li><a href="./202502/t20250228_1.html">津南区人民政府关于2024年法治政府建设情况报告</a><span>2025-02-28</span></li>
 <li><a href="202501/t20250117_2.html" title="河东区司法局2024年度法治政府建设情况报告">河东区司法局2024年度法治政…</a></li>
 <li><a href="mailto:x@a.gov.cn">信箱</a></li>
</ul>
<div class="page"><a href="index_1.html">2</a> <a href="list2.html">下一页</a> <a href="index_9.html">尾页</a></div>
<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/2025/3/28/art_1_2.html">2024年政府信息公开工作年度报告</a></li>]]></record></recordset></datastore></script>
<script>createPageHTML(3, 0, "index", "html");</script>
<table><tr><td>2023年政府信息公开工作年度报告</td><td>2024-01-30</td><td><a href="/x/t20240130_9.html">[详细]</a></td></tr>
<tr><td>两个链接的行</td><td><a href="/x/a.html">查看</a> <a href="/x/b.html">下载</a></td></tr></table>
<a href="https://www.beijing.gov.cn/gate/big5/www.beijing.gov.cn/gongkai/fzzfjsbg/t20240327_1.html">東城區2023年法治政府建設情況報告</a>
<script>
document.write('<li><a href=\"/y/t20250301_5.html\" target=\"_blank\">2024年法治政府建设情况报告</a></li>');
if (a < b) { x = '<a href="' + u + '">'; }
</script>
</body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	lp := parseList(doc, mustURL(t, "http://a.gov.cn/fzzfjs/"), "")
	var links []string
	for _, l := range lp.links {
		links = append(links, l.URL+" "+l.title())
	}
	wantLinks := []string{
		"http://a.gov.cn/ 首页",
		"http://a.gov.cn/fzzfjs/202502/t20250228_1.html 津南区人民政府关于2024年法治政府建设情况报告",
		"http://a.gov.cn/fzzfjs/202501/t20250117_2.html 河东区司法局2024年度法治政府建设情况报告",
		"http://a.gov.cn/x/t20240130_9.html 2023年政府信息公开工作年度报告 2024-01-30 [详细]",
		"http://a.gov.cn/x/a.html 查看",
		"http://a.gov.cn/x/b.html 下载",
		"https://www.beijing.gov.cn/gongkai/fzzfjsbg/t20240327_1.html 東城區2023年法治政府建設情況報告",
		"http://a.gov.cn/art/2025/3/28/art_1_2.html 2024年政府信息公开工作年度报告",
		"http://a.gov.cn/y/t20250301_5.html 2024年法治政府建设情况报告",
	}
	if !reflect.DeepEqual(links, wantLinks) {
		t.Errorf("links:\n%s\nwant:\n%s", strings.Join(links, "\n"), strings.Join(wantLinks, "\n"))
	}
	wantNext := []string{"http://a.gov.cn/fzzfjs/index_1.html", "http://a.gov.cn/fzzfjs/list2.html", "http://a.gov.cn/fzzfjs/index_9.html"}
	if !reflect.DeepEqual(lp.next, wantNext) {
		t.Errorf("next = %v, want %v", lp.next, wantNext)
	}
	wantGen := []string{"http://a.gov.cn/fzzfjs/index_1.html", "http://a.gov.cn/fzzfjs/index_2.html"}
	if !reflect.DeepEqual(lp.gen, wantGen) {
		t.Errorf("gen = %v, want %v", lp.gen, wantGen)
	}
}

func TestProbeHints(t *testing.T) {
	s, probs := sites.Parse([]byte("name: a\nstart: http://a.gov.cn/\n"), "a.yaml", sites.Defaults{MaxPages: 1, Timeout: 1})
	if probs != nil {
		t.Fatal(probs)
	}
	hints := probeHints(s)
	tests := []struct {
		text string
		want bool
	}{
		{"天津市司法局2020年度法治政府…", true},
		{"关于2023年政府信息公…", true},
		{"区政府召开常务会议研究部署…", false},
		{"市司法局工作情况…", false},
	}
	for _, tt := range tests {
		if got := isTruncated(tt.text) && mayMatch(trimEllipsis(tt.text), hints); got != tt.want {
			t.Errorf("probe %q = %v, want %v (hints %v)", tt.text, got, tt.want, hints)
		}
	}
}

// A list page yields at most maxListLinks links and as many generated
// pages, however many its anchors, pager scripts and rows name: a page of
// 6 KB must not make ten million URLs.
func TestParseListBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><body><ul><li>")
	for i := range maxListLinks + 500 {
		fmt.Fprintf(&b, `<a href="/r/%d.html">详细</a>`, i) // one row of many links
	}
	b.WriteString("</li></ul>")
	for i := range 100 {
		fmt.Fprintf(&b, "<script>createPageHTML('d%d',100000,1,'index','html');</script>", i)
	}
	b.WriteString("</body></html>")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	lp := parseList(doc, mustURL(t, "http://a.gov.cn/c/"), "")
	if len(lp.links)+len(lp.next) != maxListLinks || lp.dropped != 500 {
		t.Errorf("%d links, %d next, %d dropped; want %d kept, 500 dropped", len(lp.links), len(lp.next), lp.dropped, maxListLinks)
	}
	if len(lp.gen) != maxListLinks {
		t.Errorf("%d generated pages, want %d", len(lp.gen), maxListLinks)
	}
}
