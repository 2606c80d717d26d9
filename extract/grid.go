package extract

import "golang.org/x/net/html"

// maxGridColumns bounds the grid a data table is laid out on. A table
// whose spans would make it wider is written cell after cell, as if no
// cell spanned: one tab between neighbours and no padding, so that a page
// of colspan="1000" cells cannot blow up into megabytes of tabs.
const maxGridColumns = 64

// maxColSpan is the largest colspan a browser honours (HTML's limit).
const maxColSpan = 1000

// tableGrid places the cells of a data table on the table's grid, the way
// a browser does: a cell takes the first column of its row that no cell
// of an earlier row covers with its rowspan, then covers colspan columns
// and rowspan rows itself.
type tableGrid struct {
	until []int // until[x] is the last row covered in column x (-1: none)
	rows  int   // the rows in the table
	x     int   // the next column of the current row
}

// newTableGrid returns the grid of a table with n rows.
func newTableGrid(n int) *tableGrid {
	return &tableGrid{rows: n}
}

// startRow begins a row.
func (g *tableGrid) startRow() { g.x = 0 }

// place puts a cell of row y on the grid and returns its column.
func (g *tableGrid) place(y int, c *html.Node) int {
	for g.x < len(g.until) && g.until[g.x] >= y {
		g.x++
	}
	col := g.x
	cs, rs := cellSpans(c)
	if rs == 0 || y+rs > g.rows { // 0: to the end of the table
		rs = g.rows - y
	}
	for len(g.until) < col+cs {
		g.until = append(g.until, -1)
	}
	for i := col; i < col+cs; i++ {
		g.until[i] = y + rs - 1
	}
	g.x += cs
	return col
}

// width returns the columns the grid has used so far.
func (g *tableGrid) width() int { return len(g.until) }

// layoutColumns returns, for each row, each cell's column on the table's
// grid; nil when no cell spans or the grid would be wider than
// maxGridColumns (then cell i of a row is written as column i).
func layoutColumns(rows [][]*html.Node) [][]int {
	spans := false
	for _, cells := range rows {
		for _, c := range cells {
			if cs, rs := cellSpans(c); cs != 1 || rs != 1 {
				spans = true
			}
		}
	}
	if !spans {
		return nil
	}
	g := newTableGrid(len(rows))
	cols := make([][]int, len(rows))
	for y, cells := range rows {
		g.startRow()
		cols[y] = make([]int, len(cells))
		for i, c := range cells {
			cols[y][i] = g.place(y, c)
			if g.width() > maxGridColumns {
				return nil
			}
		}
	}
	return cols
}

// cellSpans returns a cell's colspan (1 to maxColSpan) and rowspan (0 for
// "to the end of the table", else at least 1), read as a browser reads
// them: leading digits count, anything else is the default.
func cellSpans(c *html.Node) (colspan, rowspan int) {
	colspan, rowspan = 1, 1
	for _, a := range c.Attr {
		switch a.Key {
		case "colspan":
			if n, ok := spanValue(a.Val); ok && n > 0 {
				colspan = min(n, maxColSpan)
			}
		case "rowspan":
			if n, ok := spanValue(a.Val); ok {
				rowspan = n
			}
		}
	}
	return colspan, rowspan
}

// spanValue parses a non-negative integer the HTML way: leading white
// space skipped, then digits, anything after them ignored. Values too
// large to matter are capped.
func spanValue(s string) (int, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	if i < len(s) && s[i] == '+' {
		i++
	}
	n, digits := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n < 1<<20 {
			n = n*10 + int(s[i]-'0')
		}
		digits++
	}
	return n, digits > 0
}
