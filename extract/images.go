package extract

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// lazyAttrs hold an image's real address on pages that load images as
// they scroll into view (src is then a placeholder such as loading.gif).
// They are read before src.
var lazyAttrs = []string{"data-original", "data-src", "data-lazy-src", "data-lazy", "data-echo", "data-url", "original", "lazy-src", "src"}

// minImageSide is the least width or height, in pixels, that an image's
// width and height attributes (or its inline style) may give for it to be
// an article image: smaller ones are icons, bullets, spacers and rules.
const minImageSide = 100

// furnitureImageWords in an image's file name or path mark the site's
// furniture: logos, icons, share and print buttons, QR codes, the
// 党政机关 and 找错 badges, police registration marks, lazy-load
// placeholders.
var furnitureImageWords = []string{
	"logo", "icon", "spacer", "blank.", "pixel", "loading", "placeholder", "lazy",
	"qrcode", "qr_code", "qr-code", "erweima", "weixin", "wechat", "weibo", "qzone", "share",
	"jiucuo", "zhaocuo", "conac", "gaba", "gongan", "beian", "button", "banner", "arrow", "bullet",
}

// furnitureImageTokens are short words that mark furniture only as a
// whole word of the file name ("ewm_site.jpg", "btn-print.gif"), since as
// parts of a word they are common.
var furnitureImageTokens = map[string]bool{
	"ewm": true, "qr": true, "ico": true, "btn": true, "bg": true, "dot": true, "line": true,
	"print": true, "close": true, "top": true, "wx": true, "wb": true, "nav": true,
}

// furnitureAltWords in an image's alt or title text mark furniture.
var furnitureAltWords = []string{
	"二维码", "扫一扫", "扫码", "党政机关", "找错", "纠错", "分享", "微信", "微博", "打印", "关闭",
	"公网安备", "网站标识", "无障碍", "返回顶部", "logo", "LOGO", "Logo", "标志", "图标",
}

// imageFileExts are the extensions of image files: a link around an
// article image that points at one shows the image larger, and does not
// make it a button.
var imageFileExts = []string{".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"}

// imageSrc is the address an <img> shows once loaded: the first lazy-load
// attribute, else src. It is "" for a data: URI, a script, or a
// placeholder left in src.
func imageSrc(n *html.Node) string {
	for _, k := range lazyAttrs {
		v := strings.TrimSpace(attr(n, k))
		if v == "" {
			continue
		}
		low := strings.ToLower(v)
		if strings.HasPrefix(low, "data:") || strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "about:") || v == "#" {
			continue
		}
		return v
	}
	return ""
}

// imageSide parses a width or height ("800", "800px"); ok is false when
// it is absent or relative ("100%", "auto").
func imageSide(v string) (px int, ok bool) {
	v = strings.TrimSpace(strings.ToLower(v))
	v = strings.TrimSuffix(v, "px")
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, false
	}
	return int(f), true
}

// styleSide finds width or height in an inline style, in pixels.
func styleSide(style, prop string) (int, bool) {
	for decl := range strings.SplitSeq(strings.ToLower(style), ";") {
		k, v, ok := strings.Cut(decl, ":")
		if ok && strings.TrimSpace(k) == prop && strings.HasSuffix(strings.TrimSpace(v), "px") {
			return imageSide(v)
		}
	}
	return 0, false
}

// tooSmall reports whether n's attributes or style give it a side under
// minImageSide.
func tooSmall(n *html.Node) bool {
	style := attr(n, "style")
	for _, k := range []string{"width", "height"} {
		px, ok := imageSide(attr(n, k))
		if !ok {
			px, ok = styleSide(style, k)
		}
		if ok && px < minImageSide {
			return true
		}
	}
	return false
}

// furnitureName reports whether an image address names furniture.
func furnitureName(src string) bool {
	p := strings.ToLower(src)
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	name := p[strings.LastIndexByte(p, '/')+1:]
	for _, w := range furnitureImageWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	for _, t := range strings.FieldsFunc(name, func(c rune) bool { return !(c >= 'a' && c <= 'z') }) {
		if furnitureImageTokens[t] {
			return true
		}
	}
	dirs := strings.Split(p[:max(0, strings.LastIndexByte(p, '/'))], "/")
	for _, d := range dirs {
		if furnitureDirs[d] {
			return true
		}
	}
	// A CMS names what an editor uploads by a date or a serial number
	// (W020240328…, 1313724911409.jpg); the site's own pictures have
	// names (header_img5.gif, 16.png). Such a name in a directory of the
	// site's pictures, or a GIF (buttons, animations), is furniture.
	if digitRun(name) < 4 {
		if strings.HasSuffix(name, ".gif") {
			return true
		}
		for _, d := range dirs {
			if siteImageDirs[d] {
				return true
			}
		}
	}
	return false
}

// furnitureDirs are directories of a site's templates and icons.
var furnitureDirs = map[string]bool{
	"icon": true, "icons": true, "ico": true, "skin": true, "skins": true, "style": true, "styles": true,
	"css": true, "theme": true, "themes": true, "template": true, "templates": true, "tpl": true,
	"btn": true, "button": true, "buttons": true,
}

// siteImageDirs are directories where a site keeps its own pictures, and
// sometimes an editor's uploads.
var siteImageDirs = map[string]bool{
	"images": true, "image": true, "img": true, "imgs": true, "pic": true, "pics": true,
	"static": true, "common": true, "assets": true, "res": true, "resource": true, "resources": true,
}

// digitRun is the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// isArticleImage reports whether <img> n, inside container root, is a
// picture of the article rather than furniture: it has an address, is not
// small by its attributes, is not named or labelled as furniture, is not
// a link to another page (a share button, a banner, a badge) and does not
// sit in an element whose class or id names furniture.
func isArticleImage(n, root *html.Node) bool {
	src := imageSrc(n)
	if src == "" || tooSmall(n) || furnitureName(src) {
		return false
	}
	if alt := attr(n, "alt") + " " + attr(n, "title"); containsAny(alt, furnitureAltWords) {
		return false
	}
	for a := n.Parent; a != nil && a != root.Parent; a = a.Parent {
		if a.Type != html.ElementNode {
			continue
		}
		switch a.DataAtom {
		case atom.A:
			if href := attr(a, "href"); hasAttr(a, "href") && !isImageLink(href) {
				return false
			}
		case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Button:
			return false
		}
		if a != root && hasChromeToken(a) {
			return false
		}
	}
	return true
}

// isImageLink reports whether href points at an image file: the larger
// copy of the image it wraps.
func isImageLink(href string) bool {
	h := strings.ToLower(strings.TrimSpace(href))
	if i := strings.IndexAny(h, "?#"); i >= 0 {
		h = h[:i]
	}
	for _, e := range imageFileExts {
		if strings.HasSuffix(h, e) {
			return true
		}
	}
	return false
}

// articleImages returns the <img> elements of roots that are article
// images (see isArticleImage), in document order.
func articleImages(roots ...*html.Node) []*html.Node {
	var out []*html.Node
	for _, r := range roots {
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode {
					continue
				}
				if c.DataAtom == atom.Img {
					if isArticleImage(c, r) {
						out = append(out, c)
					}
					continue
				}
				walk(c)
			}
		}
		if r.Type == html.ElementNode && r.DataAtom == atom.Img {
			if isArticleImage(r, r) {
				out = append(out, r)
			}
			continue
		}
		walk(r)
	}
	return out
}

// hasArticleImage reports whether n holds an article image.
func hasArticleImage(n *html.Node) bool {
	found := false
	var walk func(c *html.Node)
	walk = func(c *html.Node) {
		for e := c.FirstChild; e != nil && !found; e = e.NextSibling {
			if e.Type != html.ElementNode {
				continue
			}
			if e.DataAtom == atom.Img {
				found = isArticleImage(e, n)
				continue
			}
			walk(e)
		}
	}
	walk(n)
	return found
}

// imageURLs resolves the images' addresses against base (the page's URL,
// or its <base href>), dropping repeats. With a nil base the addresses are
// kept as the page writes them.
func imageURLs(imgs []*html.Node, base *url.URL) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range imgs {
		s := imageSrc(n)
		if base != nil {
			u, err := base.Parse(s)
			if err != nil {
				continue
			}
			s = u.String()
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// baseURL is the URL the page's relative addresses resolve against:
// pageURL, or its <base href> when the page has one.
func (p *page) baseURL(pageURL *url.URL) *url.URL {
	if p.baseHref == "" {
		return pageURL
	}
	if pageURL == nil {
		u, err := url.Parse(p.baseHref)
		if err != nil || !u.IsAbs() {
			return nil
		}
		return u
	}
	u, err := pageURL.Parse(p.baseHref)
	if err != nil {
		return pageURL
	}
	return u
}

// imageArticleRunes bounds the non-link text of an image article found
// around the title: its title, date line, captions and attachment links.
// An element with more text is no article of pictures.
const imageArticleRunes = 300

// imageArticle finds the container of an article made of pictures: the
// first known CMS container that holds an article image (and is neither
// mostly links nor named as furniture), else the nearest element around
// the visible title that holds one. It is not one that holds the text
// roots the density found, nor one with more than imageArticleRunes of
// text of its own; nil when there is none.
func (p *page) imageArticle(title string, roots []*html.Node) *html.Node {
	ok := func(n *html.Node) bool {
		s := p.st[n]
		if s.link*2 > s.text || s.nonLink() > imageArticleRunes || hasChromeToken(n) || densityExcluded(n) {
			return false
		}
		for _, r := range roots {
			if contains(n, r) {
				return false
			}
		}
		return true
	}
	for _, k := range knownContainers {
		for _, n := range cascadia.QueryAll(p.root, k.sel) {
			if ok(n) && hasArticleImage(n) {
				return n
			}
		}
	}
	h := p.titleElement(title)
	for a := h; a != nil && a != p.body && a.DataAtom != atom.Html; a = a.Parent {
		if a != h && hasArticleImage(a) {
			if ok(a) {
				return a
			}
			return nil
		}
	}
	return nil
}

// contains reports whether n is c or one of its ancestors.
func contains(n, c *html.Node) bool {
	for ; c != nil; c = c.Parent {
		if c == n {
			return true
		}
	}
	return false
}

// titleElement is the first element outside furniture (see inChrome)
// whose text is the title, or nil.
func (p *page) titleElement(title string) *html.Node {
	t := squash(title)
	if t == "" {
		return nil
	}
	runes := runeCount(t)
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			// NFKC may change the count a little ("㈠" is "(一)").
			if c.Type != html.ElementNode || p.st[c].text*2 < runes {
				continue
			}
			walk(c)
			if found == nil && p.st[c].text <= 2*runes && squash(inlineText(c, p.st)) == t && !inChrome(c) {
				found = c
			}
		}
	}
	walk(p.body)
	return found
}

// furnitureLineWords are words of the lines a site prints on every page
// (its footer, its welcome line): who runs it, where to write, the
// registration numbers, the browser it wants.
var furnitureLineWords = []string{
	"主办", "承办", "协办", "主管", "地址", "邮编", "电话", "传真", "邮箱", "备案", "ICP", "公网安备",
	"标识码", "版权", "技术支持", "分辨率", "浏览器", "欢迎访问", "欢迎光临", "网站地图", "联系我们",
}

// furnitureMaxMass is the most paragraph mass (see density) that the
// furniture of a page around an article of pictures has: no footer and
// welcome line come near it, and an article's text soon passes it. Roots
// with more are an article without rendering them.
const furnitureMaxMass = 1000

// weakText reports whether the text roots hold no article: once chrome
// lines, link lines, the title and lines naming the site's furniture
// (see furnitureLineWords) are left out, fewer than knownMinRunes runes
// remain.
func (p *page) weakText(d *density, roots []*html.Node, title string) bool {
	mass := 0
	for _, r := range roots {
		mass += d.mass[r]
	}
	if mass > furnitureMaxMass {
		return false
	}
	lines, links := p.linkLines(roots...)
	t := squash(title)
	n := 0
	for _, l := range bodyLines(dropLinkLines(lines, links), title) {
		if squash(l) == t || containsAny(l, furnitureLineWords) {
			continue
		}
		if n += runeCount(l); n >= knownMinRunes {
			return false
		}
	}
	return true
}
