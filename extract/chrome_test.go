package extract

import (
	"slices"
	"strings"
	"testing"
)

func TestIsChromeLine(t *testing.T) {
	drop := []string{
		"建议升级浏览器版本到最新版本!",
		"X",
		"当前位置:首页 > 公示公告 > 通知公告",
		"您所在的位置:政务公开 > 工作报告",
		"您当前的位置: 首页>政务公开>法治政府年度报告> 市司法局法治政府年度报告",
		"当前位置:首页 > 政府信息公开 > 法定主动公开内容 > 其他主动公开内容 > 法治政府建设年度报告 > 全区法治政府建设年度报告",
		"来源: 天津市司法局 发布时间: 2021-03-26 10:03",
		"文章来源:司法局 更新时间:2021/03/29 11:30:01",
		"日期:2025-03-19 09:32 来源:区政府办 字号:",
		"发布日期:2026-02-13 点击数:人次",
		"访问次数: 147 作者: 区司法局 发布时间:2024-04-01 [字体: ]",
		"字体大小:【 浏览次数:信息来源: 区司法局发布时间:2024-04-01",
		"更新时间:2021-03-04 11:52:53 作者:admin 来源: 点击数: |",
		"字号:",
		"【 字体: 打印",
		"字体:",
		"字号:大 中 小",
		"【字体:大 中 小】",
		"分享到:",
		"分享:",
		"扫一扫在手机打开当前页面",
		"首页 | 网站地图 | 网站声明 | 联系我们",
		"适老版 关爱版",
		"关怀版 无障碍",
		"无障碍浏览",
		"无障碍 简体| 繁体",
		"今天是:2019年10月31日 星期三 农历十月初七",
		"今天是2026年11月22日 星期日",
		"2026年11月22日 星期日 农历十月初三",
		"Copyright © 2017 广州市司法局 粤ICP备09006188号 网站标识码:4401000042 粤公网安备 44010402000213号",
		"冀公网安备 13042002000523号 / 网站标识码 1304000009 / 主办单位: 邯郸市人民政府办公室",
		"主办单位:天津市司法局 地址:天津市河西区友谊路34号 邮编:300201",
		"来源:天津市司法局发布时间:2021-03-26 10:03",
		"CopyRight 2012 天津市司法局",
		"政府网站找错",
		"我要找错",
		"点击数:12",
		"点击数: 13",
		"浏览次数:1024次",
		"阅读次数:",
		"阅读量 88",
		"上一篇:天津市司法局关于公开征集2021年度立法项目建议的公告",
		"下一篇:没有了",
		"【上一篇】",
		"相关链接",
		"相关文章",
		"相关阅读:",
		"新媒体矩阵",
		"政务邮箱",
		"帮办平台",
		"返回顶部",
		"【打印本页】【关闭窗口】",
		"打印 关闭",
		"【打印】 【关闭】",
		"打印 | 关闭 | 返回顶部",
		"责任编辑:张三",
		"(责任编辑:李四)",
		"索引号:000014348/2021-00012",
		"发布机构:市司法局",
		"2021-03-26 10:03",
		"2011-12-15 20:06 来源:新华社",
		"——",
		"微信 微博 QQ空间",
		"(本文来源:中工网)",
		"2011年12月15日 21:34",
		"2011-12-16 01:06:38 |",
		"(內容由新浪北京提供。未經授權,不得轉載。)",
		"未经授权禁止转载、摘编、复制及建立镜像,违者将依法追究法律责任。",
		"转载请注明出处",
		"我要评论",
		"发表评论",
		"已有0条评论",
		"已有帐号?马上登录",
		"《中华人民共和国增值电信业务经营许可证》编号:闽B2-20050010号",
		"調整字體..大 中 小",
		"友善列印 關閉",
		"現在位置: 人間新聞分類新聞人文‧教育新聞",
		"目前位置:首頁 > 兩岸新聞",
		"當前位置:首頁>新聞中心",
	}
	keep := []string{
		"一、主要举措和成效",
		"(五)推进无障碍环境建设",
		"五是持续做好网站适老化和无障碍改造。",
		"三是推行无纸化办公,减少文件打印。",
		"建立容错纠错机制",
		"(三)相关工作开展情况",
		"河东区司法局",
		"2025年1月17日",
		"2025228",
		"2024-03-01 09:00 召开全区法治政府建设推进会",
		"(建议此件主动公开)",
		"网站总访问量\t1234567",
		"网站标识码\t1304000009",
		"ICP备案编号\t冀ICP备05006789号",
		"主办单位\t邯郸市人民政府办公室",
		"点击数\t12",
		"行政复议\t312\t298\t21",
		"一是深入推进政府立法。",
		"持续加强政府网站和政务新媒体建设管理。按照《政府网站与政务新媒体检查指标》要求,在县政府门户网站首页底部规范标注主办单位、网站标识码、ICP备案编号和公安机关备案编号,设置“我要找错”入口。",
		"严格落实文件打印、关闭、存档管理制度,全年共规范打印各类文件资料1200余份,关闭不再使用的政务新媒体账号3个,进一步提升了机关运行效率。",
		"注:数据来源:县统计局;统计时间:2023年1月1日至12月31日。",
		"(三)举办法治讲座。主办单位:区司法局、区普法办;承办单位:各街道办事处。全年共举办讲座36场,参加人员5000余人次,取得良好效果。",
		"未经许可不得从事的事项全部向社会公开。",
		"未经许可擅自从事经营活动\t12",
		"(二)规范行政许可,评论员文章3篇",
		"该项目前位置已确定。",
		"今年以来,区政府常务会议每月安排学法,当前位置较重要的工作是推动行政执法规范化建设,相关链接和资料已在网站集中公开,欢迎社会各界监督。",
	}
	for _, l := range drop {
		if !isChromeLine(l) {
			t.Errorf("kept chrome line %q", l)
		}
	}
	for _, l := range keep {
		if isChromeLine(l) {
			t.Errorf("dropped body line %q", l)
		}
	}
}

func TestBodyLinesTitle(t *testing.T) {
	const title = "津南区人民政府关于 2024年法治政府建设情况报告"
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"title line", []string{"津南区人民政府关于 2024年法治政府建设情况报告", "正文。"}, []string{"正文。"}},
		{"title without space", []string{"津南区人民政府关于2024年法治政府建设情况报告", "正文。"}, []string{"正文。"}},
		{"title split over two lines", []string{"津南区人民政府关于", "2024年法治政府建设情况报告", "正文。"}, []string{"正文。"}},
		{"title twice around metadata", []string{title, "来源:津南区人民政府办公室 发布时间:2025-02-28 10:00", "津南区人民政府关于", "2024年法治政府建设情况报告", "正文。"}, []string{"正文。"}},
		{"title later is kept", []string{"正文。", title}, []string{"正文。", title}},
		{"prefix only is kept", []string{"津南区人民政府关于", "正文。"}, []string{"津南区人民政府关于", "正文。"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := bodyLines(slices.Clone(tc.lines), title)
			if !slices.Equal(got, tc.want) {
				t.Errorf("bodyLines = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestChromeInsideContainer puts chrome inside a known container and checks
// that it goes while every body line stays.
func TestChromeInsideContainer(t *testing.T) {
	body := []string{
		"2024年,某区司法局坚持以习近平新时代中国特色社会主义思想为指导,统筹推进法治政府建设全面提质增效。",
		"一、主要举措和成效",
		"(一)坚持党的领导,压实法治政府建设责任。",
		"某区司法局",
		"2025年1月17日",
	}
	var b strings.Builder
	b.WriteString(`<html><head><title>某区司法局2024年度法治政府建设情况报告_某区人民政府</title></head><body><div id="content">`)
	b.WriteString(`<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/a">政务公开</a></div>`)
	b.WriteString(`<h1>某区司法局2024年度法治政府建设情况报告</h1>`)
	b.WriteString(`<div class="info">发布时间：2025-01-20 来源：某区司法局 点击数：<span>12</span> 【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>`)
	b.WriteString(`<div style="display: none">隐藏的内容不应出现</div><form><input value="搜索"><button>搜索</button></form>`)
	for _, l := range body {
		b.WriteString("<p>" + l + "</p>")
	}
	b.WriteString(`<div class="bdsharebuttonbox">分享到：<a class="bds_weixin"></a></div>`)
	b.WriteString(`<ul><li><a href="/1">相关报告一</a></li><li><a href="/2">相关报告二</a></li><li><a href="/3">相关报告三</a></li></ul>`)
	b.WriteString(`<p><a href="javascript:print()">打印</a> <a href="javascript:close()">关闭</a></p>`)
	b.WriteString(`<nav><a href="/">首页</a> <a href="/b">政务公开</a></nav><footer>网站标识码：1200000007 津ICP备05003967号</footer>`)
	b.WriteString(`<script>document.write("今天是")</script><style>p{}</style><noscript>请启用脚本</noscript>`)
	b.WriteString(`</div></body></html>`)
	doc, err := Extract([]byte(b.String()), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(body, "\n") + "\n"
	if got := bodyText(doc); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	if doc.SiteIDCode != "1200000007" || doc.Published != "2025-01-20" || doc.Source != "某区司法局" || doc.Year != 2024 || doc.Kind != "fzzf" {
		t.Errorf("metadata: %+v", *doc)
	}
}

func TestPromoLines(t *testing.T) {
	drop := []string{
		"3g.ifeng.com 用手机随时随地看新闻",
		"注册CNTV微博,一起分享生活中的新鲜事!",
		"CNTV微博为用户提供个性化服务,马上开通CNTV微博,关注主播、名人、朋友的最新动态,通过网页、手机随时记录生活中的新鲜事。",
		"欢迎关注本站微信公众号",
		"成为新浪台湾的Fans",
	}
	keep := []string{
		"2023年,我局开通政务微博1个、微信公众号1个,发布信息1200条。",
		"注册登记企业3200户,同比增长百分之十二。",
		"市民可用手机办理社保业务。",
	}
	for _, l := range drop {
		if !isPromoLine(l) {
			t.Errorf("kept promotion %q", l)
		}
	}
	for _, l := range keep {
		if isPromoLine(l) {
			t.Errorf("dropped body line %q", l)
		}
	}
}
