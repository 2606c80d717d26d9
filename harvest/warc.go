package harvest

import (
	"bytes"
	"net/http"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/warc"
)

// runWARC collects a run's WARC records in memory; RunSite stores them as
// one file when the run ends, written once, so a crash never leaves half a
// WARC file. A run archives few responses (report pages and their files, not
// list pages), and only those that added to the archive, so the buffer stays
// small — a run that archives large files holds them until it ends.
type runWARC struct {
	buf bytes.Buffer
	w   *warc.Writer
	ua  string
	n   int // responses recorded
}

func newRunWARC(filename, userAgent string, now time.Time) (*runWARC, error) {
	r := &runWARC{ua: userAgent}
	w, err := warc.NewWriter(&r.buf, filename, "nianbao", now)
	if err != nil {
		return nil, err
	}
	r.w = w
	return r, nil
}

// add records a report page and its further pages.
func (r *runWARC) add(p *crawler.Page) error {
	req := http.Header{"User-Agent": {r.ua}, "Accept": {"*/*"}}
	if err := r.w.WriteResponse(warc.Response{URL: p.URL, Request: req, Status: p.Status, Header: p.Header, Body: p.Body, FetchedAt: p.FetchedAt}); err != nil {
		return err
	}
	for _, part := range p.Parts {
		if err := r.w.WriteResponse(warc.Response{URL: part.URL, Request: req, Status: part.Status, Header: part.Header, Body: part.Body, FetchedAt: p.FetchedAt}); err != nil {
			return err
		}
	}
	r.n++
	return nil
}

// addFile records a file.
func (r *runWARC) addFile(f *crawler.File) error {
	req := http.Header{"User-Agent": {r.ua}, "Accept": {"*/*"}}
	if err := r.w.WriteResponse(warc.Response{URL: f.URL, Request: req, Status: f.Status, Header: f.Header, Body: f.Body, FetchedAt: f.FetchedAt}); err != nil {
		return err
	}
	r.n++
	return nil
}
