package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// knownContainers are the body containers of the common government CMSs
// and platforms (DOMAIN.md §2.2, §2.9), tried in order. Generic names
// (#content, div.content …) are also used for menus and side boxes, so a
// generic match must also hold half of the page's paragraph text.
var knownContainers = func() []knownContainer {
	var out []knownContainer
	for _, s := range []string{
		`#UCAP-CONTENT`, `div.TRS_Editor`, `div.trs_paper_default`, `.view.TRS_UEDITOR`,
		`#zoom`, `#Zoom`, `font#Zoom`, `#mainText`, `div.article-content`, `[wzades=正文]`,
		`div.wzcon`, `div.news_cont_d_wrap`, `div.pages_content`, `div.xxgk_content`,
		`div.xl_content`, `div.ewb-article-detail`, `#content`, `div.content`,
		`div.article`, `.Custom_UnionStyle`, `#trsContent`, `.articleCon`,
		`div.xiangqnr`, `div.overview`,
	} {
		generic := s == `#content` || s == `div.content` || s == `div.article` || s == `div.overview`
		out = append(out, knownContainer{mustSelector(s), generic})
	}
	return out
}()

type knownContainer struct {
	sel     cascadia.SelectorGroup
	generic bool
}

// knownMinRunes is the non-link text a known container needs to be taken:
// templates often keep an empty or tiny one elsewhere on the page.
const knownMinRunes = 100

// bestMatch returns the element matched by sel with the most non-link text,
// if it has at least minRunes and ok (if not nil) accepts it.
func (p *page) bestMatch(sel cascadia.Matcher, minRunes int, ok func(*html.Node) bool) *html.Node {
	var best *html.Node
	bestN := 0
	for _, n := range cascadia.QueryAll(p.root, sel) {
		if t := p.st[n].nonLink(); t > bestN && (ok == nil || ok(n)) {
			best, bestN = n, t
		}
	}
	if bestN < minRunes {
		return nil
	}
	return best
}

// container picks the element(s) holding the report body: the site's
// selector, a known container, or the densest block of text. A known
// container that is mostly links is passed over, and so is a generic one
// named as furniture (class "content copyrightbar") or holding less than
// half of the paragraph text.
func (p *page) container(custom cascadia.Matcher, title string) []*html.Node {
	if custom != nil {
		if n := p.bestMatch(custom, 1, nil); n != nil {
			return []*html.Node{n}
		}
		// The site's container may hold the report's pictures and no text.
		for _, n := range cascadia.QueryAll(p.root, custom) {
			if hasArticleImage(n) {
				return []*html.Node{n}
			}
		}
	}
	var d *density
	plausible := func(n *html.Node) bool {
		s := p.st[n]
		return s.link*2 <= s.text
	}
	holdsHalf := func(n *html.Node) bool {
		return plausible(n) && !hasChromeToken(n) && d.mass[n]*2 >= d.total
	}
	for _, k := range knownContainers {
		ok := plausible
		if k.generic {
			if d == nil {
				d = p.density(p.body)
			}
			ok = holdsHalf
		}
		if n := p.bestMatch(k.sel, knownMinRunes, ok); n != nil {
			return []*html.Node{n}
		}
	}
	if d == nil {
		d = p.density(p.body)
	}
	roots := p.densest(d)
	// A report posted as pictures leaves the density nothing but the
	// page's furniture (a footer, a welcome line): the article is then
	// the container that holds its pictures.
	if p.weakText(d, roots, title) {
		if n := p.imageArticle(title, roots); n != nil {
			return []*html.Node{n}
		}
	}
	return roots
}

// paragraphMinRunes is the own text a block needs to count as a paragraph
// in the density fallback; shorter blocks are menu items and labels.
const paragraphMinRunes = 10

// density is the paragraph mass of every element and of the whole
// subtrees measured (the body, or the containers).
type density struct {
	mass    map[*html.Node]int
	total   int
	teasers []*html.Node // blocks not counted: teaser summaries (see isTeaserSummary)
}

// density measures paragraph mass. Each block's own text (not inside a
// nested block) counts when it is long enough and its letters are not
// mostly link text (dates and counts after a list of links do not make
// it a paragraph); nav, aside, header and footer count nothing.
func (p *page) density(roots ...*html.Node) *density {
	mass := map[*html.Node]int{}
	var teasers []*html.Node
	// own is the inline text of a block so far: it belongs to the
	// enclosing block.
	type own struct{ text, link, letters, linkLetters int }
	var walk func(n *html.Node) own
	walk = func(n *html.Node) own {
		var o own
		m := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				t, l := runeLetterCount(c.Data)
				o.text += t
				o.letters += l
			case html.ElementNode:
				if densityExcluded(c) {
					continue
				}
				co := walk(c)
				o.text += co.text
				o.link += co.link
				o.letters += co.letters
				o.linkLetters += co.linkLetters
				m += mass[c]
			}
		}
		if n.DataAtom == atom.A && hasAttr(n, "href") && o.text <= longLinkRunes {
			o.link, o.linkLetters = o.text, o.letters
		}
		if blockTags[n.DataAtom] {
			if o.text >= paragraphMinRunes && o.link*2 < o.text && o.linkLetters*2 < o.letters {
				if p.isTeaserSummary(n, o.text) {
					teasers = append(teasers, n)
				} else {
					m += o.text - o.link
				}
			}
			o = own{}
		}
		if m > 0 {
			mass[n] = m // most elements hold no paragraph: keep the map small
		}
		return o
	}
	total := 0
	for _, r := range roots {
		walk(r)
		total += mass[r]
	}
	return &density{mass: mass, total: total, teasers: teasers}
}

// holdsTeaser reports whether n holds a teaser summary.
func (d *density) holdsTeaser(n *html.Node) bool {
	for _, t := range d.teasers {
		for e := t; e != nil; e = e.Parent {
			if e == n {
				return true
			}
		}
	}
	return false
}

// teaserTitleTags hold the title of a teaser.
var teaserTitleTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Dt: true,
}

// isTeaserSummary reports whether block n, with text runes of its own,
// is the summary of a teaser for another article: a short text (up to
// teaserRunes) that follows a heading made only of link text (not the
// page's own title), with at most short labels (an author, a date)
// between them. A box of other articles next to a short article would
// otherwise hold as much paragraph text as the article.
func (p *page) isTeaserSummary(n *html.Node, text int) bool {
	if text > teaserRunes {
		return false
	}
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		switch s.Type {
		case html.TextNode:
			if strings.TrimSpace(s.Data) != "" {
				return false
			}
			continue
		case html.ElementNode:
		default:
			continue
		}
		st := p.st[s]
		switch {
		case st.text == 0:
			continue // an image, an empty box
		case st.links > 0 && st.link == st.text:
			// The title of another article is a heading (or the term
			// of a dl); the article's own heading is in <title>.
			return teaserTitleTags[s.DataAtom] && !strings.Contains(squash(p.titleTag), squash(inlineText(s, p.st)))
		case st.link == 0 && st.text < paragraphMinRunes:
			continue
		}
		return false
	}
	return false
}

// runeLetterCount counts the runes of s that are not whitespace, and the
// letters among them.
func runeLetterCount(s string) (runes, letters int) {
	for _, c := range s {
		switch {
		case c < utf8.RuneSelf:
			if c != ' ' && (c < '\t' || c > '\r') {
				runes++
				if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
					letters++
				}
			}
		case c >= 0x4e00 && c <= 0x9fff: // CJK ideographs, the common case
			runes++
			letters++
		case unicode.IsSpace(c):
		default:
			runes++
			if unicode.IsLetter(c) {
				letters++
			}
		}
	}
	return runes, letters
}

// densest is the text-density fallback: the deepest element holding three
// quarters of the page's paragraph mass, followed by its short next
// siblings (a signature or date line in its own element) that are not
// links, furniture, the start of a section (a disclaimer) or a box of
// teasers.
func (p *page) densest(d *density) []*html.Node {
	n := p.body
	if d.total > 0 {
		for {
			var next *html.Node
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && d.mass[c]*4 >= d.total*3 {
					next = c
					break
				}
			}
			if next == nil || next.DataAtom == atom.Table && !isLayoutTable(p.st, next) {
				// A data table is part of the article, not a
				// container of it: its rows are not the body, and
				// the paragraphs around it belong with it.
				break
			}
			n = next
		}
	}
	out := []*html.Node{n}
	if n == p.body {
		return out
	}
	for s := n.NextSibling; s != nil && len(out) < 6; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		if st := p.st[s]; st.nonLink() >= 200 || densityExcluded(s) {
			break
		}
		if st := p.st[s]; st.link*2 > st.text || hasChromeToken(s) || startsSection(s) || d.holdsTeaser(s) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// startsSection reports whether n's text begins with the heading of a
// section that is not the article (see isSectionHead): a disclaimer
// after the body is not one of its following lines.
func startsSection(n *html.Node) bool {
	t := firstText(n)
	return t != nil && mayBeSectionHead(t.Data) && isSectionHead(normalizeLine(t.Data))
}

// densityExcluded are elements whose text never counts as body text.
func densityExcluded(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Header, atom.Footer:
		return true
	}
	for _, t := range classTokens(n) {
		switch t {
		case "footer", "copyright", "breadcrumb", "crumb", "crumbs", "sidebar":
			return true
		}
	}
	return false
}

// chromeTokens are class and id words of page furniture.
var chromeTokens = map[string]bool{
	"breadcrumb": true, "breadcrumbs": true, "crumb": true, "crumbs": true,
	"position": true, "location": true, "weizhi": true, "dqwz": true,
	"share": true, "bdshare": true, "bshare": true, "fenxiang": true,
	"bdsharebuttonbox": true, "print": true, "dayin": true, "close": true,
	"fontsize": true, "zihao": true, "prev": true, "next": true, "prenext": true,
	"related": true, "xglj": true, "xgwj": true, "xgxx": true, "footer": true,
	"foot": true, "copyright": true, "banquan": true, "nav": true, "navbar": true,
	"menu": true, "toolbar": true, "tools": true, "qrcode": true, "ewm": true,
	"erweima": true, "jiucuo": true, "sidebar": true, "comment": true,
	"pinglun": true, "clock": true, "today": true, "weather": true,
	"dialog": true, "popup": true, "modal": true, "overlay": true,
}

// classTokens splits an element's class and id into lower-case words.
func classTokens(n *html.Node) []string {
	var out []string
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		out = append(out, strings.FieldsFunc(strings.ToLower(a.Val), func(c rune) bool {
			return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
		})...)
	}
	return out
}

// hasChromeToken reports whether n's class or id names page furniture.
func hasChromeToken(n *html.Node) bool {
	for _, t := range classTokens(n) {
		if chromeTokens[t] {
			return true
		}
	}
	return false
}

// chromeElementRunes bounds the elements removed for their class or id:
// only short ones go, so a wrongly named wrapper never takes the body.
const chromeElementRunes = 300

// linkListTags may be removed as lists of links.
var linkListTags = map[atom.Atom]bool{
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Div: true, atom.Nav: true,
	atom.Menu: true, atom.Table: true, atom.Section: true, atom.P: true,
	atom.Aside: true, atom.Header: true, atom.Footer: true, atom.Center: true,
	atom.Form: true, atom.Li: true,
}

// clean removes chrome elements inside the containers: lists of links,
// nav/aside/header/footer, forms without text, 找错 and 党政机关标识
// widgets, and short elements whose class or id names furniture (share,
// print, breadcrumb …). A removed element is never more than half of the
// body.
func (p *page) clean(roots []*html.Node) {
	p.dens = p.density(roots...)
	total := 0
	for _, r := range roots {
		total += p.st[r].text
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				if p.isChrome(c, total) {
					n.RemoveChild(c)
				} else {
					walk(c)
				}
			}
			c = next
		}
	}
	for _, r := range roots {
		walk(r)
	}
	p.removeSections(roots)
}

// sectionHeadRE matches the heading of a section that follows an article
// and is not part of it: related and recommended articles, comments, the
// site's disclaimer ("声明:", "免责声明:" …), "更多关于 … 的新闻". Both
// simplified and traditional forms are listed, since NFKC does not map one
// to the other.
var sectionHeadRE = regexp.MustCompile(`^[【\[(※·•■□◆>»| ]*(` + strings.Join([]string{
	`相关(新闻|文章|阅读|报道|链接|稿件|专题|推荐|搜索|资讯|视频|图片|博文|评论|热词|关键词)`,
	`相關(新聞|文章|閱讀|報導|報道|連結|鏈接|專題|推薦|搜尋|搜索|資訊|視頻|影片|圖片|評論)`,
	`延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|扩展阅读|擴展閱讀`,
	`热点推荐|熱點推薦|精彩推荐|精彩推薦|热门推荐|熱門推薦|为您推荐|為您推薦|猜你喜欢|猜你喜歡|编辑推荐|編輯推薦|今日推荐|今日推薦`,
	`(最)?热门|(最)?熱門|热点新闻|熱點新聞|热点排行|熱點排行|排行榜|点击排行|點擊排行`,
	`更多(关于|關於|相关|相關|新闻|新聞|精彩|热点|熱點)`,
	`(网友|網友|读者|讀者|用户|用戶|新闻|新聞|社交)(评论|評論|回应|回應|留言|讨论|討論)`,
	`发表评论|發表評論|我要评论|我要評論|我来说两句|我來說兩句|社群回应|社群回應|跟贴|跟帖|评论区|評論區|留言板`,
	`(免责|免責|版权|版權|法律|重要|特别|特別)?(声明|聲明)[ ]*(:|$|】|\])`,
	`赞助商链接|贊助商連結|推广链接|推廣連結|新闻脸谱|新聞臉譜`,
	`[^ ]{0,6}(热点|熱點|推荐|推薦|排行|排行榜)$`,
	`[^ ,。]{1,6}(声明|聲明)[ ]*:`,
}, "|") + `)`)

// sectionHeadRunes bounds a section heading; a disclaimer that starts with
// its label ("网易声明:…") is a paragraph and may be longer.
const sectionHeadRunes = 12

// sectionHeadWords are literal words, one of which every sectionHeadRE
// alternative contains (some after removing spaces): a cheap test before
// normalising a text node and trying the expression.
var sectionHeadWords = []string{
	"相关", "相關", "阅读", "閱讀", "推荐", "推薦", "喜欢", "喜歡", "热", "熱", "排行",
	"更多", "评论", "評論", "回应", "回應", "留言", "讨论", "討論", "说两句", "說兩句",
	"跟贴", "跟帖", "声明", "聲明", "赞助", "贊助", "推广", "推廣", "脸谱", "臉譜",
}

// mayBeSectionHead is the cheap test of a raw text node: not blank, not
// too long, and holding a section-heading word.
func mayBeSectionHead(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4*footerLineRunes {
		return false
	}
	// sectionHeadRE is anchored: its word comes within the first runes.
	if len(s) > sectionHeadPrefix {
		s = s[:sectionHeadPrefix]
	} else if strings.ContainsAny(s, " \t\n\u3000\u00a0") {
		s = squash(s)
	}
	return containsAny(s, sectionHeadWords)
}

// sectionHeadPrefix is the bytes of a long text node that can hold the
// word of a heading (a disclaimer's label, up to ten runes in).
const sectionHeadPrefix = 64

// isSectionHead reports whether text (one text node, normalised) is the
// heading of a section that is not the article.
func isSectionHead(text string) bool {
	n := utf8.RuneCountInString(text)
	if n == 0 || n > footerLineRunes {
		return false
	}
	if n <= sectionHeadRunes {
		text = squash(text) // "相 关 新 闻"
	}
	if !sectionHeadRE.MatchString(text) {
		return false
	}
	return n <= sectionHeadRunes || strings.Contains(text, "声明") || strings.Contains(text, "聲明")
}

// removeSections removes the sections inside the containers that begin
// with a heading matched by isSectionHead: the largest element whose text
// starts with the heading and that does not hold the body (see holdsBody).
// A heading inside the article (a related-links box) takes only its own
// box with it; the containers themselves are never removed.
func (p *page) removeSections(roots []*html.Node) {
	isRoot := map[*html.Node]bool{}
	for _, r := range roots {
		isRoot[r] = true
	}
	var heads []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				if mayBeSectionHead(c.Data) && isSectionHead(normalizeLine(c.Data)) {
					heads = append(heads, c)
				}
			case html.ElementNode:
				walk(c)
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	for _, h := range heads {
		var sec *html.Node
		for e := h.Parent; e != nil && !isRoot[e] && e.Type == html.ElementNode; e = e.Parent {
			if firstText(e) != h || p.holdsBody(e) {
				break
			}
			sec = e
		}
		if sec == nil {
			continue
		}
		// A heading alone in its block ("<h3>相关新闻</h3>", "<p>声明:</p>")
		// heads the blocks after it: they go too while they are mostly
		// links (the list of related articles), and after a disclaimer
		// heading while they are short (its clauses). A text block ends
		// the section: an article may put such a heading in its middle.
		if p.st[sec].text <= sectionHeadRunes {
			budget := 0
			if t := h.Data; strings.Contains(t, "声明") || strings.Contains(t, "聲明") {
				budget = sectionTailRunes
			}
			for s := sec.NextSibling; s != nil; {
				next := s.NextSibling
				if s.Type == html.ElementNode {
					st := p.st[s]
					if p.holdsBody(s) || isRoot[s] || (st.link*2 <= st.text && st.nonLink() > budget) {
						break
					}
					if st.link*2 <= st.text {
						budget -= st.nonLink()
					}
					detach(s)
				}
				s = next
			}
		}
		detach(sec)
	}
}

// sectionTailRunes bounds the text removed after a disclaimer heading
// that stands alone.
const sectionTailRunes = 300

// firstText returns the first text node under n that is not blank.
func firstText(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return c
			}
		case html.ElementNode:
			if t := firstText(c); t != nil {
				return t
			}
		}
	}
	return nil
}

// holdsBody reports whether n holds half of the containers' paragraph
// text (measured when clean starts): a layout wrapper around the body and
// a link-heavy side column, never a list of links.
func (p *page) holdsBody(n *html.Node) bool {
	return p.dens != nil && p.dens.total > 0 && p.dens.mass[n]*2 >= p.dens.total
}

func (p *page) isChrome(n *html.Node, total int) bool {
	s := p.st[n]
	small := s.nonLink()*2 < total
	switch n.DataAtom {
	case atom.Form:
		// A form around the whole page (ASP.NET) holds the body; any
		// other is a search box, a poll or a comment box.
		if s.nonLink() < 200 || !p.holdsBody(n) {
			return true
		}
	case atom.Nav, atom.Aside, atom.Header, atom.Footer:
		if small {
			return true
		}
	case atom.A:
		href := attr(n, "href")
		if strings.Contains(href, "jiucuo") || strings.Contains(href, "conac.cn") {
			return true
		}
	}
	if attr(n, "id") == "_ideConac" {
		return true
	}
	if linkListTags[n.DataAtom] && s.links >= 3 && s.link*10 >= s.text*6 && !p.holdsBody(n) {
		return true
	}
	if s.links >= teaserItems && p.isTeaserList(n) {
		return true
	}
	return s.text < chromeElementRunes && small && hasChromeToken(n)
}

// teaserItems is the fewest items of a teaser list, and teaserRunes the
// most text of its own an item may have: a summary, not a paragraph.
const (
	teaserItems = 3
	teaserRunes = 200
)

// isTeaserList reports whether n is a list of other articles, each item
// a link (the title) followed by its summary: a list, table or box of at
// least teaserItems items, nearly all of which begin with a link and
// carry a short text of their own. Summaries make such a list too wordy
// to be a list of links, and a short article next to it may hold less
// text than the summaries, so it is not kept for holding the body.
func (p *page) isTeaserList(n *html.Node) bool {
	var items []*html.Node
	switch n.DataAtom {
	case atom.Ul, atom.Ol:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Li {
				items = append(items, c)
			}
		}
	case atom.Table:
		items, _ = tableRows(n)
	case atom.Div, atom.Section:
		// Items in boxes of their own: all of one tag, and not the
		// paragraphs of a text.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.P || len(items) > 0 && c.DataAtom != items[0].DataAtom {
				return false
			}
			items = append(items, c)
		}
	default:
		return false
	}
	full, teasers := 0, 0
	for _, it := range items {
		s := p.st[it]
		if s.text == 0 {
			continue
		}
		full++
		if s.links > 0 && s.nonLink() >= paragraphMinRunes && s.nonLink() <= teaserRunes && startsWithLink(it) {
			teasers++
		}
	}
	return teasers >= teaserItems && teasers*4 >= full*3
}

// startsWithLink reports whether the first text under n that is not
// blank lies in a link that counts as link text (not an attachment).
func startsWithLink(n *html.Node) bool {
	t := firstText(n)
	if t == nil {
		return false
	}
	for e := t.Parent; e != nil && e != n; e = e.Parent {
		if e.DataAtom == atom.A && countedLink(e) {
			return true
		}
	}
	return false
}
