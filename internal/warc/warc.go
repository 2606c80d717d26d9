package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Writer appends records to a WARC file.
type Writer struct {
	w io.Writer
}

// NewWriter starts a WARC file on w with a warcinfo record naming the
// software and the file.
func NewWriter(w io.Writer, filename, software string, now time.Time) (*Writer, error) {
	ww := &Writer{w: w}
	info := fmt.Sprintf("software: %s\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n", software)
	h := header{
		{"WARC-Type", "warcinfo"},
		{"WARC-Date", warcDate(now)},
		{"WARC-Filename", filename},
		{"WARC-Record-ID", newID()},
		{"Content-Type", "application/warc-fields"},
	}
	if err := ww.write(h, []byte(info)); err != nil {
		return nil, err
	}
	return ww, nil
}

// Response is one fetched response to record.
type Response struct {
	URL       string
	Method    string // "" is GET
	Request   http.Header
	Status    int
	Header    http.Header
	Body      []byte
	FetchedAt time.Time
	// Metadata, when set, is recorded after the response as a metadata
	// record concurrent to it (application/warc-fields): what the
	// archive made of the response (its document, its report).
	Metadata [][2]string
}

// WriteResponse appends a request and a response record for r.
func (w *Writer) WriteResponse(r Response) error {
	u, err := url.Parse(r.URL)
	if err != nil {
		return fmt.Errorf("warc: %s: %w", r.URL, err)
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, u.RequestURI(), u.Host)
	writeHeader(&req, r.Request, nil)
	req.WriteString("\r\n")

	var resp bytes.Buffer
	fmt.Fprintf(&resp, "HTTP/1.1 %d %s\r\n", r.Status, http.StatusText(r.Status))
	writeHeader(&resp, r.Header, map[string]bool{"Content-Length": true, "Content-Encoding": true, "Transfer-Encoding": true})
	fmt.Fprintf(&resp, "Content-Length: %d\r\n\r\n", len(r.Body))
	resp.Write(r.Body)

	date := warcDate(r.FetchedAt)
	respID := newID()
	if err := w.write(header{
		{"WARC-Type", "response"},
		{"WARC-Record-ID", respID},
		{"WARC-Date", date},
		{"WARC-Target-URI", r.URL},
		{"Content-Type", "application/http; msgtype=response"},
		{"WARC-Payload-Digest", Digest(r.Body)},
	}, resp.Bytes()); err != nil {
		return err
	}
	if err := w.write(header{
		{"WARC-Type", "request"},
		{"WARC-Record-ID", newID()},
		{"WARC-Date", date},
		{"WARC-Target-URI", r.URL},
		{"WARC-Concurrent-To", respID},
		{"Content-Type", "application/http; msgtype=request"},
	}, req.Bytes()); err != nil {
		return err
	}
	if len(r.Metadata) == 0 {
		return nil
	}
	var meta bytes.Buffer
	for _, kv := range r.Metadata {
		fmt.Fprintf(&meta, "%s: %s\r\n", kv[0], kv[1])
	}
	return w.write(header{
		{"WARC-Type", "metadata"},
		{"WARC-Record-ID", newID()},
		{"WARC-Date", date},
		{"WARC-Target-URI", r.URL},
		{"WARC-Concurrent-To", respID},
		{"Content-Type", "application/warc-fields"},
	}, meta.Bytes())
}

type header [][2]string

// write appends one record as its own gzip member. WARC-Block-Digest and
// Content-Length are added here.
func (w *Writer) write(h header, block []byte) error {
	var rec bytes.Buffer
	rec.WriteString("WARC/1.1\r\n")
	for _, kv := range h {
		fmt.Fprintf(&rec, "%s: %s\r\n", kv[0], kv[1])
	}
	fmt.Fprintf(&rec, "WARC-Block-Digest: %s\r\nContent-Length: %d\r\n\r\n", Digest(block), len(block))
	rec.Write(block)
	rec.WriteString("\r\n\r\n")
	zw := gzip.NewWriter(w.w)
	if _, err := zw.Write(rec.Bytes()); err != nil {
		return fmt.Errorf("warc: write record: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("warc: write record: %w", err)
	}
	return nil
}

// Digest is the WARC digest of b: "sha1:" and the base32 SHA-1.
func Digest(b []byte) string {
	sum := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

func warcDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// writeHeader writes h sorted by name (stable output), skipping names in skip.
func writeHeader(buf *bytes.Buffer, h http.Header, skip map[string]bool) {
	names := make([]string, 0, len(h))
	for k := range h {
		if !skip[http.CanonicalHeaderKey(k)] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(buf, "%s: %s\r\n", k, strings.NewReplacer("\r", " ", "\n", " ").Replace(v))
		}
	}
}
