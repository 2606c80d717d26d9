package extract

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html/atom"
)

// Version identifies the extractor's rules; it is recorded with every
// archived version. Change it whenever a change to this package can change
// a Document (above all its Text) for the same page.
const Version = "extract/5"

// Options are optional per-site overrides from the site file.
type Options struct {
	ContentSelector string   // CSS selector of the report body; "" = automatic
	RemoveSelectors []string // CSS selectors removed before extraction
}

// Validate reports whether the selectors are valid CSS, so that a site file
// can be checked when it is loaded.
func (o Options) Validate() error {
	_, _, err := o.compile()
	return err
}

func (o Options) compile() (content cascadia.Matcher, remove []cascadia.Matcher, err error) {
	if s := strings.TrimSpace(o.ContentSelector); s != "" {
		g, err := cascadia.ParseGroup(s)
		if err != nil {
			return nil, nil, fmt.Errorf("extract: content selector %q: %w", o.ContentSelector, err)
		}
		content = g
	}
	for _, s := range o.RemoveSelectors {
		if strings.TrimSpace(s) == "" {
			continue
		}
		g, err := cascadia.ParseGroup(s)
		if err != nil {
			return nil, nil, fmt.Errorf("extract: remove selector %q: %w", s, err)
		}
		remove = append(remove, g)
	}
	return content, remove, nil
}

// Document is what a page yields.
type Document struct {
	Title      string `json:"title"`        // report title
	Published  string `json:"published"`    // "YYYY-MM-DD", or "YYYY-MM-DD HH:MM" / "YYYY-MM-DD HH:MM:SS" when the page gives the time; "" if unknown
	Source     string `json:"source"`       // 来源 / ContentSource / 发布机构, "" if unknown
	Kind       string `json:"kind"`         // "fzzf" (法治政府建设年度报告), "xxgk" (政府信息公开工作年度报告), or "other"
	Year       int    `json:"year"`         // the year the report is ABOUT (title "2020年度…报告" → 2020; if the title has no year, published year − 1 for fzzf/xxgk; else 0)
	SiteIDCode string `json:"site_id_code"` // 政府网站标识码 from meta SiteIDCode or the footer/jiucuo link, "" if none
	// Issuer, DocNumber and IndexNumber come from the 信息公开 info table:
	// 发布机构 (or 发文机关), 文号 (or 发文字号) and 索引号; "" when absent.
	Issuer      string `json:"issuer"`
	DocNumber   string `json:"doc_number"`
	IndexNumber string `json:"index_number"`
	// Mirror is set when the text carried pinyin annotations glued after
	// its characters ("領(lǐng)導(dǎo)"), the mark of a mirror site's copy of a
	// government page. The annotations are removed from Title and Text.
	Mirror bool `json:"mirror"`
	// Images are the absolute URLs of the article's pictures, in page
	// order: the <img> elements of the chosen container that are not
	// furniture (icons, spacers, logos, QR codes, share buttons, badges,
	// images linking to other pages; see the package documentation),
	// each at its lazy-load address (data-original, data-src …) when it
	// has one, resolved against the page's URL and its <base href> (as
	// the page writes them when Extract is given no URL).
	Images []string `json:"images,omitempty"`
	// ImagesOnly is set when the article is pictures and no text of its
	// own (a report posted as scanned pages): Images is not empty and Text
	// is the title line alone ("" when the page has no title).
	ImagesOnly bool   `json:"images_only,omitempty"`
	Text       string `json:"text,omitempty"` // the title line, then the report body (see the package documentation)
}

// Extract turns a decoded (UTF-8) HTML page into a Document. pageURL may be
// nil; it is used only for the /tYYYYMMDD_ date fallback. Extract returns an
// error only for invalid selectors in opts or input it cannot parse at all;
// a page without a body yields Text == "", and an images-only page (see
// the package documentation) ImagesOnly with Text the title line alone.
//
// The order is: parse (undoing mojibake, see repairMojibake); record the
// metadata (meta tags, labelled lines, the 信息公开 info table) before
// anything is removed; remove opts.RemoveSelectors and the info table;
// pick the container; remove the chrome inside it; list its article
// images; render it to lines; drop chrome lines and leading title lines;
// put the title first; strip pinyin from a mirror copy.
func Extract(html []byte, pageURL *url.URL, opts Options) (*Document, error) {
	content, remove, err := opts.compile()
	if err != nil {
		return nil, err
	}
	root, err := parseHTML(html)
	if err != nil {
		return nil, fmt.Errorf("extract: parse html: %w", err)
	}
	p := newPage(root)

	all := p.metaLines()
	infoBlocks := p.findInfoBlocks()
	info := p.parseInfo(infoBlocks)
	title, titleFromTag := p.titleFrom()
	doc := &Document{
		Title:       title,
		Published:   p.published(all, pageURL),
		Source:      p.source(all, info),
		SiteIDCode:  p.siteIDCode(all),
		Issuer:      firstOf(info, "发布机构", "发文机关"),
		DocNumber:   firstOf(info, "文号", "发文字号"),
		IndexNumber: info["索引号"],
	}
	doc.Kind, doc.Year = Classify(doc.Title, doc.Published)

	changed := len(infoBlocks) > 0
	for _, sel := range remove {
		for _, n := range cascadia.QueryAll(p.root, sel) {
			if n != p.body && n.DataAtom != atom.Html {
				detach(n)
				changed = true
			}
		}
	}
	for _, n := range infoBlocks {
		detach(n)
	}
	if changed {
		p.restat()
	}
	roots := p.container(content, doc.Title)
	p.clean(roots)
	p.restat(roots...)
	doc.Images = imageURLs(articleImages(roots...), p.baseURL(pageURL))
	lines := bodyLines(dropLinkLines(p.linkLines(roots...)), doc.Title)
	if titleFromTag && len(lines) > 1 {
		// A title taken from <title> may carry a site name glued on
		// that no separator splits off; the body's first line is then
		// the title without it.
		if t := bodyTitle(lines[0], doc.Title); t != "" {
			doc.Title, lines = t, lines[1:]
			doc.Kind, doc.Year = Classify(doc.Title, doc.Published)
		}
	}
	if len(doc.Images) > 0 && onlyDatestamps(lines) {
		// A report posted as pictures: its text is its title alone, never
		// what else the page says (its footer, its welcome line).
		doc.ImagesOnly = true
		lines = nil
		if doc.Title != "" {
			doc.Text = doc.Title + "\n"
		}
	}
	if len(lines) > 0 {
		// The title is the text's first line: a person reading or grepping
		// the archived file sees which report it is, and a retitled report
		// is a changed report. Copies of it at the top of the body were
		// dropped by bodyLines.
		if doc.Title != "" {
			lines = append([]string{doc.Title}, lines...)
		}
		doc.Text = strings.Join(lines, "\n") + "\n"
	}
	// Only a text that reads as a mirror copy loses its parentheses: a
	// genuine report may gloss a rare place name, and that is its text.
	if LooksMirrored(doc.Text) {
		doc.Mirror = true
		doc.Text, _ = StripPinyin(doc.Text)
		doc.Title, _ = StripPinyin(doc.Title)
	}
	return doc, nil
}

// Body is the Text without its first line, the title: what a further page
// of a report split over several pages adds to the first page's Text.
func (d *Document) Body() string {
	if d.Title == "" {
		return d.Text
	}
	return strings.TrimPrefix(d.Text, d.Title+"\n")
}

// onlyDatestamps reports whether lines are no text of an article: none,
// or dates alone (a page prints its date above the body).
func onlyDatestamps(lines []string) bool {
	for _, l := range lines {
		if !datestampRE.MatchString(squash(l)) {
			return false
		}
	}
	return true
}

// firstOf returns the first non-empty value of keys in m.
func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// Title returns the page's report title by the same rules as Extract: meta
// ArticleTitle, then the visible article heading, then <title> with any
// site-name suffix after " - ", "_", "|" or "——" removed. (Extract may
// further drop a site name glued to a <title> title, "中新视频-…", when
// the body's first line is the title without it.) It is meant for a
// crawler deciding whether a page is a report; it returns "" for a page it
// cannot parse.
func Title(html []byte) string {
	root, err := parseHTML(html)
	if err != nil {
		return ""
	}
	return newPage(root).title()
}

var yearRE = regexp.MustCompile(`(20\d{2})\s*年度?`)

// Classify returns the kind and year of a report from its title and its
// published date ("YYYY-MM-DD…" or ""). Kind is "fzzf" for a
// 法治政府建设年度报告 (the title has 法治政府, and 报告 or 情况), "xxgk" for a
// 政府信息公开工作年度报告 (政府信息公开, and 年度报告 or 年报), else "other".
// Year is the first "20xx年" or "20xx年度" in the title; failing that, the
// published year − 1 for fzzf and xxgk (a report comes out the year after
// the one it covers); else 0.
func Classify(title, published string) (kind string, year int) {
	title = normalizeLine(title)
	switch {
	case strings.Contains(title, "法治政府") && (strings.Contains(title, "报告") || strings.Contains(title, "情况")):
		kind = "fzzf"
	case strings.Contains(title, "政府信息公开") && (strings.Contains(title, "年度报告") || strings.Contains(title, "年报")):
		kind = "xxgk"
	default:
		kind = "other"
	}
	if m := yearRE.FindStringSubmatch(title); m != nil {
		year, _ = strconv.Atoi(m[1])
		return kind, year
	}
	if kind != "other" && len(published) >= 4 {
		if y, err := strconv.Atoi(published[:4]); err == nil && y > 1949 {
			year = y - 1
		}
	}
	return kind, year
}
