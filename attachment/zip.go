package attachment

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// archive is a zip file (DOCX or OFD) read under the size limits: every
// part opened through it takes from one budget.
type archive struct {
	files map[string]*zip.File // by name, and by lower-case name when unique
	lim   limits
	left  int64 // of lim.total
}

// openArchive reads the zip directory in data.
func openArchive(data []byte, lim limits) (*archive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		err = nil // names like "/Doc_0/…" are only looked up here
	}
	if err != nil {
		return nil, err
	}
	if len(zr.File) > maxParts {
		return nil, fmt.Errorf("%d entries: %w", len(zr.File), errTooLarge)
	}
	a := &archive{files: make(map[string]*zip.File, 2*len(zr.File)), lim: lim, left: lim.total}
	lower := map[string]int{}
	for _, f := range zr.File {
		name := cleanPartName(f.Name)
		if _, dup := a.files[name]; !dup {
			a.files[name] = f
		}
		lower[strings.ToLower(name)]++
	}
	for _, f := range zr.File {
		name := cleanPartName(f.Name)
		if l := strings.ToLower(name); lower[l] == 1 {
			if _, ok := a.files[l]; !ok {
				a.files[l] = f
			}
		}
	}
	return a, nil
}

// cleanPartName is a part's name as a clean slash path without a leading
// slash: "/Doc_0\Document.xml" and "Doc_0/./Document.xml" are both
// "Doc_0/Document.xml".
func cleanPartName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Clean("/" + name)
	return strings.TrimPrefix(name, "/")
}

// has says whether the part exists.
func (a *archive) has(name string) bool {
	_, ok := a.lookup(name)
	return ok
}

func (a *archive) lookup(name string) (*zip.File, bool) {
	name = cleanPartName(name)
	if f, ok := a.files[name]; ok {
		return f, true
	}
	f, ok := a.files[strings.ToLower(name)]
	return f, ok
}

// open returns the inflated part, limited to lim.entry and to what is
// left of the file's budget. The caller closes it.
func (a *archive) open(name string) (io.ReadCloser, error) {
	f, ok := a.lookup(name)
	if !ok {
		return nil, fmt.Errorf("%s: missing", name)
	}
	if f.Flags&0x1 != 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEncrypted)
	}
	if f.UncompressedSize64 > uint64(a.lim.entry) || int64(f.UncompressedSize64) > a.left {
		return nil, fmt.Errorf("%s: inflated size %d bytes, over %d MiB a part or %d MiB a file: %w",
			name, f.UncompressedSize64, a.lim.entry>>20, a.lim.total>>20, errTooLarge)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitReader{r: rc, entry: a.lim.entry, left: &a.left, lim: a.lim}, rc}, nil
}

// decoder returns an XML decoder over the part. Its charset reader knows
// the Chinese encodings some producers declare.
func (a *archive) decoder(name string) (*xml.Decoder, io.Closer, error) {
	rc, err := a.open(name)
	if err != nil {
		return nil, nil, err
	}
	return newXMLDecoder(rc), rc, nil
}

func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	return d
}

func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "gbk", "gb2312", "gb18030", "cp936", "x-gbk":
		return simplifiedchinese.GB18030.NewDecoder().Reader(r), nil
	case "utf8", "ascii", "us-ascii":
		return r, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

// xmlWalker reads tokens with a nesting limit.
type xmlWalker struct {
	d     *xml.Decoder
	depth int
}

// next returns the next token, keeping count of the nesting.
func (x *xmlWalker) next() (xml.Token, error) {
	tok, err := x.d.Token()
	if err != nil {
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		x.depth++
		if x.depth > maxDepth {
			return nil, fmt.Errorf("elements nested over %d deep: %w", maxDepth, errTooLarge)
		}
	case xml.EndElement:
		x.depth--
	}
	return tok, nil
}

// skip reads up to the end of the element just started.
func (x *xmlWalker) skip() error {
	end := x.depth - 1
	for x.depth > end {
		if _, err := x.next(); err != nil {
			return err
		}
	}
	return nil
}

// attr returns the value of the attribute with the local name, whatever
// its namespace.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
