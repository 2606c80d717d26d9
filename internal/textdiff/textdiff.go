package textdiff

import (
	"strconv"
	"strings"
)

// Kind says what happened to a line or a span.
type Kind byte

// Kinds of Edit and Span.
const (
	Equal  Kind = '='
	Delete Kind = '-'
	Insert Kind = '+'
)

// Span is a run of a changed line's characters.
type Span struct {
	Changed bool
	Text    string
}

// Edit is one line of a diff. ALine and BLine are 1-based line numbers in
// the old and new text (0 when the line is not in that text). A deleted
// line paired with an inserted one (a changed line) has Spans marking the
// characters that differ.
type Edit struct {
	Kind         Kind
	Text         string
	ALine, BLine int
	Spans        []Span
}

// maxCells bounds the dynamic-programming table of one comparison; beyond
// it the unequal middle is reported as replaced whole, so that a huge text
// costs memory in proportion to its size, not its square.
const maxCells = 16 << 20

// Lines diffs two texts split into lines.
func Lines(a, b string) []Edit {
	al, bl := split(a), split(b)
	ops := lcs(len(al), len(bl), func(i, j int) bool { return al[i] == bl[j] })
	var out []Edit
	ai, bi := 0, 0
	var dels, ins []Edit
	flush := func() {
		n := min(len(dels), len(ins))
		for k := 0; k < n; k++ {
			da, db := Runes(dels[k].Text, ins[k].Text)
			dels[k].Spans, ins[k].Spans = da, db
		}
		out = append(out, dels...)
		out = append(out, ins...)
		dels, ins = nil, nil
	}
	for _, op := range ops {
		switch op {
		case Equal:
			flush()
			out = append(out, Edit{Kind: Equal, Text: al[ai], ALine: ai + 1, BLine: bi + 1})
			ai++
			bi++
		case Delete:
			dels = append(dels, Edit{Kind: Delete, Text: al[ai], ALine: ai + 1})
			ai++
		case Insert:
			ins = append(ins, Edit{Kind: Insert, Text: bl[bi], BLine: bi + 1})
			bi++
		}
	}
	flush()
	return out
}

// Runes marks the characters that differ between an old and a new line.
func Runes(a, b string) (before, after []Span) {
	ar, br := []rune(a), []rune(b)
	ops := lcs(len(ar), len(br), func(i, j int) bool { return ar[i] == br[j] })
	add := func(spans []Span, changed bool, r rune) []Span {
		if n := len(spans); n > 0 && spans[n-1].Changed == changed {
			spans[n-1].Text += string(r)
			return spans
		}
		return append(spans, Span{Changed: changed, Text: string(r)})
	}
	i, j := 0, 0
	for _, op := range ops {
		switch op {
		case Equal:
			before = add(before, false, ar[i])
			after = add(after, false, br[j])
			i++
			j++
		case Delete:
			before = add(before, true, ar[i])
			i++
		case Insert:
			after = add(after, true, br[j])
			j++
		}
	}
	return before, after
}

func split(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lcs returns the edit script turning a sequence of length n into one of
// length m, by longest common subsequence after trimming the common prefix
// and suffix. eq compares element i of the first with element j of the
// second.
func lcs(n, m int, eq func(i, j int) bool) []Kind {
	pre := 0
	for pre < n && pre < m && eq(pre, pre) {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && eq(n-1-suf, m-1-suf) {
		suf++
	}
	var ops []Kind
	for range pre {
		ops = append(ops, Equal)
	}
	an, bm := n-pre-suf, m-pre-suf
	if an*bm > maxCells {
		for range an {
			ops = append(ops, Delete)
		}
		for range bm {
			ops = append(ops, Insert)
		}
	} else {
		// t[i][j]: the LCS length of the middles' suffixes from i and j.
		w := bm + 1
		t := make([]int32, (an+1)*w)
		for i := an - 1; i >= 0; i-- {
			for j := bm - 1; j >= 0; j-- {
				if eq(pre+i, pre+j) {
					t[i*w+j] = t[(i+1)*w+j+1] + 1
				} else {
					t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < an && j < bm {
			switch {
			case eq(pre+i, pre+j):
				ops = append(ops, Equal)
				i++
				j++
			case t[(i+1)*w+j] >= t[i*w+j+1]:
				ops = append(ops, Delete)
				i++
			default:
				ops = append(ops, Insert)
				j++
			}
		}
		for ; i < an; i++ {
			ops = append(ops, Delete)
		}
		for ; j < bm; j++ {
			ops = append(ops, Insert)
		}
	}
	for range suf {
		ops = append(ops, Equal)
	}
	return ops
}

// Hunk is a run of changed lines between unchanged ones, with the line
// ranges it covers in each text, numbered as in a unified diff (GNU diff -u
// and -U0): AStart is the first deleted line's number and ALen how many
// were deleted; when none were (a pure insertion), AStart is the number of
// the line after which the insertion goes (0 at the top). BStart and BLen
// likewise in the new text, where a pure deletion has BStart the line after
// which the deleted lines would have been.
type Hunk struct {
	AStart, ALen int
	BStart, BLen int
	Edits        []Edit // the Delete and Insert edits, in order
}

// Header is the hunk's range line as a unified diff with no context writes
// it: "@@ -3,2 +3 @@", a length of 1 left out.
func (h Hunk) Header() string {
	r := func(start, n int) string {
		if n == 1 {
			return strconv.Itoa(start)
		}
		return strconv.Itoa(start) + "," + strconv.Itoa(n)
	}
	return "@@ -" + r(h.AStart, h.ALen) + " +" + r(h.BStart, h.BLen) + " @@"
}

// Hunks groups a diff's changed lines into hunks: each maximal run of
// edits that are not Equal.
func Hunks(edits []Edit) []Hunk {
	var out []Hunk
	a, b := 0, 0 // lines of each text passed so far
	var cur *Hunk
	for _, e := range edits {
		if e.Kind == Equal {
			cur = nil
			a, b = a+1, b+1
			continue
		}
		if cur == nil {
			out = append(out, Hunk{AStart: a, BStart: b})
			cur = &out[len(out)-1]
		}
		switch e.Kind {
		case Delete:
			a++
			if cur.ALen == 0 {
				cur.AStart = a
			}
			cur.ALen++
		case Insert:
			b++
			if cur.BLen == 0 {
				cur.BStart = b
			}
			cur.BLen++
		}
		cur.Edits = append(cur.Edits, e)
	}
	return out
}
