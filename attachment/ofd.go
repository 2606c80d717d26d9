package attachment

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OFDText returns the text of an OFD file (GB/T 33190), in the form
// doc.go describes.
//
// It follows OFD.xml → DocBody/DocRoot → Document.xml → Pages/Page@BaseLoc
// → the page's Content layers, and reads every TextObject's TextCode
// elements, with or without the ofd: prefix. Paths may be relative to the
// file that names them or absolute ("/Doc_0/…"). OFD has no paragraphs
// or tables, so they are rebuilt from each page's layout (ofdlayout.go):
//
//   - pieces of text on one baseline make a line, read left to right, a
//     gap of two character widths or more between them becoming a tab;
//   - a table ruled with PathObjects gives one line a row, its cells in
//     column order, an empty cell keeping its tab;
//   - a line that runs to the right margin continues into the next unless
//     that one is indented, so a wrapped paragraph is one line, also over
//     a page break;
//   - a page number alone at the top or foot of a page is dropped.
//
// Template pages (TemplatePage: letterheads, running heads and rules drawn
// once for many pages) are skipped, as headers and footers are in the
// other formats; so are annotations, signatures and images.
//
// A file whose text is stored as glyph indices only (a CGTransform and no
// TextCode text) or in private-use code points of an embedded font, in
// half of its text objects or characters or more, gives ErrUnsupported:
// reading it would need the fonts' tables.
func OFDText(data []byte) (string, error) { return readOFD(data, zipLimits()) }

func readOFD(data []byte, lim limits) (string, error) {
	s, err := ofdText(data, lim)
	if err != nil {
		return "", fmt.Errorf("attachment: ofd: %w", err)
	}
	return s, nil
}

func ofdText(data []byte, lim limits) (string, error) {
	a, err := openArchive(data, lim)
	if err != nil {
		return "", err
	}
	// OFD.xml: a DocBody a document, each naming its Document.xml in
	// DocRoot.
	var roots []string
	err = a.walk("OFD.xml", func(x *xmlWalker, path []string, e xml.StartElement) error {
		switch {
		case len(path) == 2 && path[1] == "DocBody":
			if len(roots) == maxParts {
				return fmt.Errorf("over the budget of %s documents: %w", thousands(maxParts), errTooLarge)
			}
			roots = append(roots, "")
		case len(path) == 3 && path[1] == "DocBody" && path[2] == "DocRoot" && roots[len(roots)-1] == "":
			s, err := x.text(maxLocation)
			roots[len(roots)-1] = strings.TrimSpace(s)
			return err
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if len(roots) == 0 {
		return "", errors.New("OFD.xml: no DocBody")
	}
	var w textWriter
	stats := ofdStats{read: map[string]bool{}}
	for _, root := range roots {
		name := resolvePart("", root)
		if stats.read[name] {
			continue
		}
		stats.read[name] = true
		if err := ofdDocument(a, name, &w, &stats); err != nil {
			return "", err
		}
	}
	if stats.glyphOnly > 0 && stats.glyphOnly >= stats.withText {
		return "", fmt.Errorf("%d of %d text objects hold glyph indices only: %w",
			stats.glyphOnly, stats.glyphOnly+stats.withText, ErrUnsupported)
	}
	if stats.private > 0 && stats.private >= stats.runes/2 {
		return "", fmt.Errorf("%d of %d characters are private-use code points: %w",
			stats.private, stats.runes, ErrUnsupported)
	}
	return w.String(), nil
}

// ofdStats counts what tells an unreadable file, and the pages and parts
// read so far.
type ofdStats struct {
	withText, glyphOnly int             // text objects
	runes, private      int             // characters
	pages               int             // listed by the documents read so far
	read                map[string]bool // documents and pages
}

// resolvePart resolves a location found in part from: absolute
// ("/Doc_0/…") from the root of the zip, relative from from's directory.
func resolvePart(from, loc string) string {
	loc = strings.ReplaceAll(loc, "\\", "/")
	if strings.HasPrefix(loc, "/") {
		return cleanPartName(loc)
	}
	return cleanPartName(path.Join(path.Dir("/"+from), loc))
}

// ofdDocument writes the pages of one document.
func ofdDocument(a *archive, name string, w *textWriter, st *ofdStats) error {
	// The pages are Pages/Page elements of the Document, in reading
	// order; they are counted to the end, so that the error can say how
	// many there are.
	var pages []string
	n := 0
	err := a.walk(name, func(_ *xmlWalker, path []string, e xml.StartElement) error {
		if len(path) == 3 && path[1] == "Pages" && path[2] == "Page" {
			if n++; st.pages+n <= maxPages {
				pages = append(pages, strings.TrimSpace(attr(e, "BaseLoc")))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if st.pages += n; st.pages > maxPages {
		before := ""
		if st.pages > n {
			before = fmt.Sprintf(" and %s in the documents before it", thousands(st.pages-n))
		}
		return fmt.Errorf("%s: %s pages%s: over the budget of %s pages: %w", name, thousands(n), before, thousands(maxPages), errTooLarge)
	}
	// Each page's lines are written as soon as it is read but for its
	// last, which may continue on the next page.
	var last []ofdLine
	for _, base := range pages {
		loc := resolvePart(name, base)
		if !a.has(loc) && !strings.HasPrefix(base, "/") {
			// Some producers write paths from the root without the
			// leading slash.
			if alt := resolvePart("", base); a.has(alt) {
				loc = alt
			}
		}
		if !a.has(loc) && a.has(loc+"/Content.xml") {
			loc += "/Content.xml" // BaseLoc naming the page's directory
		}
		// A part named again (a document, or pages, naming one part
		// over and over) is read once: inflating it again would only
		// spend the budget and repeat its text.
		if st.read[loc] {
			continue
		}
		st.read[loc] = true
		pc, err := ofdPage(a, loc, st)
		if err != nil {
			return err
		}
		lines := append(last, pc.lines()...)
		if len(lines) == 0 {
			continue
		}
		writeOFDLines(w, lines[:len(lines)-1], &lines[len(lines)-1])
		last = []ofdLine{lines[len(lines)-1]}
		if err := w.err(); err != nil {
			return fmt.Errorf("%s: %w", loc, err)
		}
	}
	if len(last) > 0 {
		writeOFDLines(w, last, nil)
	}
	return w.err()
}

// ofdItem is one TextCode: its text, where its baseline starts and ends,
// and its font size, in millimetres.
type ofdItem struct {
	text       string
	x, xEnd, y float64
	size       float64
}

// ofdPage reads a page's content: every TextCode in every layer, page
// block and composite object, and the thin PathObjects that may be table
// rules.
func ofdPage(a *archive, name string, st *ofdStats) (*pageContent, error) {
	x, c, err := a.walker(name)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	pc := &pageContent{}
	for {
		tok, err := x.next()
		if err == io.EOF {
			return pc, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "TextObject":
			got, err := ofdTextObject(x, e, st)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			pc.items = append(pc.items, got...)
			if len(pc.items) > maxPageItems {
				return nil, fmt.Errorf("%s: over the budget of %s pieces of text a page: %w", name, thousands(maxPageItems), errTooLarge)
			}
		case "PathObject":
			pc.addRule(parseFloats(attr(e, "Boundary"), 4))
			if err := x.skip(); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		case "Template", "Annotations", "Actions", "ImageObject", "VideoObject":
			if err := x.skip(); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
}

// ofdTextObject reads a TextObject just started: its Boundary, Size and
// CTM, then its TextCode children. A TextCode's X and Y are in the
// object's space: the CTM maps them, then the Boundary's origin moves
// them onto the page; the font size scales with the CTM.
func ofdTextObject(x *xmlWalker, e xml.StartElement, st *ofdStats) ([]ofdItem, error) {
	box := parseFloats(attr(e, "Boundary"), 4)
	size := parseFloats(attr(e, "Size"), 1)[0]
	if !(size > 0 && size < 1000) {
		size = 3.5 // 10 pt, the usual body size
	}
	m := []float64{1, 0, 0, 1, 0, 0}
	if ctm := parseFloats(attr(e, "CTM"), 6); ctm[0]*ctm[3]-ctm[1]*ctm[2] != 0 {
		m = ctm
	}
	scale := math.Sqrt(math.Abs(m[0]*m[3] - m[1]*m[2]))
	page := func(lx, ly float64) (float64, float64) {
		return box[0] + m[0]*lx + m[2]*ly + m[4], box[1] + m[1]*lx + m[3]*ly + m[5]
	}
	var (
		items        []ofdItem
		glyphs, open bool
		text         strings.Builder
		lx, ly       float64 // the TextCode's origin in object space
		advances     float64 // its DeltaX, summed
		started      bool
	)
	end := x.depth - 1
	for x.depth > end {
		tok, err := x.next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "CGTransform":
				glyphs = true
				if err := x.skip(); err != nil {
					return nil, err
				}
			case "TextCode":
				if open {
					break
				}
				// X and Y may be left out after the first TextCode:
				// the text goes on from where the last one ended.
				if v := attr(t, "X"); v != "" || !started {
					lx = parseFloats(v, 1)[0]
				}
				if v := attr(t, "Y"); v != "" || !started {
					ly = parseFloats(v, 1)[0]
				}
				advances = 0
				for _, dx := range parseDeltas(attr(t, "DeltaX")) {
					advances += dx
				}
				text.Reset()
				open, started = true, true
			}
		case xml.CharData:
			if open && text.Len() < 1<<24 {
				text.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local != "TextCode" || !open {
				break
			}
			open = false
			s := text.String()
			// DeltaX gives the advances between glyphs; the last glyph,
			// or every glyph when there is no DeltaX, is taken as full
			// width for Han and half for the rest.
			width := advances
			if advances == 0 || utf8.RuneCountInString(s) < 2 {
				width = 0
				for _, r := range s {
					width += runeWidth(r, size)
				}
			} else {
				width += runeWidth(lastRune(s), size)
			}
			it := ofdItem{text: s, size: size * scale}
			it.x, it.y = page(lx, ly)
			it.xEnd, _ = page(lx+width, ly)
			if it.xEnd < it.x {
				it.x, it.xEnd = it.xEnd, it.x // mirrored
			}
			lx += width
			if strings.TrimSpace(s) != "" && !math.IsNaN(it.x+it.y+it.xEnd) && !math.IsInf(it.x+it.y+it.xEnd, 0) {
				items = append(items, it)
			}
		}
	}
	if len(items) == 0 {
		if glyphs {
			st.glyphOnly++
		}
		return nil, nil
	}
	st.withText++
	for _, it := range items {
		for _, r := range it.text {
			st.runes++
			if r >= 0xE000 && r <= 0xF8FF {
				st.private++
			}
		}
	}
	return items, nil
}

// runeWidth is a character's advance at the font size: full width for
// Han, kana, Hangul and full-width forms, half for the rest.
func runeWidth(r rune, size float64) float64 {
	if isWide(r) {
		return size
	}
	return size / 2
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 ||
		r >= 0x2014 && r <= 0x201D
}

// parseFloats reads n numbers separated by white space (or commas); the
// missing and bad ones are 0.
func parseFloats(s string, n int) []float64 {
	out := make([]float64, n)
	for i, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if i >= n {
			break
		}
		if v, err := strconv.ParseFloat(f, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[i] = v
		}
	}
	return out
}

// parseDeltas reads a DeltaX list, where "g 3 4.2" stands for three
// advances of 4.2 (GB/T 33190 §11.2).
func parseDeltas(s string) []float64 {
	f := strings.Fields(s)
	var out []float64
	for i := 0; i < len(f) && len(out) < 1<<16; i++ {
		if f[i] == "g" {
			if i+2 >= len(f) {
				break
			}
			n, err1 := strconv.Atoi(f[i+1])
			v, err2 := strconv.ParseFloat(f[i+2], 64)
			i += 2
			if err1 != nil || err2 != nil || n < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			for range min(n, 1<<16-len(out)) {
				out = append(out, v)
			}
			continue
		}
		if v, err := strconv.ParseFloat(f[i], 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
