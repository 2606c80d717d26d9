package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// shortLineRunes: only lines shorter than this are ever dropped as chrome
// by their wording. Body paragraphs are longer, and a short body line
// (a heading) survives unless it matches a rule that body text never does.
const shortLineRunes = 60

// footerLineRunes: footer lines carrying a registration number
// (ICP备…号, 公网安备…号, 网站标识码 …) are dropped up to this length, since
// a footer is often printed as one long line.
const footerLineRunes = 200

// chromeLineRE matches short chrome lines anywhere in them. The rules that
// use a word body text can contain (点击, 主办单位 …) require the colon or
// number of a label; "[ ]" and not "\s" so that a table row
// ("网站访问量\t12345") is not taken for a label.
var chromeLineRE = regexp.MustCompile(strings.Join([]string{
	`当前位置`, `您.{0,4}位置`, `你.{0,4}位置`, `所在位置`, `當前位置`, `^(現在|目前)位置`,
	`分享到`, `^分享[ ]*:`,
	`扫一扫.{0,8}(手机|打开|当前页|分享|浏览)`, `^(微信)?扫一扫`,
	`升级浏览器`, `浏览器版本`,
	`政府网站找错`, `我要找错`, `我要纠错`, `网站找错`,
	`(点击数|点击量|点击率|浏览次数|浏览量|访问次数|访问量|阅读次数|阅读量|阅读数)[ ]*(:|\d|人次|$)`,
	`^[【\[(]?[ ]*(上一篇|下一篇|上一条|下一条)`,
	`^[【\[(]?[ ]*(相关链接|相关文章|相关阅读|相关新闻|相关稿件)`,
	`今天是.{0,40}(星期|周)`, `^今天是`,
	`^\d{4}年\d{1,2}月\d{1,2}日[ ]*(星期|周)[一二三四五六日天]`,
	`版权所有`, `(?i)copyright`, `©`,
	`(主办|承办|协办)(单位)?[ ]*:`, `技术支持[ ]*:`,
}, "|"))

// newsLineRE matches the short lines that news and portal pages put
// around an article: copyright notices, the site's disclaimer, share
// bars and the comment box.
var newsLineRE = regexp.MustCompile(strings.Join([]string{
	`(未经|未經).{0,4}(授权|授權|许可|許可).{0,6}(转载|轉載|复制|複製|摘编|摘編|镜像|鏡像)|(不得|禁止|严禁|嚴禁|谢绝|謝絕|请勿|請勿)(转载|轉載)|(转载|轉載)(请|請)(注明|註明)`,
	`^(我要评论|我要評論|发表评论|發表評論|查看评论|查看評論|点击查看评论|我来说两句|我來說兩句|评论期已过|還未發表評論|还未发表评论|目前没有评论|没有相关新闻|沒有相關新聞)`,
	`(本网站|本網站).{0,30}(不代表|观点|觀點|侵犯|侵权|侵權|删除|刪除|转载自|轉載自)`,
	`一键分享|一鍵分享|^(新闻|新聞)分享$`,
	`已有.{0,8}(条|條)(评论|評論)|已有(帐|帳|账)(号|號)|马上登录|馬上登錄|修改昵称|修改暱稱|复制成功|复制收藏|盖楼`,
	`^\([^()]{2,8}[ ]+(编辑|編輯|撰稿|编译|編譯)\)$`,
}, "|"))

// newsLineWords guard newsLineRE as chromeLineWords guard chromeLineRE.
var newsLineWords = []string{
	"未经", "未經", "转载", "轉載", "评论", "評論", "说两句", "說兩句", "没有相关", "沒有相關",
	"帐号", "帳號", "账号", "马上登", "馬上登", "昵称", "暱稱", "复制成", "复制收", "盖楼",
	"本网站", "本網站", "分享", "编辑", "編輯", "撰稿", "编译", "編譯",
}

// widgetLineRE matches the short lines of a page's interactive widgets:
// comment and vote counters ("正有 0 人评论", "给力(0票)"), mood pickers,
// loading placeholders, page and picture numbering ("上一页 1 2 下一页",
// "1 / 7") and calls to send feedback or contributions. Their counts
// change between fetches, so a kept widget line would make every crawl a
// new version.
var widgetLineRE = regexp.MustCompile(strings.Join([]string{
	`^(正有|已有)[ ]*[0-9_A-Z]+[ ]*(人|位|条|條|篇)[ ]*(网友|網友|用户|用戶)?[ ]*(评论|評論|发言|發言|回應|回应).{0,8}$`,
	`^\d+[ ]*(篇|条|條|人)[ ]*(回響|回响|评论|評論|参与|參與)$`,
	`^(我有话说|我有話說|我要发言|我要發言|我要挑错|我要挑錯)`, `\[我要挑错\]`,
	`^[^ \t]{1,4}[ ]*\(\d+[ ]*票\)$`,
	`(请选择|請選擇).{0,12}(心情|感受)`, `(看完|读完|讀完|看了)本文.{0,4}(感受|心情)`,
	`^.{0,8}(加载中|加載中|载入中|載入中|验证用户信息|驗證用戶信息)[.…]*$`,
	`^(上一页|上一頁)[ |]*(\d+[ |]*)*(下一页|下一頁)?$`, `^(\d+[ |]*)+(下一页|下一頁)$`,
	`本文共分[ ]*\d+[ ]*页|当前是第[ ]*\d+[ ]*页|可以实现快速翻页|可以實現快速翻頁`,
	`^(图片|圖片)[ ]*\d+[ ]*/[ ]*\d+$`, `^\d{1,3} / \d{1,3}$`,
	`(诚邀|誠邀).{0,16}投稿|\[投稿\]|^我要投稿`,
	`更多.{0,12}(>>|»|›)$`, `^更多[ ]*[^ ]{1,8}[ ]*(新闻|新聞)$`,
}, "|"))

// widgetLineWords guard widgetLineRE: each alternative contains one of
// them (a digit stands for the numbering rules).
var widgetLineWords = []string{
	"评论", "評論", "发言", "發言", "参与", "參與", "回應", "回应", "回響", "回响", "话说", "話說", "挑错", "挑錯",
	"票", "心情", "感受", "加载", "加載", "载入", "載入", "验证", "驗證", "页", "頁", "翻页", "翻頁",
	"/", "投稿", "更多",
}

// footerLineRE matches footer lines by their registration numbers. Table
// rows are exempt: a 网站工作年度报表 lists these numbers as data.
var footerLineRE = regexp.MustCompile(`ICP[ ]*备[ ]*\d|ICP[ ]*证|公网安备[ ]*\d|网站标识码[ :]*[0-9A-Za-z]{6}|(经营|業務|业务)许可证.{0,6}(编号|[::])`)

// breadcrumbRE matches a breadcrumb, which can be long.
var breadcrumbRE = regexp.MustCompile(`^(当前位置|您.{0,4}位置|你.{0,4}位置|所在位置|當前位置|現在位置|目前位置)[ ]*:?.*(>|»|→|/)`)

// metaLabels name the metadata printed around the body.
const metaLabels = `来源|文章来源|本文来源|信息来源|稿件来源|发布时间|发布日期|更新时间|发布者|发布人|作者|责任编辑|责编|编辑|审核|校对|字号|字体|浏览次数|点击数|点击量|信息提供日期|索引号|主题分类|发布机构|成文日期|发文日期|文号|发文字号|有效性|` +
	// Traditional forms.
	`來源|文章來源|本文來源|信息來源|稿件來源|發布時間|發佈時間|發表時間|發布日期|發佈日期|更新時間|責任編輯|責編|編輯`

// metaLineRE matches a line that starts with a metadata label and colon.
var metaLineRE = regexp.MustCompile(`^[【\[(]?[ ]*(` + metaLabels + `)[ ]*:|^日期[ ]*:[ ]*\d{4}`)

// metaLabelRE finds labels followed by a colon, to count them in a line.
var metaLabelRE = regexp.MustCompile(`(` + metaLabels + `|日期|时间|時間)[ ]*:`)

// countLabels counts the metadata labels in l that start a word: "来源:"
// after a space, a colon or a bracket counts, "数据来源:" does not.
func countLabels(l string) int {
	n := 0
	for _, m := range metaLabelRE.FindAllStringIndex(l, -1) {
		c, _ := utf8.DecodeLastRuneInString(l[:m[0]])
		if m[0] == 0 || !(unicode.IsLetter(c) || unicode.IsNumber(c)) {
			n++
		}
	}
	return n
}

// timeLineRE is a date with a time, alone or followed by metadata labels:
// a publication stamp, never body.
var timeLineRE = regexp.MustCompile(`^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)[ ]*\d{1,2}:\d{2}(:\d{2})?([ |]*$|.*(` + metaLabels + `)[ ]*:)`)

// toolWords are the words of tool bars: a short line made only of these
// (and brackets, bars, colons) is chrome, e.g. "【字体:大 中 小】 打印 关闭".
// Words that body text uses in headings (无障碍环境建设, 政务邮箱收到…) are
// only dropped this way, as a whole line of tool-bar words.
var toolWords = []string{
	"打印本页", "打印此页", "打印文章", "打印正文", "打印", "关闭本页", "关闭窗口", "关闭",
	"收藏本页", "加入收藏", "收藏", "分享到", "分享", "字号", "字体", "默认", "放大", "缩小",
	"标准", "返回顶部", "回到顶部", "顶部", "返回", "首页", "上一页", "下一页", "保存",
	"网站地图", "联系我们", "设为首页", "网站声明", "新媒体矩阵", "政务邮箱", "帮办平台",
	"无障碍浏览", "无障碍阅读", "无障碍", "适老版", "关爱版", "关怀版", "长者版", "老年版",
	"适老化", "简体", "繁体", "简", "繁", "语音播报", "朗读", "微信", "微博", "QQ空间",
	"QQ", "朋友圈", "纠错", "推广", "广告", "大", "中", "小", "TOP", "Top", "top", "X", "x", "×",
	// Traditional forms of the words above.
	"調整字體", "調整字型", "字體", "字型", "字號", "友善列印", "列印本頁", "列印", "關閉視窗",
	"關閉", "加入收藏", "分享工具", "分享至", "回到頂部", "返回頂部", "頂部", "上一頁", "下一頁",
}

// toolWordRemover deletes toolWords. strings.Replacer tries them in the
// order given, so the longer words go first: "分享工具" before "分享".
var toolWordRemover = func() *strings.Replacer {
	words := slices.Clone(toolWords)
	slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
	args := make([]string, 0, 2*len(words))
	for _, w := range words {
		args = append(args, w, "")
	}
	return strings.NewReplacer(args...)
}()

// toolWordRunes are the letters that occur in toolWords: a line with any
// other letter or number is not made of tool-bar words alone.
var toolWordRunes = func() map[rune]bool {
	m := map[rune]bool{}
	for _, w := range toolWords {
		for _, c := range w {
			m[c] = true
		}
	}
	return m
}()

// chromeLineWords are literal words, one of which every chromeLineRE
// alternative contains: a cheap test before the regular expression.
var chromeLineWords = []string{
	"位置", "分享", "扫一扫", "浏览", "找错", "纠错", "点击", "访问", "阅读",
	"上一", "下一", "相关", "今天是", "星期", "周", "版权", "opyright", "opyRight", "OPYRIGHT",
	"©", "主办", "承办", "协办", "技术支持",
}

// footerLineWords likewise guard footerLineRE.
var footerLineWords = []string{"ICP", "公网安备", "网站标识码", "单位", "许可证"}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// isChromeLine reports whether a normalised line is page chrome.
func isChromeLine(l string) bool {
	n := utf8.RuneCountInString(l)
	colons := strings.Count(l, ":")
	if n < footerLineRunes {
		if !strings.Contains(l, "\t") && containsAny(l, footerLineWords) && footerLineRE.MatchString(l) {
			return true
		}
		if strings.Contains(l, "位置") && breadcrumbRE.MatchString(l) {
			return true
		}
		if n < 100 && colons >= 2 && countLabels(l) >= 2 {
			return true
		}
	}
	if isShareBar(l) {
		return true
	}
	if n >= shortLineRunes {
		return false
	}
	if containsAny(l, chromeLineWords) && chromeLineRE.MatchString(l) {
		return true
	}
	if containsAny(l, newsLineWords) && newsLineRE.MatchString(l) {
		return true
	}
	if containsAny(l, widgetLineWords) && widgetLineRE.MatchString(l) {
		return true
	}
	if colons > 0 && (metaLineRE.MatchString(l) || timeLineRE.MatchString(l)) {
		return true
	}
	return onlyToolWords(l)
}

// sharePlatforms are the services a share bar lists.
var sharePlatforms = []string{
	"微博", "空间", "空間", "开心网", "開心網", "人人网", "人人網", "豆瓣", "书签", "書籤", "收藏夹", "收藏夾",
	"搜藏", "朋友圈", "微信", "facebook", "twitter", "plurk", "linkedin", "qq",
}

// shareBarRunes bounds a share bar line.
const shareBarRunes = 80

// isShareBar reports whether l lists four or more share services without
// the punctuation of a sentence: "转帖到: 腾讯微博 新浪微博 开心网 …". A
// report that names its 政务微博 and 微信公众号 does so in a sentence.
func isShareBar(l string) bool {
	if utf8.RuneCountInString(l) >= shareBarRunes || strings.ContainsAny(l, "、,。;，；") {
		return false
	}
	low := strings.ToLower(l)
	n := 0
	for _, p := range sharePlatforms {
		n += strings.Count(low, p)
	}
	return n >= 4
}

// onlyToolWords reports whether l is made of tool-bar words and
// punctuation only (no letter or number left once they are removed).
func onlyToolWords(l string) bool {
	for _, c := range l {
		if (unicode.IsLetter(c) || unicode.IsNumber(c)) && !toolWordRunes[c] {
			return false
		}
	}
	rest := toolWordRemover.Replace(l)
	for _, c := range rest {
		if unicode.IsLetter(c) || unicode.IsNumber(c) {
			return false
		}
	}
	return true
}

// bodyLines filters rendered lines: chrome lines go, then promotions at
// the edges (see dropPromoLines), then leading lines that repeat the
// title (alone, or split over up to three lines).
func bodyLines(lines []string, title string) []string {
	out := lines[:0]
	for _, l := range lines {
		if !isChromeLine(l) {
			out = append(out, l)
		}
	}
	out = dropPromoLines(out)
	t := squash(title)
	if t == "" {
		return out
	}
	for {
		acc, cut := "", 0
		for i := 0; i < len(out) && i < 3; i++ {
			acc += squash(out[i])
			if !strings.HasPrefix(t, acc) {
				break
			}
			if acc == t {
				cut = i + 1
				break
			}
		}
		if cut == 0 && len(out) > 0 && titleDateLine(squash(out[0]), t) {
			cut = 1
		}
		if cut == 0 {
			return out
		}
		out = out[cut:]
	}
}

// datestampRE matches what follows the title on a "title + date" line: a
// date, maybe a time, nothing else.
var datestampRE = regexp.MustCompile(`^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\d{1,2}:\d{2}(:\d{2})?)?$`)

// titleDateLine reports whether a (whitespace-free) line is the title
// followed only by a date stamp, as many pages print above the body.
func titleDateLine(line, title string) bool {
	rest, ok := strings.CutPrefix(line, title)
	return ok && datestampRE.MatchString(rest)
}

// linkLineRunes: only lines shorter than this are dropped for being links.
// A long paragraph inside a link is broken markup (an unclosed <a>), not
// navigation.
const linkLineRunes = 80

// dropLinkLines drops the short lines whose letters are mostly link text:
// the titles of related and recommended articles, often followed by a
// date or a source, and menus that survived as lines. links holds each
// line's link letters.
func dropLinkLines(lines []string, links []int) []string {
	out := lines[:0]
	for i, l := range lines {
		if links[i] > 0 && isLinkLine(l, links[i]) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func isLinkLine(l string, link int) bool {
	letters, n := 0, 0
	for _, c := range l {
		n++
		if unicode.IsLetter(c) {
			letters++
		}
	}
	return n < linkLineRunes && link*2 > letters
}

// promoPlatformRE names the channels a site advertises around its
// articles: social media pages, 公众号, SMS newspapers, mobile sites.
var promoPlatformRE = regexp.MustCompile(`(?i)facebook|google ?(plus|\+)|twitter|微博|微信|公众号|公眾號|手机报|手機報|彩信|手机版|手機版|客户端|客戶端|用手机|用手機`)

// promoCallRE is the call to action of a promotion: follow, like,
// subscribe, scan, text this number, visit this mobile domain.
var promoCallRE = regexp.MustCompile(`(?i)关注我们|關注我們|欢迎关注|歡迎關注|\blike\b|\bfollow\b|\bfans\b|专页|專頁|扫码|掃碼|扫一扫|掃一掃|二维码|二維碼|长按|長按|订阅|訂閱|(移动|移動|联通|聯通|电信|電信)[ ]*(发|發)|(马上|馬上|立即|免费|免費)(注册|註冊|开通|開通)|^(注册|註冊)|\b(3g|wap|m)\.[a-z0-9-]+\.(cn|com|net)`)

// promoSelfRE is a promotion on its own: "成为…的Fans".
var promoSelfRE = regexp.MustCompile(`(?i)(成为|成為|加入).{0,20}(fans|粉丝|粉絲)|(按讚|按赞|讚一個|赞一个).{0,20}(粉丝|粉絲)`)

// promoLineRunes bounds a promotion line.
const promoLineRunes = 200

// isPromoLine reports whether l advertises the site's channels: a
// platform and a call to action, in a line shorter than promoLineRunes.
// A report that counts its own 微博 and 公众号 followers does not call
// the reader to act, and is not at the edge of the body anyway.
func isPromoLine(l string) bool {
	if utf8.RuneCountInString(l) >= promoLineRunes {
		return false
	}
	return promoSelfRE.MatchString(l) || promoPlatformRE.MatchString(l) && promoCallRE.MatchString(l)
}

// promoEdgeLines bounds the lines at the top of the body searched for
// promotions.
const promoEdgeLines = 6

// dropPromoLines removes the promotions a page puts before and after the
// article. At the top, promotion lines among the first short lines go;
// at the bottom, once only short lines and promotions follow the text,
// the first promotion and everything after it go (the site's boxes that
// follow it: 专题, 微博 feeds, share bars). Lines are taken at the edges
// only: a long line that is not a promotion ends the search.
func dropPromoLines(lines []string) []string {
	edge := func(l string) (promo, stop bool) {
		if isPromoLine(l) {
			return true, false
		}
		return false, utf8.RuneCountInString(l) >= shortLineRunes
	}
	cut := len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		promo, stop := edge(lines[i])
		if stop {
			break
		}
		if promo {
			cut = i
		}
	}
	lines = lines[:cut]
	out := lines[:0]
	top := true
	for i, l := range lines {
		if top && i < promoEdgeLines {
			promo, stop := edge(l)
			if promo {
				continue
			}
			top = !stop
		}
		out = append(out, l)
	}
	return out
}
