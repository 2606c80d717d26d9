package crawler

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// rawTransport keeps the body of the last response exactly as the server
// sent it, after any Content-Encoding is undone. colly converts bodies to
// UTF-8 on its own rules before any callback sees them — and its UTF-8
// "conversion" replaces every byte that is not UTF-8 with U+FFFD — so the
// raw bytes the archive keeps, and that Decode reads, are taken here. A
// collector fetches one page at a time, so "the last body" is the page's.
//
// Every body is decoded here, whatever its encoding header says (see
// decodeBody), and read only up to its limit of decoded bytes: colly is
// always handed an empty body that it has nothing to inflate, so no
// compressed body can grow past the limit anywhere.
//
// Bodies of other types than web pages are read only while files is set
// (a report or attachment link, which may be a PDF, DOCX…), up to fileLimit
// bytes, and kept as the last file; colly then aborts the response after
// its headers. Otherwise they are left unread. A web page is read up to
// limit bytes, unless files is set and it starts like a file (a PDF served
// as text/html): then up to fileLimit.
type rawTransport struct {
	next      http.RoundTripper
	limit     int64 // read at most this many (decoded) bytes of a page
	fileLimit int64 // and of a file

	mu    sync.Mutex
	files bool
	last  []byte
	file  *rawFile
}

// rawFile is a response of another type than a web page.
type rawFile struct {
	url    string // after redirects
	status int
	header http.Header
	body   []byte
}

// errBodyEncoding marks a body whose Content-Encoding could not be undone:
// an unknown coding, or compressed data that is not what it claims.
var errBodyEncoding = errors.New("content encoding")

func (t *rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	t.mu.Lock()
	files := t.files
	t.mu.Unlock()
	html := isHTMLType(resp.Header.Get("Content-Type"))
	if !html && !files {
		return resp, nil
	}
	limit := t.limit
	if !html {
		limit = t.fileLimit
	}
	var more int64 // how far a page that starts like a file may go on
	if html && files {
		more = t.fileLimit
	}
	body, err := readBody(resp, limit, more)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	if html {
		t.last = body
	} else {
		t.file = &rawFile{url: resp.Request.URL.String(), status: resp.StatusCode, header: resp.Header.Clone(), body: body}
	}
	t.mu.Unlock()
	// The crawler reads the body from take() or takeFile(), never colly's
	// copy of it: an empty body spares colly reading it again and, when the
	// header names a charset, converting it (fixCharset skips empty bodies),
	// and leaves it nothing to inflate. colly still answers with the status
	// and headers.
	resp.Body = http.NoBody
	resp.ContentLength = 0
	resp.Uncompressed = true
	return resp, nil
}

// readBody reads a response's body, its content codings undone (see
// decodeBody), and closes it. It reads at most limit decoded bytes; when
// more is larger and the body starts like a file nianbao reads (fileMagic),
// at most more. The caller tells a body over its limit by its length: reading stops
// one byte after it.
func readBody(resp *http.Response, limit, more int64) ([]byte, error) {
	defer resp.Body.Close()
	encoded := resp.Header.Get("Content-Encoding") != "" && !resp.Uncompressed
	r, err := decodeBody(resp)
	if err != nil {
		return nil, err
	}
	if more > limit {
		br := bufio.NewReaderSize(r, 1024)
		head, _ := br.Peek(1024)
		if fileMagic(head) {
			limit = more
		}
		r = br
	}
	// Read into a buffer of the announced size when there is one, so that
	// the common page is read without growing (and clearing) a buffer
	// again and again; one byte more to see the end.
	size := int64(512)
	if resp.ContentLength > 0 && !encoded {
		size = min(resp.ContentLength, limit) + 1
	}
	body, err := readAll(io.LimitReader(r, limit), int(size))
	switch {
	case err == nil:
		return body, nil
	case isCodingError(err):
		return nil, fmt.Errorf("%w: %v", errBodyEncoding, err)
	case resp.Request != nil && resp.Request.Context().Err() != nil:
		// The request's time ran out (or it was cancelled) while the body
		// came in: say so, rather than what closing the connection made
		// the read return.
		return nil, fmt.Errorf("reading the body: %w", context.Cause(resp.Request.Context()))
	}
	return nil, err
}

// fileMagic reports whether body starts (within its first 1024 bytes, where
// readers accept a PDF header) like a file nianbao reads (a PDF, a ZIP such as DOCX or OFD, an OLE file such as DOC
// or WPS), which a portal may well serve as text/html. Other binary data
// (NUL bytes, zeros) is held to the page limit.
func fileMagic(body []byte) bool {
	head := body[:min(len(body), 1024)]
	switch s := sniffBinary(head); {
	case s == "", strings.HasPrefix(s, "binary data"):
		return bytes.Contains(head, []byte("%PDF-"))
	}
	return true
}

// decodeBody returns a reader of resp's body with its content codings
// undone, and removes them from the header. The codings are those of every
// Content-Encoding header, in the order they were applied ("gzip, identity",
// "x-gzip", "deflate, gzip"); a body without one whose type or URL says it
// is gzip (application/x-gzip, a .gz URL) and that starts like gzip is
// gunzipped too, as colly would. An unknown coding (br, compress, zstd:
// nianbao does not ask for them) is an error wrapping errBodyEncoding.
// Decoding is lazy: the caller's limit on what it reads bounds the work
// and the memory, however far the data would inflate.
func decodeBody(resp *http.Response) (io.Reader, error) {
	var r io.Reader = resp.Body
	if resp.Uncompressed {
		return r, nil // Go's transport has gunzipped it already
	}
	var codings []string
	for _, v := range resp.Header.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) == 0 && gzipByName(resp) {
		br := bufio.NewReader(r)
		if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
			codings = []string{"gzip"}
		}
		r = br
	}
	if len(codings) == 0 {
		return r, nil
	}
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		switch codings[i] {
		case "gzip", "x-gzip":
			r, err = gzip.NewReader(r)
		case "deflate":
			r, err = inflate(r)
		default:
			return nil, fmt.Errorf("%w: unsupported coding %q", errBodyEncoding, codings[i])
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errBodyEncoding, codings[i], err)
		}
	}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return r, nil
}

// gzipByName says whether a response without Content-Encoding names gzip
// in its type or URL, the cases in which colly would gunzip it.
func gzipByName(resp *http.Response) bool {
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "gzip") {
		return true
	}
	return resp.Request != nil && resp.Request.URL != nil && strings.HasSuffix(strings.ToLower(resp.Request.URL.Path), ".gz")
}

// inflate reads a "deflate" body: zlib data as RFC 9110 says, or the raw
// DEFLATE data that some servers send under that name.
func inflate(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil {
		return nil, err
	}
	if head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// isCodingError reports whether err is a decompressor's complaint about
// its data rather than a failure to read it (a timeout, a reset).
func isCodingError(err error) bool {
	var ce flate.CorruptInputError
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrDictionary) ||
		errors.As(err, &ce)
}

// readAll is io.ReadAll starting from a buffer of size bytes.
func readAll(r io.Reader, size int) ([]byte, error) {
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// acceptFiles says whether the next requests may be files.
func (t *rawTransport) acceptFiles(on bool) {
	t.mu.Lock()
	t.files = on
	t.mu.Unlock()
}

func (t *rawTransport) accepting() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.files
}

// take returns the last page body and forgets it, and the last file with it.
func (t *rawTransport) take() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.last
	t.last, t.file = nil, nil
	return b
}

// takeFile returns the last file and forgets it.
func (t *rawTransport) takeFile() *rawFile {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.file
	t.file = nil
	return f
}
