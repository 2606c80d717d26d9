package attachment

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// chainOffset is where byte off of the chain starting at sector start
// lies in the compound file.
func chainOffset(f *oleFile, start uint32, off int) int {
	s := start
	for range off / f.ss {
		s = f.next(s)
	}
	return (int(s)+1)*f.ss + off%f.ss
}

// streamOffset is where byte off of a root-level stream lies in the file,
// through the mini stream for a small stream.
func streamOffset(t testing.TB, data []byte, name string, off int) int {
	t.Helper()
	f, err := openOLE(data)
	if err != nil {
		t.Fatal(err)
	}
	e := f.streams[name]
	if e.size >= oleMiniCutoff {
		return chainOffset(f, e.start, off)
	}
	if err := f.readMini(); err != nil {
		t.Fatal(err)
	}
	m := e.start
	for range off / oleMiniSector {
		m = binary.LittleEndian.Uint32(f.miniFAT[4*m:])
	}
	return chainOffset(f, f.root.start, int(m)*oleMiniSector+off%oleMiniSector)
}

// putStream writes b at byte off of a root-level stream, byte by byte
// through the stream's chain.
func putStream(t testing.TB, data []byte, name string, off int, b []byte) {
	t.Helper()
	for i, c := range b {
		data[streamOffset(t, data, name, off+i)] = c
	}
}

// loopingDOC is report.doc damaged as how says: a FAT or mini FAT chain
// that loops, a directory tree that loops, a stream chain crossing the
// directory's, or a piece table whose pieces read the same bytes twice,
// lie outside the stream or stop short of the main text. Only links and
// the piece table change, in place: the bytes of the text are all there.
func loopingDOC(t testing.TB, how string) []byte {
	t.Helper()
	data := bytes.Clone(readTestdata(t, "report.doc"))
	f, err := openOLE(data)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	fat := func(s, next uint32) { // set the FAT entry of sector s
		per := uint32(f.ss / 4)
		le.PutUint32(data[(int(f.fatSects[s/per])+1)*f.ss+int(s%per)*4:], next)
	}
	firstDir := le.Uint32(data[48:])
	wd := f.streams["WordDocument"]
	table := f.streams["1Table"]
	if wd.size < oleMiniCutoff || table.size >= oleMiniCutoff {
		t.Fatal("report.doc is no longer laid out as loopingDOC expects: a big WordDocument, a small 1Table")
	}
	// The FIB's FibRgFcLcb starts after FibBase, FibRgW and FibRgLw.
	head := data[streamOffset(t, data, "WordDocument", 0):]
	csw := int(le.Uint16(head[0x20:]))
	cslw := int(le.Uint16(head[0x22+2*csw:]))
	rgFc := 0x22 + 2*csw + 2 + 4*cslw + 2
	setClx := func(clx []byte) { // write a new Clx over the style sheet (not read) and point the FIB at it
		putStream(t, data, "1Table", 0, clx)
		fcLcb := le.AppendUint32(le.AppendUint32(nil, 0), uint32(len(clx)))
		putStream(t, data, "WordDocument", rgFc+8*fcClx, fcLcb)
	}
	// pieces makes a Clx of pieces given as CP, then FC (in bytes; the
	// text is UTF-16), pairs, the last CP ending the last piece.
	pieces := func(cpFC ...uint32) []byte {
		n := len(cpFC) / 2
		plc := []byte{}
		for i := range n {
			plc = le.AppendUint32(plc, cpFC[2*i])
		}
		plc = le.AppendUint32(plc, cpFC[len(cpFC)-1])
		for i := range n {
			plc = append(plc, 0, 0)
			plc = le.AppendUint32(plc, cpFC[2*i+1])
			plc = append(plc, 0, 0)
		}
		return append(le.AppendUint32([]byte{2}, uint32(len(plc))), plc...)
	}
	switch how {
	case "fat": // the WordDocument stream's first sector is followed by itself
		fat(wd.start, wd.start)
	case "fat-mid": // its fifth sector by its second
		fat(wd.start+4, wd.start+1)
	case "cross": // its chain runs into the directory's
		fat(wd.start+4, firstDir)
	case "mini": // the mini stream's chain loops back to its start
		fat(f.root.start+1, f.root.start)
	case "minifat": // 1Table's first mini sector is followed by itself
		le.PutUint32(data[chainOffset(f, le.Uint32(data[60:]), 4*int(table.start)):], table.start)
	case "size": // a version 4 file whose WordDocument stream is 2^63 bytes long
		data[26] = 4
		for e := 0; e < 8; e++ {
			if b := data[chainOffset(f, firstDir, e*oleDirEntry):]; oleName(b) == "WordDocument" {
				le.PutUint64(b[120:], 1<<63)
			}
		}
	case "dir": // a directory entry is its own left sibling
		le.PutUint32(data[chainOffset(f, firstDir, 1*oleDirEntry+68):], 1)
	case "pieces": // the text's first 300 characters, then the same 300 again, and again
		setClx(pieces(0, 2048, 300, 2048, 600, 2048, 603))
	case "pieces-overlap": // the second piece starts inside the first
		setClx(pieces(0, 2048, 300, 2048+2*299, 603))
	case "piece-outside": // a piece past the end of the stream
		setClx(pieces(0, 2048, 300, uint32(wd.size)-100, 603))
	case "pieces-short": // the pieces end before the main text does
		setClx(pieces(0, 2048, 300))
	default:
		t.Fatalf("no damage %q", how)
	}
	return data
}

// TestWordDamage reads DOC files whose structure loops or points where it
// must not. mscfb, the compound-file reader WordText used before, handed
// on a stream whose FAT chain looped as repeated sectors (garbage, or
// text cut short, with text_status ok); the piece table was followed
// wherever it pointed. Each must be unreadable, and found so at once (a
// loop followed would run to the test's deadline).
func TestWordDamage(t *testing.T) {
	tests := []struct{ how, want string }{
		{"fat", "WordDocument stream: sector 8 read twice: its chain loops"},
		{"fat-mid", "WordDocument stream: sector 9 read twice: its chain loops"},
		{"cross", "WordDocument stream: sector 26 read twice: its chain loops or crosses another"},
		{"mini", "mini stream: sector 3 read twice"},
		{"minifat", "1Table stream: mini sector"},
		{"dir", "directory entry 1 reached twice: the directory tree loops"},
		{"size", "WordDocument stream: size 9223372036854775807 in a file of 14848 bytes"},
		{"pieces", "share bytes"},
		{"pieces-overlap", "share bytes 2646–2648"},
		{"piece-outside", "outside the WordDocument stream"},
		{"pieces-short", "the pieces end before the main text's 603 characters"},
	}
	r := NewReader(ReaderConfig{})
	defer r.Close()
	for _, tc := range tests {
		t.Run(tc.how, func(t *testing.T) {
			data := loopingDOC(t, tc.how)
			text, err := WordText(data)
			if err == nil {
				t.Fatalf("no error; text %q", text[:min(len(text), 200)])
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "attachment: word: ") {
				t.Errorf("error %q, want one saying %q", err, tc.want)
			}
			t.Log(err)
			if errors.Is(err, errTooLarge) || errors.Is(err, ErrUnsupported) || errors.Is(err, ErrEncrypted) {
				t.Errorf("error %q is not damage", err)
			}
			if got, err := r.Text(context.Background(), KindDOC, data); got.Status != StatusUnreadable || got.Text != "" || err == nil {
				t.Errorf("Reader.Text: %+v, %v", got, err)
			}
		})
	}
}
