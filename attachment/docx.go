package attachment

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
)

// DOCXText returns the text of the main document of an Office Open XML
// word-processing file (.docx), in the form doc.go describes. Headers,
// footers, footnotes and comments are left out; text boxes are kept where
// they are anchored. Deleted and moved-away revisions, field instructions
// and the fallback copies of mc:AlternateContent are left out; inserted
// revisions and field results are kept.
//
// An encrypted DOCX (an OLE2 file holding an EncryptedPackage) gives
// ErrEncrypted.
func DOCXText(data []byte) (string, error) {
	return docxText(data, zipLimits())
}

func docxText(data []byte, lim limits) (string, error) {
	if isOLE2(data) {
		if oleHasStream(data, "EncryptedPackage") {
			return "", fmt.Errorf("attachment: docx: %w", ErrEncrypted)
		}
		return "", errors.New("attachment: docx: an OLE2 file, not a zip (a .doc?)")
	}
	a, err := openArchive(data, lim)
	if err != nil {
		return "", fmt.Errorf("attachment: docx: %w", err)
	}
	name, err := docxMainPart(a)
	if err != nil {
		return "", fmt.Errorf("attachment: docx: %w", err)
	}
	x, c, err := a.walker(name)
	if err != nil {
		return "", fmt.Errorf("attachment: docx: %w", err)
	}
	defer c.Close()
	var w textWriter
	if err := docxBody(x, &w); err != nil {
		return "", fmt.Errorf("attachment: docx: %s: %w", name, err)
	}
	return w.String(), nil
}

// docxMainPart finds the main document part through the package
// relationships (_rels/.rels), falling back to word/document.xml.
func docxMainPart(a *archive) (string, error) {
	const fallback = "word/document.xml"
	if !a.has("_rels/.rels") {
		if a.has(fallback) {
			return fallback, nil
		}
		return "", errors.New("no _rels/.rels and no word/document.xml")
	}
	var main string
	n := 0
	err := a.walk("_rels/.rels", func(_ *xmlWalker, in []string, e xml.StartElement) error {
		if len(in) != 2 || in[1] != "Relationship" {
			return nil
		}
		if n++; n > maxParts {
			return fmt.Errorf("over the budget of %s relationships: %w", thousands(maxParts), errTooLarge)
		}
		if target := xmlAttr(e, "Target"); main == "" && strings.HasSuffix(xmlAttr(e, "Type"), "/officeDocument") && a.has(target) {
			main = cleanPartName(path.Clean("/" + target))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if main != "" {
		return main, nil
	}
	if a.has(fallback) {
		return fallback, nil
	}
	return "", errors.New("no main document part")
}

// docxBody walks WordprocessingML and writes its text. Only elements that
// carry text or structure matter; everything else is passed through, so
// content controls, hyperlinks, smart tags and inserted runs keep their
// text.
func docxBody(x *xmlWalker, w *textWriter) error {
	tbl := 0     // table nesting
	inText := 0  // inside w:t
	boxEnd := -1 // where the last text box ended
	var row docxRow
	for !w.over {
		tok, err := x.next()
		if err == io.EOF {
			if x.depth != 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText++
			case "del", "delText", "instrText", "delInstrText", "Fallback", "moveFrom", "rt",
				"footnoteReference", "endnoteReference", "commentReference":
				// Deleted, instruction or duplicate text, ruby
				// annotations and note marks.
				if err := x.skip(); err != nil {
					return err
				}
			case "tab", "ptab":
				if tbl > 0 {
					w.space()
				} else {
					w.text("\t")
				}
			case "br", "cr":
				if tbl > 0 {
					w.space()
				} else {
					w.newline()
				}
			case "txbxContent":
				// A text box's paragraphs: lines of their own.
				if tbl == 0 {
					w.startLine()
				}
			case "noBreakHyphen":
				w.text("-")
			case "sym":
				// A symbol-font character: a private-use code point.
			case "tbl":
				if tbl == 0 {
					w.startLine()
				}
				tbl++
			case "tr":
				if tbl == 1 {
					row = docxRow{}
				}
			case "tc":
				if tbl == 1 {
					row.startCell(w)
				}
			case "gridBefore", "gridSpan":
				if tbl == 1 {
					n, _ := strconv.Atoi(strings.TrimSpace(xmlAttr(t, "val")))
					n = max(0, min(n, maxGridColumns))
					if t.Name.Local == "gridBefore" {
						row.col += n
					} else {
						row.span = max(1, n)
					}
				}
			case "vMerge":
				// A cell that continues a vertical merge: the merged
				// cell's text is in the row where it starts.
				if tbl == 1 {
					row.cont = xmlAttr(t, "val") != "restart"
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText--
			case "p":
				switch {
				case tbl > 0:
					w.space()
				case w.len() != boxEnd:
					w.newline()
				}
			case "txbxContent":
				if tbl == 0 {
					w.startLine()
					boxEnd = w.len()
				}
			case "tc":
				if tbl == 1 {
					row.endCell(w)
				} else {
					w.space()
				}
			case "tr":
				if tbl == 1 {
					w.endLine()
				} else {
					w.space()
				}
			case "tbl":
				if tbl > 0 {
					tbl--
				}
			}
		case xml.CharData:
			if inText > 0 {
				w.text(string(t))
			}
		}
	}
	return w.err()
}

// maxGridColumns bounds the table grid a row is laid out on: a cell that
// would start further right is written after one tab, so that spans
// cannot blow a row up into megabytes of tabs.
const maxGridColumns = 64

// docxRow lays a top-level table row out on the table's grid, as the HTML
// extractor does: a cell spanning columns (w:gridSpan) is followed by
// empty cells for the columns it covers, cells a vertical merge continues
// (w:vMerge) are empty cells, and a row ends with its last written cell.
// A cell's text goes to the writer first and is moved behind its tabs
// when the cell ends.
type docxRow struct {
	col   int  // the grid column of the current cell
	tabs  int  // the tabs written on the row's line
	start int  // where the current cell's text starts in the writer
	span  int  // the current cell's columns
	cont  bool // the current cell continues a vertical merge
	any   bool // a cell of the row has been written
}

func (r *docxRow) startCell(w *textWriter) {
	r.start, r.span, r.cont = w.len(), 1, false
}

func (r *docxRow) endCell(w *textWriter) {
	r.start = min(r.start, w.len()) // in bounds whatever markup came between
	col := r.col
	r.col += r.span
	if r.cont && len(bytes.TrimSpace(w.b[r.start:])) == 0 {
		w.b = w.b[:r.start]
		return
	}
	n := col - r.tabs
	if col > maxGridColumns {
		n = 0
		if r.any {
			n = 1
		}
	}
	if !w.room(n) {
		return
	}
	w.b = slices.Insert(w.b, r.start, bytes.Repeat([]byte{'\t'}, n)...)
	r.tabs += n
	r.any = true
}

// xmlAttr returns the value of the attribute with the local name, or "".
func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
