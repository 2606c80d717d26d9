package attachment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/extract"
)

// ErrEncrypted reports a password-protected file: its text cannot be read
// without the password, so the caller keeps the raw bytes and moves on.
// The readers' errors wrap it after their "attachment: <format>:" prefix.
var ErrEncrypted = errors.New("password-protected")

// ErrUnsupported reports a file of a known kind whose text this package
// cannot read: an OFD whose text is stored only as glyph indices, a Word
// file older than Word 97, and the like.
var ErrUnsupported = errors.New("unsupported variant")

// Budgets on untrusted input (doc.go says why each). A reader fails with
// errTooLarge, wrapped with the part's name and the budget, rather than
// use more.
const (
	maxEntrySize = 128 << 20 // bytes inflated from one zip entry
	maxTotalSize = 256 << 20 // bytes inflated from one zip file in all
	maxDepth     = 256       // XML element nesting
	maxToken     = 4 << 20   // bytes in one XML token
	maxParts     = 10000     // zip and directory entries, documents, relationships … in one file
	maxPages     = 10000     // OFD pages, in all the documents of a file
	maxPageItems = 100000    // OFD pieces of text (TextCode) on one page
	maxPieces    = 1000000   // DOC pieces
	maxText      = 32 << 20  // bytes of text from one file
)

// errTooLarge is the cause of every limit error.
var errTooLarge = errors.New("too large")

// limits bound what one call may inflate from a zip. A zip's parts are
// read through them, so ctx, when set, stops the reading once it is done.
type limits struct {
	entry, total int64
	ctx          context.Context
}

// zipLimits are the limits the readers use.
func zipLimits() limits { return limits{entry: maxEntrySize, total: maxTotalSize} }

// check says whether a part inflating to n bytes is within the budgets,
// left being what remained of the file's budget when the part was opened;
// the error names the budget it is over.
func (l limits) check(n uint64, left int64, verb string) error {
	switch {
	case n > uint64(l.entry):
		return fmt.Errorf("%s %s: over the budget of %s a part: %w", verb, mib(n), mib(uint64(l.entry)), errTooLarge)
	case n > uint64(max(left, 0)):
		return fmt.Errorf("%s %s, after %s inflated from the file's other parts: over the budget of %s a file: %w",
			verb, mib(n), mib(uint64(l.total-left)), mib(uint64(l.total)), errTooLarge)
	}
	return nil
}

// mib writes a byte count in a budget error: "128 MiB", "1.5 MiB", and
// below a MiB "700 bytes".
func mib(n uint64) string {
	if n < 1<<20 {
		return thousands(n) + " bytes"
	}
	if n%(1<<20) == 0 || n >= 100<<20 {
		return thousands(n>>20) + " MiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}

// limitReader reads one part and takes what it inflates from the file's
// budget; past the part's budget or the file's it fails with errTooLarge
// rather than end early, so a truncated part is never mistaken for a
// whole one. It counts what it reads, whatever size the zip states.
type limitReader struct {
	r     io.Reader
	n     uint64 // inflated so far
	start int64  // the file's budget left when the part was opened
	left  *int64 // the file's budget left
	lim   limits
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.lim.ctx != nil {
		if err := l.lim.ctx.Err(); err != nil {
			return 0, err
		}
	}
	n, err := l.r.Read(p)
	l.n += uint64(n)
	*l.left -= int64(n)
	if cerr := l.lim.check(l.n, l.start, "inflates past"); cerr != nil {
		return n, cerr
	}
	return n, err
}

// textWriter collects a document's text in reading order. Readers write
// paragraphs, tabs and table cells into it and call String at the end,
// which applies the text conventions of doc.go. It holds at most maxText
// bytes: past that it takes nothing more and err says so; readers check
// it as they go and at the end.
type textWriter struct {
	b    []byte
	over bool
}

// room says whether n more bytes fit in the budget, and notes when not.
func (w *textWriter) room(n int) bool {
	if len(w.b)+n > maxText {
		w.over = true
	}
	return !w.over
}

// err is the error for a text over the budget, nil for one within.
func (w *textWriter) err() error {
	if w.over {
		return fmt.Errorf("text over the budget of %s: %w", mib(maxText), errTooLarge)
	}
	return nil
}

// text appends s as it is.
func (w *textWriter) text(s string) {
	if w.room(len(s)) {
		w.b = append(w.b, s...)
	}
}

// rune appends r.
func (w *textWriter) rune(r rune) {
	if w.room(utf8.UTFMax) {
		w.b = utf8.AppendRune(w.b, r)
	}
}

// byte appends c.
func (w *textWriter) byte(c byte) {
	if w.room(1) {
		w.b = append(w.b, c)
	}
}

// newline ends the current line.
func (w *textWriter) newline() { w.byte('\n') }

// last is the last byte written, or 0.
func (w *textWriter) last() byte {
	if len(w.b) == 0 {
		return 0
	}
	return w.b[len(w.b)-1]
}

// space appends one space unless the text already ends with white space;
// inside a table cell it stands for a paragraph or line break.
func (w *textWriter) space() {
	switch w.last() {
	case 0, ' ', '\t', '\n':
		return
	}
	w.byte(' ')
}

// cellEnd ends a table cell.
func (w *textWriter) cellEnd() { w.byte('\t') }

// rowEnd ends a table row: the last cell's tab becomes the line's end. A
// row of empty cells is dropped, leaving no blank line.
func (w *textWriter) rowEnd() {
	if w.last() == '\t' {
		w.b = w.b[:len(w.b)-1]
	}
	w.endLine()
}

// endLine ends a table row written without a separator after its last
// cell. A row of empty cells is dropped, leaving no blank line.
func (w *textWriter) endLine() {
	start := bytes.LastIndexByte(w.b, '\n') + 1
	if len(bytes.Trim(w.b[start:], " \t")) == 0 {
		w.b = w.b[:start]
		return
	}
	w.byte('\n')
}

// startLine makes sure what follows starts a line (before a table).
func (w *textWriter) startLine() {
	if c := w.last(); c != 0 && c != '\n' {
		w.byte('\n')
	}
}

// len is the number of bytes written so far.
func (w *textWriter) len() int { return len(w.b) }

// String returns the text in the form doc.go describes.
func (w *textWriter) String() string { return tidy(string(w.b)) }

// tidy puts a document's text in the form doc.go describes: the
// characters no text holds are dropped (control characters other than tab
// and newline, U+FEFF, U+FFFE, U+FFFF; invalid UTF-8 becomes U+FFFD), then
// the text is normalised as a page's text is (extract.NormalizeText), so
// that the same words read the same in a page and in its file.
func tidy(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t', r == '\n':
			return r
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '\uFEFF', r == '\uFFFE', r == '\uFFFF':
			return -1
		}
		return r
	}, s)
	return extract.NormalizeText(s)
}

// thousands writes n with commas between groups of three digits, as the
// limit errors name their budgets: 10000 is "10,000".
func thousands[T int | int64 | uint64](n T) string {
	s := strconv.FormatUint(uint64(max(n, 0)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// oddRune reports whether r is a code point no text means to hold: U+FFFD
// (bytes that decoded to nothing), a control character other than tab and
// newline (C0, DEL, C1), a private-use code point (its meaning is a font's,
// not Unicode's), a surrogate, a noncharacter (U+FDD0–U+FDEF and the last
// two code points of every plane), or a code point Unicode has not
// assigned (as of unicode.Version).
func oddRune(r rune) bool {
	switch {
	case r == '\t', r == '\n':
		return false
	case r == utf8.RuneError, r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return true
	case unicode.In(r, unicode.Cc, unicode.Co, unicode.Cs):
		return true
	}
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cf)
}

// oddShare counts the odd code points of text (see oddRune) and the
// characters that are not white space.
func oddShare(text string) (odd, chars int) {
	for _, r := range text {
		if unicode.IsSpace(r) {
			continue
		}
		chars++
		if oddRune(r) {
			odd++
		}
	}
	return odd, chars
}
