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

// zipDirHeader starts every entry of a zip's central directory.
var zipDirHeader = []byte("PK\x01\x02")

// openArchive reads the zip directory in data.
func openArchive(data []byte, lim limits) (*archive, error) {
	// archive/zip reads every directory entry there is, whatever the
	// count the zip states, at some 300 bytes of memory each: a 100 MB zip
	// of empty entries would cost gigabytes before the count below could
	// refuse it. Each entry starts with its signature, so counting those
	// bounds the entries first, at no cost.
	if n := bytes.Count(data, zipDirHeader); n > maxParts {
		return nil, fmt.Errorf("%s zip entries: over the budget of %s: %w", thousands(n), thousands(maxParts), errTooLarge)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		err = nil // names like "/Doc_0/…" are only looked up here
	}
	if err != nil {
		return nil, err
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
	if err := a.lim.check(f.UncompressedSize64, a.left, "states it inflates to"); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitReader{r: rc, start: a.left, left: &a.left, lim: a.lim}, rc}, nil
}

// walker returns an XML walker over the part. Its charset reader knows
// the Chinese encodings some producers declare.
func (a *archive) walker(name string) (*xmlWalker, io.Closer, error) {
	rc, err := a.open(name)
	if err != nil {
		return nil, nil, err
	}
	return newXMLWalker(rc), rc, nil
}

// newXMLWalker returns a walker reading XML from r under the token budget.
func newXMLWalker(r io.Reader) *xmlWalker {
	g := &tokenGuard{r: r}
	d := xml.NewDecoder(g)
	d.CharsetReader = charsetReader
	return &xmlWalker{d: d, guard: g}
}

// tokenGuard is the reader under an XML decoder: it fails once the
// decoder has read more than maxToken bytes since it returned its last
// token (the walker resets the count as each token comes), that is once
// the token it is reading is over the budget, give or take the decoder's
// read-ahead. encoding/xml holds a whole token in memory, some three times
// over, whatever bounds the part: one 127 MiB attribute cost 393 MB. The
// bytes are counted as the part holds them, before a charset reader.
//
// It keeps the first error of the reading (this budget's, the part's
// budgets, a cancelled context) for the walker to return: the decoder may
// report the text it holds when reading stops, cut inside a character, as
// invalid UTF-8 instead.
type tokenGuard struct {
	r     io.Reader
	since int64 // bytes read since the last token
	err   error
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.since > maxToken && g.err == nil {
		g.err = fmt.Errorf("an XML token (text, attributes, a comment) over the budget of %s: %w", mib(maxToken), errTooLarge)
	}
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	g.since += int64(n)
	if err != nil && err != io.EOF {
		g.err = err
	}
	return n, err
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

// walk reads the part's XML, calling fn with every start element and the
// local names of the elements it is in, from the root down, its own last.
// fn may read the element's content through x (x.text, x.skip).
func (a *archive) walk(name string, fn func(x *xmlWalker, path []string, e xml.StartElement) error) error {
	x, c, err := a.walker(name)
	if err != nil {
		return err
	}
	defer c.Close()
	var path []string
	for {
		tok, err := x.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if e, ok := tok.(xml.StartElement); ok {
			path = append(path[:x.depth-1], e.Name.Local)
			if err := fn(x, path, e); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
}

// maxLocation bounds a part name read from an element's text (OFD's
// DocRoot).
const maxLocation = 4096

// text reads the character data of the element just started, up to its
// end; more than limit bytes of it is an error.
func (x *xmlWalker) text(limit int) (string, error) {
	var b strings.Builder
	end := x.depth - 1
	for x.depth > end {
		tok, err := x.next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		if t, ok := tok.(xml.CharData); ok && x.depth == end+1 {
			if b.Len()+len(t) > limit {
				return "", fmt.Errorf("text over %d bytes: %w", limit, errTooLarge)
			}
			b.Write(t)
		}
	}
	return b.String(), nil
}

// xmlWalker reads tokens under the nesting and token budgets.
type xmlWalker struct {
	d     *xml.Decoder
	guard *tokenGuard
	depth int
}

// next returns the next token, keeping count of the nesting.
func (x *xmlWalker) next() (xml.Token, error) {
	tok, err := x.d.Token()
	if err != nil {
		if x.guard.err != nil {
			return nil, x.guard.err
		}
		return nil, err
	}
	x.guard.since = 0
	switch tok.(type) {
	case xml.StartElement:
		x.depth++
		if x.depth > maxDepth {
			return nil, fmt.Errorf("elements nested %d deep: over the budget of %d levels: %w", x.depth, maxDepth, errTooLarge)
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
