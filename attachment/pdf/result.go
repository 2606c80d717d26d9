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

// Result is what Text gives for a PDF that opens (or is encrypted).
type Result struct {
	// Text is the document's text as described in the package
	// documentation; empty unless Status is StatusOK.
	Text string
	// Pages is the number of pages in the document (0 when encrypted).
	Pages int
	// Status says whether Text holds the document's text.
	Status Status
	// Truncated is set when the document has more than Config.MaxPages
	// pages and only the first MaxPages were read.
	Truncated bool
	// NoTextPages counts the pages read that have no characters (scans,
	// a scanned seal or signature page, blank pages).
	NoTextPages int
	// NoUnicodePages counts the pages read of whose characters more than
	// a fifth are unreadable. Their text is left out of Text, even when
	// other pages make the Status ok.
	NoUnicodePages int
}
