package attachment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nianbao/nianbao/attachment/pdf"
)

// Version names the readers, recorded with every text read from a file (as
// extract.Version is for pages): a later reader may read a file better, and
// `archive reextract` can tell which texts came from which.
const Version = "attachment/1"

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
)

// Text is what a Reader got from a file.
type Text struct {
	Text      string // empty unless Status is StatusOK
	Status    Status
	Pages     int  // for PDF; 0 when the format has no pages
	Truncated bool // only the first pages were read
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
	pdf *pdf.Engine
}

// NewReader returns a Reader. It is cheap: nothing starts until a PDF is read.
func NewReader(cfg ReaderConfig) *Reader {
	return &Reader{pdf: pdf.New(pdf.Config{CacheDir: cfg.CacheDir, Logger: cfg.Logger})}
}

// PDFStarted reports whether the PDF engine runs now: it starts on the
// first PDF, so a process that has seen none has not paid for it.
func (r *Reader) PDFStarted() bool { return r.pdf.Started() }

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
// read (a scan, a password, an unknown variant) is not an error: its Text
// says why. The error is for files that are damaged or not of their kind,
// and for a cancelled context.
func (r *Reader) Text(ctx context.Context, kind Kind, data []byte) (Text, error) {
	var (
		s   string
		err error
	)
	switch kind {
	case KindPDF:
		res, err := r.pdf.Text(ctx, data)
		if err != nil {
			return Text{Status: StatusUnreadable}, err // the engine's errors say "pdf: …"
		}
		return Text{Text: res.Text, Status: Status(res.Status), Pages: res.Pages, Truncated: res.Truncated}, nil
	case KindDOCX:
		s, err = DOCXText(data)
	case KindOFD:
		s, err = OFDText(data)
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
	case err != nil:
		return Text{Status: StatusUnreadable}, err
	case s == "":
		return Text{Status: StatusNoText}, nil
	}
	return Text{Text: s, Status: StatusOK}, nil
}
