package portaltest

// This file holds the page chrome of the generated portal: the parts every page
// of a TRS-built district portal repeats (head, top bar, header, navigation,
// breadcrumbs, sidebar, footer). It is modelled on the chrome inventory of
// DOMAIN.md §2.9. Everything here must encode to GBK, because the 通知公告
// pages are served as GBK: write © as &copy; and a no-break space as &nbsp;.

import (
	"fmt"
	"html"
	"net/url"
	"strings"
)

// site is the identity a page's chrome carries.
type site struct {
	Name   string // SiteName, e.g. "天津市津南区人民政府"
	Short  string // "津南区"
	Domain string // SiteDomain, the production host the page pretends to live on
	Code   string // 政府网站标识码
	Host   string // 主办单位
	ICP    string
	Police string // 公网安备 number
	Conac  string // 党政机关网站标识 id
}

// jinnanSite is the built-in portal.
func jinnanSite() site {
	return site{
		Name:   "天津市津南区人民政府",
		Short:  "津南区",
		Domain: "www.tjjn.gov.cn",
		Code:   "1201120001",
		Host:   "天津市津南区人民政府办公室",
		ICP:    "津ICP备05004418号",
		Police: "12011202000301",
		Conac:  "CA120000000406377700001",
	}
}

// hexiSite is the other site the portal links to (served by Server.Offsite).
func hexiSite() site {
	return site{
		Name:   "天津市河西区人民政府",
		Short:  "河西区",
		Domain: "www.tjhx.gov.cn",
		Code:   "1201030001",
		Host:   "天津市河西区人民政府办公室",
		ICP:    "津ICP备05004419号",
		Police: "12010302000126",
		Conac:  "CA120000000406377700002",
	}
}

// link is an anchor: text and href.
type link struct{ Text, Href string }

// page is one generated HTML page before rendering.
type page struct {
	site    site
	path    string      // URL path it is served at
	gbk     bool        // stored as UTF-8, served as GBK, declared gb2312 in <meta>
	title   string      // <title>
	column  string      // ColumnName meta; "" on the home page
	crumbs  []link      // breadcrumb trail after 首页
	side    string      // the sidebar entry to highlight
	metas   [][2]string // extra <meta name=… content=…>
	head    string      // extra HTML at the end of <head>
	main    string      // the page's own content
	noSide  bool        // home page: no sidebar, no breadcrumbs
	bodyCls string      // class on <body>
}

// render returns the page as stored in the fixture tree (UTF-8, with front
// matter for GBK pages).
func render(p page) string {
	var b strings.Builder
	if p.gbk {
		b.WriteString("<!-- portaltest: encoding=gbk -->\n")
	}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n")
	if p.gbk {
		b.WriteString(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">` + "\n")
	} else {
		b.WriteString(`<meta http-equiv="Content-Type" content="text/html; charset=utf-8">` + "\n")
	}
	b.WriteString(`<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">` + "\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1.0">` + "\n")
	meta := func(name, content string) {
		fmt.Fprintf(&b, "<meta name=\"%s\" content=\"%s\">\n", name, html.EscapeString(content))
	}
	meta("SiteName", p.site.Name)
	meta("SiteDomain", p.site.Domain)
	meta("SiteIDCode", p.site.Code)
	if p.column != "" {
		meta("ColumnName", p.column)
		meta("ColumnDescription", p.site.Short+p.column+"栏目,发布"+p.column+"相关信息")
		meta("ColumnKeywords", p.column+","+p.site.Short)
		meta("ColumnType", p.column)
	}
	for _, m := range p.metas {
		meta(m[0], m[1])
	}
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(p.title))
	b.WriteString("<style type=\"text/css\">\n" + chromeCSS() + "</style>\n")
	b.WriteString(chromeHeadScript())
	b.WriteString(p.head)
	b.WriteString("</head>\n")
	if p.bodyCls != "" {
		fmt.Fprintf(&b, "<body class=\"%s\">\n", p.bodyCls)
	} else {
		b.WriteString("<body>\n")
	}
	b.WriteString(topBar(p.site))
	b.WriteString(header(p.site))
	b.WriteString(nav(p.site))
	b.WriteString("<div class=\"container\">\n")
	if !p.noSide {
		b.WriteString(breadcrumbs(p.crumbs))
		b.WriteString("<div class=\"main-wrap clearfix\">\n")
		b.WriteString(sidebar(p.side))
		b.WriteString("<div class=\"right-main\">\n")
		b.WriteString(p.main)
		b.WriteString("</div>\n</div>\n")
	} else {
		b.WriteString(p.main)
	}
	b.WriteString("</div>\n")
	b.WriteString(footer(p.site, p.path))
	b.WriteString(chromeTailScript())
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// topBar is the strip above the header: the date, elder-friendly and
// accessibility switches, and language links.
func topBar(s site) string {
	return `<div class="top-bar">
<div class="wrap clearfix">
<div class="top-left"><span class="today">今天是{{TODAY}}</span><span class="weather" id="weather">` + s.Short + ` 晴 5℃~16℃</span></div>
<div class="top-right">
<a href="javascript:void(0);" class="slb" onclick="toggleElder(1)" title="适老版">适老版</a>
<a href="javascript:void(0);" class="gab" onclick="toggleElder(2)" title="关爱版">关爱版</a>
<a href="javascript:void(0);" id="cniil_wza" title="无障碍浏览">无障碍</a>
<span class="sep">|</span>
<a href="javascript:void(0);" class="jt on" onclick="switchLang(0)">简体</a>
<a href="javascript:void(0);" class="ft" onclick="switchLang(1)">繁体</a>
<span class="sep">|</span>
<a href="javascript:void(0);" class="mobile" onmouseover="showQr('qr-mobile')" onmouseout="hideQr('qr-mobile')">手机版</a>
<span class="qr-pop" id="qr-mobile"><img src="/images/qr_mobile.png" alt="手机版二维码"></span>
<a href="javascript:void(0);" class="wb" onmouseover="showQr('qr-wb')" onmouseout="hideQr('qr-wb')">政务微博</a>
<span class="qr-pop" id="qr-wb"><img src="/images/qr_weibo.png" alt="政务微博二维码"></span>
<a href="javascript:void(0);" class="wx" onmouseover="showQr('qr-wx')" onmouseout="hideQr('qr-wx')">政务微信</a>
<span class="qr-pop" id="qr-wx"><img src="/images/qr_weixin.png" alt="政务微信二维码"></span>
</div>
</div>
</div>
<div class="ie-tip" id="ieTip" style="display:none;">建议升级浏览器版本到最新版本! <a href="javascript:void(0);" onclick="document.getElementById('ieTip').style.display='none'">X</a></div>
`
}

// header is the logo and the site search box.
func header(s site) string {
	return `<div class="header">
<div class="wrap clearfix">
<div class="logo"><a href="/" title="` + s.Name + `"><img src="/images/logo.png" alt="` + s.Name + `"></a></div>
<div class="search-box">
<form action="/was5/web/search" method="get" name="searchform" target="_blank" onsubmit="return checkSearch(this);">
<input type="hidden" name="channelid" value="231286">
<input type="hidden" name="orderby" value="-DOCRELTIME">
<input type="text" name="searchword" class="search-input" placeholder="请输入关键词" autocomplete="off">
<input type="submit" class="search-btn" value="搜索">
</form>
<div class="hot-words">热词:<span>营商环境</span><span>政务公开</span><span>民心工程</span><span>社保缴费</span><span>义务教育</span></div>
</div>
</div>
</div>
`
}

// nav is the main navigation with its drop-down menus. Only 首页 and the
// 政务公开 menu link into the portal; the service menus link to the
// provincial platforms, as on real district portals.
func nav(s site) string {
	var b strings.Builder
	b.WriteString("<div class=\"nav\">\n<div class=\"wrap\">\n<ul class=\"nav-list clearfix\">\n")
	b.WriteString("<li class=\"nav-item n1\"><a href=\"/\" class=\"nav-a\">首页</a></li>\n")
	b.WriteString("<li class=\"nav-item n2\"><a href=\"/zwgk/\" class=\"nav-a\">政务公开</a>\n<div class=\"sub-nav\">\n")
	for _, l := range []link{
		{"法治政府建设", "/fzzfjs/"}, {"通知公告", "/tzgg/"}, {"政府信息公开", "/xxgk/list.jsp?page=1"},
	} {
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>\n", html.EscapeString(l.Href), l.Text)
	}
	for _, t := range []string{"政策文件", "政策解读", "人事信息", "财政信息", "规划计划", "统计数据", "重点领域", "建议提案"} {
		fmt.Fprintf(&b, "<span class=\"sub-dis\" title=\"栏目建设中\">%s</span>\n", t)
	}
	b.WriteString("</div>\n</li>\n")
	b.WriteString("<li class=\"nav-item n3\"><a href=\"/zwfw/\" class=\"nav-a\">政务服务</a>\n<div class=\"sub-nav\">\n")
	for _, l := range []link{
		{"天津网上办事大厅", "https://zwfw.tj.gov.cn/"}, {"个人办事", "https://zwfw.tj.gov.cn/#/personal"},
		{"法人办事", "https://zwfw.tj.gov.cn/#/legal"}, {"便民服务", "https://zwfw.tj.gov.cn/#/convenience"},
		{"好差评", "https://zwfw.tj.gov.cn/#/evaluate"}, {"津心办", "https://zwfw.tj.gov.cn/#/app"},
		{"一件事一次办", "https://zwfw.tj.gov.cn/#/oneThing"}, {"证照查询", "https://zwfw.tj.gov.cn/#/license"},
	} {
		fmt.Fprintf(&b, "<a href=\"%s\" target=\"_blank\">%s</a>\n", html.EscapeString(l.Href), l.Text)
	}
	b.WriteString("</div>\n</li>\n")
	b.WriteString("<li class=\"nav-item n4\"><a href=\"/hdjl/\" class=\"nav-a\">互动交流</a>\n<div class=\"sub-nav\">\n")
	for _, l := range []link{
		{"区长信箱", "https://www.tj.gov.cn/hdjl/szxx/"}, {"12345政务服务便民热线", "https://www.tj.gov.cn/hdjl/12345/"},
		{"在线访谈", "https://www.tj.gov.cn/hdjl/zxft/"}, {"意见征集", "https://www.tj.gov.cn/hdjl/yjzj/"},
		{"网上调查", "https://www.tj.gov.cn/hdjl/wsdc/"}, {"常见问题", "https://www.tj.gov.cn/hdjl/cjwt/"},
	} {
		fmt.Fprintf(&b, "<a href=\"%s\" target=\"_blank\">%s</a>\n", html.EscapeString(l.Href), l.Text)
	}
	b.WriteString("</div>\n</li>\n</ul>\n</div>\n</div>\n")
	return b.String()
}

// breadcrumbs renders "当前位置:首页 > …".
func breadcrumbs(crumbs []link) string {
	var b strings.Builder
	b.WriteString("<div class=\"position\"><span class=\"pos-ico\"></span>当前位置:<a href=\"/\">首页</a>")
	for _, c := range crumbs {
		if c.Href == "" {
			fmt.Fprintf(&b, " &gt; <span>%s</span>", html.EscapeString(c.Text))
			continue
		}
		fmt.Fprintf(&b, " &gt; <a href=\"%s\">%s</a>", html.EscapeString(c.Href), html.EscapeString(c.Text))
	}
	b.WriteString("</div>\n")
	return b.String()
}

// sidebar is the left column of links to the other columns, plus the topic
// banners every page carries.
func sidebar(active string) string {
	var b strings.Builder
	b.WriteString("<div class=\"left-side\">\n<div class=\"left-tit\"><h2>政务公开</h2></div>\n<ul class=\"left-nav\">\n")
	for _, l := range []link{
		{"政务公开", "/zwgk/"}, {"法治政府建设", "/fzzfjs/"}, {"通知公告", "/tzgg/"},
		{"政府信息公开", "/xxgk/list.jsp?page=1"}, {"政务服务", "/zwfw/"}, {"互动交流", "/hdjl/"},
	} {
		cls := ""
		if l.Text == active {
			cls = " class=\"on\""
		}
		fmt.Fprintf(&b, "<li%s><a href=\"%s\">%s</a></li>\n", cls, html.EscapeString(l.Href), l.Text)
	}
	b.WriteString("</ul>\n<div class=\"left-zt\">\n<h3>专题专栏</h3>\n")
	for i, t := range []string{"学习贯彻党的二十届三中全会精神", "优化营商环境", "安全生产专项整治", "乡村振兴", "文明城区创建"} {
		fmt.Fprintf(&b, "<div class=\"zt-item\"><img src=\"/images/zt_%02d.jpg\" alt=\"%s\"><p>%s</p></div>\n", i+1, t, t)
	}
	b.WriteString("</div>\n</div>\n")
	return b.String()
}

// footer is the bottom of every page: friend-link selects, the 新媒体矩阵,
// the floating 政务邮箱/帮办平台/返回顶部 tools, the site identity, the
// 党政机关 widget and the 政府网站找错 link.
func footer(s site, pagePath string) string {
	var b strings.Builder
	b.WriteString("<div class=\"footer\">\n<div class=\"friend-links\">\n<div class=\"wrap clearfix\">\n<span class=\"fl-tit\">相关链接</span>\n")
	selects := []struct {
		name string
		opts [][2]string
	}{
		{"国家部委网站", [][2]string{
			{"中国政府网", "https://www.gov.cn/"}, {"外交部", "https://www.mfa.gov.cn/"}, {"国家发展改革委", "https://www.ndrc.gov.cn/"},
			{"教育部", "http://www.moe.gov.cn/"}, {"科技部", "https://www.most.gov.cn/"}, {"工业和信息化部", "https://www.miit.gov.cn/"},
			{"公安部", "https://www.mps.gov.cn/"}, {"民政部", "https://www.mca.gov.cn/"}, {"司法部", "https://www.moj.gov.cn/"},
			{"财政部", "https://www.mof.gov.cn/"}, {"人力资源社会保障部", "https://www.mohrss.gov.cn/"}, {"自然资源部", "https://www.mnr.gov.cn/"},
			{"生态环境部", "https://www.mee.gov.cn/"}, {"住房城乡建设部", "https://www.mohurd.gov.cn/"}, {"交通运输部", "https://www.mot.gov.cn/"},
			{"水利部", "http://www.mwr.gov.cn/"}, {"农业农村部", "http://www.moa.gov.cn/"}, {"商务部", "http://www.mofcom.gov.cn/"},
			{"文化和旅游部", "https://www.mct.gov.cn/"}, {"国家卫生健康委", "http://www.nhc.gov.cn/"}, {"退役军人事务部", "https://www.mva.gov.cn/"},
			{"应急管理部", "https://www.mem.gov.cn/"}, {"审计署", "https://www.audit.gov.cn/"}, {"国务院国资委", "http://www.sasac.gov.cn/"},
			{"市场监管总局", "https://www.samr.gov.cn/"}, {"国家统计局", "https://www.stats.gov.cn/"}, {"国家医保局", "https://www.nhsa.gov.cn/"},
		}},
		{"天津市政府部门", [][2]string{
			{"天津市人民政府", "https://www.tj.gov.cn/"}, {"市发展改革委", "https://fzgg.tj.gov.cn/"}, {"市教委", "https://jy.tj.gov.cn/"},
			{"市科技局", "https://kxjs.tj.gov.cn/"}, {"市工业和信息化局", "https://gyxxh.tj.gov.cn/"}, {"市民族宗教委", "https://mzzj.tj.gov.cn/"},
			{"市公安局", "https://ga.tj.gov.cn/"}, {"市民政局", "https://mz.tj.gov.cn/"}, {"市司法局", "https://sf.tj.gov.cn/"},
			{"市财政局", "https://cz.tj.gov.cn/"}, {"市人社局", "https://hrss.tj.gov.cn/"}, {"市规划资源局", "https://ghhzrzy.tj.gov.cn/"},
			{"市生态环境局", "https://sthj.tj.gov.cn/"}, {"市住房城乡建设委", "https://zfcxjs.tj.gov.cn/"}, {"市城市管理委", "https://csgl.tj.gov.cn/"},
			{"市交通运输委", "https://jtys.tj.gov.cn/"}, {"市水务局", "https://swj.tj.gov.cn/"}, {"市农业农村委", "https://nync.tj.gov.cn/"},
			{"市商务局", "https://shangwu.tj.gov.cn/"}, {"市文化和旅游局", "https://whly.tj.gov.cn/"}, {"市卫生健康委", "https://wsjk.tj.gov.cn/"},
			{"市退役军人局", "https://tyjrswj.tj.gov.cn/"}, {"市应急局", "https://yjgl.tj.gov.cn/"}, {"市审计局", "https://sjj.tj.gov.cn/"},
			{"市国资委", "https://sasac.tj.gov.cn/"}, {"市市场监管委", "https://scjg.tj.gov.cn/"}, {"市体育局", "https://ty.tj.gov.cn/"},
			{"市统计局", "https://stats.tj.gov.cn/"}, {"市医保局", "https://ylbz.tj.gov.cn/"}, {"市政务服务办", "https://zwfwb.tj.gov.cn/"},
		}},
		{"各区政府网站", [][2]string{
			{"和平区", "https://www.tjhp.gov.cn/"}, {"河东区", "https://www.tjhd.gov.cn/"}, {"河西区", "https://www.tjhx.gov.cn/"},
			{"南开区", "https://www.tjnk.gov.cn/"}, {"河北区", "https://www.tjhb.gov.cn/"}, {"红桥区", "https://www.tjhq.gov.cn/"},
			{"东丽区", "https://www.tjdl.gov.cn/"}, {"西青区", "https://www.tjxq.gov.cn/"}, {"津南区", "https://www.tjjn.gov.cn/"},
			{"北辰区", "https://www.tjbc.gov.cn/"}, {"武清区", "https://www.tjwq.gov.cn/"}, {"宝坻区", "https://www.baodi.gov.cn/"},
			{"滨海新区", "https://www.tjbh.gov.cn/"}, {"宁河区", "https://www.tjnh.gov.cn/"}, {"静海区", "https://www.tjjh.gov.cn/"},
			{"蓟州区", "https://www.tjjz.gov.cn/"},
		}},
		{"区级部门网站", [][2]string{
			{"区发展改革委", "https://www.tjjn.gov.cn/jnqfgw/"}, {"区教育局", "https://www.tjjn.gov.cn/jnqjyj/"}, {"区科技局", "https://www.tjjn.gov.cn/jnqkjj/"},
			{"区工业和信息化局", "https://www.tjjn.gov.cn/jnqgxj/"}, {"区公安分局", "https://www.tjjn.gov.cn/jnqgaj/"}, {"区民政局", "https://www.tjjn.gov.cn/jnqmzj/"},
			{"区司法局", "https://www.tjjn.gov.cn/jnqsfj/"}, {"区财政局", "https://www.tjjn.gov.cn/jnqczj/"}, {"区人社局", "https://www.tjjn.gov.cn/jnqrsj/"},
			{"区住房建设委", "https://www.tjjn.gov.cn/jnqzjw/"}, {"区城市管理委", "https://www.tjjn.gov.cn/jnqcgw/"}, {"区交通运输委", "https://www.tjjn.gov.cn/jnqjtw/"},
			{"区农业农村委", "https://www.tjjn.gov.cn/jnqnyw/"}, {"区商务局", "https://www.tjjn.gov.cn/jnqswj/"}, {"区文化和旅游局", "https://www.tjjn.gov.cn/jnqwlj/"},
			{"区卫生健康委", "https://www.tjjn.gov.cn/jnqwjw/"}, {"区退役军人局", "https://www.tjjn.gov.cn/jnqtyjrj/"}, {"区应急局", "https://www.tjjn.gov.cn/jnqyjj/"},
			{"区审计局", "https://www.tjjn.gov.cn/jnqsjj/"}, {"区市场监管局", "https://www.tjjn.gov.cn/jnqscjgj/"}, {"区统计局", "https://www.tjjn.gov.cn/jnqtjj/"},
			{"区医保局", "https://www.tjjn.gov.cn/jnqybj/"}, {"区政务服务办", "https://www.tjjn.gov.cn/jnqzwfwb/"}, {"区信访办", "https://www.tjjn.gov.cn/jnqxfb/"},
		}},
	}
	for _, sel := range selects {
		fmt.Fprintf(&b, "<select class=\"fl-select\" onchange=\"openLink(this)\">\n<option value=\"\" selected=\"selected\">%s</option>\n", sel.name)
		for _, o := range sel.opts {
			fmt.Fprintf(&b, "<option value=\"%s\">%s</option>\n", html.EscapeString(o[1]), o[0])
		}
		b.WriteString("</select>\n")
	}
	b.WriteString("</div>\n</div>\n")

	b.WriteString("<div class=\"media-matrix\">\n<div class=\"wrap\">\n<h3>新媒体矩阵</h3>\n<ul class=\"mm-list clearfix\">\n")
	for i, t := range []string{"津南发布微信", "津南发布微博", "津南发布抖音", "津南融媒", "津南政务服务", "津南司法", "津南卫健", "津南教育"} {
		fmt.Fprintf(&b, "<li><img src=\"/images/mm_%02d.png\" alt=\"%s\"><span>%s</span></li>\n", i+1, t, t)
	}
	b.WriteString("</ul>\n</div>\n</div>\n")

	jiucuo := "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=" + s.Code + "&url=" +
		url.QueryEscape("http://"+s.Domain+pagePath)
	fmt.Fprintf(&b, `<div class="footer-bottom">
<div class="wrap clearfix">
<div class="footer-conac"><span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=%s" target="_blank"><img src="/images/red.png" alt="党政机关" title="党政机关"></a></span></div>
<div class="footer-info">
<p class="footer-links"><a href="/wzdt/">网站地图</a><span>|</span><a href="/lxwm/">联系我们</a><span>|</span><a href="javascript:void(0);" onclick="addFavorite()">加入收藏</a><span>|</span><a href="javascript:void(0);" onclick="setHome(this)">设为首页</a></p>
<p>主办单位:%s 网站标识码:%s <a href="https://beian.miit.gov.cn/" target="_blank">%s</a> <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=%s" target="_blank"><img src="/images/gongan.png" alt="">津公网安备 %s号</a></p>
<p>Copyright &copy; 2017-2025 %s 版权所有 未经授权禁止复制或建立镜像</p>
<p>建议使用1920&times;1080分辨率,IE10以上版本浏览器浏览本网站</p>
</div>
<div class="footer-jiucuo"><a href="%s" target="_blank"><img src="/images/jiucuo.png" alt="政府网站找错" title="政府网站找错"></a></div>
</div>
</div>
<div class="fixed-tools" id="fixedTools">
<a href="https://mail.tj.gov.cn/" target="_blank" class="ft-mail">政务邮箱</a>
<a href="https://zwfw.tj.gov.cn/#/helpDo" target="_blank" class="ft-help">帮办平台</a>
<a href="javascript:void(0);" class="ft-top" onclick="backTop()">返回顶部</a>
</div>
</div>
`, strings.ToLower(s.Conac), s.Host, s.Code, s.ICP, s.Police, s.Police, s.Name, html.EscapeString(jiucuo))
	return b.String()
}

// chromeHeadScript is the inline script every page carries in <head>: search
// check, font zoom, elder modes, QR pop-ups, favourites.
func chromeHeadScript() string {
	return `<script type="text/javascript">
var _siteRoot = "/";
var _fontSize = 16;
function checkSearch(f) {
	var w = f.searchword.value.replace(/^\s+|\s+$/g, "");
	if (w === "") { alert("请输入搜索关键词"); f.searchword.focus(); return false; }
	if (w.length > 38) { alert("搜索关键词过长,请精简后重试"); return false; }
	return true;
}
function doZoom(size) {
	var el = document.getElementById("zoom");
	if (!el) { return; }
	_fontSize = size;
	el.style.fontSize = size + "px";
	var ps = el.getElementsByTagName("p");
	for (var i = 0; i < ps.length; i++) { ps[i].style.fontSize = size + "px"; ps[i].style.lineHeight = Math.round(size * 1.9) + "px"; }
}
function toggleElder(mode) {
	var body = document.body;
	if (mode === 1) { body.className = body.className.indexOf("elder") >= 0 ? body.className.replace(" elder", "") : body.className + " elder"; }
	if (mode === 2) { body.className = body.className.indexOf("care") >= 0 ? body.className.replace(" care", "") : body.className + " care"; }
	try { window.localStorage.setItem("siteMode", body.className); } catch (e) {}
}
function switchLang(t) {
	try { window.localStorage.setItem("siteLang", t ? "zh-TW" : "zh-CN"); } catch (e) {}
	if (typeof window.StranBody === "function") { window.StranBody(document.body, t); }
}
function showQr(id) { var el = document.getElementById(id); if (el) { el.style.display = "block"; } }
function hideQr(id) { var el = document.getElementById(id); if (el) { el.style.display = "none"; } }
function openLink(sel) {
	var v = sel.options[sel.selectedIndex].value;
	if (v) { window.open(v); }
	sel.selectedIndex = 0;
}
function addFavorite() {
	try { window.external.addFavorite(window.location.href, document.title); }
	catch (e) { alert("加入收藏失败,请使用Ctrl+D进行添加"); }
}
function setHome(obj) {
	try { obj.style.behavior = "url(#default#homepage)"; obj.setHomePage(window.location.href); }
	catch (e) { alert("此操作被浏览器拒绝,请在浏览器设置中手动设置首页"); }
}
function backTop() {
	var t = document.documentElement.scrollTop || document.body.scrollTop;
	if (t > 0) { window.scrollTo(0, Math.floor(t / 1.5)); setTimeout(backTop, 16); }
}
function isIE() { return !!window.ActiveXObject || "ActiveXObject" in window; }
</script>
`
}

// chromeTailScript runs after the page: IE banner, accessibility loader and
// the (TRS) visit statistics.
func chromeTailScript() string {
	return `<script type="text/javascript">
(function () {
	if (isIE()) { var tip = document.getElementById("ieTip"); if (tip) { tip.style.display = "block"; } }
	try {
		var mode = window.localStorage.getItem("siteMode");
		if (mode) { document.body.className = mode; }
	} catch (e) {}
	var wza = document.getElementById("cniil_wza");
	if (wza) {
		wza.onclick = function () {
			var s = document.createElement("script");
			s.src = "/wza/aria.js?appid=" + "a1b2c3d4e5f60718293a4b5c6d7e8f90";
			s.charset = "utf-8";
			document.body.appendChild(s);
		};
	}
	var tools = document.getElementById("fixedTools");
	window.onscroll = function () {
		var t = document.documentElement.scrollTop || document.body.scrollTop;
		if (tools) { tools.className = t > 300 ? "fixed-tools show" : "fixed-tools"; }
	};
})();
var _trsa_ = _trsa_ || [];
_trsa_.push(["_setSiteId", "7f9c0e1a2b3c4d5e"]);
_trsa_.push(["_trackPageview"]);
(function () {
	var ta = document.createElement("script");
	ta.type = "text/javascript";
	ta.async = true;
	ta.src = "/ta/trsa.js?v=" + "20240611";
	var s = document.getElementsByTagName("script")[0];
	s.parentNode.insertBefore(ta, s);
})();
document.write(unescape("%3Cscript src='https://dcs.conac.cn/js/02/000/0000/40637770/CA020000000406377700001.js' type='text/javascript'%3E%3C/script%3E"));
</script>
`
}

// chromeCSS is the portal's inline stylesheet. Real TRS templates inline a
// large part of their CSS; it is also what makes real pages 30–90 KB.
func chromeCSS() string {
	var b strings.Builder
	b.WriteString(`html, body, div, span, h1, h2, h3, h4, h5, h6, p, a, img, dl, dt, dd, ol, ul, li, form, table, tr, th, td, input, select, textarea { margin: 0; padding: 0; }
body { font: 14px/1.6 "Microsoft YaHei", "微软雅黑", "PingFang SC", "Hiragino Sans GB", SimSun, sans-serif; color: #333; background: #f4f6f9; min-width: 1200px; }
ul, ol, li { list-style: none; }
img { border: 0; vertical-align: middle; max-width: 100%; }
a { color: #333; text-decoration: none; outline: none; }
a:hover { color: #c40000; }
table { border-collapse: collapse; border-spacing: 0; }
input, select, textarea { font-family: inherit; font-size: 14px; outline: none; }
.clearfix:after { content: "."; display: block; height: 0; clear: both; visibility: hidden; }
.clearfix { *zoom: 1; }
.wrap { width: 1200px; margin: 0 auto; position: relative; }
.container { width: 1200px; margin: 0 auto 30px; background: #fff; padding: 0 0 30px; }
.top-bar { height: 36px; line-height: 36px; background: #f1f1f1; border-bottom: 1px solid #e3e3e3; font-size: 13px; color: #666; }
.top-bar .top-left { float: left; }
.top-bar .top-left .today { margin-right: 18px; }
.top-bar .top-left .weather { color: #888; }
.top-bar .top-right { float: right; position: relative; }
.top-bar .top-right a { color: #666; margin: 0 6px; }
.top-bar .top-right a.on, .top-bar .top-right a:hover { color: #c40000; }
.top-bar .top-right .sep { color: #ccc; margin: 0 4px; }
.top-bar .qr-pop { display: none; position: absolute; top: 36px; right: 0; z-index: 99; padding: 8px; background: #fff; border: 1px solid #ddd; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
.top-bar .qr-pop img { width: 110px; height: 110px; }
.ie-tip { height: 32px; line-height: 32px; text-align: center; background: #fff7d9; color: #a66b00; border-bottom: 1px solid #f1d98b; }
.ie-tip a { margin-left: 20px; color: #a66b00; font-weight: bold; }
.header { height: 150px; background: #c40000 url(/images/header_bg.jpg) no-repeat center top; }
.header .logo { float: left; padding-top: 36px; }
.header .logo img { height: 78px; }
.header .search-box { float: right; padding-top: 48px; width: 420px; }
.header .search-box form { height: 40px; background: #fff; border-radius: 20px; overflow: hidden; }
.header .search-input { float: left; width: 320px; height: 40px; line-height: 40px; border: 0; padding: 0 20px; background: transparent; }
.header .search-btn { float: right; width: 80px; height: 40px; border: 0; background: #ffcf4a; color: #8c0000; font-size: 16px; cursor: pointer; }
.header .hot-words { margin-top: 10px; color: #ffe7e7; font-size: 13px; }
.header .hot-words span { margin-right: 10px; cursor: pointer; }
.nav { height: 56px; background: #a80000; box-shadow: 0 2px 4px rgba(0,0,0,.1); }
.nav .nav-list .nav-item { float: left; width: 300px; text-align: center; position: relative; }
.nav .nav-list .nav-a { display: block; height: 56px; line-height: 56px; color: #fff; font-size: 20px; letter-spacing: 2px; }
.nav .nav-list .nav-item:hover .nav-a { background: #8c0000; }
.nav .sub-nav { display: none; position: absolute; left: 0; top: 56px; width: 300px; z-index: 100; background: #fff; border: 1px solid #e1e1e1; border-top: 3px solid #8c0000; padding: 10px 0; }
.nav .nav-item:hover .sub-nav { display: block; }
.nav .sub-nav a, .nav .sub-nav .sub-dis { display: block; height: 36px; line-height: 36px; font-size: 15px; color: #333; }
.nav .sub-nav .sub-dis { color: #aaa; cursor: default; }
.nav .sub-nav a:hover { background: #fbeaea; color: #c40000; }
.position { height: 48px; line-height: 48px; padding: 0 20px; border-bottom: 1px solid #eee; color: #666; font-size: 14px; }
.position .pos-ico { display: inline-block; width: 16px; height: 16px; margin-right: 6px; vertical-align: -2px; background: url(/images/ico_home.png) no-repeat; }
.position a { color: #666; }
.position a:hover { color: #c40000; }
.main-wrap { padding: 20px 20px 0; }
.left-side { float: left; width: 260px; }
.left-side .left-tit { height: 64px; line-height: 64px; background: #c40000; text-align: center; }
.left-side .left-tit h2 { color: #fff; font-size: 22px; letter-spacing: 3px; }
.left-side .left-nav { border: 1px solid #e5e5e5; border-top: 0; }
.left-side .left-nav li { height: 50px; line-height: 50px; border-bottom: 1px dashed #e5e5e5; padding-left: 40px; background: url(/images/ico_arrow.png) no-repeat 20px center; }
.left-side .left-nav li a { font-size: 16px; display: block; }
.left-side .left-nav li.on { background-color: #fbeaea; }
.left-side .left-nav li.on a { color: #c40000; font-weight: bold; }
.left-side .left-zt { margin-top: 20px; }
.left-side .left-zt h3 { height: 40px; line-height: 40px; font-size: 17px; color: #c40000; border-bottom: 2px solid #c40000; }
.left-side .left-zt .zt-item { margin-top: 12px; }
.left-side .left-zt .zt-item img { width: 260px; height: 70px; }
.left-side .left-zt .zt-item p { display: none; }
.right-main { float: right; width: 880px; min-height: 600px; }
.column-box .column-tit { height: 46px; line-height: 46px; border-bottom: 2px solid #c40000; margin-bottom: 10px; }
.column-box .column-tit h3 { display: inline-block; font-size: 20px; color: #c40000; padding: 0 6px; }
.column-box .column-list li { height: 44px; line-height: 44px; border-bottom: 1px dashed #e2e2e2; padding-left: 16px; background: url(/images/dot.png) no-repeat 4px center; overflow: hidden; }
.column-box .column-list li a { float: left; max-width: 720px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 16px; }
.column-box .column-list li .date { float: right; color: #999; font-size: 14px; }
.page-box, .pager { margin: 30px 0 10px; text-align: center; font-size: 14px; color: #666; }
.page-box a, .pager a, .pager span { display: inline-block; min-width: 34px; height: 34px; line-height: 34px; padding: 0 10px; margin: 0 3px; border: 1px solid #ddd; color: #666; }
.pager .current { background: #c40000; border-color: #c40000; color: #fff; }
.pager .disabled { color: #bbb; }
.pager .total { border: 0; }
.article { padding: 10px 30px 30px; }
.article .article-title { font-size: 26px; line-height: 40px; color: #222; text-align: center; padding: 20px 0 10px; }
.article .article-subtitle { font-size: 18px; color: #666; text-align: center; }
.article .article-info { height: 40px; line-height: 40px; text-align: center; color: #888; border-bottom: 1px solid #e5e5e5; font-size: 14px; }
.article .article-info span { margin: 0 10px; }
.article .article-info .zh a { margin: 0 3px; color: #888; }
.article .article-info .zh a:hover { color: #c40000; }
.article .article-con { padding: 25px 0; font-size: 16px; line-height: 32px; color: #333; min-height: 300px; }
.article .article-con p { margin-bottom: 12px; text-align: justify; }
.article .article-con table { margin: 10px auto; width: 100%; }
.article .article-con table td { border: 1px solid #999; padding: 4px 6px; font-size: 14px; line-height: 22px; text-align: center; }
.article .share-bar { height: 40px; line-height: 40px; border-top: 1px solid #e5e5e5; margin-top: 20px; color: #666; }
.article .share-bar a { display: inline-block; width: 26px; height: 26px; margin: 0 4px; vertical-align: middle; background: url(/images/share.png) no-repeat; text-indent: -999px; overflow: hidden; }
.article .share-bar .sh-wb { background-position: 0 0; }
.article .share-bar .sh-wx { background-position: -30px 0; }
.article .share-bar .sh-qq { background-position: -60px 0; }
.article .share-bar .sh-qz { background-position: -90px 0; }
.article .print-bar { text-align: right; color: #666; margin-top: -40px; height: 40px; line-height: 40px; }
.article .print-bar a { color: #666; }
.article .prev-next { margin-top: 20px; padding: 12px 16px; background: #f8f8f8; line-height: 30px; }
.article .prev-next p { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.article .related { margin-top: 20px; }
.article .related h4 { height: 40px; line-height: 40px; font-size: 17px; color: #c40000; border-bottom: 2px solid #c40000; }
.article .related li { height: 36px; line-height: 36px; padding-left: 14px; background: url(/images/dot.png) no-repeat 2px center; }
.article .qr-code { text-align: center; margin-top: 20px; color: #999; font-size: 13px; }
.article .qr-code img { width: 100px; height: 100px; display: block; margin: 0 auto 6px; }
.xxgk-meta { width: 100%; margin: 10px 0 20px; border: 1px solid #dcdcdc; background: #f9fbfd; }
.xxgk-meta th { width: 90px; padding: 8px 10px; text-align: right; color: #555; font-weight: normal; background: #eef3f8; border: 1px solid #dcdcdc; }
.xxgk-meta td { padding: 8px 10px; border: 1px solid #dcdcdc; color: #333; }
.home-banner { height: 360px; background: url(/images/banner.jpg) no-repeat center; margin-bottom: 20px; }
.home-row { padding: 0 20px; margin-bottom: 20px; }
.home-block { float: left; width: 370px; margin-right: 25px; }
.home-block.last { margin-right: 0; }
.home-block .hb-tit { height: 44px; line-height: 44px; border-bottom: 2px solid #c40000; }
.home-block .hb-tit h3 { float: left; font-size: 19px; color: #c40000; }
.home-block .hb-tit .more { float: right; font-size: 13px; color: #999; }
.home-block li { height: 38px; line-height: 38px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding-left: 12px; background: url(/images/dot.png) no-repeat 0 center; }
.home-block li span { float: right; color: #999; margin-left: 10px; }
.service-grid li { float: left; width: 25%; text-align: center; padding: 14px 0; }
.service-grid li img { width: 48px; height: 48px; display: block; margin: 0 auto 8px; }
.sitemap dl { padding: 16px 0; border-bottom: 1px dashed #ddd; }
.sitemap dt { font-size: 18px; color: #c40000; margin-bottom: 8px; }
.sitemap dd { display: inline-block; margin-right: 24px; line-height: 32px; }
.footer { background: #fff; border-top: 4px solid #c40000; }
.footer .friend-links { padding: 20px 0; background: #f6f6f6; }
.footer .friend-links .fl-tit { float: left; height: 36px; line-height: 36px; font-size: 16px; color: #c40000; margin-right: 20px; }
.footer .friend-links .fl-select { float: left; width: 240px; height: 36px; margin-right: 18px; border: 1px solid #ddd; color: #666; padding: 0 8px; }
.footer .media-matrix { padding: 20px 0; border-bottom: 1px solid #eee; }
.footer .media-matrix h3 { font-size: 17px; color: #c40000; margin-bottom: 12px; }
.footer .media-matrix li { float: left; width: 150px; text-align: center; }
.footer .media-matrix li img { width: 90px; height: 90px; display: block; margin: 0 auto 6px; }
.footer .footer-bottom { padding: 24px 0; background: #8c0000; color: #f3dcdc; font-size: 14px; }
.footer .footer-bottom a { color: #f3dcdc; }
.footer .footer-conac { float: left; width: 120px; padding-top: 8px; }
.footer .footer-info { float: left; width: 900px; text-align: center; line-height: 28px; }
.footer .footer-info .footer-links span { margin: 0 10px; color: #d88; }
.footer .footer-info img { vertical-align: -3px; margin-right: 3px; }
.footer .footer-jiucuo { float: right; width: 120px; padding-top: 14px; text-align: right; }
.fixed-tools { position: fixed; right: 20px; bottom: 120px; width: 60px; z-index: 999; display: none; }
.fixed-tools.show { display: block; }
.fixed-tools a { display: block; width: 60px; height: 60px; margin-bottom: 2px; background: #c40000; color: #fff; font-size: 12px; text-align: center; padding-top: 34px; box-sizing: border-box; }
.fixed-tools a:hover { background: #8c0000; color: #fff; }
body.elder { font-size: 18px; }
body.elder .nav .nav-list .nav-a { font-size: 24px; }
body.elder .column-box .column-list li a { font-size: 20px; }
body.elder .article .article-con { font-size: 22px; line-height: 42px; }
body.care { filter: contrast(1.15); }
body.care a:focus { outline: 3px solid #ffb400; }
@media print {
  .top-bar, .header, .nav, .position, .left-side, .footer, .share-bar, .print-bar, .prev-next, .related, .qr-code, .fixed-tools { display: none !important; }
  .right-main { float: none; width: auto; }
  .container { width: auto; }
}
`)
	// The sprite table of the icon font fallback, as TRS templates ship it.
	icons := []string{"home", "search", "arrow", "dot", "mail", "help", "top", "wb", "wx", "qq", "qz", "print", "close",
		"zwgk", "zwfw", "hdjl", "fzzf", "tzgg", "xxgk", "zcwj", "zcjd", "rsxx", "czxx", "ghjh", "tjsj", "zdly", "jyta",
		"grbs", "frbs", "bmfw", "hcp", "jxb", "yjs", "zzcx", "qzxx", "rx", "ft", "yjzj", "wsdc", "cjwt", "elder", "care", "wza"}
	for i, name := range icons {
		for j, size := range []int{16, 24, 32, 48} {
			fmt.Fprintf(&b, ".ico-%s.s%d { width: %dpx; height: %dpx; background: url(/images/sprite_%d.png) no-repeat -%dpx -%dpx; }\n",
				name, size, size, size, size, (i%8)*(size+4), (i/8)*(size+4)+j*200)
		}
	}
	return b.String()
}
