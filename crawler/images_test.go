package crawler_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// Image bodies for TestFetchImages.
var (
	jpegImage = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + strings.Repeat("\x11\x22", 200) + "\xff\xd9")
	// gifImage has no NUL byte: only its magic tells it from text.
	gifImage = []byte("GIF89a\x01\x01\x01\x01\xf0\x01\x01" + strings.Repeat("\x2c\x01", 100) + ";")
)

// Page.FetchImages fetches a report page's images as files, under the rules
// of its attachments: on the site's hosts only, each once, at most
// max_attachments, a web page where an image was expected skipped, failures
// counted; and only while the Handler runs.
func TestFetchImages(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(jpegImage)
	}))
	defer other.Close()
	files := fstest.MapFS{
		"c/index.html": {Data: []byte(list(`<li><a href="r.html">` + title + `</a></li>`))},
		"c/r.html":     {Data: []byte(report(title))},
		"c/img/a.jpg":  {Data: jpegImage},
		// An image served as a web page, without NUL bytes: its magic says what it is.
		"c/img/b.gif":    {Data: append([]byte(`<!-- portaltest: content-type="text/html" -->`+"\n"), gifImage...)},
		"c/img/page.jpg": {Data: []byte(`<!-- portaltest: content-type="text/html; charset=utf-8" -->` + "\n" + report(title))},
		// A type that says image, bytes that are no picture the archive
		// keeps: an SVG drawing.
		"c/img/seal.svg": {Data: []byte(`<!-- portaltest: content-type="image/svg+xml" -->` + "\n" +
			`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><circle cx="100" cy="100" r="90" fill="red"/></svg>`)},
	}
	const a, b = "/c/img/a.jpg", "/c/img/b.gif"
	all := []string{a, b, other.URL + "/x.jpg", "/c/img/missing.jpg", "/c/img/page.jpg", "/c/img/seal.svg", a}
	tests := []struct {
		name           string
		maxAttachments int
		urls           []string          // paths on the portal, or URLs
		want           map[string][]byte // images returned: path → body
		wantSkipped    map[string]int
		wantErrors     map[string]int
		wantFiles      int // files received: the images, and the SVG skipped after it came
	}{
		{
			name:        "two on-site images, one off-site, one missing, one web page, one SVG",
			urls:        all,
			want:        map[string][]byte{a: jpegImage, b: gifImage},
			wantSkipped: map[string]int{crawler.SkipOffsite: 1, crawler.SkipNotHTML: 2},
			wantFiles:   3,
			wantErrors:  map[string]int{crawler.ErrHTTP4xx: 1},
		},
		{
			name:           "max_attachments bounds them",
			maxAttachments: 1,
			urls:           all,
			want:           map[string][]byte{a: jpegImage},
			wantSkipped:    map[string]int{crawler.SkipOffsite: 1, crawler.SkipAttachments: 4},
			wantFiles:      1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewServer(t, files)
			var urls []string
			for _, u := range tt.urls {
				if strings.HasPrefix(u, "/") {
					u = srv.URL + u
				}
				urls = append(urls, u)
			}
			s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
			var (
				got      []crawler.File
				failed   int
				fetchErr error
				later    func(context.Context, []string) ([]crawler.File, error)
			)
			st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", MaxAttachments: tt.maxAttachments},
				func(ctx context.Context, p *crawler.Page) error {
					if p.FetchImages == nil {
						t.Fatal("no FetchImages on the page")
					}
					got, fetchErr = p.FetchImages(ctx, urls)
					failed, later = p.AttachmentsFailed, p.FetchImages
					return nil
				})
			if err != nil || fetchErr != nil {
				t.Fatal(err, fetchErr)
			}
			if len(got) != len(tt.want) {
				t.Errorf("%d images, want %d", len(got), len(tt.want))
			}
			for _, f := range got {
				if !bytes.Equal(f.Body, tt.want[strings.TrimPrefix(f.URL, srv.URL)]) || f.LinkURL != f.URL || f.Status != 200 || f.FetchedAt.IsZero() ||
					f.Name != f.URL[strings.LastIndexByte(f.URL, '/')+1:] {
					t.Errorf("image %s: %d bytes, name %q, status %d", f.URL, len(f.Body), f.Name, f.Status)
				}
			}
			if st.Files != tt.wantFiles || failed != 0 {
				t.Errorf("files %d, attachments failed %d; want %d, 0", st.Files, failed, tt.wantFiles)
			}
			if !mapsEqual(st.Skipped, tt.wantSkipped) || !mapsEqual(st.Errors, tt.wantErrors) {
				t.Errorf("skipped %v, errors %v; want %v, %v", st.Skipped, st.Errors, tt.wantSkipped, tt.wantErrors)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the off-site image was requested %d times", n)
			}
			if n := srv.Count("/c/img/a.jpg"); n != 1 {
				t.Errorf("a.jpg requested %d times", n)
			}
			if _, err := later(context.Background(), []string{srv.URL + b}); err == nil || srv.Count(b) > 1 {
				t.Errorf("FetchImages after the Handler returned: %v, %s requested %d times", err, b, srv.Count(b))
			}
		})
	}
}

// An image the caller knows (Options.Validators) is asked for conditionally,
// and a 304 is returned as a File with NotModified set.
func TestFetchImagesConditional(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(list(`<li><a href="r.html">` + title + `</a></li>`))},
		"c/r.html":     {Data: []byte(report(title))},
		"c/img/a.jpg":  {Data: jpegImage},
	})
	srv.SetConditional(true)
	a := srv.URL + "/c/img/a.jpg"
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
	crawl := func(opts crawler.Options) []crawler.File {
		var got []crawler.File
		opts.UserAgent = "t"
		_, err := crawler.Crawl(context.Background(), s, opts, func(ctx context.Context, p *crawler.Page) error {
			var err error
			got, err = p.FetchImages(ctx, []string{a})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d images, want 1", len(got))
		}
		return got
	}
	etag := crawl(crawler.Options{})[0].Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	f := crawl(crawler.Options{Validators: func(_ context.Context, u string) (string, string) {
		if u == a {
			return etag, ""
		}
		return "", ""
	}})[0]
	if !f.NotModified || len(f.Body) != 0 || f.URL != a {
		t.Errorf("second crawl: %+v", f)
	}
	reqs := slices.DeleteFunc(srv.Requests(), func(r portaltest.Request) bool { return r.Path != "/c/img/a.jpg" })
	if len(reqs) != 2 || reqs[1].Header.Get("If-None-Match") != etag {
		t.Errorf("requests for the image: %+v", reqs)
	}
}

// mapsEqual compares two counts, nil and empty alike.
func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
