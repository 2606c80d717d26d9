package attachment

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
)

// OFD has no paragraphs or tables, only positioned text and paths; the
// code here rebuilds them from the layout of each page.
//
// Lines: text pieces whose baselines are within a third of the larger
// font size share a line, read left to right; a gap of two character
// widths or more between pieces becomes a tab.
//
// Tables: two or more horizontal rules with the same left and right ends,
// less than maxRowHeight apart, bound a table; each pair of rules bounds
// a row. Vertical rules between them give the columns; without them the
// columns are the left edges of the cells, gathered over all rows. A row
// is one line, its cells in column order separated by tabs, an empty
// cell keeping its tab. A cell's lines join as a wrapped paragraph's do.
//
// Paragraphs: see continues.

// maxRowHeight is the most two rules of one table may be apart (mm); the
// rules of a 公文's letterhead and 版记 are further apart than any row.
const maxRowHeight = 40

// minJoinWidth is the least text width, in characters, at which lines
// that reach the right margin are taken as wrapped.
const minJoinWidth = 15

// pageContent is what one page gives: its text pieces and rules.
type pageContent struct {
	items          []ofdItem
	hRules, vRules []rule
}

// rule is a horizontal (y0 == y1) or vertical (x0 == x1) line, in mm.
type rule struct{ x0, x1, y0, y1 float64 }

// addRule keeps a path whose bounding box is a thin line.
func (pc *pageContent) addRule(box []float64) {
	x, y, w, h := box[0], box[1], box[2], box[3]
	switch {
	case len(pc.hRules)+len(pc.vRules) > maxParts:
	case h <= 1 && w > 2:
		pc.hRules = append(pc.hRules, rule{x0: x, x1: x + w, y0: y + h/2, y1: y + h/2})
	case w <= 1 && h > 2:
		pc.vRules = append(pc.vRules, rule{x0: x + w/2, x1: x + w/2, y0: y, y1: y + h})
	}
}

// ofdLine is a line of output with the geometry that paragraph joining
// needs.
type ofdLine struct {
	text        string
	x, xEnd, y  float64
	size        float64
	table       bool    // a table row, or a line with tabs
	left, right float64 // the page's text margins
	newPage     bool
}

// lines turns a page into lines, top to bottom.
func (pc *pageContent) lines() []ofdLine {
	if len(pc.items) == 0 {
		return nil
	}
	tables := findTables(pc.hRules, pc.vRules)
	var rest []ofdItem
	for _, it := range pc.items {
		if !placeInTable(tables, it) {
			rest = append(rest, it)
		}
	}
	lines := groupLines(rest)
	for _, t := range tables {
		lines = append(lines, t.lines()...)
	}
	slices.SortStableFunc(lines, func(a, b ofdLine) int { return cmp.Compare(a.y, b.y) })
	if len(lines) == 0 {
		return nil
	}
	// A page number alone on the first or last line is furniture.
	if len(lines) > 1 && pageNumber.MatchString(lines[len(lines)-1].text) {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 1 && pageNumber.MatchString(lines[0].text) {
		lines = lines[1:]
	}
	left, right := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		if !l.table {
			left, right = min(left, l.x), max(right, l.xEnd)
		}
	}
	for i := range lines {
		lines[i].left, lines[i].right = left, right
	}
	lines[0].newPage = true
	return lines
}

// pageNumber matches the page numbers of 公文 and reports: "— 1 —",
// "- 2 -", "第3页", "第 3 页 共 10 页", "3/10".
var pageNumber = regexp.MustCompile(`^[-—–－~\s]*([0-9]+|第\s*[0-9]+\s*页(\s*[,，]?\s*共\s*[0-9]+\s*页)?|[0-9]+\s*/\s*[0-9]+)[-—–－~\s]*$`)

// sameLine says whether two pieces share a baseline.
func sameLine(a, b ofdItem) bool { return math.Abs(a.y-b.y) <= max(a.size, b.size)/3 }

// groupLines groups pieces into lines by baseline and renders each.
func groupLines(items []ofdItem) []ofdLine {
	slices.SortStableFunc(items, func(a, b ofdItem) int { return cmp.Compare(a.y, b.y) })
	var groups [][]ofdItem
	for _, it := range items {
		if n := len(groups); n > 0 && sameLine(groups[n-1][0], it) {
			groups[n-1] = append(groups[n-1], it)
			continue
		}
		groups = append(groups, []ofdItem{it})
	}
	lines := make([]ofdLine, 0, len(groups))
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b ofdItem) int { return cmp.Compare(a.x, b.x) })
		l := ofdLine{x: g[0].x, xEnd: g[0].xEnd, y: g[0].y}
		var b strings.Builder
		for i, it := range g {
			l.size = max(l.size, it.size)
			l.xEnd = max(l.xEnd, it.xEnd)
			if i > 0 {
				sep := pieceSep(g[i-1], it)
				l.table = l.table || sep == "\t"
				b.WriteString(sep)
			}
			b.WriteString(it.text)
		}
		l.text = b.String()
		lines = append(lines, l)
	}
	return lines
}

// pieceSep is what goes between two pieces of one line: a tab across a
// wide gap, a space across a word gap between letters, else nothing.
func pieceSep(a, b ofdItem) string {
	gap := b.x - a.xEnd
	size := max(a.size, b.size)
	switch {
	case gap >= 2*size:
		return "\t"
	case gap >= size/4 && !isWide(lastRune(a.text)) && !isWide(firstRune(b.text)):
		return " "
	}
	return ""
}

// table is a ruled table on a page.
type table struct {
	x0, x1 float64
	ys     []float64   // horizontal rules, top to bottom
	cols   []float64   // column edges from vertical rules, left to right
	rows   [][]ofdItem // the pieces between ys[i] and ys[i+1]
}

// findTables groups horizontal rules into tables.
func findTables(h, v []rule) []*table {
	slices.SortStableFunc(h, func(a, b rule) int { return cmp.Compare(a.y0, b.y0) })
	var tables []*table
	var t *table
	for _, r := range h {
		if t != nil && math.Abs(r.x0-t.x0) <= 2 && math.Abs(r.x1-t.x1) <= 2 && r.y0-t.ys[len(t.ys)-1] <= maxRowHeight {
			if r.y0-t.ys[len(t.ys)-1] > 0.5 {
				t.ys = append(t.ys, r.y0)
			}
			continue
		}
		t = &table{x0: r.x0, x1: r.x1, ys: []float64{r.y0}}
		tables = append(tables, t)
	}
	tables = slices.DeleteFunc(tables, func(t *table) bool { return len(t.ys) < 2 })
	for _, t := range tables {
		t.rows = make([][]ofdItem, len(t.ys)-1)
		top, bottom := t.ys[0], t.ys[len(t.ys)-1]
		edges := []float64{t.x0, t.x1}
		for _, r := range v {
			if r.x0 > t.x0+1 && r.x0 < t.x1-1 && r.y0 < bottom-0.5 && r.y1 > top+0.5 {
				edges = append(edges, r.x0)
			}
		}
		slices.Sort(edges)
		for _, e := range edges {
			if len(t.cols) == 0 || e-t.cols[len(t.cols)-1] > 1 {
				t.cols = append(t.cols, e)
			}
		}
		if len(t.cols) < 3 {
			t.cols = nil // no inner vertical rule
		}
	}
	return tables
}

// placeInTable puts a piece whose baseline lies inside a table into its
// row.
func placeInTable(tables []*table, it ofdItem) bool {
	for _, t := range tables {
		if it.x < t.x0-1 || it.x > t.x1+1 || it.y <= t.ys[0] || it.y >= t.ys[len(t.ys)-1] {
			continue
		}
		row, _ := slices.BinarySearch(t.ys, it.y)
		t.rows[row-1] = append(t.rows[row-1], it)
		return true
	}
	return false
}

// cell is a table cell's pieces, its column and its right edge.
type cell struct {
	col   int
	right float64
	items []ofdItem
}

// lines renders the table's rows.
func (t *table) lines() []ofdLine {
	cols := t.cols
	if cols == nil {
		cols = t.cellStarts()
	}
	var lines []ofdLine
	for _, row := range t.rows {
		if len(row) == 0 {
			continue
		}
		cells := make([]cell, len(cols)-1)
		for i := range cells {
			cells[i] = cell{col: i, right: cols[i+1]}
		}
		l := ofdLine{x: t.x0, xEnd: t.x1, y: math.Inf(1), table: true}
		for _, it := range row {
			i := max(0, sortSearch(cols, it.x+min(it.size/2, 1))-1)
			i = min(i, len(cells)-1)
			cells[i].items = append(cells[i].items, it)
			l.y, l.size = min(l.y, it.y), max(l.size, it.size)
		}
		texts := make([]string, len(cells))
		for i, c := range cells {
			texts[i] = c.text()
		}
		l.text = strings.Join(texts, "\t")
		lines = append(lines, l)
	}
	return lines
}

// sortSearch is the number of edges at or left of x.
func sortSearch(edges []float64, x float64) int {
	n := 0
	for _, e := range edges {
		if e <= x {
			n++
		}
	}
	return n
}

// cellStarts gives column edges for a table without inner vertical
// rules: the left edges of its cells over all rows, those within a
// character of each other counted once.
func (t *table) cellStarts() []float64 {
	var starts []float64
	var size float64
	for _, row := range t.rows {
		r := slices.Clone(row)
		slices.SortStableFunc(r, func(a, b ofdItem) int {
			if c := cmp.Compare(a.y, b.y); c != 0 && !sameLine(a, b) {
				return c
			}
			return cmp.Compare(a.x, b.x)
		})
		for i, it := range r {
			size = max(size, it.size)
			if i == 0 || !sameLine(r[i-1], it) || it.x-r[i-1].xEnd >= 2*it.size {
				starts = append(starts, it.x)
			}
		}
	}
	slices.Sort(starts)
	edges := []float64{t.x0}
	for _, s := range starts {
		if s-edges[len(edges)-1] > size {
			edges = append(edges, s-0.5)
		}
	}
	return append(edges, t.x1)
}

// text joins a cell's lines: a line that fills the cell wraps into the
// next, as in a paragraph; otherwise they are separated by a space (a
// paragraph break inside a cell).
func (c cell) text() string {
	lines := groupLines(c.items)
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			p := lines[i-1]
			wraps := p.xEnd >= c.right-p.size*1.5
			if !wraps || !isWide(lastRune(p.text)) && !isWide(firstRune(l.text)) {
				b.WriteString(" ")
			}
		}
		b.WriteString(strings.ReplaceAll(l.text, "\t", " "))
	}
	return b.String()
}

// writeOFDLines writes lines, joining the lines of a wrapped paragraph
// (see continues); next is the line that will follow them, nil at the
// end of the document.
func writeOFDLines(w *textWriter, lines []ofdLine, next *ofdLine) {
	for i, l := range lines {
		n := next
		if i+1 < len(lines) {
			n = &lines[i+1]
		}
		w.text(l.text)
		if n != nil && continues(l, *n) {
			if !hasWide(l.text) && !isWide(firstRune(n.text)) {
				w.text(" ") // Latin text wraps at spaces
			}
			continue
		}
		w.newline()
	}
}

// continues says whether line l wraps into line n: l reaches the right
// margin (within a character), n starts at the left margin (not
// indented), neither is a table row, their font sizes match (a heading
// and its text do not join), and n follows within two and a half line
// heights or starts the next page. On a page whose widest line is under
// minJoinWidth characters the margins say nothing, and no lines join.

func continues(l, n ofdLine) bool {
	if l.table || n.table || math.IsInf(l.right, 0) || math.IsInf(n.left, 0) {
		return false
	}
	if math.Abs(l.size-n.size) > l.size/4 || l.right-l.left < minJoinWidth*l.size {
		return false
	}
	if !n.newPage && (n.y-l.y > 2.5*l.size || n.y <= l.y) {
		return false
	}
	return l.xEnd >= l.right-l.size && n.x <= n.left+l.size/2
}

func hasWide(s string) bool {
	for _, r := range s {
		if isWide(r) {
			return true
		}
	}
	return false
}
