package attachment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/nianbao/nianbao/attachment/pdf"
)

// Version names the readers, recorded with every text read from a file (as
// extract.Version is for pages): a later reader may read a file better, and
// `archive reextract` can tell which texts came from which.
const Version = "attachment/2"

// Status says whether a file gave text, and if not, why.
type Status string

// The statuses of a Text.
const (
	StatusOK          Status = "ok"
	StatusNoText      Status = Status(pdf.StatusNoText)    // a scan: pages without characters
	StatusNoUnicode   Status = Status(pdf.StatusNoUnicode) // characters that map to nothing readable
	StatusEncrypted   Status = "encrypted"                 // a password is needed
	StatusUnsupported Status = "unsupported"               // a variant no reader here knows (OFD glyph indices, pre-97 Word)
	StatusUnreadable  Status = "unreadable"                // damaged, or not what its kind says
	// StatusTooLarge: reading the file would take more than a reader's
	// budget (the PDF engine's memory before its first page; a DOCX, OFD
	// or DOC over a budget of parts, pages, nesting or text). The error
	// names the budget.
	StatusTooLarge Status = "too_large"
	// StatusImage: the file is a picture (KindImage), such as a scanned
	// page. No text is read from it: there is no OCR.
	StatusImage Status = "image"
)

// Text is what a Reader got from a file.
type Text struct {
	Text      string // empty unless Status is StatusOK; in the normal form of a page's text (doc.go)
	Status    Status
	Pages     int  // for PDF; 0 when the format has no pages
	Truncated bool // a budget cut the reading short: Text is what was read within it
	// Limit names the budget that cut a PDF's reading short ("max_pages",
	// "max_page_chars", "max_chars", "memory_limit"; see pdf.Limit), "" when
	// not Truncated.
	Limit string
}

// ReaderConfig configures a Reader.
type ReaderConfig struct {
	// CacheDir is where the PDF engine keeps its compiled code ("" for
	// none: every start of the engine compiles it, ~2.5 s).
	CacheDir string
	Logger   *slog.Logger
}

// Reader reads the text of files of every kind. Its PDF engine starts on
// the first PDF, not before, and stops again when idle. One Reader serves a
// whole process and is safe for concurrent use; Close it when done.
type Reader struct {
	pdf   *pdf.Engine
	files atomic.Int64 // files read
}

// NewReader returns a Reader. It is cheap: nothing starts until a PDF is read.
func NewReader(cfg ReaderConfig) *Reader {
	return &Reader{pdf: pdf.New(pdf.Config{CacheDir: cfg.CacheDir, Logger: cfg.Logger})}
}

// PDFStarted reports whether the PDF engine runs now: it starts on the
// first PDF, so a process that has seen none has not paid for it.
func (r *Reader) PDFStarted() bool { return r.pdf.Started() }

// FilesRead is how many files Text has read so far, of every kind: a file
// given twice counts twice. Reading is the costly step of archiving a file,
// so a caller can check it reads each file once.
func (r *Reader) FilesRead() int64 { return r.files.Load() }

// Close stops the PDF engine if it runs.
func (r *Reader) Close() error { return r.pdf.Close() }

// Transient reports whether an error from Text says nothing about the file:
// the reading ran out of time (the PDF engine reads one document at a time,
// so a file may wait behind another) or the Reader was closed. The file
// should be tried again later, not recorded as unreadable.
func Transient(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, pdf.ErrClosed)
}

// Text reads a file of the given kind. A file that has no text that can be
// read (a scan, a picture, a password, an unknown variant) is not an
// error: its Text says why. A picture (KindImage) is not read at all, and
// not counted by FilesRead: its Text is StatusImage. The error is for
// files that are damaged or not of their kind, and for a cancelled
// context. The text is in the normal form of a page's text (see doc.go,
// extract.NormalizeText), whatever the format.
//
// A DOCX, OFD, DOC or WPS file whose text is garbled — at least
// minOddRunes odd code points (see oddRune), making up a tenth or more of
// its characters other than white space — is damaged too: its Text is
// StatusUnreadable, never the garbage. Real reports hold none or a few
// (symbol-font bullets, the odd private-use Han character).
func (r *Reader) Text(ctx context.Context, kind Kind, data []byte) (Text, error) {
	var (
		s   string
		err error
	)
	switch kind {
	case KindPDF, KindDOCX, KindOFD, KindDOC, KindWPS:
		r.files.Add(1)
	}
	switch kind {
	case KindImage:
		return Text{Status: StatusImage}, nil
	case KindPDF:
		res, err := r.pdf.Text(ctx, data)
		switch {
		case errors.Is(err, pdf.ErrMemoryLimit):
			return Text{Status: StatusTooLarge}, err // "pdf: page 1: memory limit reached (384 MiB)"
		case err != nil:
			return Text{Status: StatusUnreadable}, err // the engine's errors say "pdf: …"
		}
		return Text{Text: tidy(res.Text), Status: Status(res.Status), Pages: res.Pages, Truncated: res.Truncated, Limit: string(res.Limit)}, nil
	case KindDOCX:
		lim := zipLimits()
		lim.ctx = ctx
		s, err = docxText(data, lim)
	case KindOFD:
		lim := zipLimits()
		lim.ctx = ctx
		s, err = readOFD(data, lim)
	case KindDOC, KindWPS:
		s, err = WordText(data)
	default:
		return Text{Status: StatusUnsupported}, fmt.Errorf("no reader for files of kind %q", kind)
	}
	switch {
	case errors.Is(err, ErrEncrypted):
		return Text{Status: StatusEncrypted}, nil
	case errors.Is(err, ErrUnsupported):
		return Text{Status: StatusUnsupported}, nil
	case errors.Is(err, errTooLarge):
		return Text{Status: StatusTooLarge}, err
	case err != nil:
		return Text{Status: StatusUnreadable}, err
	case s == "":
		return Text{Status: StatusNoText}, nil
	}
	if odd, chars := oddShare(s); garbled(odd, chars) {
		return Text{Status: StatusUnreadable}, fmt.Errorf("attachment: %s: %s of %s characters are odd code points (unassigned, private use, controls, U+FFFD): %w",
			kind, thousands(odd), thousands(chars), errGarbled)
	}
	return Text{Text: s, Status: StatusOK}, nil
}

// minOddRunes is the fewest odd code points that make a text garbled, so
// that a short text with a bullet or two from a symbol font is not.
const minOddRunes = 10

// garbled says whether a text with odd of its chars characters (white
// space not counted) odd code points is garbage rather than text: at least
// minOddRunes of them, a tenth of the characters or more. Real reports
// hold none or a few; bytes that are not text read as UTF-16 give some 12–18%,
// as UTF-8 some 36–42% (measured on random bytes).
func garbled(odd, chars int) bool { return odd >= minOddRunes && odd*10 >= chars }

// errGarbled is the cause of the error for a text that is mostly odd code
// points: bytes read as text that was never there.
var errGarbled = errors.New("garbled text")
