package attachment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEncrypted reports a password-protected file: its text cannot be read
// without the password, so the caller keeps the raw bytes and moves on.
// The readers' errors wrap it after their "attachment: <format>:" prefix.
var ErrEncrypted = errors.New("password-protected")

// ErrUnsupported reports a file of a known kind whose text this package
// cannot read: an OFD whose text is stored only as glyph indices, a Word
// file older than Word 97, and the like.
var ErrUnsupported = errors.New("unsupported variant")

// Limits on untrusted input. A reader fails with errTooLarge (wrapped with
// the part's name) rather than use more.
const (
	maxEntrySize = 128 << 20 // bytes inflated from one zip entry
	maxTotalSize = 256 << 20 // bytes inflated from one zip file in all
	maxDepth     = 256       // XML element nesting
	maxParts     = 10000     // pages, pieces, documents … in one file
)

// errTooLarge is the cause of every limit error.
var errTooLarge = errors.New("too large")

// limits bound what one call may inflate from a zip.
type limits struct {
	entry, total int64
}

// zipLimits are the limits the exported readers use.
func zipLimits() limits { return limits{entry: maxEntrySize, total: maxTotalSize} }

// limitReader reads at most entry bytes of one part and takes them from
// the file's budget left; past either it fails with errTooLarge rather
// than end early, so a truncated part is never mistaken for a whole one.
type limitReader struct {
	r     io.Reader
	entry int64
	left  *int64
	lim   limits
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.entry -= int64(n)
	*l.left -= int64(n)
	if l.entry < 0 || *l.left < 0 {
		return n, fmt.Errorf("inflates past %d MiB a part or %d MiB a file: %w", l.lim.entry>>20, l.lim.total>>20, errTooLarge)
	}
	return n, err
}

// textWriter collects a document's text in reading order. Readers write
// paragraphs, tabs and table cells into it and call String at the end,
// which applies the text conventions of doc.go.
type textWriter struct {
	b []byte
}

// text appends s as it is.
func (w *textWriter) text(s string) { w.b = append(w.b, s...) }

// rune appends r.
func (w *textWriter) rune(r rune) { w.b = utf8.AppendRune(w.b, r) }

// newline ends the current line.
func (w *textWriter) newline() { w.b = append(w.b, '\n') }

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
	w.b = append(w.b, ' ')
}

// cellEnd ends a table cell.
func (w *textWriter) cellEnd() { w.b = append(w.b, '\t') }

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
	w.b = append(w.b, '\n')
}

// startLine makes sure what follows starts a line (before a table).
func (w *textWriter) startLine() {
	if c := w.last(); c != 0 && c != '\n' {
		w.b = append(w.b, '\n')
	}
}

// len is the number of bytes written so far.
func (w *textWriter) len() int { return len(w.b) }

// String returns the text in the form doc.go describes.
func (w *textWriter) String() string { return tidy(string(w.b)) }

// tidy applies the text conventions: lines without trailing white space or
// control characters, at most one blank line in a row, none at either end,
// and a final newline when the text is not empty.
func tidy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for line := range strings.SplitSeq(s, "\n") {
		line = tidyLine(line)
		if line == "" {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteByte('\n')
			blank = false
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// tidyLine drops control and format-only characters, trims the white space
// at the end of the line and around each tab (cell) but keeps the
// indentation of the first cell, and returns "" for a line of nothing but
// white space and tabs.
func tidyLine(line string) string {
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	line = strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '\uFEFF', r == '\uFFFE', r == '\uFFFF':
			return -1
		}
		return r
	}, line)
	if strings.TrimFunc(line, unicode.IsSpace) == "" {
		return ""
	}
	if !strings.Contains(line, "\t") {
		return strings.TrimRightFunc(line, unicode.IsSpace)
	}
	cells := strings.Split(line, "\t")
	for i, c := range cells {
		c = strings.TrimRightFunc(c, unicode.IsSpace)
		if i > 0 {
			c = strings.TrimLeftFunc(c, unicode.IsSpace)
		}
		cells[i] = c
	}
	return strings.Join(cells, "\t")
}
