package extract

import "golang.org/x/net/html"

// maxGridColumns bounds the grid a data table is laid out on. A table
// whose spans would make it wider is written cell after cell, as if no
// cell spanned: one tab between neighbours and no padding, so that a page
// of colspan="1000" cells cannot blow up into megabytes of tabs.
const maxGridColumns = 64

// layoutColumns returns, for each row, each cell's column on the table's
// grid, placed the way a browser places them: a cell takes the first
// column of its row that no cell of an earlier row covers with its
// rowspan, then covers colspan columns and rowspan rows itself. It
// returns nil when no cell spans or the grid would be wider than
// maxGridColumns (then cell i of a row is written as column i).
func layoutColumns(rows [][]*html.Node) [][]int {
	n := 0
	for _, cells := range rows {
		n += len(cells)
	}
	flat := make([]int, n)
	cols := make([][]int, len(rows))
	var until []int // until[x] is the last row covered in column x (-1: none)
	spans := false
	for y, cells := range rows {
		cols[y], flat = flat[:len(cells):len(cells)], flat[len(cells):]
		x := 0
		for i, c := range cells {
			for x < len(until) && until[x] >= y {
				x++
			}
			cs, rs := cellSpans(c)
			spans = spans || cs != 1 || rs != 1
			if rs == 0 || y+rs > len(rows) { // 0: to the end of the table
				rs = len(rows) - y
			}
			if x+cs > maxGridColumns {
				return nil
			}
			for len(until) < x+cs {
				until = append(until, -1)
			}
			for k := x; k < x+cs; k++ {
				until[k] = y + rs - 1
			}
			cols[y][i] = x
			x += cs
		}
	}
	if !spans {
		return nil
	}
	return cols
}

// cellSpans returns a cell's colspan (at least 1) and rowspan (0 for
// "to the end of the table", else at least 1), read as a browser reads
// them: leading digits count, anything else is the default.
func cellSpans(c *html.Node) (colspan, rowspan int) {
	colspan, rowspan = 1, 1
	for _, a := range c.Attr {
		switch a.Key {
		case "colspan":
			if n, ok := spanValue(a.Val); ok && n > 0 {
				colspan = n
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
