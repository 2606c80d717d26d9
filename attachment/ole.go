package attachment

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf16"
)

// oleMagic starts every OLE2 compound file (.doc, .wps, .xls, .et, .ppt,
// and encrypted OOXML).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

func isOLE2(b []byte) bool { return bytes.HasPrefix(b, oleMagic) }

// Sector numbers with a meaning ([MS-CFB] 2.1): every number from
// oleMaxSector up is a marker, not a sector.
const (
	oleMaxSector  = 0xFFFFFFFA
	oleEndOfChain = 0xFFFFFFFE
	oleNoStream   = 0xFFFFFFFF
)

const (
	oleMiniSector = 64   // bytes in a sector of the mini stream
	oleMiniCutoff = 4096 // streams smaller than this live in the mini stream
	oleDirEntry   = 128
)

// oleFile is a compound file ([MS-CFB]) read in place: the file is a FAT
// of sector chains, a directory of streams, and a mini stream holding the
// small streams in 64-byte sectors of their own.
//
// Every chain is followed with a record of the sectors already read, so a
// chain that loops, leaves the file or crosses another chain is an error
// rather than repeated or foreign bytes handed on as the stream's; only
// the sectors a stream's size needs are followed. The directory tree is
// walked the same way. Nothing is allocated beyond the file's size.
type oleFile struct {
	data     []byte
	ss       int      // sector size: 512 or 4096
	nsect    uint32   // sectors in the file, the last one maybe partial
	v3       bool     // major version 3: stream sizes are 32-bit
	fatSects []uint32 // the FAT's sectors, in order
	firstMF  uint32   // the mini FAT's first sector
	numMF    uint32   // and its number of sectors
	root     oleEntry // the root entry: the mini stream's chain
	streams  map[string]oleEntry
	used     []bool // sectors a chain has taken
	mini     []byte // the mini stream, read on first use
	miniFAT  []byte
	miniUsed []bool
}

// oleEntry is a stream's directory entry: its first sector and size.
type oleEntry struct {
	start uint32
	size  int64
}

// openOLE reads the header, the FAT's place and the directory of a
// compound file. Streams are read by read.
func openOLE(data []byte) (*oleFile, error) {
	f, err := parseOLE(data)
	if err != nil {
		return nil, fmt.Errorf("ole2: %w", err)
	}
	return f, nil
}

func parseOLE(data []byte) (*oleFile, error) {
	if len(data) < 512 || !isOLE2(data) {
		return nil, errors.New("no compound file header")
	}
	le := binary.LittleEndian
	f := &oleFile{data: data, streams: map[string]oleEntry{}}
	major, shift := le.Uint16(data[26:]), le.Uint16(data[30:])
	if (major != 3 && major != 4) || (shift != 9 && shift != 12) {
		return nil, fmt.Errorf("version %d with sectors of 2^%d bytes: not a compound file", major, shift)
	}
	f.ss, f.v3 = 1<<shift, major == 3
	if len(data) <= f.ss {
		return nil, fmt.Errorf("%d bytes: no sector after the header", len(data))
	}
	f.nsect = uint32((len(data) - f.ss + f.ss - 1) / f.ss)
	f.used = make([]bool, f.nsect)
	numFAT, firstDir := le.Uint32(data[44:]), le.Uint32(data[48:])
	f.firstMF, f.numMF = le.Uint32(data[60:]), le.Uint32(data[64:])
	firstDIFAT, numDIFAT := le.Uint32(data[68:]), le.Uint32(data[72:])
	if numFAT > f.nsect || numDIFAT > f.nsect || f.numMF > f.nsect {
		return nil, fmt.Errorf("%d FAT, %d DIFAT and %d mini FAT sectors in a file of %d sectors", numFAT, numDIFAT, f.numMF, f.nsect)
	}

	// The FAT's sectors: 109 in the header, the rest in the DIFAT chain,
	// whose sectors end with the next one's number.
	f.fatSects = make([]uint32, 0, numFAT)
	add := func(b []byte) error {
		for i := 0; i+4 <= len(b) && len(f.fatSects) < int(numFAT); i += 4 {
			s := le.Uint32(b[i:])
			if _, err := f.take(s, "FAT"); err != nil {
				return err
			}
			f.fatSects = append(f.fatSects, s)
		}
		return nil
	}
	if err := add(data[76:512]); err != nil {
		return nil, err
	}
	s := firstDIFAT
	for i := uint32(0); i < numDIFAT && len(f.fatSects) < int(numFAT); i++ {
		b, err := f.take(s, "DIFAT")
		if err != nil {
			return nil, err
		}
		if len(b) < f.ss {
			return nil, fmt.Errorf("DIFAT sector %d: truncated", s)
		}
		if err := add(b[:f.ss-4]); err != nil {
			return nil, err
		}
		s = le.Uint32(b[f.ss-4:])
	}
	if len(f.fatSects) < int(numFAT) {
		return nil, fmt.Errorf("the DIFAT names %d of %d FAT sectors", len(f.fatSects), numFAT)
	}

	dir, err := f.chain(firstDir, -1, "directory")
	if err != nil {
		return nil, err
	}
	if len(dir) < oleDirEntry {
		return nil, errors.New("empty directory")
	}
	entry := func(i uint32) []byte { return dir[int(i)*oleDirEntry : int(i+1)*oleDirEntry] }
	count := uint32(len(dir) / oleDirEntry)
	if root := entry(0); root[66] == 5 {
		f.root = f.entry(root)
	} else {
		return nil, fmt.Errorf("directory entry 0 is of type %d, not the root", root[66])
	}
	// The root's children are a tree through their left and right
	// siblings; storages' own children are not needed.
	seen := make([]bool, count)
	stack := []uint32{le.Uint32(entry(0)[76:])}
	for n := 0; len(stack) > 0; n++ {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i == oleNoStream {
			continue
		}
		if i == 0 {
			return nil, errors.New("a directory entry links back to the root: the directory tree loops")
		}
		if i >= count {
			return nil, fmt.Errorf("directory entry %d: a link outside the directory of %d entries", i, count)
		}
		if seen[i] {
			return nil, fmt.Errorf("directory entry %d reached twice: the directory tree loops", i)
		}
		seen[i] = true
		if n >= maxParts {
			return nil, fmt.Errorf("over the budget of %s directory entries: %w", thousands(maxParts), errTooLarge)
		}
		e := entry(i)
		if name := oleName(e); e[66] == 2 && name != "" {
			if _, dup := f.streams[name]; !dup {
				f.streams[name] = f.entry(e)
			}
		}
		stack = append(stack, le.Uint32(e[68:]), le.Uint32(e[72:]))
	}
	return f, nil
}

// entry reads a directory entry's first sector and size.
func (f *oleFile) entry(e []byte) oleEntry {
	size := int64(binary.LittleEndian.Uint64(e[120:]))
	switch {
	case f.v3:
		size &= 0xFFFFFFFF // the high half may be junk
	case size < 0:
		size = math.MaxInt64 // larger than any file, as read checks
	}
	return oleEntry{start: binary.LittleEndian.Uint32(e[116:]), size: size}
}

// oleName is a directory entry's name, "" when its length is out of range.
func oleName(e []byte) string {
	n := int(binary.LittleEndian.Uint16(e[64:]))
	if n < 4 || n > 64 {
		return ""
	}
	u := make([]uint16, n/2-1)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(e[2*i:])
	}
	return string(utf16.Decode(u))
}

// sector returns sector s, shorter when it is the file's last.
func (f *oleFile) sector(s uint32) []byte {
	off := (int(s) + 1) * f.ss
	return f.data[off:min(off+f.ss, len(f.data))]
}

// take returns sector s and marks it read: a sector read twice means a
// chain that loops or crosses another.
func (f *oleFile) take(s uint32, what string) ([]byte, error) {
	if s >= f.nsect {
		return nil, fmt.Errorf("%s: sector %#x is outside the file's %d sectors", what, s, f.nsect)
	}
	if f.used[s] {
		return nil, fmt.Errorf("%s: sector %d read twice: its chain loops or crosses another", what, s)
	}
	f.used[s] = true
	return f.sector(s), nil
}

// next is the FAT's entry for sector s: the chain's next sector.
func (f *oleFile) next(s uint32) uint32 {
	per := uint32(f.ss / 4)
	i := s / per
	if int(i) >= len(f.fatSects) {
		return oleNoStream
	}
	b := f.sector(f.fatSects[i])
	off := int(s%per) * 4
	if off+4 > len(b) {
		return oleNoStream
	}
	return binary.LittleEndian.Uint32(b[off:])
}

// chain reads size bytes of the chain starting at sector start (size < 0:
// up to its end).
func (f *oleFile) chain(start uint32, size int64, what string) ([]byte, error) {
	var out []byte
	if size >= 0 {
		out = make([]byte, 0, size)
	}
	for s := start; size < 0 || int64(len(out)) < size; s = f.next(s) {
		if s == oleEndOfChain {
			if size < 0 {
				break
			}
			return nil, fmt.Errorf("%s: the chain ends after %d of %d bytes", what, len(out), size)
		}
		b, err := f.take(s, what)
		if err != nil {
			return nil, err
		}
		if size >= 0 {
			b = b[:min(int64(len(b)), size-int64(len(out)))]
		}
		out = append(out, b...)
		if len(b) < f.ss && int64(len(out)) != size {
			return nil, fmt.Errorf("%s: the file ends in sector %d, %d bytes into the chain", what, s, len(out))
		}
	}
	return out, nil
}

// has says whether a root-level stream exists.
func (f *oleFile) has(name string) bool {
	_, ok := f.streams[name]
	return ok
}

// read returns a whole root-level stream. No stream is longer than the
// file holding it, whatever its directory entry claims. Each stream can be
// read once.
func (f *oleFile) read(name string) ([]byte, error) {
	e, ok := f.streams[name]
	if !ok {
		return nil, fmt.Errorf("no %s stream", name)
	}
	what := name + " stream"
	if e.size > int64(len(f.data)) {
		return nil, fmt.Errorf("%s: size %d in a file of %d bytes", what, e.size, len(f.data))
	}
	if e.size >= oleMiniCutoff {
		return f.chain(e.start, e.size, what)
	}
	if err := f.readMini(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, e.size)
	for s := e.start; int64(len(out)) < e.size; {
		off := int64(s) * oleMiniSector
		if s >= oleMaxSector || off >= int64(len(f.mini)) {
			return nil, fmt.Errorf("%s: mini sector %#x is outside the mini stream", what, s)
		}
		if f.miniUsed[s] {
			return nil, fmt.Errorf("%s: mini sector %d read twice: its chain loops or crosses another", what, s)
		}
		f.miniUsed[s] = true
		b := f.mini[off:min(off+oleMiniSector, int64(len(f.mini)))]
		out = append(out, b[:min(int64(len(b)), e.size-int64(len(out)))]...)
		if i := int(s) * 4; i+4 <= len(f.miniFAT) {
			s = binary.LittleEndian.Uint32(f.miniFAT[i:])
		} else {
			s = oleNoStream
		}
	}
	return out, nil
}

// readMini reads the mini stream (the root entry's chain) and the mini
// FAT, once.
func (f *oleFile) readMini() error {
	if f.miniUsed != nil {
		return nil
	}
	if f.root.size > int64(len(f.data)) {
		return fmt.Errorf("mini stream: size %d in a file of %d bytes", f.root.size, len(f.data))
	}
	var err error
	if f.mini, err = f.chain(f.root.start, f.root.size, "mini stream"); err != nil {
		return err
	}
	if f.miniFAT, err = f.chain(f.firstMF, int64(f.numMF)*int64(f.ss), "mini FAT"); err != nil {
		return err
	}
	f.miniUsed = make([]bool, len(f.mini)/oleMiniSector+1)
	return nil
}

// oleHasStream says whether data is a compound file with the root-level
// stream.
func oleHasStream(data []byte, name string) bool {
	f, err := openOLE(data)
	return err == nil && f.has(name)
}

var errNotWord = errors.New("no WordDocument stream (not a Word file)")
