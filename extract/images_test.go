package extract

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// imagePage wraps an article in a portal page: a header with a logo, a
// menu, and a footer not named as one whose long first line names the
// site's owners and address (the line that used to become the text of an
// article made of pictures).
func imagePage(head, article string) []byte {
	return []byte(`<!DOCTYPE html><html><head><meta charset="utf-8">` + head + `<title>某区2023年度法治政府建设情况报告_某区人民政府</title></head><body>
<div class="top"><a href="/"><img src="/images/logo.png" alt="某区人民政府"></a><span>欢迎访问某区人民政府门户网站</span></div>
<div class="menu"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a> <a href="/hdjl/">互动交流</a></div>
<div class="con">` + article + `</div>
<div class="bottom"><p>主办单位：某市某区人民政府办公室 承办单位：某市某区大数据发展管理中心 联系地址：某省某市某区人民路100号行政中心A座 邮编：100000 联系电话：010-12345678</p>
<p>网站标识码：1101010001 京ICP备05001234号</p></div>
</body></html>`)
}

const imageTitle = "某区2023年度法治政府建设情况报告"

func TestImages(t *testing.T) {
	const pageURL = "https://www.example.gov.cn/zwgk/fzzf/202403/t20240301_123.html"
	scans := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, "https://www.example.gov.cn/zwgk/fzzf/202403/"+n)
		}
		return out
	}
	tests := []struct {
		name       string
		head       string
		article    string
		url        string // "" for pageURL; "-" for none
		opts       Options
		images     []string
		imagesOnly bool
		text       string // "" for the title line alone
		// contains, when set, are lines Text must hold, instead of
		// comparing it whole.
		contains []string
	}{
		{
			name: "lazy-loaded scans in a known container",
			article: `<h1>` + imageTitle + `</h1><div class="info">发布时间：2024-03-01 来源：区司法局</div>
<div id="zoom"><p><img src="/images/loading.gif" data-original="./W020240301_1.jpg" width="800"></p>
<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="W020240301_2.jpg"></p>
<p><img class="lazy" data-original="W020240301_1.jpg"></p></div>`,
			images:     scans("W020240301_1.jpg", "W020240301_2.jpg"),
			imagesOnly: true,
		},
		{
			name: "scans around the title of an unknown template",
			article: `<div class="wzbox"><div class="bt">` + imageTitle + `</div><div class="sj">2024-03-01</div>
<div class="nr"><p><img src="W020240301_1.jpg"></p><p><img src="W020240301_2.jpg"></p></div></div>`,
			images:     scans("W020240301_1.jpg", "W020240301_2.jpg"),
			imagesOnly: true,
		},
		{
			name: "furniture left out",
			article: `<h1>` + imageTitle + `</h1><div id="zoom">
<p><img src="/images/icon_print.png"><img src="W020240301_0.jpg" width="16" height="16"><img src="W020240301_9.jpg" style="width: 1px"></p>
<p><a href="/zwgk/other.html"><img src="W020240301_8.jpg"></a><a href="#"><img src="/upload/share_wx.png"></a></p>
<p><img src="/upload/2024/W020240301_7.jpg" alt="扫一扫在手机打开"><img src="/images/bg.gif"><img src="/res/hd.png"></p>
<div class="share"><img src="/upload/2024/W020240301_6.jpg"></div>
<p><a href="W020240301_1_big.jpg"><img src="W020240301_1.jpg"></a></p></div>`,
			images:     scans("W020240301_1.jpg"),
			imagesOnly: true,
		},
		{
			name: "a line of text of its own",
			article: `<h1>` + imageTitle + `</h1><div id="zoom"><p>现将报告全文公布如下：</p>
<p><img src="W020240301_1.jpg"></p></div>`,
			images: scans("W020240301_1.jpg"),
			text:   imageTitle + "\n现将报告全文公布如下:\n",
		},
		{
			name: "a picture beside the title of a text report",
			article: `<div class="titlebox"><h1>` + imageTitle + `</h1><img src="/upload/2024/0301123456.jpg" width="900"></div>
<div class="text"><p>2023年，某区坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面落实法治政府建设实施纲要，各项工作取得积极成效。现将有关情况报告如下。</p>
<p>一、主要举措和成效。区政府常务会议专题研究法治政府建设工作四次，制定年度工作要点并逐项落实，依法行政制度体系不断完善，重大行政决策程序得到严格执行，行政规范性文件全部经过合法性审核。</p>
<p>二、存在的不足和原因。一是部分行政执法人员的法治意识仍需增强；二是基层法治建设力量较为薄弱，法律顾问作用发挥还不够充分。</p>
<p>三、下一年度工作安排。区政府将继续深入推进依法行政，加强行政执法监督，全面提升法治政府建设水平。</p>
<p>（一）深化行政执法体制改革，推进综合行政执法向基层延伸，健全行政执法协调监督工作体系，规范行政执法自由裁量权。</p>
<p>（二）加强行政复议和应诉工作，发挥行政复议化解行政争议主渠道作用，提高行政机关负责人出庭应诉比例。</p>
<p>（三）深入开展法治宣传教育，落实“谁执法谁普法”责任制，推动法治政府建设各项任务落地见效。</p></div>`,
			// The density's text is the article; the picture by the title
			// does not make a page of pictures of it. (The footer after the
			// article is kept as it was before images were looked at.)
			images:   []string{"https://www.example.gov.cn/upload/2024/0301123456.jpg"},
			contains: []string{"二、存在的不足和原因。", "(三)深入开展法治宣传教育"},
		},
		{
			name:       "the site's selector names the container of the scans",
			article:    `<div class="pics"><img src="P1_20240301.png"><img src="P2_20240301.png"></div><h2>` + imageTitle + `</h2>`,
			opts:       Options{ContentSelector: "div.pics"},
			images:     scans("P1_20240301.png", "P2_20240301.png"),
			imagesOnly: true,
		},
		{
			name:       "base href",
			head:       `<base href="https://static.example.gov.cn/art/2024/">`,
			article:    `<h1>` + imageTitle + `</h1><div class="TRS_Editor"><img src="W020240301_1.jpg"></div>`,
			images:     []string{"https://static.example.gov.cn/art/2024/W020240301_1.jpg"},
			imagesOnly: true,
		},
		{
			name:       "no page URL",
			url:        "-",
			article:    `<h1>` + imageTitle + `</h1><div class="TRS_Editor"><img src="W020240301_1.jpg"></div>`,
			images:     []string{"W020240301_1.jpg"},
			imagesOnly: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var u *url.URL
			switch tc.url {
			case "":
				u = mustURL(t, pageURL)
			case "-":
			default:
				u = mustURL(t, tc.url)
			}
			doc, err := Extract(imagePage(tc.head, tc.article), u, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(doc.Images, tc.images) {
				t.Errorf("Images = %q, want %q", doc.Images, tc.images)
			}
			if doc.ImagesOnly != tc.imagesOnly {
				t.Errorf("ImagesOnly = %v, want %v", doc.ImagesOnly, tc.imagesOnly)
			}
			if tc.contains != nil {
				for _, l := range tc.contains {
					if !strings.Contains(doc.Text, "\n"+l) {
						t.Errorf("Text lacks %q: %q", l, doc.Text)
					}
				}
				return
			}
			want := tc.text
			if want == "" {
				want = imageTitle + "\n"
			}
			if doc.Text != want {
				t.Errorf("Text = %q, want %q", doc.Text, want)
			}
			for _, w := range []string{"主办", "联系地址", "欢迎访问", "ICP"} {
				if strings.Contains(doc.Text, w) {
					t.Errorf("Text holds the page's furniture (%s): %q", w, doc.Text)
				}
			}
		})
	}
}
