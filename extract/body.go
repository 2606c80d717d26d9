package extract

import (
	"strings"

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
func (p *page) container(custom cascadia.Matcher) []*html.Node {
	if custom != nil {
		if n := p.bestMatch(custom, 1, nil); n != nil {
			return []*html.Node{n}
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
				d = p.density()
			}
			ok = holdsHalf
		}
		if n := p.bestMatch(k.sel, knownMinRunes, ok); n != nil {
			return []*html.Node{n}
		}
	}
	if d == nil {
		d = p.density()
	}
	return p.densest(d)
}

// paragraphMinRunes is the own text a block needs to count as a paragraph
// in the density fallback; shorter blocks are menu items and labels.
const paragraphMinRunes = 10

// density is the paragraph mass of every element and of the whole body.
type density struct {
	mass  map[*html.Node]int
	total int
}

// density measures paragraph mass. Each block's own text (not inside a
// nested block) counts when it is long enough and not mostly link text;
// nav, aside, header and footer count nothing.
func (p *page) density() *density {
	mass := map[*html.Node]int{}
	// walk returns n's own inline text and link text (which belong to the
	// enclosing block) and records n's mass.
	var walk func(n *html.Node) (text, link int)
	walk = func(n *html.Node) (int, int) {
		text, link, m := 0, 0, 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				text += runeCount(c.Data)
			case html.ElementNode:
				if densityExcluded(c) {
					continue
				}
				t, l := walk(c)
				text += t
				link += l
				m += mass[c]
			}
		}
		if n.DataAtom == atom.A && hasAttr(n, "href") {
			link = text
		}
		if blockTags[n.DataAtom] {
			if text >= paragraphMinRunes && link*2 < text {
				m += text - link
			}
			text, link = 0, 0
		}
		mass[n] = m
		return text, link
	}
	walk(p.body)
	return &density{mass: mass, total: mass[p.body]}
}

// densest is the text-density fallback: the deepest element holding three
// quarters of the page's paragraph mass, followed by its short next
// siblings (a signature or date line in its own element).
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
			if next == nil {
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
		out = append(out, s)
	}
	return out
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
}

func (p *page) isChrome(n *html.Node, total int) bool {
	s := p.st[n]
	small := s.nonLink()*2 < total
	switch n.DataAtom {
	case atom.Form:
		if s.nonLink() < 200 {
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
	if linkListTags[n.DataAtom] && s.links >= 3 && s.link*10 >= s.text*6 {
		return true
	}
	return s.text < chromeElementRunes && small && hasChromeToken(n)
}
