package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Home-page mode (-home). Every portal also serves a front door: a home
// page with ordinary chrome (top bar, nav, a news box, a 政务公开 box), a
// 政务公开 hub (/zwgk/) and an 信息公开 index (/zwgk/xxgk/) of a dozen
// columns, next to a news column (/xwdt/) of newsPages list pages and a few
// decoy columns whose names discovery follows (通知公告, 重点领域信息公开,
// 法定主动公开内容) but which list no report. The portal's report column —
// the list pages of today's mode, at the same URLs — hangs 1, 2 or 3 clicks
// below the home page (columnDepth) under one of the names real portals give
// it (columnNames). A site file of this mode names the home page only.

// columnNames are the names a portal gives the link to its report column,
// from real portals.
var columnNames = []string{
	"政府信息公开年报", "法治政府建设", "年度报告", "其他法定公开信息", "工作报告",
	"法治政府建设年度报告", "政府信息公开工作年度报告", "信息公开年报",
}

// newsPages is the number of list pages of the news column; decoyPages
// that of each decoy column.
const (
	newsPages  = 50
	decoyPages = 5
)

// hlink is a link of a generated page.
type hlink struct{ href, text string }

// decoys are the columns discovery may try (their names rank them) that
// list no report.
var decoys = []hlink{
	{"/zwgk/tzgg/", "通知公告"},
	{"/zwgk/xxgk/zdly/", "重点领域信息公开"},
	{"/zwgk/xxgk/fdzdgk/", "法定主动公开内容"},
}

// xxgkColumns are the other columns of the 信息公开 index: their names
// rank them nowhere (or mark them as chrome: 指南, 制度).
var xxgkColumns = []hlink{
	{"/zwgk/xxgk/jgzn/", "机构职能"},
	{"/zwgk/xxgk/zcwj/", "政策文件"},
	{"/zwgk/xxgk/rsxx/", "人事信息"},
	{"/zwgk/xxgk/czzj/", "财政资金"},
	{"/zwgk/xxgk/ghjh/", "规划计划"},
	{"/zwgk/xxgk/gkzn/", "政府信息公开指南"},
	{"/zwgk/xxgk/gkzd/", "政府信息公开制度"},
	{"/zwgk/xxgk/ysqgk/", "依申请公开"},
}

// ColumnDepth is how many clicks below portal i's home page its report
// column hangs: 1 (linked from the home page), 2 (from the 政务公开 hub) or
// 3 (from the 信息公开 index). Every 9 portals hold each pair of
// pagination style (i%3) and depth.
func (f *Farm) ColumnDepth(i int) int { return 1 + (i/3)%3 }

// ColumnName is the text of the link to portal i's report column: every
// 24 portals hold each pair of pagination style and name.
func (f *Farm) ColumnName(i int) string { return columnNames[i%len(columnNames)] }

// HomeURL is portal i's home page.
func (f *Farm) HomeURL(i int) string { return f.BaseURL(i) + "/" }

var (
	titleRe   = regexp.MustCompile(`<title>[^<]*</title>`)
	homeArtRe = regexp.MustCompile(`^/(xwdt|zwgk/tzgg|zwgk/xxgk/\w+)/\d{6}/t\d{8}_(\d+)\.html$`)
	homeColRe = regexp.MustCompile(`^/(xwdt|zwgk/tzgg|zwgk/xxgk/\w+)/(?:index(?:_(\d+))?\.html)?$`)
)

// homePage renders the home-mode page at path p of portal i, or returns
// false when p is not one (the report column and its reports are today's
// list and report pages).
func (f *Farm) homePage(i int, p string) ([]byte, bool) {
	switch p {
	case "/", "/index.html":
		return f.homeIndex(i), true
	case "/zwgk/", "/zwgk/index.html":
		return f.hubPage(i), true
	case "/zwgk/xxgk/", "/zwgk/xxgk/index.html":
		return f.xxgkPage(i), true
	}
	// The list template's nav links the three columns of today's mode
	// (/fzzfjs/, /tzgg/, /xxgk/list.jsp): on a portal whose report column
	// is another, they are columns of news, as on a real portal.
	for s, c := range columns {
		if s == f.style(i) {
			continue
		}
		if p == "/"+c.dir+"/" || p == "/"+c.dir+"/index.html" || s == stylePageParam && p == "/"+c.dir+"/list.jsp" {
			return f.newsList(i, "/"+c.dir+"/", c.name, 0, 1), true
		}
	}
	if m := homeColRe.FindStringSubmatch(p); m != nil {
		dir := "/" + m[1] + "/"
		name, pages := "", 1
		switch {
		case dir == "/xwdt/":
			name, pages = "新闻动态", newsPages
		default:
			for _, c := range append(append([]hlink{}, decoys...), xxgkColumns...) {
				if c.href == dir {
					name = c.text
				}
			}
			for _, c := range decoys {
				if c.href == dir {
					pages = decoyPages
				}
			}
		}
		if name == "" {
			return nil, false
		}
		k := 0
		if m[2] != "" {
			k, _ = strconv.Atoi(m[2])
		}
		if k >= pages {
			return nil, false
		}
		return f.newsList(i, dir, name, k, pages), true
	}
	if m := homeArtRe.FindStringSubmatch(p); m != nil {
		id, _ := strconv.Atoi(m[2])
		if p != itemPath(i, m[1], id, "html") {
			return nil, false
		}
		title := f.tpl.news[hash64("news", i, m[1], id)%uint64(len(f.tpl.news))]
		return []byte(f.head(i, strings.ReplaceAll(f.tpl.newsPage, f.tpl.newsTitle, title))), true
	}
	return nil, false
}

// chrome renders a page of portal i with the list template's <head> (its
// styles and scripts), a top bar, the nav, 当前位置, a sidebar and main.
func (f *Farm) chrome(i int, title, position string, sidebar []hlink, main string) []byte {
	var b bytes.Buffer
	head, _, _ := strings.Cut(f.head(i, f.tpl.listHead), "<body")
	b.WriteString(titleRe.ReplaceAllLiteralString(head, "<title>"+title+"_"+portalName(i)+"人民政府</title>"))
	b.WriteString(`<body>
<div class="top-bar"><span class="today">今天是{{TODAY}}</span>
<span class="top-right"><a href="/">首页</a> | <a href="/login/">登录</a> | <a href="/en/">English</a> | <a href="/gate/big5/">繁体</a> | <a href="/zxb/">长者版</a> | <a href="/wap/">手机版</a></span></div>
<div class="header"><div class="logo"><a href="/index.html"><img src="/images/logo.png" alt="logo"></a></div>
<form action="/search/" method="get"><input name="q" class="search-input"><button>搜索</button></form></div>
<div class="nav"><ul>
<li><a href="/index.html">首页</a></li>
<li><a href="/xwdt/">新闻动态</a></li>
<li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li>
</ul></div>
`)
	fmt.Fprintf(&b, "<div class=\"position\">当前位置:<a href=\"/\">首页</a>%s</div>\n", position)
	if len(sidebar) > 0 {
		fmt.Fprintf(&b, "<div class=\"sidebar\"><h3>%s</h3><ul>\n", title)
		for _, l := range sidebar {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", l.href, l.text)
		}
		b.WriteString("</ul></div>\n")
	}
	b.WriteString("<div class=\"main\">\n")
	b.WriteString(main)
	b.WriteString(`</div>
<div class="footer">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="http://www.gov.cn/" target="_blank">中国政府网</a></p>
<p>主办单位:` + portalName(i) + `人民政府办公室 访问量:{{HITS}}</p>
</div>
</body>
</html>
`)
	return b.Bytes()
}

// newsBox is a box of n links to the first articles of column dir.
func (f *Farm) newsBox(i int, dir, name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"box\"><h3><a href=\"%s\">%s</a></h3><ul class=\"list\">\n", dir, name)
	for _, it := range f.newsItems(i, dir, 0)[:n] {
		fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\" title=\"%s\">%s</a><span class=\"date\">%s</span></li>\n",
			it.href, it.title, it.title, it.date.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, "</ul><a class=\"more\" href=\"%s\">更多&gt;&gt;</a></div>\n", dir)
	return b.String()
}

// newsItems are the items of list page k of a column that lists no report.
func (f *Farm) newsItems(i int, dir string, k int) []item {
	col := strings.Trim(dir, "/")
	out := make([]item, 0, f.ListSize)
	for j := range f.ListSize {
		id := k*1000 + j
		title := f.tpl.news[hash64("news", i, col, id)%uint64(len(f.tpl.news))]
		out = append(out, item{href: itemPath(i, col, id, "html"), title: title, date: itemDate(i, id)})
	}
	return out
}

// reportColumn is the link to portal i's report column, at depth d, or nil.
func (f *Farm) reportColumn(i, d int) []hlink {
	if f.ColumnDepth(i) != d {
		return nil
	}
	return []hlink{{f.ListURL(i, 0), f.ColumnName(i)}}
}

func (f *Farm) homeIndex(i int) []byte {
	var main strings.Builder
	main.WriteString("<div class=\"banner\"><a href=\"/zt/2025/\"><img src=\"/images/banner.jpg\" alt=\"专题\"></a></div>\n")
	main.WriteString(f.newsBox(i, "/xwdt/", "新闻动态", 8))
	main.WriteString(f.newsBox(i, "/zwgk/tzgg/", "通知公告", 6))
	main.WriteString("<div class=\"box gk\"><h3><a href=\"/zwgk/\">政务公开</a></h3><ul>\n")
	for _, l := range append([]hlink{{"/zwgk/", "政务公开"}, {"/zwfw/bszn/", "办事指南"}}, f.reportColumn(i, 1)...) {
		fmt.Fprintf(&main, "<li><a href=\"%s\">%s</a></li>", l.href, l.text)
	}
	main.WriteString("</ul></div>\n<div class=\"box hd\"><h3><a href=\"/hdjl/\">互动交流</a></h3><ul><li><a href=\"/hdjl/xzxx/\">区长信箱</a></li><li><a href=\"/hdjl/zxdc/\">在线调查</a></li></ul></div>\n")
	return f.chrome(i, "首页", "", nil, main.String())
}

func (f *Farm) hubPage(i int) []byte {
	side := []hlink{{"/zwgk/xxgk/", "政府信息公开"}, {"/zwgk/zwdt/", "政务动态"}, {"/zwgk/zcjd/", "政策解读"}, decoys[0], {"/zwgk/jytabl/", "建议提案办理"}}
	side = append(side, f.reportColumn(i, 2)...)
	return f.chrome(i, "政务公开", " &gt; 政务公开", side, f.newsBox(i, "/xwdt/", "政务动态", 6))
}

func (f *Farm) xxgkPage(i int) []byte {
	side := append(append([]hlink{}, xxgkColumns[:5]...), decoys[1])
	side = append(side, xxgkColumns[5:]...)
	side = append(side, f.reportColumn(i, 3)...)
	side = append(side, decoys[2], decoys[0])
	return f.chrome(i, "政府信息公开", " &gt; <a href=\"/zwgk/\">政务公开</a> &gt; 政府信息公开", side,
		"<div class=\"box\"><h3>法定主动公开内容</h3><p>本栏目发布法定主动公开的政府信息。</p></div>\n")
}

// newsList renders list page k of a column that lists no report (TRS
// createPageHTML pagination).
func (f *Farm) newsList(i int, dir, name string, k, pages int) []byte {
	var main strings.Builder
	main.WriteString("<ul class=\"column-list\">\n")
	for _, it := range f.newsItems(i, dir, k) {
		fmt.Fprintf(&main, "<li><a href=\"%s\" target=\"_blank\" title=\"%s\">%s</a><span class=\"date\">%s</span></li>\n",
			it.href, it.title, it.title, it.date.Format("2006-01-02"))
	}
	fmt.Fprintf(&main, "</ul>\n<div class=\"page-box\" id=\"page_div\">\n<script type=\"text/javascript\">\n\tcreatePageHTML(%d, %d, \"index\", \"html\");\n</script>\n</div>\n", pages, k)
	return f.chrome(i, name, " &gt; "+name, nil, main.String())
}
