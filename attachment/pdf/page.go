package pdf

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// pageKind is the judgement of one page's text layer.
type pageKind int

const (
	pageText      pageKind = iota // readable text
	pageEmpty                     // no characters at all: a scan, a seal, a blank page
	pageNoUnicode                 // characters that map to nothing readable
)

// garbledShare is the share of a page's visible characters that may be
// unreadable (no Unicode mapping, control characters, U+FFFD, private
// use) before the whole page counts as unreadable. Below it the unreadable
// characters are dropped and the rest is kept: a symbol font used for a
// few bullets does not spoil a page.
const garbledShare = 0.2

// readPage reads the glyphs of page i of the document open in in, at
// most the first maxChars of its characters, and judges its text layer.
// It returns the page's number of characters, read or not. After an
// error it calls pdfium no more (the instance is to be discarded), so the
// page is left open.
func readPage(in *instance, i, maxChars int) (_ page, _ pageKind, chars int, err error) {
	inst := in.inst
	pg, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: in.doc, Index: i})
	if err != nil {
		return page{}, 0, 0, fmt.Errorf("load page %d: %w", i+1, err)
	}
	defer func() {
		if err == nil {
			inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: pg.Page})
		}
	}()
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &pg.Page}})
	if err != nil {
		return page{}, 0, 0, fmt.Errorf("load text of page %d: %w", i+1, err)
	}
	defer func() {
		if err == nil {
			inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
		}
	}()
	gs, visible, bad, chars, err := readGlyphs(inst, tp.TextPage, maxChars)
	if err != nil {
		return page{}, 0, 0, fmt.Errorf("read text of page %d: %w", i+1, err)
	}
	switch {
	case visible == 0:
		return page{}, pageEmpty, chars, nil
	case float64(bad) > garbledShare*float64(visible):
		return page{}, pageNoUnicode, chars, nil
	}
	boxes, objects, err := readPaths(inst, pg.Page)
	in.objects += objects
	if err != nil {
		return page{}, 0, 0, fmt.Errorf("read drawings of page %d: %w", i+1, err)
	}
	// Text set at an angle (a landscape table turned on a portrait
	// page) is turned to run left to right first.
	q, err := textQuarter(inst, tp.TextPage, gs)
	if err != nil {
		return page{}, 0, 0, fmt.Errorf("read text of page %d: %w", i+1, err)
	}
	if q != 0 {
		for k := range gs {
			gs[k] = gs[k].turn(q)
		}
		for k := range boxes {
			boxes[k] = boxes[k].turn(q)
		}
	}
	ls := layoutLines(gs, rulesOf(boxes))
	if stacked(ls) {
		// Glyphs stacked one per line: vertical writing, or glyphs turned
		// one by one. Take pdfium's content order instead.
		if ls, err = streamLines(inst, tp.TextPage, maxChars); err != nil {
			return page{}, 0, 0, fmt.Errorf("read text of page %d: %w", i+1, err)
		}
	}
	return newPage(dropPageNumbers(ls)), pageText, chars, nil
}

// readGlyphs returns the readable glyphs among the first maxChars
// characters of a text page, the number of visible characters among them
// and how many of those were unreadable, and the page's number of
// characters. Whitespace, including the spaces and line breaks pdfium
// generates, is skipped: layoutLines derives spacing from the glyph
// positions.
//
// Every call into pdfium costs microseconds and kilobytes of garbage
// (go-pdfium has wazero set up a call engine for each), so the page's
// text comes in one call, and the Unicode map errors are first
// sampled on every mapErrorSample-th character: only a page where one
// shows is checked character by character.
func readGlyphs(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, maxChars int) (gs []glyph, visible, bad, chars int, err error) {
	runes, chars, err := pageRunes(inst, tp, maxChars)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	var idx []int // the visible characters
	for c, r := range runes {
		if r == 0 || !unicode.IsSpace(r) {
			idx = append(idx, c)
		}
	}
	mapErr := func(c int) (bool, error) {
		me, err := inst.FPDFText_HasUnicodeMapError(&requests.FPDFText_HasUnicodeMapError{TextPage: tp, Index: c})
		if err != nil {
			return false, err
		}
		return me.HasUnicodeMapError, nil
	}
	checkAll := false
	for k := 0; k < len(idx) && !checkAll; k += mapErrorSample {
		if checkAll, err = mapErr(idx[k]); err != nil {
			return nil, 0, 0, 0, err
		}
	}
	gs = make([]glyph, 0, len(idx))
	for _, c := range idx {
		r := runes[c]
		if unreadable(r) {
			bad++
			continue
		}
		if checkAll {
			me, err := mapErr(c)
			if err != nil {
				return nil, 0, 0, 0, err
			}
			if me {
				bad++
				continue
			}
		}
		box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp, Index: c})
		if err != nil {
			return nil, 0, 0, 0, err
		}
		// The loose box's bottom is the font's descent below the
		// baseline: the same for every glyph of a line in one font, and
		// within sameLine of it in another, so it serves as the baseline.
		gs = append(gs, glyph{
			r: r, index: c,
			left: float64(box.Rect.Left), right: float64(box.Rect.Right),
			bottom: float64(box.Rect.Bottom), top: float64(box.Rect.Top),
			base: float64(box.Rect.Bottom),
		})
	}
	return gs, len(idx), bad, chars, nil
}

// mapErrorSample is the sampling step of the Unicode map error check.
const mapErrorSample = 4

// pageRunes returns the Unicode of the first maxChars characters of a
// text page, by index, and the page's number of characters: from the
// page's text in one call when it has one rune per character (it has,
// unless a character maps to nothing or to several runes), else
// character by character.
func pageRunes(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, maxChars int) ([]rune, int, error) {
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp})
	if err != nil {
		return nil, 0, err
	}
	count := min(n.Count, maxChars)
	if count <= 0 {
		return nil, max(n.Count, 0), nil
	}
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp, StartIndex: 0, Count: count})
	if err != nil {
		return nil, 0, err
	}
	if runes := []rune(t.Text); len(runes) == count {
		return runes, n.Count, nil
	}
	runes := make([]rune, count)
	for c := range runes {
		u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp, Index: c})
		if err != nil {
			return nil, 0, err
		}
		runes[c] = rune(u.Unicode)
	}
	return runes, n.Count, nil
}

// Bounds on the search for table borders, so that a page of millions of
// drawings costs neither the calls into pdfium nor a rule test per rule
// for every gap between two glyphs (crossed): the borders are looked for
// among a page's first maxObjects objects (text, paths, images), and at
// most maxPaths of them are kept. A dense table page has a few thousand.
const (
	maxObjects = 20_000
	maxPaths   = 10_000
)

// readPaths returns the bounding boxes of the path objects of a page
// (lines and rectangles; rulesOf picks the table borders among them),
// within maxObjects and maxPaths, and the number of objects it looked
// at. Paths inside form XObjects are not looked at.
func readPaths(inst pdfium.Pdfium, pg references.FPDF_PAGE) (boxes []glyph, objects int, err error) {
	p := requests.Page{ByReference: &pg}
	n, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: p})
	if err != nil {
		return nil, 0, err
	}
	for i := range min(n.Count, maxObjects) {
		if len(boxes) == maxPaths {
			break
		}
		objects++
		o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: p, Index: i})
		if err != nil {
			return nil, objects, err
		}
		t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o.PageObject})
		if err != nil {
			return nil, objects, err
		}
		if t.Type != enums.FPDF_PAGEOBJ_PATH {
			continue
		}
		b, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: o.PageObject})
		if err != nil {
			return nil, objects, err
		}
		boxes = append(boxes, glyph{left: float64(b.Left), right: float64(b.Right), bottom: float64(b.Bottom), top: float64(b.Top)})
	}
	return boxes, objects, nil
}

// textQuarter returns the direction most of a page's text runs in, in
// quarter turns counter-clockwise (0 left to right, 1 upwards, 2 upside
// down, 3 downwards), from the angles of up to 16 of its glyphs.
// Glyphs at other angles count for the nearest quarter turn.
func textQuarter(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, gs []glyph) (int, error) {
	var votes [4]int
	step := max(1, len(gs)/16)
	for k := 0; k < len(gs); k += step {
		a, err := inst.FPDFText_GetCharAngle(&requests.FPDFText_GetCharAngle{TextPage: tp, Index: gs[k].index})
		if err != nil {
			return 0, err
		}
		// pdfium measures the angle clockwise (y grows downwards in its
		// device space): a glyph running upwards has 3π/2.
		q := int(math.Round(float64(a.CharAngle)/(math.Pi/2))) % 4
		votes[(4-q)%4]++
	}
	best := 0
	for q := range votes {
		if votes[q] > votes[best] {
			best = q
		}
	}
	return best, nil
}

// unreadable reports whether r can only be a glyph code that pdfium could
// not map to Unicode: NUL and other control characters, U+FFFD and the
// private use areas.
func unreadable(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r < 0xA0) || r == unicode.ReplacementChar ||
		(r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000 || !unicode.IsPrint(r) && !unicode.IsSpace(r)
}

// stacked reports whether a page's lines look like glyphs stacked
// vertically (vertical writing): most "lines" hold a single glyph.
func stacked(ls []line) bool {
	if len(ls) < 10 {
		return false
	}
	single := 0
	for _, l := range ls {
		if len([]rune(l.text)) == 1 {
			single++
		}
	}
	return single*10 >= len(ls)*6
}

// streamLines is the fallback for vertical writing: pdfium's own text in
// content order (its first maxChars characters), one line per line break
// pdfium found, without tabs.
func streamLines(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, maxChars int) ([]line, error) {
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp})
	if err != nil {
		return nil, err
	}
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp, StartIndex: 0, Count: min(n.Count, maxChars)})
	if err != nil {
		return nil, err
	}
	var ls []line
	for s := range strings.SplitSeq(strings.ReplaceAll(t.Text, "\r\n", "\n"), "\n") {
		s = strings.Join(strings.FieldsFunc(strings.Map(func(r rune) rune {
			if unreadable(r) {
				return -1
			}
			return r
		}, s), unicode.IsSpace), " ")
		if s != "" {
			ls = append(ls, line{text: s, cells: 1})
		}
	}
	return ls, nil
}
