package crawler

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/nianbao/nianbao/attachment"
)

// fileLink is a link on a report page to a file that may be the report.
type fileLink struct {
	url  string
	text string
	kind attachment.Kind // KindUnknown for a download link whose type only the answer tells
}

// maxFileLinkText bounds the text kept of one link.
const maxFileLinkText = 200

// fileLinks finds the links of a page that point at files nianbao reads
// (by extension, a file name in the query, or the link's text: "附件：….pdf")
// or at download endpoints whose answer says what they are. It tokenizes
// rather than parses: the page is parsed once, by the extractor. Links to
// files in the page's <iframe>/<embed>/<object> (an inline PDF viewer) count
// too, pdf.js viewers' ?file= included.
func fileLinks(page []byte, base *url.URL) []fileLink {
	z := html.NewTokenizer(bytes.NewReader(page))
	var (
		out   []fileLink
		cur   *url.URL // the open <a>'s target
		title string   // and its title attribute
		text  strings.Builder
	)
	add := func(u *url.URL, text string) {
		if u == nil {
			return
		}
		// The title attribute is often the untruncated name.
		if text = cleanText(text); len(title) > len(text) {
			text = cleanText(title)
		}
		if k, maybe := attachment.LinkKind(u.String(), text); k != attachment.KindUnknown || maybe {
			out = append(out, fileLink{url: u.String(), text: text, kind: k})
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if cur != nil {
				add(cur, text.String())
			}
			return out
		case html.TextToken:
			if cur != nil && text.Len() < maxFileLinkText {
				text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.A:
				if cur != nil {
					add(cur, text.String())
				}
				cur, title = nil, ""
				text.Reset()
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "href":
						cur = resolve(base, string(v))
					case "title":
						title = string(v)
					}
				}
			case atom.Iframe, atom.Embed, atom.Object:
				title = ""
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if s := string(k); s == "src" || s == "data" {
						add(viewerFile(resolve(base, string(v))), "")
					}
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == atom.A && cur != nil {
				add(cur, text.String())
				cur, title = nil, ""
				text.Reset()
			}
		}
	}
}

// viewerFile is the file an embedded viewer shows: the file= parameter of a
// pdf.js viewer (…/viewer.html?file=/a/b.pdf), else u itself.
func viewerFile(u *url.URL) *url.URL {
	if u == nil {
		return nil
	}
	if f := u.Query().Get("file"); f != "" {
		if fu := resolve(u, f); fu != nil {
			return fu
		}
	}
	return u
}
