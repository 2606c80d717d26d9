// Package pdf turns the bytes of a PDF into plain text, with Chinese read
// correctly from every kind of font government reports use (simple
// TrueType subsets, Identity-H CID fonts with a ToUnicode map, and
// non-embedded Adobe-GB1 fonts such as STSong-Light with a predefined
// CMap). It is pure Go: pdfium compiled to WebAssembly (go-pdfium) runs
// in wazero, so the binary needs no cgo and no installed tool.
//
// # Nouns
//
// An Engine is the caller's handle on pdfium. New is cheap; the runtime
// (wazero with pdfium compiled in, about 50 MB resident) is started by
// the first Text, stopped by Close, and stopped after IdleClose without
// documents, so a daemon that never sees a PDF pays nothing and one that
// saw a PDF at 3 a.m. does not keep the memory all day. Starting compiles
// pdfium's 5 MB of WebAssembly unless a compilation cache (Config.CacheDir)
// holds the result of an earlier start: 2–3 s and 300 MB at peak without
// one, 0.1–0.2 s with one. An Engine reads one document at a time,
// each in a fresh pdfium instance, which cannot reach the file system.
//
// A document's pages are read one by one, within its budgets (see
// Limits). Each page's text layer is judged on its own: a page with no
// characters (a scan, a scanned seal or signature page) or of whose
// characters more than a fifth are unreadable (glyph numbers from a font
// without a ToUnicode map) is left out of Text and counted in the Result.
// So a report whose last page is a scanned seal is StatusOK, and Text is
// never garbage: unreadable characters (no Unicode mapping, control
// characters, U+FFFD, private use) are dropped. A document with no
// readable page is not an error but a Result with an empty Text and the
// Status that says why (StatusNoText, StatusNoUnicode, StatusEncrypted).
// Errors are for data that is not a PDF (ErrNotPDF), that pdfium cannot
// open or read, or that needs more memory than it may have before its
// first page is read (ErrMemoryLimit).
//
// # Limits
//
// A document costs the process a bounded amount of memory and time,
// whatever it holds. pdfium's memory (its WebAssembly linear memory) is
// capped at Config.MemoryLimit, the document's bytes included. On Linux
// and macOS it is a reservation of address space outside the Go heap that
// holds only the pages pdfium touched, grows without being copied and is
// returned to the OS with the document; wazero's own memory, a Go slice
// grown by copying with the old arrays left to the garbage collector,
// cost three times its size (a Flate bomb: 3.1 GB for a 1 GiB limit).
// What is copied out of pdfium into Go is bounded by the budgets: at most
// Config.MaxPages pages, Config.MaxPageChars characters of a page (as
// pdfium counts them) and Config.MaxChars of the document, and the text
// is kept as it is rendered, page by page, not as lines. So a document
// adds at most about MemoryLimit + 60 MB to the process: with the
// defaults, BenchmarkHostile measures at most 383 MB over the idle
// process for files that ask for gigabytes.
//
// A budget that cuts the reading short leaves a Result whose Text is what
// was read within it, with Truncated set and Limit naming the budget
// (LimitPages, LimitPageChars, LimitChars, LimitMemory): the first
// characters of a page, in content order, or the pages before. A document
// that needs more memory than the limit before its first page is read
// fails with ErrMemoryLimit. Every document has a pdfium instance of its
// own, discarded after it (after an error, without calling into it
// again), so a document that failed leaves nothing behind; one that had
// many page objects looked at (go-pdfium keeps a handle on each until
// the instance closes) goes on in a fresh instance. Table borders are
// looked for among the first 20,000 objects of a page, and at most
// 10,000 kept.
//
// A glyph is one visible character with pdfium's loose box (advance width,
// font ascent to descent). Lines are made from glyphs, not from the order
// of the content stream: glyphs whose boxes share half their height form
// a line, read left to right. White space in the PDF is not copied; the
// gaps between glyphs decide: a gap of 1.5 em or more, or one of a
// quarter em across a vertical rule (a table's cell border), is a tab; a
// gap of 0.8 em next to a CJK character, or of 0.15 em between two other
// characters (Latin words), is a space; anything less is nothing, so the
// spacing LibreOffice and Word put between Chinese and Latin runs ("2023
// 年") and the stretch of justified lines disappear. A glyph printed twice
// over itself (fake bold: boxes sharing 70% of their width) counts once.
// Text set at an angle (a table turned 90° on a portrait page) is turned
// to run left to right first; glyphs stacked one per line (vertical
// writing) are taken in pdfium's content order instead, without tabs.
//
// # Text
//
// Text is the document's text in reading order, in the form the other
// attachment readers (DOCX, OFD) give:
//   - one paragraph per line: the lines of a paragraph that the PDF
//     broke at the right margin are joined again (see below), a table row
//     is one line with its cells separated by one tab, and every other
//     line of the page (titles, headings, signature, date) is a line;
//   - no trailing white space, no blank lines, a final "\n" when not empty;
//   - a page break is nothing: the next page's first line is the next line
//     (or continues the paragraph), and a page number printed alone as a
//     page's first or last line ("3", "- 3 -", "— 3 —", "第3页",
//     "第3页 共12页", "3/12", "Page 3 of 12") is dropped;
//   - characters as the PDF has them: full-width forms are kept, no
//     normalisation (attachment.Reader.Text then puts the text in the
//     normal form of a page's text, for the archive).
//
// A line continues the paragraph of the line before it when that line
// runs to within 2 em of the page's right margin, starts at the left
// margin or with a first-line indent of up to 4 em (not centred or
// right-aligned), is in the same font size, is not followed by extra
// paragraph spacing, and the next line starts at the left margin (no
// indent). If that line ends a sentence or clause (。！？：；!?:; or a
// closing bracket or quote), it ends the paragraph, except in a document
// that marks paragraphs with first-line indents, where an unindented full
// line, or an unindented last line that ends a sentence, still continues
// it. Table rows and lines with dot leaders (a table of contents) are
// never joined. On the test files this reproduces
// the source paragraphs exactly.
package pdf
