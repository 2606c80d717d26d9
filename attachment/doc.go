// Package attachment tells what a downloaded attachment is and turns the
// word-processing and fixed-layout formats that government portals publish
// reports in into plain text. It is pure: no network, no disk, no global
// mutable state, and the same bytes always give the same text. PDF is read
// by the sibling package attachment/pdf.
//
// # Nouns
//
// An attachment is a file a report page links to rather than shows: a
// PDF, a DOCX, a Word 97–2003 DOC, a Kingsoft WPS document, or an OFD (the
// Chinese fixed-layout format, GB/T 33190). Its Kind names the format.
// WPS files are DOC files under another name (Kingsoft writes the MS-DOC
// binary format), so only the name or Content-Type tells KindWPS from
// KindDOC; WordText reads both.
//
// A link is an <a href> on a report page. LinkKind judges it before any
// download, from its URL and text: sure when the URL names the file
// (….pdf, downfile.jsp?filename=报告.docx), maybe when it only looks like
// a download endpoint (download.jsp?id=…) or is worded as one (附件1,
// 点击下载).
//
// A picture (JPEG, PNG, GIF, WebP, BMP, TIFF), such as a page of a report
// posted as scans, is KindImage. Only its magic bytes tell it, never a
// name or a type, and LinkKind never gives it (a link to x.jpg is not an
// attachment, or the crawler would fetch the pictures of every page).
// Reader.Text reads no text from a picture, and runs no OCR: its status is
// StatusImage.
//
// Sniffing is judging a downloaded body: Sniff trusts the magic bytes over
// the Content-Type, the Content-Disposition file name and the URL, because
// portals serve PDFs as application/octet-stream named .doc, DOCX as
// text/html, and HTML error pages named .pdf. FileName recovers the file
// name a server meant, whatever encoding it sent it in (RFC 5987, raw GBK,
// percent-encoded UTF-8 or GBK).
//
// # Text
//
// DOCXText, OFDText and WordText return text in one form, and Reader.Text
// puts a PDF's text in it too, so that the same report published in two
// formats, or as a page and as a file, gives the same lines:
//
//   - the normal form of a page's text, extract.NormalizeText: NFKC
//     (full-width letters, digits and punctuation become ASCII: （一） is
//     (一), ， is ",", the ideographic space a space), invisible
//     characters dropped, runs of white space collapsed to one space;
//   - one paragraph per line, each line ending in "\n" (also the last);
//   - no white space at either end of a line (so no indentation) and none
//     around a tab;
//   - no blank lines;
//   - a table row per line, its cells separated by one tab; an empty cell
//     keeps its tab so columns do not shift, a paragraph or line break
//     inside a cell becomes a space, a nested table is flattened into its
//     cell with spaces, and a row of empty cells is dropped; in a DOCX,
//     merged cells are laid out on the table's grid as the HTML extractor
//     does (a column a w:gridSpan or w:vMerge covers is an empty cell, a
//     row ends with its last cell);
//   - text in document order: the main text; headers, footers, footnotes,
//     endnotes and comments are left out;
//   - deleted revisions, field instructions (the result stays) and the
//     fallback copies of mc:AlternateContent never appear;
//   - control characters dropped, and U+FEFF, U+FFFE and U+FFFF; invalid
//     UTF-8 read as U+FFFD.
//
// Version changes when this form does (attachment/2: the normal form of
// pages, where attachment/1 kept full-width forms and indentation), so
// that `archive reextract` knows which texts to read again.
//
// Where a format cannot follow the rule exactly, the reader says so: DOC
// text boxes come after the main text rather than at their anchor; OFD
// has no paragraphs or tables, so OFDText rebuilds them from the layout,
// and leaves out template pages and lone page numbers (see OFDText). The
// test report made in all four formats gives the same text from each
// (testdata/README.md).
//
// # Untrusted input
//
// Every reader parses bytes from the internet, and each file has budgets;
// past one the reader fails with an error that names the part, the budget
// and how far over it the file is ("Doc_0/Document.xml: 12,000 pages:
// over the budget of 10,000 pages"), wrapping a cause the tests check.
// No input makes a reader panic or loop. The budgets:
//
//   - a zip (DOCX, OFD): at most 10,000 entries (counted before
//     archive/zip reads its directory, which costs some 300 bytes an
//     entry), 128 MiB inflated from one part and 256 MiB from the file in
//     all, whatever sizes the zip states; a part named again (OFD pages
//     naming one Content.xml over and over) is read once;
//   - XML: 256 levels of nesting, 4 MiB in one token (a run of text, an
//     element's attributes, a comment: encoding/xml holds a token whole),
//     10,000 relationships, documents or entries where a file lists them;
//   - OFD: 10,000 pages in a file, 100,000 pieces of text on a page;
//   - DOC and WPS: 1,000,000 pieces; the compound file's sectors and
//     directory entries each read at most once, so a chain of sectors or a
//     directory tree that loops, leaves the file or crosses another is
//     damage, as is a piece table whose pieces share bytes, lie outside the
//     WordDocument stream or end before the main text: the text is never
//     longer than the stream, nor the same bytes read twice;
//   - the text: 32 MiB from one file.
//
// Within the budgets a hostile DOCX or OFD cost at most 150 MB over the
// memory of the file itself and 10 s of CPU on a 2-core machine (go test
// ./attachment -run Hostile -hostile -v measures them). Reader.Text stops
// reading a zip when its context ends.
//
// Garbled text is damage too: a text holding at least ten odd code points
// (see oddRune: unassigned, private use, controls, U+FFFD, surrogates,
// noncharacters), a tenth or more of its characters other than white
// space, is what bytes that are not text give when read as text (random
// bytes as UTF-16: 12–18%; real reports: under 1%). Reader.Text calls it
// StatusUnreadable rather than pass the garbage on.
//
// The fuzz tests FuzzDOCX, FuzzOFD, FuzzWord and FuzzSniff check that no
// input panics or breaks the text form. Their seeds are real files, so
// new inputs come faster than the default minute each of minimising
// allows: give each a minute with minimising cut short,
//
//	go test ./attachment -run XXX -fuzz '^FuzzWord$' -fuzztime 60s -fuzzminimizetime 100x
//
// (one target a run). The readers take the whole file in memory: the
// caller bounds the download.
//
// Errors read "attachment: <format>: <part>: <problem>". A
// password-protected file gives ErrEncrypted and a variant the readers do
// not handle gives ErrUnsupported; test for them with errors.Is.
package attachment
