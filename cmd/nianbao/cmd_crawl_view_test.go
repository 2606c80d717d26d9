package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/nianbao/nianbao/harvest"
)

// screen is a small terminal emulator: enough of one to replay what
// nianbao writes to a terminal (text, CR, LF, cursor up, erase line,
// erase below) and see what a person would see. It keeps every row ever
// written, so the whole session can be read back; a line longer than the
// terminal wraps, as a terminal's autowrap does. Any other escape
// sequence is an error.
type screen struct {
	cols int
	rows [][]rune
	r, c int
}

func (s *screen) row() []rune {
	for len(s.rows) <= s.r {
		s.rows = append(s.rows, nil)
	}
	return s.rows[s.r]
}

// write replays b; it fails on an escape sequence it does not know.
func (s *screen) write(b []byte) error {
	for i := 0; i < len(b); {
		switch {
		case b[i] == '\r':
			s.c = 0
			i++
		case b[i] == '\n':
			s.r++
			i++
		case b[i] == 0x1b:
			m := csi.FindSubmatch(b[i:])
			if m == nil {
				return fmt.Errorf("unknown escape sequence at byte %d: %q", i, b[i:min(len(b), i+8)])
			}
			n := 1
			if len(m[1]) > 0 {
				n, _ = strconv.Atoi(string(m[1]))
			}
			switch m[2][0] {
			case 'A':
				s.r = max(0, s.r-n)
			case 'K':
				if row := s.row(); len(row) > s.c {
					s.rows[s.r] = row[:s.c]
				}
			case 'J':
				if row := s.row(); len(row) > s.c {
					s.rows[s.r] = row[:s.c]
				}
				s.rows = s.rows[:s.r+1]
			default:
				return fmt.Errorf("unknown escape sequence %q", m[0])
			}
			i += len(m[0])
		default:
			r, size := utf8.DecodeRune(b[i:])
			w := 1 // as a terminal counts, independently of the code under test
			if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
				w = 2
			}
			if s.c+w > s.cols {
				s.r, s.c = s.r+1, 0
			}
			row := s.row()
			for len(row) < s.c+w {
				row = append(row, ' ')
			}
			row[s.c] = r
			if w == 2 {
				row[s.c+1] = 0 // the right half of a wide character
			}
			s.rows[s.r] = row
			s.c += w
			i += size
		}
	}
	return nil
}

var csi = regexp.MustCompile(`^\x1b\[([0-9]*)([A-Za-z])`)

// lines is what the screen shows, a line per row, without trailing blanks.
func (s *screen) lines() []string {
	out := make([]string, len(s.rows))
	for i, row := range s.rows {
		out[i] = strings.TrimRight(strings.ReplaceAll(string(row), "\x00", ""), " ")
	}
	return out
}

// replay runs raw through a screen of cols columns and returns its lines.
func replay(t *testing.T, raw []byte, cols int) []string {
	t.Helper()
	sc := &screen{cols: cols}
	if err := sc.write(raw); err != nil {
		t.Fatalf("%v\nraw: %q", err, raw)
	}
	return sc.lines()
}

// The view is the terminal's only writer: a log record written through it
// lands on a line of its own above the view, whatever the terminal's width,
// and the view's lines never wrap (a wrapped line would leave the cursor
// one row lower than the next redraw assumes, and leave pieces behind).
func TestProgressViewKeepsLogRecordsApart(t *testing.T) {
	for _, cols := range []int{0, 200, 72, 30} {
		t.Run(fmt.Sprintf("%d columns", cols), func(t *testing.T) {
			now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
			var buf bytes.Buffer
			pv := newProgressView(&buf, func() time.Time { now = now.Add(time.Second); return now })
			pv.width = func() int { return cols }
			var records []string
			for i := range 6 {
				pv.update(harvest.Progress{Site: "jinnan", Pages: 10 * i, Reports: i, NewDocuments: i, Errors: i, Bytes: 161100 * int64(i)})
				pv.update(harvest.Progress{Site: "trap", Pages: i, Bytes: 2400 * int64(i), Done: i == 5})
				r := fmt.Sprintf("time=2026-03-02T03:00:0%dZ level=WARN msg=\"report page failed\" site=jinnan n=%d", i, i)
				records = append(records, r)
				fmt.Fprintln(pv, r)
			}
			pv.update(harvest.Progress{Site: "jinnan", Pages: 60, Reports: 6, NewDocuments: 6, Errors: 6, Done: true})
			pv.finish()
			fmt.Fprintln(pv, "time=2026-03-02T03:00:09Z level=INFO msg=after")
			records = append(records, "time=2026-03-02T03:00:09Z level=INFO msg=after")

			emuCols := cols
			if emuCols == 0 {
				emuCols = 1000
			}
			// As the terminal's line discipline does (onlcr): LF is CR LF.
			got := replay(t, bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte("\r\n")), emuCols)
			var want []string
			for _, r := range records[:len(records)-1] {
				want = append(want, splitCols(r, emuCols)...)
			}
			// The view's last state, then the record written after finish.
			if len(got) < len(want)+3 {
				t.Fatalf("screen:\n%s", strings.Join(got, "\n"))
			}
			if strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
				t.Errorf("log records not on lines of their own:\n%s", strings.Join(got, "\n"))
			}
			view := got[len(want) : len(want)+2]
			for i, site := range []string{"jinnan", "trap"} {
				if !strings.HasPrefix(view[i], site+": ") || (cols == 0 || cols >= 72) && !strings.HasSuffix(view[i], " — done") {
					t.Errorf("view line %d: %q", i, view[i])
				}
				if cols > 0 && textCols(view[i]) >= cols {
					t.Errorf("view line %d is %d columns wide on a terminal of %d: %q", i, textCols(view[i]), cols, view[i])
				}
			}
			if cols == 0 || cols >= 72 {
				if !strings.Contains(view[0], " 6 errors,") {
					t.Errorf("the error count is not on the view's line: %q", view[0])
				}
			}
			if rest := strings.Join(got[len(want)+2:], "\n"); strings.TrimSpace(rest) != strings.Join(splitCols(records[len(records)-1], emuCols), "\n") {
				t.Errorf("after the view: %q", rest)
			}
		})
	}
}

// A crawl of many sites at once keeps the view to maxViewLines: a totals
// line (sites done, running, waiting; pages, reports …) and the running
// sites that reported last, whatever the number of sites — and log records
// still land above it.
func TestProgressViewManySites(t *testing.T) {
	now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	pv := newProgressView(&buf, func() time.Time { now = now.Add(time.Second); return now })
	pv.width = func() int { return 120 }
	pv.total = 5000
	for i := range 300 {
		pv.update(harvest.Progress{Site: fmt.Sprintf("site-%03d", i), Pages: 2, Reports: 1, NewDocuments: 1, Bytes: 1000})
		if i%3 == 0 {
			pv.update(harvest.Progress{Site: fmt.Sprintf("site-%03d", i), Pages: 3, Reports: 1, NewDocuments: 1, Bytes: 1000, Done: true, Status: []string{"ok", "failed"}[i%2]})
		}
		if i%50 == 0 {
			fmt.Fprintf(pv, "time=x level=INFO msg=record n=%d\n", i)
		}
	}
	got := replay(t, bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte("\r\n")), 120)
	var records, view []string
	for _, l := range got {
		if strings.HasPrefix(l, "time=x") {
			records = append(records, l)
		} else if l != "" {
			view = append(view, l)
		}
	}
	if len(records) != 6 || len(got) > 6+maxViewLines {
		t.Fatalf("%d records, %d lines on screen:\n%s", len(records), len(got), strings.Join(got, "\n"))
	}
	want := "5000 sites: 100 done (50 not ok), 200 running, 4700 waiting; 700 pages, 300 reports, 300 new, 0 errors,"
	if len(view) != maxViewLines || !strings.HasPrefix(view[0], want) {
		t.Fatalf("view:\n%s\nwant a totals line %q and %d running sites", strings.Join(view, "\n"), want, maxViewLines-1)
	}
	// The running sites that reported last: 299, 298, 296 … in the order they started.
	if !strings.HasPrefix(view[1], "site-28") || !strings.HasPrefix(view[len(view)-1], "site-299: ") {
		t.Errorf("running sites shown:\n%s", strings.Join(view[1:], "\n"))
	}
}

// splitCols cuts s into rows of cols columns, as a terminal wraps it.
func splitCols(s string, cols int) []string {
	var rows []string
	for textCols(s) > cols {
		n, used := 0, 0
		for i, r := range s {
			if used+runeCols(r) > cols {
				n = i
				break
			}
			used += runeCols(r)
		}
		rows = append(rows, s[:n])
		s = s[n:]
	}
	return append(rows, s)
}

func TestFitWidth(t *testing.T) {
	tests := []struct {
		in   string
		cols int
		want string
	}{
		{"jinnan: 3 pages", 0, "jinnan: 3 pages"},
		{"jinnan: 3 pages", 15, "jinnan: 3 pages"},
		{"jinnan: 3 pages", 10, "jinnan: …"},
		{"津南区: 3 pages", 8, "津南区…"},
		{"津南区: 3 pages", 7, "津南…"},
		{"津南区: 3 pages", 9, "津南区:…"},
	}
	for _, tt := range tests {
		if got := fitWidth(tt.in, tt.cols); got != tt.want || tt.cols > 0 && textCols(got) > tt.cols {
			t.Errorf("fitWidth(%q, %d) = %q, want %q", tt.in, tt.cols, got, tt.want)
		}
	}
}
