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
// Sniffing is judging a downloaded body: Sniff trusts the magic bytes over
// the Content-Type, the Content-Disposition file name and the URL, because
// portals serve PDFs as application/octet-stream named .doc, DOCX as
// text/html, and HTML error pages named .pdf. FileName recovers the file
// name a server meant, whatever encoding it sent it in (RFC 5987, raw GBK,
// percent-encoded UTF-8 or GBK).
//
// # Text
//
// DOCXText, OFDText and WordText return text in one form, so that the
// same report published in two formats gives the same lines:
//
//   - one paragraph per line, each line ending in "\n" (also the last);
//   - no trailing white space on a line, and none around a tab; leading
//     indentation (such as the full-width spaces of 公文) is kept;
//   - at most one blank line in a row, none at the start or end;
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
//   - characters as stored: no Unicode normalisation, full-width forms
//     kept, control characters dropped.
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
// Every reader parses bytes from the internet. A zip may inflate to at
// most 128 MiB per part and 256 MiB in all; XML may nest 256 elements
// deep; counts of zip entries, pages and pieces are bounded, and a DOC
// yields at most one character per byte of its text stream. Past a limit
// the reader fails with an error naming the part; no input makes it panic
// (the fuzz tests FuzzDOCX, FuzzOFD, FuzzWord and FuzzSniff check this).
// The readers take the whole file in memory: the caller bounds the
// download.
// Errors read "attachment: <format>: <part>: <problem>". A
// password-protected file gives ErrEncrypted and a variant the readers do
// not handle gives ErrUnsupported; test for them with errors.Is.
package attachment
