package extract

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipTags never hold report text; they are removed before anything else.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true,
	atom.Frame: true, atom.Template: true, atom.Svg: true, atom.Math: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Audio: true,
	atom.Video: true, atom.Select: true, atom.Input: true, atom.Textarea: true,
	atom.Button: true, atom.Map: true, atom.Link: true, atom.Head: true,
}

// nodeStat measures an element's subtree. Runes are non-space runes.
type nodeStat struct {
	text  int  // runes of text
	link  int  // runes of text inside <a href>
	links int  // <a href> elements with text
	table bool // a <table> below this element
}

// longLinkRunes: a link with more text than this is not navigation but
// text that an unclosed <a> swallowed, and counts as ordinary text.
const longLinkRunes = 200

// nonLink is the text that is not link text.
func (s nodeStat) nonLink() int { return s.text - s.link }

// stats holds nodeStat for every element of a subtree. It is recomputed
// after the tree is changed.
type stats map[*html.Node]nodeStat

// compute fills s for n's subtree and returns n's figures.
func (s stats) compute(n *html.Node) nodeStat {
	var r nodeStat
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			r.text += runeCount(c.Data)
		case html.ElementNode:
			cs := s.compute(c)
			r.text += cs.text
			r.link += cs.link
			r.links += cs.links
			r.table = r.table || cs.table || c.DataAtom == atom.Table
		}
	}
	if n.Type == html.ElementNode && n.DataAtom == atom.A && hasAttr(n, "href") && r.text <= longLinkRunes {
		r.link = r.text
		if r.text > 0 {
			r.links++
		}
	}
	s[n] = r
	return r
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// detach removes n from its parent, if it still has one.
func detach(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// page is one parsed document being extracted. Extraction mutates the tree
// (chrome is removed), so a page is used once.
type page struct {
	root     *html.Node
	body     *html.Node
	st       stats
	metas    map[string]string // lower-cased meta name → content (first non-empty)
	titleTag string            // <title> text, normalised
	siteCode string            // site_code from a 政府网站找错 link or script
	baseHref string            // the first <base href>, "" if none
	dens     *density          // paragraph mass, measured when the container is chosen
}

// newPage takes a parsed tree, records the <head> metadata and the
// 政府网站找错 site code, and removes elements that never hold text (script,
// style, form controls …) and hidden elements that are not a large part of
// the page.
func newPage(root *html.Node) *page {
	p := &page{root: root, metas: map[string]string{}}
	var junk, hidden []*html.Node
	elements := 1
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			elements++
			p.record(c)
			switch {
			case skipTags[c.DataAtom]:
				junk = append(junk, c)
				if c.DataAtom == atom.Head {
					walk(c) // meta and title live here
				}
				continue
			case c.DataAtom == atom.Body && p.body == nil:
				p.body = c
			case isHidden(c):
				hidden = append(hidden, c)
			}
			walk(c)
		}
	}
	walk(root)
	for _, n := range junk {
		detach(n)
	}
	if p.body == nil {
		p.body = root
	}
	p.st = make(stats, elements) // sized once: growing it is a hot spot
	p.st.compute(p.root)
	// A hidden element that holds most of the page is a wrapper that
	// script reveals (anti-flicker); keep it.
	total := p.st[p.body].text
	removed := false
	for _, n := range hidden {
		if p.st[n].text*10 < total*3 {
			detach(n)
			removed = true
		}
	}
	if removed {
		p.restat()
	}
	return p
}

// record takes what metadata an element carries before it may be removed.
func (p *page) record(n *html.Node) {
	switch n.DataAtom {
	case atom.Meta:
		name := strings.ToLower(strings.TrimSpace(attr(n, "name")))
		if name == "" {
			name = strings.ToLower(strings.TrimSpace(attr(n, "property")))
		}
		if c := normalizeLine(attr(n, "content")); name != "" && c != "" {
			if _, ok := p.metas[name]; !ok {
				p.metas[name] = c
			}
		}
	case atom.Title:
		if p.titleTag == "" {
			p.titleTag = inlineText(n, nil)
		}
	case atom.Base:
		if p.baseHref == "" {
			p.baseHref = strings.TrimSpace(attr(n, "href"))
		}
	}
	if p.siteCode != "" {
		return
	}
	for _, a := range n.Attr {
		switch {
		case a.Key == "sitecode" || a.Key == "site_code":
			p.siteCode = siteCodeValue(a.Val)
		case (a.Key == "href" || a.Key == "src") && strings.Contains(a.Val, "site_code="):
			v := a.Val[strings.Index(a.Val, "site_code=")+len("site_code="):]
			if i := strings.IndexAny(v, "&#'\" "); i >= 0 {
				v = v[:i]
			}
			p.siteCode = siteCodeValue(v)
		}
		if p.siteCode != "" {
			return
		}
	}
}

// siteCodeValue accepts a 政府网站标识码: 6 to 20 letters and digits.
func siteCodeValue(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 6 || len(s) > 20 {
		return ""
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return ""
		}
	}
	return s
}

// isHidden reports elements hidden by inline style or the hidden attribute.
// html and body are never taken as hidden.
func isHidden(n *html.Node) bool {
	if n.DataAtom == atom.Html || n.DataAtom == atom.Body {
		return false
	}
	if hasAttr(n, "hidden") {
		return true
	}
	style := attr(n, "style")
	if strings.IndexAny(style, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") >= 0 {
		style = strings.ToLower(style)
	}
	if !strings.Contains(style, "none") && !strings.Contains(style, "hidden") {
		return false
	}
	style = strings.Join(strings.Fields(style), "")
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// lines renders n (with the page's current stats) into normalised lines.
func (p *page) lines(nodes ...*html.Node) []string {
	lines, _ := p.linkLines(nodes...)
	return lines
}

// linkLines is lines, also returning each line's link letters: the
// letters (not digits, spaces or punctuation) inside <a href> elements
// that are not attachments.
func (p *page) linkLines(nodes ...*html.Node) ([]string, []int) {
	r := newRenderer(p.st)
	for _, n := range nodes {
		r.node(n)
		r.flush()
	}
	return finishLinks(r.lines, r.links)
}

// metaWords are in every line that published, source and siteIDCode
// read; NFKC leaves them as they are.
var metaWords = []string{"日期", "时间", "来源", "标识码"}

// metaLines renders the whole page for the metadata search. Only lines
// that can be metadata (metaLineRunes or shorter, allowing for what NFKC
// and whitespace collapsing remove, with a label word) are normalised and
// kept.
func (p *page) metaLines() []string {
	r := newRenderer(p.st)
	r.keep = func(l string) bool {
		return utf8.RuneCountInString(l) <= 2*metaLineRunes && containsAny(l, metaWords)
	}
	r.node(p.body)
	r.flush()
	return finishLines(r.lines)
}

// restat recomputes the stats after the tree changed. The map is reused:
// clearing keeps its buckets.
func (p *page) restat(roots ...*html.Node) {
	clear(p.st)
	if len(roots) == 0 {
		roots = []*html.Node{p.root}
	}
	for _, r := range roots {
		p.st.compute(r)
	}
}

// parseHTML parses a page, after undoing mojibake (see repairMojibake),
// within Parse's budget. golang.org/x/net/html rejects documents nested
// deeper than 512 elements (tag soup with unclosed <font> does that); such
// a page is parsed again flattened, so that its text is still extracted.
func parseHTML(b []byte) (*html.Node, error) {
	b = repairMojibake(b)
	root, err := Parse(b)
	if err == nil || errors.Is(err, ErrTooComplex) {
		return root, err
	}
	root, err2 := Parse(flatten(b))
	if err2 != nil {
		return nil, err
	}
	return root, nil
}

// flatten rewrites a page so that it cannot nest: block tags become <p>
// (which closes the previous one), inline tags are dropped, and only the
// tags that carry metadata or raw text keep their place.
func flatten(b []byte) []byte {
	z := html.NewTokenizer(bytes.NewReader(b))
	var out bytes.Buffer
	out.Grow(len(b))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.TextToken:
			out.WriteString(html.EscapeString(string(z.Text())))
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Meta, atom.Title, atom.Script, atom.Style, atom.Textarea,
				atom.Noscript, atom.A, atom.Br, atom.Head, atom.Body, atom.Html,
				atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes, atom.Plaintext:
				out.WriteString(tok.String())
			default:
				if blockTags[tok.DataAtom] && tt != html.EndTagToken {
					out.WriteString("<p>")
				}
			}
		}
	}
}
