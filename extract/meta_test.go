package extract

import (
	"net/url"
	"testing"
)

func TestNormalizeDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2021-03-26 10:03", "2021-03-26 10:03"},
		{"2021/03/29 11:30:01", "2021-03-29 11:30:01"},
		{"2021年03月26日", "2021-03-26"},
		{"2021年3月6日 9:05", "2021-03-06 09:05"},
		{"2022-04-17 14:46:00", "2022-04-17 14:46:00"},
		{"2021.3.26", "2021-03-26"},
		{"2021-03-04T11:52:53", "2021-03-04 11:52:53"},
		{"  2025-02-28 10:00  点击数:12", "2025-02-28 10:00"},
		{"2021-13-01", ""},
		{"2021-02-32", ""},
		{"1800-01-01", ""},
		{"2021-03-26 25:00", "2021-03-26"},
		{"没有日期", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := normalizeDate(tc.in); got != tc.want {
				t.Errorf("normalizeDate(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPublished(t *testing.T) {
	tests := []struct {
		name, page, url, want string
	}{
		{"meta PubDate", `<meta name="PubDate" content="2022-04-17 14:46:00"><p>发布时间:2021-01-01</p>`, "", "2022-04-17 14:46:00"},
		{"meta firstpublishedtime", `<meta name="firstpublishedtime" content="2023-01-02-10:20:30"><p>x</p>`, "", "2023-01-02 10:20:30"},
		{"meta publishdate lower case", `<meta name="publishdate" content="2023/1/2"><p>x</p>`, "", "2023-01-02"},
		{"bad meta falls through", `<meta name="PubDate" content="unknown"><p>发布日期:2021年03月26日</p>`, "", "2021-03-26"},
		{"visible 发布时间", `<div>来源: 天津市司法局 发布时间: 2021-03-26 10:03</div>`, "", "2021-03-26 10:03"},
		{"full-width colon", `<div>发布时间：2021/03/29 11:30:01</div>`, "", "2021-03-29 11:30:01"},
		{"发布日期 beats earlier 更新时间", `<div>更新时间:2021-03-04 11:52:53</div><table><tr><td>发布日期:</td><td>2021-03-03</td></tr></table>`, "", "2021-03-03"},
		{"日期 beats 成文日期", `<div>成文日期:2021-03-01</div><div>日期:2021-03-05</div>`, "", "2021-03-05"},
		{"成文日期 last", `<div>成文日期:2021-03-01</div>`, "", "2021-03-01"},
		{"long line ignored", `<p>` + longText + `发布日期:2020-01-01</p>`, "", ""},
		{"TRS url", `<p>x</p>`, "https://sf.tj.gov.cn/a/202103/t20210326_5395336.html", "2021-03-26"},
		{"Hanweb url", `<p>x</p>`, "http://sft.jiangsu.gov.cn/art/2018/5/3/art_71910_8100858.html", "2018-05-03"},
		{"no date", `<p>x</p>`, "http://www.example.gov.cn/xxgk-show-48459.html", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract([]byte(tc.page), mustURLOrNil(t, tc.url), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Published != tc.want {
				t.Errorf("Published = %q, want %q", doc.Published, tc.want)
			}
		})
	}
}

const longText = "这是一个很长的正文段落，用来确认正文中的日期不会被当作发布日期读取，因为元数据行通常很短，而正文段落往往很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。"

func TestTitle(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"meta ArticleTitle", `<meta name="ArticleTitle" content="天津市司法局2020年度法治政府建设情况报告"><title>别的标题_天津市司法局</title><h1>页面标题</h1>`, "天津市司法局2020年度法治政府建设情况报告"},
		{"heading inside <title>", `<title>某区2023年政府信息公开工作年度报告_某区人民政府</title><h1 class="logo">某区人民政府</h1><div class="article-title">某区2023年政府信息公开工作年度报告</div>`, "某区2023年政府信息公开工作年度报告"},
		{"h1 when <title> is the site name", `<title>某区人民政府</title><div class="nav"><h1><a href="/">首页</a></h1></div><h1>某区2023年法治政府建设情况报告</h1>`, "某区2023年法治政府建设情况报告"},
		{"heading in nav ignored", `<title>报告全文 - 某市</title><nav><h1>某市人民政府门户网站</h1></nav>`, "报告全文"},
		{"title suffix _", `<title>江门市司法局2020年法治政府建设年度报告_江门市司法局</title>`, "江门市司法局2020年法治政府建设年度报告"},
		{"title suffix -", `<title>江门市司法局2020年法治政府建设年度报告 - 江门市司法局</title>`, "江门市司法局2020年法治政府建设年度报告"},
		{"title suffix |", `<title>2023年政府信息公开工作年度报告 | 某县人民政府</title>`, "2023年政府信息公开工作年度报告"},
		{"title suffix ——", `<title>2023年政府信息公开工作年度报告——某县人民政府</title>`, "2023年政府信息公开工作年度报告"},
		{"title prefix site", `<title>某县人民政府_关于2024年法治政府建设情况的报告</title>`, "关于2024年法治政府建设情况的报告"},
		{"hyphen in years kept", `<title>法治政府建设实施纲要(2021-2025年)</title>`, "法治政府建设实施纲要(2021-2025年)"},
		{"NFKC and spaces", `<meta name="ArticleTitle" content="  关于２０２４年法治政府建设情况的报告（全文）  ">`, "关于2024年法治政府建设情况的报告(全文)"},
		{"none", `<p>正文</p>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Title([]byte(tc.page)); got != tc.want {
				t.Errorf("Title = %q, want %q", got, tc.want)
			}
			doc, err := Extract([]byte(tc.page), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tc.want {
				t.Errorf("Extract Title = %q, want %q", doc.Title, tc.want)
			}
		})
	}
}

func TestSource(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"meta ContentSource", `<meta name="ContentSource" content="天津市司法局"><div>来源:别处</div>`, "天津市司法局"},
		{"来源 before 发布时间", `<div>来源:  天津市司法局 发布时间:  2021-03-26 10:03</div>`, "天津市司法局"},
		{"no space before label", `<div>来源：天津市司法局发布时间：2021-03-26</div>`, "天津市司法局"},
		{"文章来源", `<div>文章来源:司法局 更新时间:2021/03/29 11:30:01</div>`, "司法局"},
		{"信息来源 after counter", `<div>字体大小:【 浏览次数:信息来源: 区司法局发布时间:2024-04-01</div>`, "区司法局"},
		{"empty 来源 then info table", `<div>更新时间:2021-03-04 作者:admin 来源: 点击数: |</div><table><tr><td>索引号:</td><td>001/2021-1</td><td>发布机构:</td><td>通川区司法局</td></tr><tr><td>成文日期:</td><td>2021-03-03</td><td>文号:</td><td></td></tr></table>`, "通川区司法局"},
		{"资金来源 in body is not a label", `<p>资金来源:财政拨款</p>`, ""},
		{"none", `<p>正文</p>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract([]byte(tc.page), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Source != tc.want {
				t.Errorf("Source = %q, want %q", doc.Source, tc.want)
			}
		})
	}
}

func TestSiteIDCode(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"meta", `<meta name="SiteIDCode" content="1304000009"><p>x</p>`, "1304000009"},
		{"jiucuo link", `<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4401000042&amp;url=http%3A%2F%2Fx">找错</a>`, "4401000042"},
		{"jiucuo script", `<script id="_jiucuo_" sitecode='3200000033' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script>`, "3200000033"},
		{"footer text", `<div class="footer">冀公网安备 13042002000523号 网站标识码 1304000009</div>`, "1304000009"},
		{"footer colon", `<div class="footer">网站标识码：4401000042 粤ICP备09006188号</div>`, "4401000042"},
		{"none", `<p>x</p>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract([]byte(tc.page), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.SiteIDCode != tc.want {
				t.Errorf("SiteIDCode = %q, want %q", doc.SiteIDCode, tc.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		title, published string
		kind             string
		year             int
	}{
		{"关于2024年法治政府建设情况的报告", "", "fzzf", 2024},
		{"天津市司法局2020年度法治政府建设情况报告", "2021-03-26 10:03", "fzzf", 2020},
		{"2020年度法治政府建设年度报告", "", "fzzf", 2020},
		{"2023年政府信息公开工作年度报告", "", "xxgk", 2023},
		{"东湖县人民政府2023年度政府信息公开年报", "", "xxgk", 2023},
		{"2023年度政府网站工作年度报表", "", "other", 2023},
		{"法治政府建设情况报告", "2021-03-26", "fzzf", 2020},
		{"法治政府建设年度报告", "2021-03-26 10:03", "fzzf", 2020},
		{"政府信息公开工作年度报告", "2024-01-19", "xxgk", 2023},
		{"政府信息公开工作年度报告", "", "xxgk", 0},
		{"关于开展法治宣传的通知", "2021-03-26", "other", 0},
		{"政府信息公开指南", "2021-03-26", "other", 0},
		{"关于２０２２年度法治政府建设情况的报告", "", "fzzf", 2022},
		{"《法治政府建设实施纲要(2015—2020年)》落实情况报告", "", "fzzf", 2020},
		{"", "", "other", 0},
	}
	for _, tc := range tests {
		t.Run(tc.title, func(t *testing.T) {
			kind, year := Classify(tc.title, tc.published)
			if kind != tc.kind || year != tc.year {
				t.Errorf("Classify(%q, %q) = %q, %d, want %q, %d", tc.title, tc.published, kind, year, tc.kind, tc.year)
			}
		})
	}
}

func TestInfoTable(t *testing.T) {
	tests := []struct {
		name, page string
		want       map[string]string
	}{
		{"label and value cells", `<table><tr><td>索 引 号：</td><td>000014348/2021-00012</td><td>主题分类：</td><td>司法</td></tr><tr><td>发布机构：</td><td>市司法局</td><td>成文日期：</td><td>2021-03-03</td></tr><tr><td>文　　号：</td><td>津司发〔2021〕5号</td></tr></table>`,
			map[string]string{"索引号": "000014348/2021-00012", "主题分类": "司法", "发布机构": "市司法局", "成文日期": "2021-03-03", "文号": "津司发〔2021〕5号"}},
		{"one line per field", `<ul class="xxgk"><li>索引号：11/2024-01</li><li>发布机构：区政府办</li><li>发文字号：区政办发〔2024〕1号</li><li>有效性：有效</li></ul>`,
			map[string]string{"索引号": "11/2024-01", "发布机构": "区政府办", "发文字号": "区政办发〔2024〕1号", "有效性": "有效"}},
		{"label above value", `<div><div><b>索引号</b><p>11/2024-01</p></div><div><b>发布机构</b><p>区政府办</p></div><div><b>成文日期</b><p>2024-01-02</p></div></div>`,
			map[string]string{"索引号": "11/2024-01", "发布机构": "区政府办", "成文日期": "2024-01-02"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, err := parseHTML([]byte(tc.page + "<p>" + longText + "</p>"))
			if err != nil {
				t.Fatal(err)
			}
			p := newPage(root)
			blocks := p.findInfoBlocks()
			if len(blocks) != 1 {
				t.Fatalf("found %d info blocks, want 1", len(blocks))
			}
			got := p.parseInfo(blocks)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			doc, err := Extract([]byte(tc.page+"<p>"+longText+"</p>"), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != normalizeLine(longText)+"\n" {
				t.Errorf("info table left in text: %q", doc.Text)
			}
		})
	}
}

func mustURLOrNil(t *testing.T, s string) *url.URL {
	if s == "" {
		return nil
	}
	return mustURL(t, s)
}

func TestTitleGluedSiteName(t *testing.T) {
	const (
		head = "崔永元缺席中国慈善年会 给农民工主持晚会"
		para = "著名主持人崔永元缺席了一月八日举行的中国慈善年会,而是到首都机场附近的皮村小剧场,主持了一场打工者自办的春节晚会。"
	)
	tests := []struct {
		name, title, first, want, body string
	}{
		{"channel name glued before", "中新视频-" + head, head, head, para},
		{"site name glued after", head + "-某某新闻网", head, head, para},
		{"a shorter line is not the title", "关于" + head, head, "关于" + head, head + "\n" + para},
		{"a line that is part of the title", "某区2024年法治政府建设情况报告-某区人民政府", "2024年法治政府建设情况报告", "某区2024年法治政府建设情况报告-某区人民政府", "2024年法治政府建设情况报告\n" + para},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>` + tc.title + `</title></head><body><div class="main"><div class="zw_title">` + tc.first + `</div><p>` + para + `</p><p>` + para + `</p></div></body></html>`
			doc, err := Extract([]byte(page), nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tc.want {
				t.Errorf("Title = %q, want %q", doc.Title, tc.want)
			}
			if got, want := doc.Body(), tc.body+"\n"+para+"\n"; got != want {
				t.Errorf("Body = %q, want %q", got, want)
			}
		})
	}
}
