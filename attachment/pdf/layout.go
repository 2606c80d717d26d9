package pdf

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// glyph is one visible character of a page as pdfium places it, in PDF
// user space (points, y grows upwards). The box is pdfium's loose box: the
// advance width across and the font's ascent to descent up and down, so
// the boxes of one line line up whatever the glyph shapes.
type glyph struct {
	r                        rune
	left, right, bottom, top float64
	base                     float64 // the line's level: the loose box's bottom (see readGlyphs)
	index                    int     // pdfium's character index
}

// turn returns g as seen after turning the page q quarter turns
// clockwise, so that text that ran q quarter turns counter-clockwise
// runs left to right.
func (g glyph) turn(q int) glyph {
	l, r, b, t := g.left, g.right, g.bottom, g.top
	switch q {
	case 1: // ran upwards: x' = y, y' = -x
		g.left, g.right, g.bottom, g.top = b, t, -r, -l
	case 2: // upside down: x' = -x, y' = -y
		g.left, g.right, g.bottom, g.top = -r, -l, -t, -b
	case 3: // ran downwards: x' = -y, y' = x
		g.left, g.right, g.bottom, g.top = -t, -b, l, r
	}
	g.base = g.bottom
	return g
}

func (g glyph) height() float64 { return g.top - g.bottom }

// line is one text line of a page: glyphs on one baseline, left to right.
type line struct {
	text        string  // cells separated by '\t'
	left, right float64 // x of the first glyph's left and the last glyph's right edge
	base        float64 // the median level of its glyphs (glyph.base)
	em          float64 // font size estimate in points
	cells       int     // number of tab-separated cells
}

// rule is a vertical line drawn on the page (a table's cell border), at x
// from bottom to top. A gap between two glyphs that a rule crosses is a
// cell boundary however narrow it is.
type rule struct{ x, bottom, top float64 }

// rulesOf returns the vertical rules among the bounding boxes of a page's
// paths: a thin vertical line is one, a wider box (a cell drawn as a
// rectangle, a shaded cell) gives its left and right edges, and a
// horizontal line none.
func rulesOf(boxes []glyph) []rule {
	var rules []rule
	for _, b := range boxes {
		switch {
		case b.top-b.bottom < 3: // horizontal line, underline or dot
		case b.right-b.left < 3:
			rules = append(rules, rule{x: (b.left + b.right) / 2, bottom: b.bottom, top: b.top})
		default:
			rules = append(rules, rule{x: b.left, bottom: b.bottom, top: b.top}, rule{x: b.right, bottom: b.bottom, top: b.top})
		}
	}
	return rules
}

// Tuning of the layout, in ems of the line's font (see lineEm).
const (
	// tabGap is the horizontal gap that separates two table cells, or
	// two columns of text, on one line.
	tabGap = 1.5
	// spaceGapLatin is the gap that makes a space between two characters
	// that are not CJK (between words of Latin text, numbers, URLs).
	spaceGapLatin = 0.15
	// spaceGapCJK is the gap that makes a space next to a CJK character.
	// It is larger than the spacing LibreOffice and Word add between
	// CJK and Latin characters (about 0.25 em) and than the stretch of a
	// justified line, so only real spaces typed by the author survive.
	spaceGapCJK = 0.8
	// ruleGap is the least gap across a rule that makes a tab: cell
	// padding, and not the zero gap at the edge of a highlight.
	ruleGap = 0.25
	// sameLine is how much of the shorter of two glyphs' heights their
	// boxes must share to be on one line: superscripts and mixed fonts
	// are, the next line, whose box at most touches this one's, is not.
	sameLine = 0.5
)

// layoutLines groups a page's glyphs into lines, top to bottom, and
// renders each line with spaces and tabs derived from the gaps between
// its glyphs and the page's rules. It reorders gs.
func layoutLines(gs []glyph, rules []rule) []line {
	if len(gs) == 0 {
		return nil
	}
	k := heightPerEm(gs)
	// Top to bottom by baseline; within equal baselines left to right.
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].base != gs[j].base {
			return gs[i].base > gs[j].base
		}
		return gs[i].left < gs[j].left
	})
	var lines []line
	start := 0
	body := gs[0] // the tallest glyph of the current line
	for i := 1; i <= len(gs); i++ {
		if i < len(gs) {
			g := gs[i]
			overlap := math.Min(body.top, g.top) - math.Max(body.bottom, g.bottom)
			if overlap >= sameLine*math.Min(nonzero(body.height()), nonzero(g.height())) {
				if g.height() > body.height() {
					body = g
				}
				continue
			}
		}
		lines = append(lines, renderLine(gs[start:i], rules, k))
		if i < len(gs) {
			start, body = i, gs[i]
		}
	}
	return lines
}

func nonzero(h float64) float64 {
	if h <= 0 {
		return 1
	}
	return h
}

// renderLine orders one line's glyphs left to right and writes them out;
// k is the page's glyph height per em (heightPerEm).
func renderLine(gs []glyph, rules []rule, k float64) line {
	bases := make([]float64, len(gs))
	for i, g := range gs {
		bases[i] = g.base
	}
	base := median(bases)
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].left < gs[j].left })
	em := lineEm(gs, k)
	var b strings.Builder
	l := line{left: gs[0].left, right: gs[0].right, base: base, em: em, cells: 1}
	var prev glyph
	for i, g := range gs {
		if i > 0 {
			// A glyph printed again over itself (fake bold) is one glyph.
			if g.r == prev.r && math.Min(g.right, prev.right)-math.Max(g.left, prev.left) > 0.7*(g.right-g.left) {
				continue
			}
			gap := g.left - prev.right
			switch {
			case gap >= tabGap*em, gap >= ruleGap*em && crossed(rules, prev, g):
				b.WriteByte('\t')
				l.cells++
			case gap >= spaceGapCJK*em, gap >= spaceGapLatin*em && !isCJK(prev.r) && !isCJK(g.r):
				b.WriteByte(' ')
			}
		}
		b.WriteRune(g.r)
		l.right = math.Max(l.right, g.right)
		prev = g
	}
	l.text = b.String()
	return l
}

// crossed reports whether a rule runs between glyphs a and b (a left of
// b) at their height.
func crossed(rules []rule, a, b glyph) bool {
	mid := (a.bottom + a.top + b.bottom + b.top) / 4
	for _, r := range rules {
		if r.x > a.right-0.5 && r.x < b.left+0.5 && r.bottom < mid && r.top > mid {
			return true
		}
	}
	return false
}

// lineEm estimates the font size of a line: the advance of its Han
// glyphs, which is one em, or else its glyphs' box height (ascent to
// descent) divided by k.
func lineEm(gs []glyph, k float64) float64 {
	var ws, hs []float64
	for _, g := range gs {
		if unicode.Is(unicode.Han, g.r) {
			ws = append(ws, g.right-g.left)
		}
		hs = append(hs, g.height())
	}
	if len(ws) > 0 {
		return nonzero(median(ws))
	}
	return nonzero(median(hs) / k)
}

// heightPerEm is the ratio of glyph box height to em on a page, measured
// on its Han glyphs (whose advance is one em): 0.95 to 1.3 depending on
// the font's ascent and descent; 1 without Han.
func heightPerEm(gs []glyph) float64 {
	var ks []float64
	for _, g := range gs {
		if w := g.right - g.left; w > 0 && unicode.Is(unicode.Han, g.r) {
			ks = append(ks, g.height()/w)
		}
	}
	if len(ks) == 0 {
		return 1
	}
	return nonzero(median(ks))
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// isCJK reports whether r is a Chinese, Japanese or Korean character or
// a full-width punctuation mark, between which Chinese text has no spaces.
func isCJK(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF, // radicals, CJK punctuation, kana, Han
		r >= 0xAC00 && r <= 0xD7AF,   // Hangul
		r >= 0xF900 && r <= 0xFAFF,   // compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,   // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFFEF,   // full-width forms
		r >= 0x20000 && r <= 0x3FFFF, // Han extensions B–H
		r >= 0x2000 && r <= 0x206F:   // general punctuation: — “ ” …
		return true
	}
	return false
}

// pageNumberRe matches a line that is only a page number: "3", "- 3 -",
// "— 3 —", "第3页", "第 3 页 共 12 页", "3/12", "Page 3 of 12".
var pageNumberRe = regexp.MustCompile(`^(?:[-—–－―\s]*\d{1,4}[-—–－―\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$`)

// dropPageNumbers removes a page number printed as the first or the last
// line of a page: it is furniture, and between two pages it would keep a
// paragraph that runs across the break from being joined.
func dropPageNumbers(ls []line) []line {
	isNum := func(l line) bool { return l.cells == 1 && pageNumberRe.MatchString(l.text) }
	if n := len(ls); n > 1 && isNum(ls[n-1]) {
		ls = ls[:n-1]
	}
	if len(ls) > 1 && isNum(ls[0]) {
		ls = ls[1:]
	}
	return ls
}

// page is the layout of one page that has a usable text layer.
type page struct {
	lines       []line
	left, right float64 // text margins: the extent of its lines that are not table rows
	step        float64 // the usual distance between the baselines of two lines, 0 if unknown
	indented    bool    // some full line starts with a first-line indent
}

func newPage(ls []line) page {
	p := page{lines: ls, left: math.Inf(1), right: math.Inf(-1)}
	for _, l := range ls {
		if l.cells > 1 || l.em == 0 {
			continue
		}
		p.left = math.Min(p.left, l.left)
		p.right = math.Max(p.right, l.right)
	}
	var steps []float64
	for i, l := range ls {
		if !body(l) {
			continue
		}
		if d := l.left - p.left; d >= 1.2*l.em && d <= 3.5*l.em && l.right >= p.right-2*l.em {
			p.indented = true
		}
		if i > 0 && body(ls[i-1]) {
			steps = append(steps, ls[i-1].base-l.base)
		}
	}
	if len(steps) > 0 {
		p.step = median(steps)
	}
	return p
}

// body reports whether l is a line of running text: positioned and not a
// table row.
func body(l line) bool { return l.cells == 1 && l.em > 0 }

// continues reports whether line n continues the paragraph of line l
// (n follows l on the same page, or starts the next page). l must be a
// body line that runs to the right margin, and n must start at the left
// margin (no first-line indent), in the same font size and, on one page,
// without the extra space that separates paragraphs. Then n continues l
// unless l ends a sentence or clause (paragraphEnd). When it does and the
// document marks its paragraphs with first-line indents (on any page),
// an unindented n still continues l if it is a full line too or ends a
// sentence itself (the paragraph's last line); a short unindented line
// without final punctuation is taken for a heading. Table rows are never
// joined.
//
// continues answers for both kinds of document, so that a joiner can
// render each page before it knows the document's: always is whether n
// continues l in any document, ifIndented whether it does in one with
// first-line indents (always implies ifIndented).
func continues(l line, lp page, n line, np page, samePage bool) (always, ifIndented bool) {
	if !body(l) || !body(n) {
		return false, false
	}
	if math.Abs(l.em-n.em) > 0.2*math.Max(l.em, n.em) {
		return false, false
	}
	if l.left > lp.left+4*l.em || l.right < lp.right-2*l.em {
		return false, false // centred, right-aligned or short: it ends its paragraph
	}
	if n.left > np.left+0.5*n.em {
		return false, false // indented: a new paragraph
	}
	if samePage && lp.step > 0 && l.base-n.base > 1.4*lp.step {
		return false, false // space between paragraphs
	}
	if leaderRe.MatchString(l.text) || leaderRe.MatchString(n.text) {
		return false, false // a table of contents: "一、总体情况……3"
	}
	if !strings.ContainsRune(paragraphEnd, lastRune(l.text)) {
		return true, true
	}
	return false, n.right >= np.right-2*n.em || strings.ContainsRune(paragraphEnd, lastRune(n.text))
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// leaderRe matches the dot leaders of a table of contents.
var leaderRe = regexp.MustCompile(`…{2,}|\.{4,}|·{4,}|．{4,}|-{6,}`)

// paragraphEnd are the runes that end a line's paragraph (or clause)
// when they end the line: sentence and clause punctuation and closing
// brackets and quotes.
const paragraphEnd = "。！？：；!?:;）)】]」』》〉〕}”’"

// joinText renders the pages' lines as Text: one paragraph per line
// (lines that continue a paragraph are joined to it, also across a page
// break), no blank lines, and a final newline.
func joinText(pages []page) string {
	var j joiner
	for _, p := range pages {
		j.add(p)
	}
	return j.text()
}

// joiner renders pages as Text one at a time, in order, keeping their
// text and not their lines: a document's line structures would take
// several times the memory of its text. Whether a line that ends a
// sentence continues its paragraph depends on the style of the whole
// document, so where it does only in a document with first-line indents
// the joiner writes a placeholder byte, joinIfIndented, which text
// resolves.
type joiner struct {
	b        []byte
	prev     line // the last line written
	prevPage page // its page, without its lines
	have     bool // a line was written
	indented bool // a page added has first-line indents
	pending  bool // b holds placeholders
}

// joinIfIndented is the placeholder of a joiner for a line break that
// is nothing in a document with first-line indents. (Never a space: the
// line before it ends with punctuation.) Text has no control characters
// (unreadable drops them), so it cannot be taken for text.
const joinIfIndented = '\x01'

// add renders the lines of page p after those of the pages added before.
func (j *joiner) add(p page) {
	j.indented = j.indented || p.indented
	shape := p
	shape.lines = nil
	for li, l := range p.lines {
		if j.have {
			always, ifIndented := continues(j.prev, j.prevPage, l, p, li > 0)
			// Latin words wrapped at a space are joined with a space.
			space := isASCIIAlnum(lastRune(j.prev.text)) && isASCIIAlnum(firstRune(l.text))
			switch {
			case always && space:
				j.b = append(j.b, ' ')
			case always:
			case ifIndented:
				j.b, j.pending = append(j.b, joinIfIndented), true
			default:
				j.b = append(j.b, '\n')
			}
		}
		j.b = append(j.b, l.text...)
		j.prev, j.prevPage, j.have = l, shape, true
	}
}

// text returns the Text of the pages added.
func (j *joiner) text() string {
	if !j.have {
		return ""
	}
	var b strings.Builder
	b.Grow(len(j.b) + 1)
	rest := j.b
	for j.pending {
		k := bytes.IndexByte(rest, joinIfIndented)
		if k < 0 {
			break
		}
		b.Write(rest[:k])
		if !j.indented {
			b.WriteByte('\n')
		}
		rest = rest[k+1:]
	}
	b.Write(rest)
	b.WriteByte('\n')
	return b.String()
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
