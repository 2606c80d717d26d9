package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockTags start and end a line. Everything else flows inline.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Caption: true, atom.Center: true, atom.Dd: true,
	atom.Details: true, atom.Dialog: true, atom.Dir: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.Frameset: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true,
	atom.Html: true, atom.Legend: true, atom.Li: true, atom.Main: true,
	atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true,
	atom.Tr: true, atom.Ul: true, atom.Listing: true, atom.Xmp: true,
	atom.Plaintext: true, atom.Option: true, atom.Optgroup: true,
}

// layoutCellRunes is the cell length above which a table is taken to be a
// layout table: statistics tables hold short figures and labels, while a
// layout table holds whole paragraphs in one cell.
const layoutCellRunes = 150

// renderer turns a DOM subtree into lines. It only collapses whitespace;
// NFKC and the final trimming happen in finishLines.
type renderer struct {
	st      stats
	lines   []string
	links   []int // per line: the letters inside links (see linkLetters)
	cur     strings.Builder
	curLink int
	space   bool // a space is pending before the next visible rune
	pre     int  // depth of <pre>-like elements: newlines are kept
	inLink  int  // depth of counted links
	// keep, when set, says which lines to keep: the others are dropped as
	// they end, so a render that wants a few lines of a large page does
	// not hold all of them.
	keep func(line string) bool
}

func newRenderer(st stats) *renderer { return &renderer{st: st} }

// flush ends the current line.
func (r *renderer) flush() {
	if r.cur.Len() > 0 {
		if l := r.cur.String(); r.keep == nil || r.keep(l) {
			r.lines = append(r.lines, l)
			r.links = append(r.links, r.curLink)
		}
		r.cur.Reset()
	}
	r.curLink = 0
	r.space = false
}

// sep writes a raw separator (the table cell tab) into the current line.
func (r *renderer) sep(s string) {
	r.cur.WriteString(s)
	r.space = false
}

// text appends a text node's data with whitespace collapsed and invisible
// characters dropped. Invalid UTF-8 becomes U+FFFD.
func (r *renderer) text(s string) {
	for i := 0; i < len(s); {
		// A run of plain runes (the common case) is copied at once.
		if j := plainRun(s[i:]); j > 0 {
			if r.space {
				r.cur.WriteByte(' ')
				r.space = false
			}
			r.cur.WriteString(s[i : i+j])
			if r.inLink > 0 {
				_, l := runeLetterCount(s[i : i+j])
				r.curLink += l
			}
			i += j
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case c == '\n' && r.pre > 0:
			r.flush()
		case unicode.IsSpace(c):
			if r.cur.Len() > 0 {
				r.space = true
			}
		case invisible(c):
		default:
			if r.space {
				r.cur.WriteByte(' ')
				r.space = false
			}
			r.cur.WriteRune(c)
			if r.inLink > 0 && unicode.IsLetter(c) {
				r.curLink++
			}
		}
	}
}

// plainRun returns the length in bytes of the run of runes at the start
// of s that the renderer copies as they are: valid, not space, not
// invisible.
func plainRun(s string) int {
	i := 0
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			if b <= ' ' || b == 0x7f {
				return i
			}
			i++
			continue
		}
		if cjk3(s, i) {
			i += 3
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError || unicode.IsSpace(c) || invisible(c) {
			return i
		}
		i += size
	}
	return i
}

// cjk3 reports whether s[i:] starts with a valid three-byte sequence of
// U+4000–U+9FFF (most of CJK): letters, never space, invisible or subject
// to NFKC.
func cjk3(s string, i int) bool {
	return i+2 < len(s) && 0xE4 <= s[i] && s[i] <= 0xE9 && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80
}

// asciiSpace are the ASCII runes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// invisible reports runes that render as nothing and would only make two
// fetches of one page differ: controls, zero-width spaces, BOM, soft hyphen.
func invisible(c rune) bool {
	switch c {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return unicode.IsControl(c)
}

// node renders n and its subtree.
func (r *renderer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.DocumentNode:
		r.children(n)
		return
	case html.ElementNode:
	default:
		return
	}
	if skipTags[n.DataAtom] {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		r.flush()
		return
	case atom.Table:
		r.flush()
		if isLayoutTable(r.st, n) {
			r.children(n)
		} else {
			r.dataTable(n)
		}
		r.flush()
		return
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		r.flush()
		r.pre++
		r.children(n)
		r.pre--
		r.flush()
		return
	}
	if blockTags[n.DataAtom] {
		r.flush()
		r.children(n)
		r.flush()
		return
	}
	// A link longer than longLinkRunes is text an unclosed <a> swallowed
	// (or a whole article wrapped in one): its lines are not link lines.
	if n.DataAtom == atom.A && r.st[n].text <= longLinkRunes && countedLink(n) {
		r.inLink++
		r.children(n)
		r.inLink--
		return
	}
	r.children(n)
}

// documentExts are the file types of attachments: a link to one is part
// of the report ("附件: 1. …报告.pdf"), not navigation.
var documentExts = []string{
	".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".zip", ".rar", ".7z", ".txt", ".csv",
}

// countedLink reports whether <a> n is a link whose text counts as link
// text in a line: it has an href that is not an attachment.
func countedLink(n *html.Node) bool {
	if !hasAttr(n, "href") {
		return false
	}
	href := strings.ToLower(strings.TrimSpace(attr(n, "href")))
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	for _, e := range documentExts {
		if strings.HasSuffix(href, e) {
			return false
		}
	}
	return true
}

func (r *renderer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c)
	}
}

// tableRows returns the rows that belong to table t itself (not to tables
// nested in its cells), and its captions.
func tableRows(t *html.Node) (rows, captions []*html.Node) {
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			rows = append(rows, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for g := c.FirstChild; g != nil; g = g.NextSibling {
				if g.Type == html.ElementNode && g.DataAtom == atom.Tr {
					rows = append(rows, g)
				}
			}
		case atom.Caption:
			captions = append(captions, c)
		}
	}
	return rows, captions
}

func rowCells(tr *html.Node) []*html.Node {
	var cells []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
			cells = append(cells, c)
		}
	}
	return cells
}

// isLayoutTable reports whether t is used for page layout rather than data:
// a cell holds a nested table or a long text, or no row has two cells.
// Layout tables are rendered as blocks so that the article they wrap keeps
// its paragraphs.
func isLayoutTable(st stats, t *html.Node) bool {
	rows, _ := tableRows(t)
	wide := false
	for _, tr := range rows {
		cells := rowCells(tr)
		if len(cells) > 1 {
			wide = true
		}
		for _, c := range cells {
			s := st[c]
			if s.table || s.text > layoutCellRunes {
				return true
			}
		}
	}
	return !wide
}

// dataTable renders one line per row with cells separated by a tab. Cells
// that span columns or rows are laid out on the table's grid: the columns
// a span covers are empty cells, so that every figure of a 信息公开 table
// stays under its header (layoutColumns). A row ends with its last cell;
// columns covered after it are not written.
func (r *renderer) dataTable(t *html.Node) {
	trs, captions := tableRows(t)
	for _, c := range captions {
		r.children(c)
		r.flush()
	}
	rows := make([][]*html.Node, len(trs))
	for y, tr := range trs {
		rows[y] = rowCells(tr)
	}
	cols := layoutColumns(rows)
	for y, cells := range rows {
		written := 0 // the row's column after the tabs written so far
		for i, c := range cells {
			col := i
			if cols != nil {
				col = cols[y][i]
			}
			for ; written < col; written++ {
				r.sep("\t")
			}
			text, link := r.cellText(c)
			r.sep(text)
			r.curLink += link
		}
		r.flush()
	}
}

// cellText renders a cell on one line: inner line breaks become spaces.
// It also returns the cell's link letters.
func (r *renderer) cellText(c *html.Node) (string, int) {
	sub := newRenderer(r.st)
	sub.inLink = r.inLink
	sub.children(c)
	sub.flush()
	link := 0
	for _, n := range sub.links {
		link += n
	}
	return strings.Join(sub.lines, " "), link
}

// inlineText renders n on one normalised line (used for titles).
func inlineText(n *html.Node, st stats) string {
	r := newRenderer(st)
	r.children(n)
	r.flush()
	return normalizeLine(strings.Join(r.lines, " "))
}

// NormalizeText puts a text in the normal form of the archive's texts, the
// form of Document.Text: each line NFKC-normalised (full-width letters,
// digits and punctuation become ASCII, the ideographic space a space …),
// invisible characters (controls, zero-width spaces, BOM, soft hyphen)
// dropped, runs of white space collapsed to one space, spaces trimmed at
// both ends and next to tabs (tabs separate table cells and are kept),
// lines that are then empty (or only tabs) dropped, and every line ending
// in "\n". Extract puts every line of a page through it, and the
// attachment readers every file's text, so that a quote found in one is
// found, written the same way, in the other. It is idempotent.
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	for line := range strings.SplitSeq(s, "\n") {
		if l := normalizeLine(line); strings.Trim(l, "\t") != "" {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// normalizeLine applies NFKC, collapses runs of spaces to one space and
// trims spaces. Tabs (table cell separators) are kept, with the spaces
// around them removed.
func normalizeLine(s string) string {
	if t := nfkcString(s); t != s {
		s = t
	} else if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, c := range s {
		switch {
		case c == '\t':
			trimTrailingSpace(&b)
			b.WriteByte('\t')
			space = false
		case unicode.IsSpace(c):
			space = true
		case invisible(c):
		default:
			if space && b.Len() > 0 && !endsWithTab(&b) {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(c)
		}
	}
	// Only spaces are trimmed: a leading or trailing tab is an empty table
	// cell, and dropping it would shift the row's columns.
	return strings.Trim(b.String(), " ")
}

// isClean reports whether s needs no whitespace work: no leading or trailing
// space, no double space, no space next to a tab, no other space runes.
func isClean(s string) bool {
	if s == "" {
		return true
	}
	prev := '\t'
	for i := 0; i < len(s); {
		if cjk3(s, i) {
			prev = 0x4e00 // any rune but space and tab
			i += 3
			continue
		}
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case c == ' ':
			if prev == ' ' || prev == '\t' || i == len(s)-1 {
				return false
			}
		case c == '\t':
			if prev == ' ' || i == 0 || i == len(s)-1 {
				return false
			}
		case c < utf8.RuneSelf:
			if c < ' ' || c == 0x7f {
				return false
			}
		case unicode.IsSpace(c) || invisible(c):
			return false
		}
		prev = c
		i += size
	}
	return true
}

func trimTrailingSpace(b *strings.Builder) {
	s := b.String()
	if t := strings.TrimRight(s, " "); len(t) != len(s) {
		b.Reset()
		b.WriteString(t)
	}
}

func endsWithTab(b *strings.Builder) bool {
	s := b.String()
	return s != "" && s[len(s)-1] == '\t'
}

// finishLines normalises lines and drops the empty ones (a table row of
// empty cells is empty), as NormalizeText does.
func finishLines(lines []string) []string {
	out, _ := finishLinks(lines, nil)
	return out
}

// finishLinks is finishLines keeping links, the link letters of each line,
// in step with the lines (links may be nil).
func finishLinks(lines []string, links []int) ([]string, []int) {
	out := lines[:0]
	var outLinks []int
	if links != nil {
		outLinks = links[:0]
	}
	for i, l := range lines {
		if l = normalizeLine(l); strings.Trim(l, "\t") != "" {
			out = append(out, l)
			if links != nil {
				outLinks = append(outLinks, links[i])
			}
		}
	}
	return out, outLinks
}

// runeCount counts the runes of s that are not whitespace.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); {
		switch b := s[i]; {
		case b < utf8.RuneSelf:
			if !asciiSpace[b] {
				n++
			}
			i++
		case cjk3(s, i):
			n++
			i += 3
		default:
			c, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(c) {
				n++
			}
			i += size
		}
	}
	return n
}

// squash removes all whitespace, for comparing a line with the title.
func squash(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.IsSpace(c) {
			return -1
		}
		return c
	}, s)
}
