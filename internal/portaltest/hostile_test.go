package portaltest

import (
	"io"
	"net/http"
	"testing"
	"testing/fstest"
)

// TestHostileServing checks fail=N, Retry-After and conditional answers
// from the client's side.
func TestHostileServing(t *testing.T) {
	s := NewServer(t, fstest.MapFS{
		"flaky.html": {Data: []byte("<!-- portaltest: fail=2 fail-status=429 retry-after=1 -->\n<html>ok</html>")},
		"page.html":  {Data: []byte("<html>{{HITS}}</html>")},
	})
	s.SetConditional(true)
	get := func(path string, hdr http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		for k, v := range hdr {
			req.Header[k] = v
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	var got []int
	for range 3 {
		r := get("/flaky.html", nil)
		got = append(got, r.StatusCode)
		if r.Header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
		}
	}
	if got[0] != 429 || got[1] != 429 || got[2] != 200 {
		t.Errorf("statuses %v, want 429 429 200", got)
	}

	first := get("/page.html", nil)
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no validators: %v", first.Header)
	}
	tests := []struct {
		name string
		hdr  http.Header
		want int
	}{
		{"matching etag", http.Header{"If-None-Match": {etag}}, 304},
		{"other etag", http.Header{"If-None-Match": {`"x"`}}, 200},
		{"other etag wins over a matching date", http.Header{"If-None-Match": {`"x"`}, "If-Modified-Since": {lm}}, 200},
		{"not modified since", http.Header{"If-Modified-Since": {lm}}, 304},
		{"no validators", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := get("/page.html", tt.hdr); r.StatusCode != tt.want {
				t.Errorf("status %d, want %d", r.StatusCode, tt.want)
			}
		})
	}
	s.Set("/page.html", []byte("<html>new</html>"))
	if r := get("/page.html", http.Header{"If-None-Match": {etag}}); r.StatusCode != 200 || r.Header.Get("ETag") == etag {
		t.Errorf("changed page: status %d, etag %s", r.StatusCode, r.Header.Get("ETag"))
	}
}
