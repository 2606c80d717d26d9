package crawler

import (
	"context"
	"errors"
	"fmt"
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
		case !resp.file || !imageMagic(resp.body):
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

// imageMagic reports whether body is a picture the archive keeps: a JPEG,
// PNG, GIF, WebP, BMP or TIFF, by its bytes alone (attachment.Sniff's
// rule). A type that says image/* is not enough: an SVG, an icon or an HTML
// error page served as image/jpeg is no scanned page of a report.
func imageMagic(body []byte) bool {
	return attachment.Sniff(body, "", "", "") == attachment.KindImage
}
