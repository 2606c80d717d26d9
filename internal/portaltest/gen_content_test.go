package portaltest

// This file builds the content of the generated portal: list pages, detail
// pages and report bodies. gen_test.go writes them out with -update.

import (
	"fmt"
	"html"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// item is one entry of a list page.
type item struct {
	title   string // full title
	text    string // visible link text; "" means title (truncated if long)
	href    string // as written in the list page
	date    string // "2006-01-02"
	noTitle bool   // omit the title attribute
	id      string // key of a detail page, "" for ordinary news
}

// linkText returns what the list shows for it: long ordinary titles are cut
// to 24 characters plus "…", as TRS list templates do.
func (it item) linkText() string {
	if it.text != "" {
		return it.text
	}
	if utf8.RuneCountInString(it.title) > 28 {
		return string([]rune(it.title)[:24]) + "…"
	}
	return it.title
}

// li renders the list entry.
func (it item) li() string {
	title := ""
	if !it.noTitle {
		title = fmt.Sprintf(" title=\"%s\"", html.EscapeString(it.title))
	}
	return fmt.Sprintf("<li><a href=\"%s\" target=\"_blank\"%s>%s</a><span class=\"date\">%s</span></li>\n",
		html.EscapeString(it.href), title, html.EscapeString(it.linkText()), it.date)
}

// ordinary returns n ordinary news items for a column: titles[0:n] with dates
// spread evenly from (newest) to (oldest), linking to TRS detail URLs that do
// not exist. ids start at firstID.
func ordinary(titles []string, from, to string, firstID int, prefix string) []item {
	t0, _ := time.Parse("2006-01-02", from)
	t1, _ := time.Parse("2006-01-02", to)
	n := len(titles)
	var out []item
	for i, t := range titles {
		d := t0
		if n > 1 {
			d = t0.Add(time.Duration(int64(t1.Sub(t0)) * int64(i) / int64(n-1))).Truncate(24 * time.Hour)
		}
		out = append(out, item{
			title: t,
			href:  fmt.Sprintf("%s%s/t%s_%d.html", prefix, d.Format("200601"), d.Format("20060102"), firstID+i),
			date:  d.Format("2006-01-02"),
		})
	}
	return out
}

// byDate sorts items newest first, keeping the given order for equal dates.
func byDate(items []item) []item {
	sort.SliceStable(items, func(i, j int) bool { return items[i].date > items[j].date })
	return items
}

// neighbours returns the 上一篇/下一篇 links of the item with key id within its
// list page: the entries before and after it, skipping pages a crawler must
// not be led to. Links are written as root-relative paths.
func neighbours(items []item, id, base string) (prev, next link) {
	usable := func(it item) bool {
		return !strings.Contains(it.href, "{{") && !strings.HasPrefix(it.href, "/private/")
	}
	abs := func(href string) string {
		if strings.HasPrefix(href, "/") {
			return href
		}
		return path.Join(base, href)
	}
	for i, it := range items {
		if it.id != id {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			if usable(items[j]) {
				prev = link{items[j].title, abs(items[j].href)}
				break
			}
		}
		for j := i + 1; j < len(items); j++ {
			if usable(items[j]) {
				next = link{items[j].title, abs(items[j].href)}
				break
			}
		}
	}
	return prev, next
}

// listMain renders the content area of a list page.
func listMain(column string, items []item, pager string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"column-box\">\n<div class=\"column-tit\"><h3>%s</h3></div>\n<ul class=\"column-list\">\n", column)
	for _, it := range items {
		b.WriteString(it.li())
	}
	b.WriteString("</ul>\n")
	b.WriteString(pager)
	b.WriteString("</div>\n")
	return b.String()
}

// article is a detail page.
type article struct {
	site     site
	path     string
	title    string
	column   string
	colPath  string // the column's list URL, for breadcrumbs
	source   string
	date     string // "2006-01-02 15:04"
	body     string // inner HTML of div.TRS_Editor
	prev     link
	next     link
	gbk      bool
	tzgg     bool   // the 通知公告 template: metadata table, h2 title
	index    string // 索引号 (tzgg template)
	keywords string
	related  []link
}

// render renders a detail page.
func (a article) render() string {
	desc := a.title
	metas := [][2]string{
		{"ArticleTitle", a.title},
		{"PubDate", a.date},
		{"ContentSource", a.source},
		{"Keywords", a.keywords},
		{"Description", desc},
		{"Author", a.source},
		{"Url", "http://" + a.site.Domain + a.path},
	}
	var m strings.Builder
	m.WriteString("<div class=\"article\">\n")
	if a.tzgg {
		fmt.Fprintf(&m, `<table class="xxgk-meta">
<tr><th>索引号:</th><td>%s</td><th>主题分类:</th><td>综合政务\通知公告</td></tr>
<tr><th>发布机构:</th><td>%s</td><th>成文日期:</th><td>%s</td></tr>
<tr><th>名称:</th><td colspan="3">%s</td></tr>
<tr><th>发文字号:</th><td></td><th>发布日期:</th><td>%s</td></tr>
</table>
`, a.index, html.EscapeString(a.source), a.date[:10], html.EscapeString(a.title), a.date[:10])
		fmt.Fprintf(&m, "<h2 class=\"article-title\">%s</h2>\n", html.EscapeString(a.title))
	} else {
		fmt.Fprintf(&m, "<h1 class=\"article-title\">%s</h1>\n", html.EscapeString(a.title))
	}
	fmt.Fprintf(&m, "<div class=\"article-info\"><span>来源: %s</span><span>发布时间: %s</span><span>点击数:{{HITS}}</span>"+
		"<span class=\"zh\">字号:[<a href=\"javascript:doZoom(20)\">大</a> <a href=\"javascript:doZoom(16)\">中</a> <a href=\"javascript:doZoom(14)\">小</a>]</span></div>\n",
		html.EscapeString(a.source), a.date)
	m.WriteString("<div class=\"article-con\" id=\"zoom\">\n<div class=\"TRS_Editor\">\n")
	m.WriteString(a.body)
	m.WriteString("</div>\n</div>\n")
	m.WriteString(`<div class="share-bar">分享到:<a href="javascript:void(0);" class="sh-wb" onclick="share('wb')" title="分享到新浪微博">微博</a><a href="javascript:void(0);" class="sh-wx" onclick="share('wx')" title="分享到微信">微信</a><a href="javascript:void(0);" class="sh-qq" onclick="share('qq')" title="分享到QQ好友">QQ</a><a href="javascript:void(0);" class="sh-qz" onclick="share('qz')" title="分享到QQ空间">QQ空间</a></div>
<div class="print-bar">【<a href="javascript:window.print();">打印本页</a>】【<a href="javascript:window.close();">关闭窗口</a>】</div>
`)
	m.WriteString("<div class=\"prev-next\">\n")
	for _, pn := range []struct {
		label string
		l     link
	}{{"上一篇", a.prev}, {"下一篇", a.next}} {
		if pn.l.Href == "" {
			fmt.Fprintf(&m, "<p>%s:没有了</p>\n", pn.label)
			continue
		}
		fmt.Fprintf(&m, "<p>%s:<a href=\"%s\" title=\"%s\">%s</a></p>\n", pn.label,
			html.EscapeString(pn.l.Href), html.EscapeString(pn.l.Text), html.EscapeString(pn.l.Text))
	}
	m.WriteString("</div>\n<div class=\"related\">\n<h4>相关链接</h4>\n<ul>\n")
	for _, l := range a.related {
		fmt.Fprintf(&m, "<li><a href=\"%s\" target=\"_blank\">%s</a></li>\n", html.EscapeString(l.Href), l.Text)
	}
	m.WriteString("</ul>\n</div>\n<div class=\"qr-code\"><img src=\"/images/qr_page.png\" alt=\"\">扫一扫在手机打开当前页</div>\n</div>\n")

	share := `<script type="text/javascript">
function share(to) {
	var u = encodeURIComponent(window.location.href), t = encodeURIComponent(document.title);
	var api = {
		wb: "https://service.weibo.com/share/share.php?url=" + u + "&title=" + t,
		qq: "https://connect.qq.com/widget/shareqq/index.html?url=" + u + "&title=" + t,
		qz: "https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?url=" + u + "&title=" + t
	};
	if (to === "wx") { alert("请使用微信扫描页面下方二维码分享"); return; }
	window.open(api[to], "_blank", "width=620,height=450");
}
</script>
`
	return render(page{
		site:   a.site,
		path:   a.path,
		gbk:    a.gbk,
		title:  a.title + "_" + a.site.Name,
		column: a.column,
		crumbs: []link{{"政务公开", "/zwgk/"}, {a.column, a.colPath}, {"正文", ""}},
		side:   a.column,
		metas:  metas,
		head:   share,
		main:   m.String(),
	})
}

// Body rendering.

// longLine is the length, in characters, from which a line is body text
// rather than a title, heading or signature line.
const longLine = 60

// renderBody turns a body text (one paragraph per line) into TRS_Editor HTML:
// short lines before the first long one are a centred title (unless they end
// in ":", like a salutation), short lines
// after the last long one are the right-aligned signature, short numbered
// lines are headings, and "@table:NAME" lines are replaced by tables[NAME].
func renderBody(text string, tables map[string]string) string {
	headingRE := regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	subHeadingRE := regexp.MustCompile(`^[(（][一二三四五六七八九十]+[)）]`)
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	first, last := -1, -1
	for i, l := range lines {
		if utf8.RuneCountInString(l) >= longLine {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	var b strings.Builder
	for i, l := range lines {
		esc := html.EscapeString(l)
		short := utf8.RuneCountInString(l) < longLine
		switch {
		case strings.HasPrefix(l, "@table:"):
			t, ok := tables[strings.TrimPrefix(l, "@table:")]
			if !ok {
				panic("renderBody: no table for " + l)
			}
			b.WriteString(t)
		case short && i < first && !strings.HasSuffix(l, ":"):
			fmt.Fprintf(&b, "<p style=\"text-align: center;\"><strong><span style=\"font-family: 方正小标宋简体; font-size: 22px;\">%s</span></strong></p>\n", esc)
		case short && i > last:
			fmt.Fprintf(&b, "<p style=\"text-align: right;\"><span style=\"font-family: 仿宋_GB2312;\">%s</span></p>\n", esc)
		case short && headingRE.MatchString(l):
			fmt.Fprintf(&b, "<p style=\"text-indent: 2em;\"><span style=\"font-family: 黑体;\">%s</span></p>\n", esc)
		case short && subHeadingRE.MatchString(l):
			fmt.Fprintf(&b, "<p style=\"text-indent: 2em;\"><strong><span style=\"font-family: 楷体_GB2312;\">%s</span></strong></p>\n", esc)
		default:
			fmt.Fprintf(&b, "<p style=\"text-indent: 2em;\"><span style=\"font-family: 仿宋_GB2312;\">%s</span></p>\n", esc)
		}
	}
	return b.String()
}

// readBody reads testdata/bodies/name.
func readBody(name string) (string, error) {
	b, err := os.ReadFile(path.Join("testdata", "bodies", name))
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	return string(b), nil
}

// Tables of the national 政府信息公开工作年度报告 format.

// xxgkNumbers are the figures of one year's 政府信息公开 report.
type xxgkNumbers struct {
	rules       [3]int // 规章: 本年制发, 本年废止, 现行有效 … see activeTable
	norms       [3]int // 行政规范性文件
	permits     int
	penalties   int
	coercions   int
	fees        string // 万元
	received    [6]int // 本年新收, by 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他
	carriedIn   [6]int // 上年结转
	outcomes    map[string][6]int
	carriedOut  [6]int // 结转下年度继续办理
	reviewSuits [15]int
}

// activeTable is 二、主动公开政府信息情况.
func activeTable(n xxgkNumbers) string {
	var b strings.Builder
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\">\n<tbody>\n")
	b.WriteString("<tr><td colspan=\"4\" style=\"background:#dbe5f1;\"><strong>第二十条第(一)项</strong></td></tr>\n")
	b.WriteString("<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>\n")
	fmt.Fprintf(&b, "<tr><td>规章</td><td>%d</td><td>%d</td><td>%d</td></tr>\n", n.rules[0], n.rules[1], n.rules[2])
	fmt.Fprintf(&b, "<tr><td>行政规范性文件</td><td>%d</td><td>%d</td><td>%d</td></tr>\n", n.norms[0], n.norms[1], n.norms[2])
	b.WriteString("<tr><td colspan=\"4\" style=\"background:#dbe5f1;\"><strong>第二十条第(五)项</strong></td></tr>\n")
	b.WriteString("<tr><td>信息内容</td><td colspan=\"3\">本年处理决定数量</td></tr>\n")
	fmt.Fprintf(&b, "<tr><td>行政许可</td><td colspan=\"3\">%d</td></tr>\n", n.permits)
	b.WriteString("<tr><td colspan=\"4\" style=\"background:#dbe5f1;\"><strong>第二十条第(六)项</strong></td></tr>\n")
	b.WriteString("<tr><td>信息内容</td><td colspan=\"3\">本年处理决定数量</td></tr>\n")
	fmt.Fprintf(&b, "<tr><td>行政处罚</td><td colspan=\"3\">%d</td></tr>\n", n.penalties)
	fmt.Fprintf(&b, "<tr><td>行政强制</td><td colspan=\"3\">%d</td></tr>\n", n.coercions)
	b.WriteString("<tr><td colspan=\"4\" style=\"background:#dbe5f1;\"><strong>第二十条第(八)项</strong></td></tr>\n")
	b.WriteString("<tr><td>信息内容</td><td colspan=\"3\">本年收费金额(单位:万元)</td></tr>\n")
	fmt.Fprintf(&b, "<tr><td>行政事业性收费</td><td colspan=\"3\">%s</td></tr>\n", n.fees)
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// applyRow is a row of the application table: its label, its key in
// xxgkNumbers.outcomes ("" for a group heading) and how it is laid out.
type applyRow struct {
	group string // the (三)-level group it belongs to, for rowspan
	label string
	key   string
}

// applyRows are the 办理结果 rows of the national format, in order.
func applyRows() []applyRow {
	return []applyRow{
		{"", "(一)予以公开", "open"},
		{"", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partial"},
		{"(三)不予公开", "1.属于国家秘密", "deny1"},
		{"(三)不予公开", "2.其他法律行政法规禁止公开", "deny2"},
		{"(三)不予公开", "3.危及“三安全一稳定”", "deny3"},
		{"(三)不予公开", "4.保护第三方合法权益", "deny4"},
		{"(三)不予公开", "5.属于三类内部事务信息", "deny5"},
		{"(三)不予公开", "6.属于四类过程性信息", "deny6"},
		{"(三)不予公开", "7.属于行政执法案卷", "deny7"},
		{"(三)不予公开", "8.属于行政查询事项", "deny8"},
		{"(四)无法提供", "1.本机关不掌握相关政府信息", "none1"},
		{"(四)无法提供", "2.没有现成信息需要另行制作", "none2"},
		{"(四)无法提供", "3.补正后申请内容仍不明确", "none3"},
		{"(五)不予处理", "1.信访举报投诉类申请", "skip1"},
		{"(五)不予处理", "2.重复申请", "skip2"},
		{"(五)不予处理", "3.要求提供公开出版物", "skip3"},
		{"(五)不予处理", "4.无正当理由大量反复申请", "skip4"},
		{"(五)不予处理", "5.要求行政机关确认或重新出具已获取信息", "skip5"},
		{"(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other1"},
		{"(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other2"},
		{"(六)其他处理", "3.其他", "other3"},
	}
}

// cells renders six figures plus their total as <td>s.
func cells(v [6]int) string {
	var b strings.Builder
	sum := 0
	for _, x := range v {
		fmt.Fprintf(&b, "<td>%d</td>", x)
		sum += x
	}
	fmt.Fprintf(&b, "<td>%d</td>", sum)
	return b.String()
}

// applyTable is 三、收到和处理政府信息公开申请情况, with the national format's
// rowspan/colspan headers. It panics if the figures break the table's own
// rule (本年新收 + 上年结转 = 办理结果总计 + 结转下年度), so the fixture can't
// publish inconsistent numbers.
func applyTable(n xxgkNumbers) string {
	var total [6]int
	for _, r := range applyRows() {
		v := n.outcomes[r.key]
		for i := range total {
			total[i] += v[i]
		}
	}
	for i := range total {
		if n.received[i]+n.carriedIn[i] != total[i]+n.carriedOut[i] {
			panic(fmt.Sprintf("applyTable: column %d: %d+%d != %d+%d", i, n.received[i], n.carriedIn[i], total[i], n.carriedOut[i]))
		}
	}
	var b strings.Builder
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\">\n<tbody>\n")
	b.WriteString("<tr><td colspan=\"3\" rowspan=\"3\">(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)</td><td colspan=\"7\">申请人情况</td></tr>\n")
	b.WriteString("<tr><td rowspan=\"2\">自然人</td><td colspan=\"5\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr>\n")
	b.WriteString("<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>\n")
	fmt.Fprintf(&b, "<tr><td colspan=\"3\">一、本年新收政府信息公开申请数量</td>%s</tr>\n", cells(n.received))
	fmt.Fprintf(&b, "<tr><td colspan=\"3\">二、上年结转政府信息公开申请数量</td>%s</tr>\n", cells(n.carriedIn))
	rows := applyRows()
	groupSize := map[string]int{}
	for _, r := range rows {
		groupSize[r.group]++
	}
	seen := map[string]bool{}
	for i, r := range rows {
		b.WriteString("<tr>")
		if i == 0 {
			fmt.Fprintf(&b, "<td rowspan=\"%d\">三、本年度办理结果</td>", len(rows)+1)
		}
		v := n.outcomes[r.key]
		if r.group == "" {
			fmt.Fprintf(&b, "<td colspan=\"2\">%s</td>%s</tr>\n", r.label, cells(v))
			continue
		}
		if !seen[r.group] {
			seen[r.group] = true
			fmt.Fprintf(&b, "<td rowspan=\"%d\">%s</td>", groupSize[r.group], r.group)
		}
		fmt.Fprintf(&b, "<td>%s</td>%s</tr>\n", r.label, cells(v))
	}
	fmt.Fprintf(&b, "<tr><td colspan=\"2\">(七)总计</td>%s</tr>\n", cells(total))
	fmt.Fprintf(&b, "<tr><td colspan=\"3\">四、结转下年度继续办理</td>%s</tr>\n", cells(n.carriedOut))
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// reviewTable is 四、政府信息公开行政复议、行政诉讼情况. n.reviewSuits holds the
// four outcomes of 行政复议, then of 未经复议直接起诉, then of 复议后起诉, in
// slots 0–3, 5–8 and 10–13; the totals are computed.
func reviewTable(n xxgkNumbers) string {
	v := n.reviewSuits
	for _, start := range []int{0, 5, 10} {
		v[start+4] = v[start] + v[start+1] + v[start+2] + v[start+3]
	}
	var b strings.Builder
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\">\n<tbody>\n")
	b.WriteString("<tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>\n")
	b.WriteString("<tr><td rowspan=\"2\">结果维持</td><td rowspan=\"2\">结果纠正</td><td rowspan=\"2\">其他结果</td><td rowspan=\"2\">尚未审结</td><td rowspan=\"2\">总计</td>" +
		"<td colspan=\"5\">未经复议直接起诉</td><td colspan=\"5\">复议后起诉</td></tr>\n")
	b.WriteString("<tr>")
	for range 2 {
		b.WriteString("<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>")
	}
	b.WriteString("</tr>\n<tr>")
	for _, x := range v {
		fmt.Fprintf(&b, "<td>%d</td>", x)
	}
	b.WriteString("</tr>\n</tbody>\n</table>\n")
	return b.String()
}

// xxgk2022 and xxgk2023 are the figures of the two 政府信息公开 reports. The
// 2022 report's 结转下年度 is the 2023 report's 上年结转.
func xxgk2022() xxgkNumbers {
	return xxgkNumbers{
		rules: [3]int{0, 0, 0}, norms: [3]int{9, 5, 36},
		permits: 14862, penalties: 3175, coercions: 41, fees: "412.36",
		received:  [6]int{195, 12, 0, 1, 3, 2},
		carriedIn: [6]int{5, 0, 0, 0, 0, 0},
		outcomes: map[string][6]int{
			"open":    {68, 5, 0, 1, 1, 1},
			"partial": {21, 1, 0, 0, 0, 0},
			"deny2":   {1, 0, 0, 0, 0, 0},
			"deny4":   {2, 1, 0, 0, 0, 0},
			"deny5":   {1, 0, 0, 0, 0, 0},
			"deny6":   {3, 0, 0, 0, 0, 0},
			"deny7":   {2, 0, 0, 0, 0, 0},
			"deny8":   {4, 0, 0, 0, 0, 0},
			"none1":   {58, 3, 0, 0, 2, 0},
			"none2":   {9, 0, 0, 0, 0, 0},
			"none3":   {4, 0, 0, 0, 0, 0},
			"skip1":   {5, 0, 0, 0, 0, 0},
			"skip2":   {4, 0, 0, 0, 0, 1},
			"skip4":   {1, 0, 0, 0, 0, 0},
			"skip5":   {2, 0, 0, 0, 0, 0},
			"other1":  {6, 1, 0, 0, 0, 0},
			"other3":  {1, 0, 0, 0, 0, 0},
		},
		carriedOut:  [6]int{8, 1, 0, 0, 0, 0},
		reviewSuits: [15]int{3, 1, 0, 1, 0, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0},
	}
}

func xxgk2023() xxgkNumbers {
	return xxgkNumbers{
		rules: [3]int{0, 0, 0}, norms: [3]int{11, 4, 43},
		permits: 16204, penalties: 2893, coercions: 37, fees: "388.05",
		received:  [6]int{170, 11, 1, 0, 4, 1},
		carriedIn: [6]int{8, 1, 0, 0, 0, 0},
		outcomes: map[string][6]int{
			"open":    {61, 6, 1, 0, 2, 0},
			"partial": {18, 2, 0, 0, 1, 0},
			"deny3":   {1, 0, 0, 0, 0, 0},
			"deny4":   {3, 0, 0, 0, 0, 0},
			"deny5":   {2, 0, 0, 0, 0, 0},
			"deny6":   {4, 0, 0, 0, 0, 0},
			"deny7":   {1, 0, 0, 0, 0, 0},
			"deny8":   {3, 0, 0, 0, 0, 0},
			"none1":   {52, 2, 0, 0, 1, 0},
			"none2":   {8, 0, 0, 0, 0, 1},
			"none3":   {3, 0, 0, 0, 0, 0},
			"skip1":   {4, 0, 0, 0, 0, 0},
			"skip2":   {3, 0, 0, 0, 0, 0},
			"skip3":   {1, 0, 0, 0, 0, 0},
			"skip5":   {1, 0, 0, 0, 0, 0},
			"other1":  {5, 1, 0, 0, 0, 0},
			"other2":  {1, 0, 0, 0, 0, 0},
			"other3":  {1, 0, 0, 0, 0, 0},
		},
		carriedOut:  [6]int{6, 1, 0, 0, 0, 0},
		reviewSuits: [15]int{4, 0, 1, 0, 0, 1, 1, 0, 1, 0, 2, 0, 0, 0, 0},
	}
}

// xxgkBody renders a 政府信息公开 report body from its text and figures.
func xxgkBody(text string, n xxgkNumbers) string {
	return renderBody(text, map[string]string{
		"active": activeTable(n),
		"apply":  applyTable(n),
		"review": reviewTable(n),
	})
}
