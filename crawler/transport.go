package crawler

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"
)

// rawTransport keeps the body of the last HTML response exactly as the
// server sent it (after any Content-Encoding is undone). colly converts
// bodies to UTF-8 on its own rules before any callback sees them — and its
// UTF-8 "conversion" replaces every byte that is not UTF-8 with U+FFFD — so
// the raw bytes the archive keeps, and that Decode reads, are taken here.
// A collector fetches one page at a time, so "the last body" is the page's.
// Bodies of other types (attachments) are not read here: colly aborts them
// after the headers.
type rawTransport struct {
	next  http.RoundTripper
	limit int64 // read at most this many bytes

	mu   sync.Mutex
	last []byte
}

func (t *rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || !isHTMLType(resp.Header.Get("Content-Type")) {
		return resp, err
	}
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
	body, err := io.ReadAll(io.LimitReader(r, t.limit))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.last = body
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// take returns the last body and forgets it.
func (t *rawTransport) take() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.last
	t.last = nil
	return b
}
