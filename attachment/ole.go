package attachment

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/richardlehane/mscfb"
)

// oleMagic starts every OLE2 compound file (.doc, .wps, .xls, .et, .ppt,
// and encrypted OOXML).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

func isOLE2(b []byte) bool { return bytes.HasPrefix(b, oleMagic) }

// oleFile is an opened compound file: its root-level streams by name.
type oleFile struct {
	size    int64
	streams map[string]*mscfb.File
}

// openOLE reads the directory of a compound file. mscfb parses untrusted
// bytes; a panic in it becomes an error.
func openOLE(data []byte) (f *oleFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("ole2: malformed (%v)", r)
		}
	}()
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("ole2: %w", err)
	}
	f = &oleFile{size: int64(len(data)), streams: map[string]*mscfb.File{}}
	for i, e := range r.File {
		if i > maxParts {
			break
		}
		if len(e.Path) == 0 && e.FileInfo().Mode().IsRegular() {
			if _, dup := f.streams[e.Name]; !dup {
				f.streams[e.Name] = e
			}
		}
	}
	return f, nil
}

// has says whether a root-level stream exists.
func (f *oleFile) has(name string) bool {
	_, ok := f.streams[name]
	return ok
}

// read returns a whole root-level stream. No stream is longer than the
// file holding it, whatever its directory entry claims.
func (f *oleFile) read(name string) (b []byte, err error) {
	s, ok := f.streams[name]
	if !ok {
		return nil, fmt.Errorf("no %s stream", name)
	}
	if s.Size < 0 || s.Size > f.size {
		return nil, fmt.Errorf("%s stream: size %d in a file of %d bytes", name, s.Size, f.size)
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%s stream: malformed (%v)", name, r)
		}
	}()
	b = make([]byte, s.Size)
	// Read in chunks: mscfb's cost per read grows with the square of the
	// sectors it spans.
	got := 0
	for got < len(b) {
		n, err := s.Read(b[got:min(len(b), got+32<<10)])
		got += n
		if err == io.EOF || (err == nil && n == 0) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s stream: %w", name, err)
		}
	}
	if got != len(b) {
		return nil, fmt.Errorf("%s stream: read %d of %d bytes", name, got, len(b))
	}
	return b, nil
}

// oleHasStream says whether data is a compound file with the root-level
// stream.
func oleHasStream(data []byte, name string) bool {
	f, err := openOLE(data)
	return err == nil && f.has(name)
}

var errNotWord = errors.New("no WordDocument stream (not a Word file)")
