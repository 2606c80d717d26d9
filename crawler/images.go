package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/nianbao/nianbao/attachment"
)

// hand hands p to handle, with p.FetchImages set for the length of the
// call.
func (cr *crawl) hand(ctx context.Context, handle Handler, p *Page) error {
	live := true
	im := &pageImages{}
	for _, a := range p.Attachments {
		im.size += len(a.Body)
	}
	p.FetchImages = func(ctx context.Context, urls []string) ([]File, error) {
		if !live {
			return nil, errors.New("crawler: Page.FetchImages called after the Handler returned")
		}
		return cr.fetchImages(ctx, p, im, urls)
	}
	err := handle(ctx, p)
	live = false
	return err
}

// pageImages is what Page.FetchImages has fetched for one page so far.
type pageImages struct {
	n    int // images requested
	size int // bytes of the page's files held: its attachments and images
}

// fetchImages fetches the images of a page, as attachments are fetched (see
// Page.FetchImages).
func (cr *crawl) fetchImages(ctx context.Context, page *Page, im *pageImages, urls []string) ([]File, error) {
	var out []File
	budget := 2 * cr.opts.MaxFileSize // the files of one page are held together until it is archived
	overBudget := func(raw, what string) {
		cr.stats.skipNamed(&FetchError{URL: raw, Kind: SkipAttachments,
			Err: fmt.Sprintf("%s: the files of %s together would be over twice max_file_size (%d bytes)", what, page.URL, budget)})
	}
	seen := map[string]bool{}
	for _, raw := range urls {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if seen[raw] {
			continue
		}
		seen[raw] = true
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || !cr.onSite(u) {
			cr.stats.skip(SkipOffsite)
			cr.log.Info("image off the site's hosts: not fetched", "page", page.URL, "url", raw)
			continue
		}
		if cr.fetched[raw] || cr.files[raw] || im.n >= cr.opts.MaxAttachments {
			cr.stats.skip(SkipAttachments)
			continue
		}
		if im.size >= budget {
			overBudget(raw, "not fetched")
			continue
		}
		im.n++
		cr.fetched[raw] = true
		cr.images = true
		resp, err := cr.pageFile(ctx, page, raw, "image")
		cr.images = false
		if err != nil {
			return out, err
		}
		switch {
		case resp == nil:
		case resp.notModified:
			out = append(out, File{URL: resp.url, LinkURL: raw, Kind: attachment.Sniff(nil, resp.header.Get("Content-Type"), "", resp.url),
				Name: imageName(resp.url, raw), Status: resp.status, Header: resp.header, NotModified: true, FetchedAt: resp.at})
			cr.files[raw], cr.files[resp.url] = true, true
		case !resp.file || !isImage(resp.header.Get("Content-Type"), resp.body):
			cr.stats.skip(SkipNotHTML)
			cr.log.Info("image link answered with something else than an image: skipped", "page", page.URL, "url", raw,
				"type", resp.header.Get("Content-Type"))
		case im.size+len(resp.body) > budget:
			overBudget(raw, "fetched, not kept")
		default:
			im.size += len(resp.body)
			ct, cd := resp.header.Get("Content-Type"), resp.header.Get("Content-Disposition")
			out = append(out, File{URL: resp.url, LinkURL: raw, Kind: attachment.Sniff(resp.body, ct, cd, resp.url),
				Name: imageName(resp.url, raw), Status: resp.status, Header: resp.header, Body: resp.body, FetchedAt: resp.at})
			cr.files[raw], cr.files[resp.url] = true, true
		}
	}
	return out, nil
}

// imageName is an image's file name: the last segment of the URL it was
// fetched from, else of the URL the page gave.
func imageName(fetched, linked string) string {
	for _, raw := range []string{fetched, linked} {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		p := u.Path
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			p = p[i+1:]
		}
		if p != "" {
			return p
		}
	}
	return ""
}

// isImage reports whether a body is an image: it starts like one, or its
// Content-Type says image/* and it is not a web page.
func isImage(contentType string, body []byte) bool {
	if imageMagic(body) {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "image/") {
		return false
	}
	return !strings.HasPrefix(http.DetectContentType(body), "text/html")
}

// imageMagic reports whether body starts like a JPEG, PNG, GIF, WebP, BMP
// or TIFF image.
func imageMagic(body []byte) bool {
	switch {
	case bytes.HasPrefix(body, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(body, []byte("GIF87a")), bytes.HasPrefix(body, []byte("GIF89a")),
		len(body) >= 12 && bytes.HasPrefix(body, []byte("RIFF")) && string(body[8:12]) == "WEBP",
		len(body) >= 14 && bytes.HasPrefix(body, []byte("BM")) && string(body[6:10]) == "\x00\x00\x00\x00",
		bytes.HasPrefix(body, []byte("II*\x00")), bytes.HasPrefix(body, []byte("MM\x00*")):
		return true
	}
	return false
}
