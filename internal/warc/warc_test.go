package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// record is a parsed WARC record.
type record struct {
	header map[string]string
	block  []byte
}

// readAll parses a WARC file strictly: every gzip member one record, the
// version line, the named headers, a block of exactly Content-Length bytes,
// and the two CRLFs that end it.
func readAll(t *testing.T, data []byte) []record {
	t.Helper()
	src := bufio.NewReader(bytes.NewReader(data))
	zr, err := gzip.NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	for {
		zr.Multistream(false)
		member, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(bytes.NewReader(member))
		line, _ := br.ReadString('\n')
		if line != "WARC/1.1\r\n" {
			t.Fatalf("record starts %q", line)
		}
		h := map[string]string{}
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if line == "\r\n" {
				break
			}
			k, v, ok := strings.Cut(strings.TrimSuffix(line, "\r\n"), ": ")
			if !ok {
				t.Fatalf("bad header line %q", line)
			}
			h[k] = v
		}
		n, err := strconv.Atoi(h["Content-Length"])
		if err != nil {
			t.Fatal(err)
		}
		block := make([]byte, n)
		if _, err := io.ReadFull(br, block); err != nil {
			t.Fatal(err)
		}
		if rest, _ := io.ReadAll(br); string(rest) != "\r\n\r\n" {
			t.Fatalf("record ends with %q", rest)
		}
		if Digest(block) != h["WARC-Block-Digest"] {
			t.Errorf("block digest mismatch in a %s record", h["WARC-Type"])
		}
		recs = append(recs, record{h, block})
		// The next gzip member, from where this one ended.
		if err := zr.Reset(src); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	return recs
}

func TestWriteResponse(t *testing.T) {
	var buf bytes.Buffer
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	w, err := NewWriter(&buf, "run.warc.gz", "nianbao/test", at)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("<html>\xb9\xd8\xd3\xda</html>") // GBK bytes, kept exactly
	err = w.WriteResponse(Response{
		URL:     "http://a.gov.cn/c/t1.html?x=1",
		Request: http.Header{"User-Agent": {"nianbao/test"}},
		Status:  200,
		Header:  http.Header{"Content-Type": {"text/html"}, "Content-Length": {"999"}, "Content-Encoding": {"gzip"}},
		Body:    body, FetchedAt: at,
	})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, buf.Bytes())
	if len(recs) != 3 {
		t.Fatalf("%d records, want warcinfo, response, request", len(recs))
	}
	info, resp, req := recs[0], recs[1], recs[2]
	if info.header["WARC-Type"] != "warcinfo" || !strings.Contains(string(info.block), "software: nianbao/test") {
		t.Errorf("warcinfo: %v %q", info.header, info.block)
	}
	if resp.header["WARC-Type"] != "response" || resp.header["WARC-Target-URI"] != "http://a.gov.cn/c/t1.html?x=1" ||
		resp.header["WARC-Date"] != "2026-03-01T08:00:00Z" || resp.header["WARC-Payload-Digest"] != Digest(body) {
		t.Errorf("response header: %v", resp.header)
	}
	wantHTTP := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if !bytes.Equal(resp.block, append([]byte(wantHTTP), body...)) {
		t.Errorf("response block %q", resp.block)
	}
	if req.header["WARC-Concurrent-To"] != resp.header["WARC-Record-ID"] ||
		string(req.block) != "GET /c/t1.html?x=1 HTTP/1.1\r\nHost: a.gov.cn\r\nUser-Agent: nianbao/test\r\n\r\n" {
		t.Errorf("request: %v %q", req.header, req.block)
	}
}
