package extract

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/net/html"
)

// ErrTooComplex is returned (wrapped) by Parse, and so by Extract, for a
// page with more markup than a page of its size holds: more tags than
// MaxTags allows. Such a page is not parsed at all, so that what parsing
// costs stays bounded by the page's size (see Parse).
var ErrTooComplex = errors.New("too complex")

// The tag budget of a page: one tag per bytesPerTag bytes, and never less
// than minTags. Real pages have one per 18 bytes or more (one per 28 in
// 99% of the 430 pages of shared/eval and the golden tests); a page of
// "<p>a" or "<div></div>" runs has one per 4 or 5.
const (
	bytesPerTag = 40
	minTags     = 150_000
)

// defuseCost is the size × tags product over which Parse defuses a page
// (see defuse) before parsing it: far above any common page (a 100 KB page
// of 4,000 tags is 4×10⁸), below what makes golang.org/x/net/html's
// quadratic text joining slow.
const defuseCost = 1 << 32

// MaxTags is how many tags (start tags, end tags, comments, doctypes and
// processing instructions) a page of n bytes may hold.
func MaxTags(n int) int { return max(minTags, n/bytesPerTag) }

// Parse parses a decoded (UTF-8) page into a tree, within a budget. A page
// with more tags than MaxTags(len(b)) is an error wrapping ErrTooComplex,
// found by counting before anything is built; the parser also refuses
// elements nested deeper than 512. So the tree, the parser's garbage and
// what the extractor builds from them stay within about 20 times the size
// of the page, or about 100 MB for a page at the floor of the budget
// (measured in the README's limits table).
//
// golang.org/x/net/html appends text to the text node before it by string
// concatenation, which is quadratic in the number of runs so joined: text
// after a tag it ignores (a stray end tag, a <head> or <!doctype> in the
// body), text foster-parented out of a table, text after </body>. 4 MB of
// "1</span>" in a <table> takes minutes. A large page with many tags is
// therefore defused first (see defuse), which gives each run of text a
// node of its own without changing what the page says.
//
// The parser also reopens formatting elements: a <b> or <font> that a
// block closed before its end tag stays in the parser's list of active
// formatting elements, and is cloned, with every other one in the list,
// before each run of text and most elements that follow. 400 unclosed
// <b class=…> then 20,000 "<div>x</div>" make 8 million elements (245 KB,
// 5 s, 1.3 GB). Parse bounds what reopening may create (see reopenCost)
// against a budget (see reopenBudget); a page over it is defused with its
// formatting made inert (see defuse), which keeps its text and links. A
// page that reopens up to its budget parses within about 25 times its
// size (a 20 MB page of the worst shape: 484 MB).
func Parse(b []byte) (*html.Node, error) {
	tags, err := checkTags(b)
	if err != nil {
		return nil, err
	}
	budget := reopenBudget(len(b), tags)
	inert := reopenCost(b, budget) > budget
	if inert || tags*len(b) > defuseCost {
		b = defuse(b, inert)
	}
	return html.Parse(bytes.NewReader(b))
}

// CheckComplexity returns the error Parse would return for a page over its
// tag budget (wrapping ErrTooComplex), or nil, without parsing it: a
// crawler can refuse such a page before doing any work on it.
func CheckComplexity(b []byte) error {
	_, err := checkTags(b)
	return err
}

func checkTags(b []byte) (int, error) {
	tags := countTags(b)
	if limit := MaxTags(len(b)); tags > limit {
		return tags, fmt.Errorf("%w: %d tags in %d bytes (at most %d: one per %d bytes, or %d)",
			ErrTooComplex, tags, len(b), limit, bytesPerTag, minTags)
	}
	return tags, nil
}

// countTags counts what may start a tag, comment, doctype or processing
// instruction in b: a "<" followed by a letter, "/", "!" or "?", which is
// everything the tokenizer turns into a node. It is an upper bound of what
// the tokenizer finds (text in scripts counts too), at the speed of
// bytes.IndexByte.
func countTags(b []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 || i+1 >= len(b) {
			return n
		}
		c := b[i+1]
		if c == '/' || c == '!' || c == '?' || 'a' <= c|0x20 && c|0x20 <= 'z' {
			n++
		}
		b = b[i+1:]
	}
}
