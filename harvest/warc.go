package harvest

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/nianbao/nianbao/archive"
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

// archived is the metadata record of a response the archive kept: its
// document and version, and the report it is a rendition of (or that the
// page is a listing).
func archived(res archive.Result) [][2]string {
	m := [][2]string{{"nianbao-doc", res.Doc}, {"nianbao-version", strconv.Itoa(res.Version)}}
	if res.Report == "" {
		return append(m, [2]string{"nianbao-role", archive.RoleListing})
	}
	return append(m, [2]string{"nianbao-report", res.Report})
}

// add records a report page and its further pages.
func (r *runWARC) add(p *crawler.Page, res archive.Result) error {
	req := http.Header{"User-Agent": {r.ua}, "Accept": {"*/*"}}
	if err := r.w.WriteResponse(warc.Response{URL: p.URL, Request: req, Status: p.Status, Header: p.Header, Body: p.Body, FetchedAt: p.FetchedAt, Metadata: archived(res)}); err != nil {
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
func (r *runWARC) addFile(f *crawler.File, res archive.Result) error {
	req := http.Header{"User-Agent": {r.ua}, "Accept": {"*/*"}}
	if err := r.w.WriteResponse(warc.Response{URL: f.URL, Request: req, Status: f.Status, Header: f.Header, Body: f.Body, FetchedAt: f.FetchedAt, Metadata: archived(res)}); err != nil {
		return err
	}
	r.n++
	return nil
}
