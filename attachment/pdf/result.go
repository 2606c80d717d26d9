package pdf

// Status says whether a document gave text, and if not, why.
type Status string

// The statuses of a Result.
const (
	// StatusOK: Text holds the document's text.
	StatusOK Status = "ok"
	// StatusNoText: the pages have no characters at all, as in a scan.
	StatusNoText Status = "no_text_layer"
	// StatusNoUnicode: the pages have characters, but they map to nothing
	// readable (an Identity-H font without a ToUnicode map gives glyph
	// numbers: control characters, private use, U+FFFD). Only OCR would help.
	StatusNoUnicode Status = "no_unicode"
	// StatusEncrypted: the document needs a password to open.
	StatusEncrypted Status = "encrypted"
)

// Limit names the budget of Config that cut a document's reading short.
type Limit string

// The limits of a Result.
const (
	// LimitPages: the document has more than Config.MaxPages pages; the
	// pages after are not read.
	LimitPages Limit = "max_pages"
	// LimitPageChars: a page has more than Config.MaxPageChars
	// characters; its first MaxPageChars are read.
	LimitPageChars Limit = "max_page_chars"
	// LimitChars: the pages read reached Config.MaxChars characters in
	// all; the page that reached it is read up to it, the pages after are
	// not read.
	LimitChars Limit = "max_chars"
	// LimitMemory: a page needed more than Config.MemoryLimit; it and the
	// pages after are not read. (When that happens before any page is
	// read, Text fails with ErrMemoryLimit instead.)
	LimitMemory Limit = "memory_limit"
)

// Result is what Text gives for a PDF that opens (or is encrypted).
type Result struct {
	// Text is the document's text as described in the package
	// documentation; empty unless Status is StatusOK.
	Text string
	// Pages is the number of pages in the document (0 when encrypted).
	Pages int
	// Status says whether Text holds the document's text.
	Status Status
	// PagesRead is the number of pages whose text was read, wholly or up
	// to a budget: Pages unless the reading stopped early.
	PagesRead int
	// Truncated is set when a budget of Config cut the reading short:
	// Text holds what was read within it, and Limit says which.
	Truncated bool
	// Limit names the budget that cut the reading short ("" unless
	// Truncated). When several did, the last: a page cut at
	// MaxPageChars, then the document at MaxChars, gives LimitChars.
	Limit Limit
	// NoTextPages counts the pages read that have no characters (scans,
	// a scanned seal or signature page, blank pages).
	NoTextPages int
	// NoUnicodePages counts the pages read of whose characters more than
	// a fifth are unreadable. Their text is left out of Text, even when
	// other pages make the Status ok.
	NoUnicodePages int
}
