package extract

import (
	"fmt"
	"strings"
	"testing"
)

// TestSections checks the block rules that keep a news-style page's
// furniture out of the text: sections headed "相关新闻", "声明:", "网友评论",
// lines of links, link-heavy wrappers, polls, and long text inside an
// unclosed <a>. Every case must keep the body lines and drop the rest.
func TestSections(t *testing.T) {
	const (
		p1 = "2024年,某区坚持以习近平新时代中国特色社会主义思想为指导,统筹推进法治政府建设全面提质增效,取得明显成效。"
		p2 = "一是深入推进依法行政,全面落实重大行政决策程序规定,全年审查规范性文件二十三件。"
		p3 = "二是严格规范公正文明执法,推行行政执法三项制度,执法案卷评查合格率达到百分之百。"
	)
	body := "<p>" + p1 + "</p><p>" + p2 + "</p><p>" + p3 + "</p>"
	links := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(`<li><a href="/n` + string(rune('a'+i)) + `.html">其他新闻标题第` + string(rune('一'+i)) + `条内容</a> (2012-1-17 11:08)</li>`)
		}
		return b.String()
	}
	tests := []struct {
		name string
		html string
		want []string
	}{
		{"related list with dates after the body",
			`<div class="article">` + body + `<div><h3>相关新闻</h3><ul>` + links(5) + `</ul></div></div>`,
			[]string{p1, p2, p3}},
		{"related links heading inside the body keeps the paragraphs after it",
			`<div class="article"><p>` + p1 + `</p><p>相关新闻:</p><p><a href="/a.html">另一篇报道的标题</a></p><p><a href="/b.html">又一篇报道的标题</a></p><p>` + p2 + `</p><p>` + p3 + `</p></div>`,
			[]string{p1, p2, p3}},
		{"disclaimer heading and its clauses",
			`<div class="article">` + body + `<p>声明:</p><p>• 凡注明为其他媒体来源的信息,均为转载自其他媒体,转载并不代表本网赞同其观点。</p><p>电话:021-12345678 传真:021-87654321</p></div>`,
			[]string{p1, p2, p3}},
		{"disclaimer paragraph",
			`<div class="article">` + body + `<p>免责声明:本文仅代表作者个人观点,与本网无关。其原创性以及文中陈述文字和内容未经本站证实,对本文以及其中全部或者部分内容、文字的真实性、完整性、及时性本站不作任何保证或承诺,请读者仅作参考,并请自行核实相关内容。</p></div>`,
			[]string{p1, p2, p3}},
		{"comment section",
			`<div class="article">` + body + `<div class="cmt"><div>网友评论</div><p>这篇文章写得很好,希望政府继续加强法治建设,多为群众办实事。</p><p>已有0条评论</p></div></div>`,
			[]string{p1, p2, p3}},
		{"link-heavy layout table around the body",
			`<table><tr><td>` + `<h1>标题</h1>` + body + `</td><td><ul>` + links(40) + `</ul></td></tr></table>`,
			[]string{p1, p2, p3}},
		{"poll form",
			`<div class="article">` + body + `<form action="/vote"><p>调查:你如何看待这件事?</p><p><input type="radio">政府应当进一步加强执法力度,切实维护群众的合法权益</p><p><input type="radio">应当加强普法宣传,提高群众的法治意识和守法自觉</p><p><input type="radio">很难说,事件的原因尚未公布难下定夺</p></form></div>`,
			[]string{p1, p2, p3}},
		{"attachment links are kept",
			`<div class="article">` + body + `<p>附件:<a href="/files/report.pdf">某区2024年度法治政府建设情况报告</a></p></div>`,
			[]string{p1, p2, p3, "附件:某区2024年度法治政府建设情况报告"}},
		{"lines of a long link are text",
			`<div class="nav"><a href="/1">首页</a> <a href="/2">新闻</a> <a href="/3">政务</a></div><div><a href="/full.html">` + p1 + `<br><br>全文如下。<br>` + p2 + `<br>` + p3 + `<br>` + p1 + `<br>` + p2 + `</a></div>`,
			[]string{p1, "全文如下。", p2, p3, p1, p2}},
		{"dialog box in the body",
			`<div class="article">` + body + `<div id="dialog-box"><h4>分享 关闭</h4><p><label>Flash代码:</label><input value="http://v.example.com/a.swf"></p><p><label>HTML代码:</label><input value="embed"></p></div></div>`,
			[]string{p1, p2, p3}},
		{"disclaimer after the densest block",
			`<div><div>` + strings.Repeat(body, 3) + `</div><p>免责声明:本文仅代表作者个人观点,与本网无关。其原创性以及文中陈述文字和内容未经本站证实,请读者仅作参考,并请自行核实相关内容。</p></div>`,
			[]string{p1, p2, p3, p1, p2, p3, p1, p2, p3}},
		{"boxes of teasers with summaries beside a short article",
			`<div><div class="text">` + body + `</div><div class="boxes">` + teaserBox("财经新闻", "一季度国民经济数据公布", "初步测算,一季度国内生产总值十万亿元,按可比价格计算,同比增长百分之八点一,经济运行总体平稳。") + teaserBox("证券新闻", "龙年股市走势将前低后高", "历史规律显示,当经济周期进入高通胀阶段后,货币开始收缩,继而依次引起经济回落和通胀回落。") + `</div></div>`,
			[]string{p1, p2, p3}},
		{"long text in an unclosed link counts as text",
			`<div class="nav"><a href="/1">首页</a> <a href="/2">新闻</a> <a href="/3">政务</a></div><div><a href="/self.html">` + p1 + p2 + p3 + `</div>`,
			[]string{p1 + p2 + p3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>标题</title></head><body>` + tc.html + `</body></html>`
			doc, err := Extract([]byte(page), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Join(tc.want, "\n") + "\n"
			if got := bodyText(doc); got != want {
				t.Errorf("text:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// teaserBox is a side box of other articles: a heading, one teaser (a
// linked title and its summary) and a list of links.
func teaserBox(head, title, summary string) string {
	return `<div class="box"><div class="hd"><h3>` + head + `</h3></div><div class="bd"><h4><a href="/t.html">` + title + `</a></h4><p>` + summary + `</p>` +
		`<ul><li><a href="/1.html">另一篇文章的标题一</a></li><li><a href="/2.html">另一篇文章的标题二</a></li><li><a href="/3.html">另一篇文章的标题三</a></li></ul></div></div>`
}

// TestTableArticle: on a page without a known container whose article is
// mostly one statistics table, the densest element is the table's; the
// article is the table with the paragraphs around it, written as a table,
// not the table's rows as loose lines.
func TestTableArticle(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body>`)
	b.WriteString(`<div class="top"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hd">互动交流</a></div><div class="wrap">`)
	b.WriteString(`<p>三、收到和处理政府信息公开申请情况</p><table border="1">`)
	b.WriteString(`<tr><td colspan="2">项目</td><td>自然人</td><td>法人或其他组织</td><td>总计</td></tr>`)
	rows := []string{"一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理"}
	for i, r := range rows {
		fmt.Fprintf(&b, `<tr><td colspan="2">%s</td><td>%d</td><td>1</td><td>%d</td></tr>`, r, 10+i, 11+i)
	}
	b.WriteString(`<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>8</td><td>0</td><td>8</td></tr>`)
	b.WriteString(`<tr><td>（二）部分公开</td><td>2</td><td>1</td><td>3</td></tr>`)
	reasons := []string{"1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息"}
	for i, r := range reasons {
		fmt.Fprintf(&b, `<tr><td colspan="2">（三）不予公开：%s</td><td>%d</td><td>0</td><td>%d</td></tr>`, r, i, i)
	}
	b.WriteString(`</table><p>四、政府信息公开行政复议、行政诉讼情况</p></div></body></html>`)
	doc, err := Extract([]byte(b.String()), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"三、收到和处理政府信息公开申请情况",
		"项目\t\t自然人\t法人或其他组织\t总计",
		"一、本年新收政府信息公开申请数量\t\t10\t1\t11",
		"二、上年结转政府信息公开申请数量\t\t11\t1\t12",
		"四、结转下年度继续办理\t\t12\t1\t13",
		"三、本年度办理结果\t(一)予以公开\t8\t0\t8",
		"\t(二)部分公开\t2\t1\t3",
		"(三)不予公开:1.属于国家秘密\t\t0\t0\t0",
		"(三)不予公开:2.其他法律行政法规禁止公开\t\t1\t0\t1",
		"(三)不予公开:3.危及“三安全一稳定”\t\t2\t0\t2",
		"(三)不予公开:4.保护第三方合法权益\t\t3\t0\t3",
		"(三)不予公开:5.属于三类内部事务信息\t\t4\t0\t4",
		"(三)不予公开:6.属于四类过程性信息\t\t5\t0\t5",
		"四、政府信息公开行政复议、行政诉讼情况",
	}, "\n") + "\n"
	if got := bodyText(doc); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}
