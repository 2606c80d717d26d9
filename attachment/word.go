package attachment

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// WordText returns the text of a Word 97–2003 binary document (.doc) or of
// a Kingsoft WPS document (.wps, the same format), in the form doc.go
// describes.
//
// It reads the main document through the piece table, then the text
// boxes, which come after the main text rather than where they are
// anchored. Headers, footers, footnotes and comments are left out.
// Deleted revisions and field instructions are left out; field results
// are kept. Table cells and rows are told from the paragraph properties
// (in table, table row end), so empty cells keep their place.
//
// A password-protected or obfuscated document gives ErrEncrypted; a Word
// 6/95 document gives ErrUnsupported.
func WordText(data []byte) (string, error) {
	s, err := wordText(data)
	if err != nil {
		return "", fmt.Errorf("attachment: word: %w", err)
	}
	return s, nil
}

// FIB offsets and flags ([MS-DOC] 2.5.1).
const (
	wordIdent     = 0xA5EC
	word6Ident    = 0xA5DC
	nFibWord97    = 0x00C1
	fibFlagCrypt  = 0x0100 // fEncrypted
	fibFlagTable1 = 0x0200 // fWhichTblStm: 1Table rather than 0Table
	fibFlagObfusc = 0x8000 // fObfuscated (XOR)

	// indexes in FibRgLw97
	lwCcpText = 3
	// indexes in FibRgFcLcb97
	fcPlcfBteChpx = 12
	fcPlcfBtePapx = 13
	fcClx         = 33
)

func wordText(data []byte) (string, error) {
	if !isOLE2(data) {
		return "", errors.New("not an OLE2 compound file")
	}
	ole, err := openOLE(data)
	if err != nil {
		return "", err
	}
	if !ole.has("WordDocument") {
		if ole.has("EncryptedPackage") {
			return "", fmt.Errorf("an encrypted OOXML package: %w", ErrEncrypted)
		}
		return "", errNotWord
	}
	wd, err := ole.read("WordDocument")
	if err != nil {
		return "", err
	}
	fib, err := parseFIB(wd)
	if err != nil {
		return "", err
	}
	tableName := "0Table"
	if fib.flags&fibFlagTable1 != 0 {
		tableName = "1Table"
	}
	table, err := ole.read(tableName)
	if err != nil {
		return "", err
	}
	pieces, err := parsePieceTable(fib, table, len(wd))
	if err != nil {
		return "", err
	}
	main := fib.lw(lwCcpText)
	if n := len(pieces); main > 0 && (n == 0 || pieces[n-1].cpEnd < main) {
		return "", fmt.Errorf("clx: the pieces end before the main text's %d characters", main)
	}
	doc := &wordDoc{wd: wd, pieces: pieces}
	fc, lcb := fib.fcLcb(fcPlcfBtePapx)
	doc.paras = readPAPX(fc, lcb, table, wd)
	fc, lcb = fib.fcLcb(fcPlcfBteChpx)
	doc.deleted = readDeleted(fc, lcb, table, wd)

	var w textWriter
	doc.write(&w, 0, main)
	// The text boxes' story: after main text, footnotes, headers, macro
	// (unused), comments and endnotes.
	var before uint64
	for i := lwCcpText; i < lwCcpText+6; i++ {
		before += uint64(fib.lw(i))
	}
	if txbx := uint64(fib.lw(lwCcpText + 6)); txbx > 0 && before+txbx <= 1<<32-1 {
		w.startLine()
		doc.write(&w, uint32(before), uint32(before+txbx))
	}
	if err := w.err(); err != nil {
		return "", err
	}
	return w.String(), nil
}

// fib is the part of the File Information Block the text needs.
type fib struct {
	flags uint16
	rgLw  []byte // FibRgLw97
	rgFc  []byte // FibRgFcLcbBlob
}

func parseFIB(wd []byte) (*fib, error) {
	if len(wd) < 0x22 {
		return nil, errors.New("WordDocument stream too short for a FIB")
	}
	switch ident := binary.LittleEndian.Uint16(wd); ident {
	case wordIdent:
	case word6Ident:
		return nil, fmt.Errorf("a Word 6/95 document: %w", ErrUnsupported)
	default:
		return nil, fmt.Errorf("bad FIB identifier %#04x", ident)
	}
	if nFib := binary.LittleEndian.Uint16(wd[2:]); nFib < nFibWord97 {
		return nil, fmt.Errorf("FIB version %#x, older than Word 97: %w", nFib, ErrUnsupported)
	}
	f := &fib{flags: binary.LittleEndian.Uint16(wd[0x0A:])}
	if f.flags&(fibFlagCrypt|fibFlagObfusc) != 0 {
		return nil, ErrEncrypted
	}
	// FibBase (32 bytes), csw + FibRgW, cslw + FibRgLw, cbRgFcLcb +
	// FibRgFcLcbBlob.
	off := 0x20
	csw := int(binary.LittleEndian.Uint16(wd[off:]))
	off += 2 + 2*csw
	if off+2 > len(wd) {
		return nil, errors.New("FIB truncated in FibRgW")
	}
	cslw := int(binary.LittleEndian.Uint16(wd[off:]))
	off += 2
	if off+4*cslw+2 > len(wd) {
		return nil, errors.New("FIB truncated in FibRgLw")
	}
	f.rgLw = wd[off : off+4*cslw]
	off += 4 * cslw
	cb := int(binary.LittleEndian.Uint16(wd[off:]))
	off += 2
	if off+8*cb > len(wd) {
		return nil, errors.New("FIB truncated in FibRgFcLcb")
	}
	f.rgFc = wd[off : off+8*cb]
	if len(f.rgLw) < 4*(lwCcpText+8) || len(f.rgFc) < 8*(fcClx+1) {
		return nil, errors.New("FIB too short for Word 97")
	}
	return f, nil
}

// lw returns the i-th FibRgLw97 value.
func (f *fib) lw(i int) uint32 { return binary.LittleEndian.Uint32(f.rgLw[4*i:]) }

// fcLcb returns the i-th (offset, length) pair of FibRgFcLcb97.
func (f *fib) fcLcb(i int) (fc, lcb uint32) {
	return binary.LittleEndian.Uint32(f.rgFc[8*i:]), binary.LittleEndian.Uint32(f.rgFc[8*i+4:])
}

// piece is a run of characters stored contiguously: CPs [cp, cpEnd) at
// byte offset fc of the WordDocument stream, one byte a character
// (cp1252) when compressed, else UTF-16LE.
type piece struct {
	cp, cpEnd  uint32
	fc         uint32
	compressed bool
}

// parsePieceTable reads the Clx: Prc entries (skipped), then the Pcdt
// holding the PlcPcd.
//
// Every piece must lie inside the WordDocument stream (wdSize bytes) and
// no two may share bytes, so the text is never longer than the stream and
// never the same bytes read twice.
func parsePieceTable(f *fib, table []byte, wdSize int) ([]piece, error) {
	fc, lcb := f.fcLcb(fcClx)
	if lcb == 0 || uint64(fc)+uint64(lcb) > uint64(len(table)) {
		return nil, fmt.Errorf("clx at %d+%d outside the table stream (%d bytes)", fc, lcb, len(table))
	}
	clx := table[fc : fc+lcb]
	for len(clx) > 0 && clx[0] == 0x01 { // Prc
		if len(clx) < 3 {
			return nil, errors.New("clx: truncated Prc")
		}
		n := int(int16(binary.LittleEndian.Uint16(clx[1:])))
		if n < 0 || 3+n > len(clx) {
			return nil, errors.New("clx: bad Prc size")
		}
		clx = clx[3+n:]
	}
	if len(clx) < 5 || clx[0] != 0x02 {
		return nil, errors.New("clx: no Pcdt")
	}
	n := binary.LittleEndian.Uint32(clx[1:])
	plc := clx[5:]
	if uint64(n) > uint64(len(plc)) || n < 4 || (n-4)%12 != 0 {
		return nil, errors.New("clx: bad PlcPcd size")
	}
	plc = plc[:n]
	count := int(n-4) / 12
	if count > maxPieces {
		return nil, fmt.Errorf("clx: %s pieces: over the budget of %s: %w", thousands(count), thousands(maxPieces), errTooLarge)
	}
	pieces := make([]piece, 0, count)
	pcds := plc[4*(count+1):]
	for i := range count {
		cp := binary.LittleEndian.Uint32(plc[4*i:])
		cpEnd := binary.LittleEndian.Uint32(plc[4*i+4:])
		if cpEnd < cp {
			return nil, fmt.Errorf("clx: piece %d: CPs %d–%d out of order", i, cp, cpEnd)
		}
		fcc := binary.LittleEndian.Uint32(pcds[8*i+2:])
		p := piece{cp: cp, cpEnd: cpEnd, fc: fcc &^ (1 << 30), compressed: fcc&(1<<30) != 0}
		if p.compressed {
			p.fc /= 2
		}
		if end := p.byteEnd(); end > uint64(wdSize) {
			return nil, fmt.Errorf("clx: piece %d: bytes %d–%d outside the WordDocument stream (%d bytes)", i, p.fc, end, wdSize)
		}
		pieces = append(pieces, p)
	}
	// Each character of the text is stored once: pieces that share bytes
	// are a piece table that loops back over the stream (the same text
	// over and over), which only damage or a hostile file has.
	byFC := slices.Clone(pieces)
	slices.SortFunc(byFC, func(a, b piece) int { return cmp.Compare(a.fc, b.fc) })
	var last piece
	for _, p := range byFC {
		if p.cp == p.cpEnd {
			continue
		}
		if last.cpEnd > last.cp && uint64(p.fc) < last.byteEnd() {
			return nil, fmt.Errorf("clx: the pieces at CP %d and CP %d share bytes %d–%d of the WordDocument stream", last.cp, p.cp, p.fc, min(last.byteEnd(), p.byteEnd()))
		}
		last = p
	}
	return pieces, nil
}

// byteEnd is the offset in the WordDocument stream just past the piece's
// characters.
func (p piece) byteEnd() uint64 {
	n := uint64(p.cpEnd - p.cp)
	if !p.compressed {
		n *= 2
	}
	return uint64(p.fc) + n
}

// wordDoc is what writing the text needs: the WordDocument stream, its
// pieces, and the FC runs whose properties matter.
type wordDoc struct {
	wd      []byte
	pieces  []piece
	paras   []fcRun // paragraphs in a table, by FC
	deleted []fcRun // characters marked deleted, by FC
}

// fcRun is a range [start, end) of WordDocument stream offsets with
// properties.
type fcRun struct {
	start, end uint32
	inTable    bool
	rowEnd     bool // the table row end mark (TTP)
}

// find returns the run holding fc.
func findRun(runs []fcRun, fc uint32) (fcRun, bool) {
	i, _ := slices.BinarySearchFunc(runs, fc, func(r fcRun, fc uint32) int {
		switch {
		case r.end <= fc:
			return -1
		case r.start > fc:
			return 1
		}
		return 0
	})
	if i < len(runs) && runs[i].start <= fc && fc < runs[i].end {
		return runs[i], true
	}
	return fcRun{}, false
}

// write writes the text of CPs [from, to). parsePieceTable has checked
// that the pieces lie in the stream and share no bytes, so the work stays
// within the stream's size; the bounds are checked again here only so
// that no index can panic.
func (d *wordDoc) write(w *textWriter, from, to uint32) {
	s := wordState{w: w, doc: d}
	var done uint32 // CPs before done are written
	for _, p := range d.pieces {
		lo, hi := max(p.cp, from, done), min(p.cpEnd, to)
		if lo >= hi {
			continue
		}
		n := hi - lo
		done = hi
		start := p.fc
		if p.compressed {
			start += lo - p.cp
			if uint64(start)+uint64(n) > uint64(len(d.wd)) {
				continue
			}
			for i := range n {
				fc := start + i
				s.char(charmap.Windows1252.DecodeByte(d.wd[fc]), fc)
			}
			continue
		}
		start += 2 * (lo - p.cp)
		if uint64(start)+2*uint64(n) > uint64(len(d.wd)) {
			continue
		}
		for i := uint32(0); i < n; i++ {
			fc := start + 2*i
			r := rune(binary.LittleEndian.Uint16(d.wd[fc:]))
			if utf16.IsSurrogate(r) && i+1 < n {
				r2 := rune(binary.LittleEndian.Uint16(d.wd[fc+2:]))
				if dec := utf16.DecodeRune(r, r2); dec != 0xFFFD {
					s.char(dec, fc)
					i++
					continue
				}
			}
			s.char(r, fc)
		}
	}
}

// wordState turns Word's characters into text: it follows fields and
// table marks.
type wordState struct {
	w      *textWriter
	doc    *wordDoc
	fields []bool // open fields: true once past the separator
	deep   int    // fields opened beyond the stack's limit
	instr  int    // open fields still in their instruction
	prev   rune
}

const maxFieldDepth = 64

func (s *wordState) char(r rune, fc uint32) {
	if len(s.doc.deleted) > 0 {
		if _, del := findRun(s.doc.deleted, fc); del {
			return
		}
	}
	prev := s.prev
	s.prev = r
	switch r {
	case 0x13: // field begin: the instruction follows
		if len(s.fields) == maxFieldDepth {
			s.deep++
			return
		}
		s.fields = append(s.fields, false)
		s.instr++
		return
	case 0x14: // field separator: the result follows
		if s.deep == 0 && len(s.fields) > 0 && !s.fields[len(s.fields)-1] {
			s.fields[len(s.fields)-1] = true
			s.instr--
		}
		return
	case 0x15: // field end
		switch {
		case s.deep > 0:
			s.deep--
		case len(s.fields) > 0:
			if !s.fields[len(s.fields)-1] {
				s.instr--
			}
			s.fields = s.fields[:len(s.fields)-1]
		}
		return
	}
	if s.instr > 0 {
		return
	}
	switch r {
	case '\r':
		if p, _ := findRun(s.doc.paras, fc); p.inTable {
			s.w.space()
		} else {
			s.w.newline()
		}
	case 0x07: // cell mark, or row mark
		p, ok := findRun(s.doc.paras, fc)
		if !ok {
			// No paragraph properties: a row mark follows a cell mark.
			p.rowEnd = prev == 0x07
		}
		if p.rowEnd {
			s.w.rowEnd()
		} else {
			s.w.cellEnd()
		}
	case 0x0B, 0x0C, 0x0E: // line, page or section, column break
		if p, _ := findRun(s.doc.paras, fc); p.inTable {
			s.w.space()
		} else {
			s.w.newline()
		}
	case '\t':
		if p, _ := findRun(s.doc.paras, fc); p.inTable {
			s.w.space()
		} else {
			s.w.text("\t")
		}
	case 0x1E: // non-breaking hyphen
		s.w.text("-")
	default:
		if r >= 0x20 {
			s.w.rune(r)
		}
	}
}

// Sprms read from paragraph and character properties.
const (
	sprmPFInTable  = 0x2416
	sprmPFTtp      = 0x2417
	sprmPFInnerTtp = 0x244C
	sprmPItap      = 0x6649
	sprmCFRMarkDel = 0x0800
)

// forEachFKP calls fn with every 512-byte formatted disk page listed by
// the PlcBte at (fc, lcb) of the table stream.
func forEachFKP(fc, lcb uint32, table, wd []byte, fn func(fkp []byte)) {
	if lcb < 12 || uint64(fc)+uint64(lcb) > uint64(len(table)) {
		return
	}
	plc := table[fc : fc+lcb]
	n := int(lcb-4) / 8
	seen := map[uint32]bool{}
	for i := range n {
		pn := binary.LittleEndian.Uint32(plc[4*(n+1)+4*i:]) & 0x3FFFFF
		off := uint64(pn) * 512
		if seen[pn] || off+512 > uint64(len(wd)) {
			continue
		}
		seen[pn] = true
		fn(wd[off : off+512])
	}
}

// readPAPX returns the FC runs of paragraphs in a table, sorted, from the
// PAPX FKPs ([MS-DOC] 2.9.175 PapxFkp).
func readPAPX(fc, lcb uint32, table, wd []byte) []fcRun {
	var runs []fcRun
	forEachFKP(fc, lcb, table, wd, func(fkp []byte) {
		crun := int(fkp[511])
		if 4*(crun+1)+13*crun > 511 {
			return
		}
		for i := range crun {
			start := binary.LittleEndian.Uint32(fkp[4*i:])
			end := binary.LittleEndian.Uint32(fkp[4*i+4:])
			b := int(fkp[4*(crun+1)+13*i]) * 2
			if b == 0 || b >= 511 || end <= start {
				continue
			}
			cb := int(fkp[b])
			grp := b + 1
			size := 2*cb - 1
			if cb == 0 {
				if b+1 >= 511 {
					continue
				}
				size = 2 * int(fkp[b+1])
				grp = b + 2
			}
			if size < 2 || grp+size > 511 {
				continue
			}
			r := fcRun{start: start, end: end}
			forEachSprm(fkp[grp+2:grp+size], func(sprm uint16, op []byte) {
				switch sprm {
				case sprmPFInTable:
					r.inTable = op[0] != 0
				case sprmPItap:
					r.inTable = r.inTable || binary.LittleEndian.Uint32(op) > 0
				case sprmPFTtp:
					r.rowEnd = op[0] != 0
				case sprmPFInnerTtp:
					// A nested table's row end: a space in the
					// outer cell.
				}
			})
			if r.inTable || r.rowEnd {
				r.inTable = true
				runs = append(runs, r)
			}
		}
	})
	return sortRuns(runs)
}

// readDeleted returns the FC runs of characters marked deleted, sorted,
// from the CHPX FKPs ([MS-DOC] 2.9.33 ChpxFkp).
func readDeleted(fc, lcb uint32, table, wd []byte) []fcRun {
	var runs []fcRun
	forEachFKP(fc, lcb, table, wd, func(fkp []byte) {
		crun := int(fkp[511])
		if 4*(crun+1)+crun > 511 {
			return
		}
		for i := range crun {
			start := binary.LittleEndian.Uint32(fkp[4*i:])
			end := binary.LittleEndian.Uint32(fkp[4*i+4:])
			b := int(fkp[4*(crun+1)+i]) * 2
			if b == 0 || b >= 511 || end <= start {
				continue
			}
			cb := int(fkp[b])
			if b+1+cb > 511 {
				continue
			}
			del := false
			forEachSprm(fkp[b+1:b+1+cb], func(sprm uint16, op []byte) {
				if sprm == sprmCFRMarkDel {
					del = op[0] == 1 || op[0] == 0x81
				}
			})
			if del {
				runs = append(runs, fcRun{start: start, end: end})
			}
		}
	})
	return sortRuns(runs)
}

// sortRuns sorts runs by start and drops the ones overlapping an earlier
// run, which only a damaged file has.
func sortRuns(runs []fcRun) []fcRun {
	slices.SortFunc(runs, func(a, b fcRun) int {
		switch {
		case a.start < b.start:
			return -1
		case a.start > b.start:
			return 1
		}
		return 0
	})
	out := runs[:0]
	for _, r := range runs {
		if len(out) > 0 && r.start < out[len(out)-1].end {
			continue
		}
		out = append(out, r)
	}
	return out
}

// forEachSprm calls fn with each property modifier (Prl) of grpprl and its
// operand ([MS-DOC] 2.2.5.1). It stops at the first one it cannot size.
func forEachSprm(grpprl []byte, fn func(sprm uint16, operand []byte)) {
	for len(grpprl) >= 2 {
		sprm := binary.LittleEndian.Uint16(grpprl)
		rest := grpprl[2:]
		var n int
		switch sprm >> 13 {
		case 0, 1:
			n = 1
		case 2, 4, 5:
			n = 2
		case 3:
			n = 4
		case 7:
			n = 3
		case 6:
			switch {
			case sprm == 0xD608 || sprm == 0xD606: // sprmTDefTable(10): a 2-byte size
				if len(rest) < 2 {
					return
				}
				n = int(binary.LittleEndian.Uint16(rest)) + 1
			case len(rest) < 1:
				return
			case sprm == 0xC615 && rest[0] == 255: // sprmPChgTabs, long form
				return
			default:
				n = int(rest[0]) + 1
			}
		}
		if n > len(rest) {
			return
		}
		fn(sprm, rest[:n])
		grpprl = rest[n:]
	}
}
