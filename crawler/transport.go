package crawler

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"
)

// rawTransport keeps the body of the last response exactly as the server
// sent it (after any Content-Encoding is undone). colly converts bodies to
// UTF-8 on its own rules before any callback sees them — and its UTF-8
// "conversion" replaces every byte that is not UTF-8 with U+FFFD — so the
// raw bytes the archive keeps, and that Decode reads, are taken here. A
// collector fetches one page at a time, so "the last body" is the page's.
//
// Bodies of other types than web pages are read only while files is set
// (a report or attachment link, which may be a PDF, DOCX…), up to fileLimit
// bytes, and kept as the last file; colly then aborts the response after
// its headers and never sees the body. Otherwise they are left unread.
type rawTransport struct {
	next      http.RoundTripper
	limit     int64 // read at most this many bytes of a page
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
	if files {
		limit = max(limit, t.fileLimit)
	}
	body, err := readBody(resp, limit)
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
	if html && !collyGunzips(resp) {
		// The crawler reads the page from take(), never colly's copy of
		// it: an empty body spares colly reading it again and, when the
		// header names a charset, converting it (fixCharset skips empty
		// bodies). colly still answers with the status and headers.
		resp.Body = http.NoBody
		resp.ContentLength = 0
	} else {
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// collyGunzips says whether colly's httpBackend.Do would gunzip the body
// of resp, which fails on an empty one; then colly is given the body.
func collyGunzips(resp *http.Response) bool {
	if resp.Uncompressed {
		return false
	}
	ce := strings.ToLower(resp.Header.Get("Content-Encoding"))
	return strings.Contains(ce, "gzip") ||
		ce == "" && strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "gzip") ||
		resp.Request != nil && resp.Request.URL != nil && strings.HasSuffix(strings.ToLower(resp.Request.URL.Path), ".xml.gz")
}

// readBody reads at most limit bytes of a response's body, undoing a gzip
// Content-Encoding that Go's transport left alone, and closes it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	var r io.Reader = resp.Body
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") && !resp.Uncompressed {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			resp.Body.Close()
			return nil, err
		}
		r = zr
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
	// Read into a buffer of the announced size when there is one, so that
	// the common page is read without growing (and clearing) a buffer
	// again and again; one byte more to see the end.
	size := int64(512)
	if resp.ContentLength > 0 {
		size = min(resp.ContentLength, limit) + 1
	}
	body, err := readAll(io.LimitReader(r, limit), int(size))
	resp.Body.Close()
	return body, err
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
