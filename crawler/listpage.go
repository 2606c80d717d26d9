package crawler

import (
	"context"
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/sites"
)

// link is an <a> found on a list page.
type link struct {
	URL   string `json:"url"`             // absolute, without fragment
	Text  string `json:"text,omitempty"`  // visible text, NFKC, spaces collapsed
	Title string `json:"title,omitempty"` // the title attribute, often the untruncated title
	// Row is the text of the list item around a link whose own text is too
	// short to be a title ("详细", "查看", "[全文]"), "" otherwise.
	Row string `json:"row,omitempty"`
}

// title is the best title the list gives: the title attribute when it is
// longer than the (possibly truncated) visible text, else the text, else
// the list row's text.
func (l link) title() string {
	if len([]rune(l.Title)) > len([]rune(trimEllipsis(l.Text))) {
		return l.Title
	}
	if l.Row != "" {
		return l.Row
	}
	return l.Text
}

// shortText is the length under which a link's text cannot be a report
// title, so the row around it is read instead.
const shortText = 6

// listPage is what one list page offers.
type listPage struct {
	links []link   // every followable link except pagination, in page order
	next  []string // pagination: "下一页" links and numbered siblings
	gen   []string // pages generated from a createPageHTML(...) call, in order
	// dropped counts the links over maxListLinks, left unread.
	dropped int
	// jpages are the Hanweb pagers of the list, when its further records
	// come from dataproxy.jsp (see hanweb.go): the groups to ask for next.
	jpages []*jpage
	// title is the page's <title>: a start page that answers 304 is still
	// known to be a report (startIsReport).
	title string
}

// storedList is how a list page's links are kept between runs (Lists).
// Scope is the site's selectors.links they were read with: links read with
// another scope are not used.
type storedList struct {
	V      int      `json:"v"`
	Scope  string   `json:"scope,omitempty"`
	Links  []link   `json:"links"`
	Next   []string `json:"next,omitempty"`
	Gen    []string `json:"gen,omitempty"`
	Jpages []*jpage `json:"jpages,omitempty"`
	Title  string   `json:"title,omitempty"`
}

// storedListVersion changes when parseList reads pages differently, so that
// links read by an older crawler are read again.
const storedListVersion = 1

func encodeList(lp listPage, scope string) []byte {
	b, _ := json.Marshal(storedList{V: storedListVersion, Scope: scope, Links: lp.links, Next: lp.next, Gen: lp.gen, Jpages: lp.jpages, Title: lp.title})
	return b
}

func decodeList(data []byte, scope string) (listPage, bool) {
	var st storedList
	if len(data) == 0 || json.Unmarshal(data, &st) != nil || st.V != storedListVersion || st.Scope != scope {
		return listPage{}, false
	}
	if st.Jpages == nil {
		// Stored by a crawler that did not page Hanweb columns: their
		// pager link was kept as a link, and the pager is read again.
		for _, l := range st.Links {
			if isJpageProxy(l.URL) {
				return listPage{}, false
			}
		}
	}
	return listPage{links: st.Links, next: st.Next, gen: st.Gen, jpages: st.Jpages, title: st.Title}, true
}

// saveList remembers a list page's links under its validators, when it has
// any (Options.Lists). A failure to store costs only a full read next time.
func (cr *crawl) saveList(ctx context.Context, u string, resp *response, lp listPage) {
	if cr.opts.Lists == nil {
		return
	}
	etag, lastMod := resp.header.Get("ETag"), resp.header.Get("Last-Modified")
	if etag == "" && lastMod == "" {
		return
	}
	if err := cr.opts.Lists.SetList(ctx, u, etag, lastMod, encodeList(lp, cr.site.Selectors.Links)); err != nil {
		cr.log.Warn("could not remember a list page's links", "url", u, "err", err)
	}
}

// maxListLinks bounds what one list page yields: its links (report
// candidates and pagination together), and the further pages its pager
// scripts name. Real lists hold tens to a few thousand links, and a run
// reads at most max_pages list pages; a page of more is a trap, and what
// lies beyond the bound is left unread (and counted in ListPage.dropped).
const maxListLinks = 10_000

// parseList reads a list page. scope, when set, limits link discovery to
// elements matching it (the site's selectors.links).
func parseList(doc *goquery.Document, base *url.URL, scope string) listPage {
	lp := listPage{title: strings.TrimSpace(doc.Find("title").First().Text())}
	seen := map[string]bool{base.String(): true}
	rows := map[*html.Node]string{} // rowText by row, computed once per row
	root := doc.Selection
	if scope != "" {
		if s := doc.Find(scope); s.Length() > 0 {
			root = s
		}
	}
	add := func(a *goquery.Selection) {
		if len(lp.links)+len(lp.next) >= maxListLinks {
			lp.dropped++
			return
		}
		href, ok := a.Attr("href")
		if !ok {
			return
		}
		u := resolve(base, href)
		if u == nil {
			return
		}
		text := cleanText(a.Text())
		l := link{URL: u.String(), Text: text, Title: cleanText(a.AttrOr("title", ""))}
		if len([]rune(text)) < shortText {
			l.Row = rowText(a, rows)
		}
		if isNextText(text) || isSibling(base, u) {
			if !seen[l.URL] {
				seen[l.URL] = true
				lp.next = append(lp.next, l.URL)
			}
			return
		}
		if seen[l.URL] {
			return
		}
		seen[l.URL] = true
		lp.links = append(lp.links, l)
	}
	root.Find("a[href]").Each(func(_ int, a *goquery.Selection) { add(a) })

	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		src := s.Text()
		// Links written by scripts are invisible to an HTML parser: Hanweb
		// lists ship their first page as <record><![CDATA[<li><a …>]]> in a
		// <script type="text/xml">, older TRS lists document.write('<a …>').
		if frag := scriptHTML(src); frag != "" {
			if r, err := extract.Parse([]byte(frag)); err == nil {
				goquery.NewDocumentFromNode(r).Find("a[href]").Each(func(_ int, a *goquery.Selection) { add(a) })
			}
		}
		if room := maxListLinks - len(lp.gen); room > 0 {
			lp.gen = append(lp.gen, createPageURLs(src, base, room)...)
		}
	})
	// A Hanweb column: its pager is not a link to follow, and a
	// <nextgroup> link to a page is the list's next page.
	jps, next := parseJpage(doc, base)
	lp.jpages = jps
	lp.links = dropJpageLinks(lp.links)
	for _, n := range next {
		lp.links = slices.DeleteFunc(lp.links, func(l link) bool { return l.URL == n })
		if n != base.String() && !slices.Contains(lp.next, n) {
			lp.next = append(lp.next, n)
		}
	}
	return lp
}

var (
	scriptAnchorRe = regexp.MustCompile(`(?is)<a\s[^<>]*href[^<>]*>.*?</a>`)
	jsUnescaper    = strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\/`, `/`)
)

// scriptHTML returns the anchors written inside a script, as HTML, or "".
// JavaScript string escapes (\" \' \/) are undone first.
func scriptHTML(src string) string {
	if !strings.Contains(src, "href") {
		return ""
	}
	return strings.Join(scriptAnchorRe.FindAllString(jsUnescaper.Replace(src), -1), "\n")
}

// rowText is the text of the list row (li, tr, dd) around a link, when that
// row holds no other link, so it names this link alone. rows remembers each
// row's answer: a row of many links is looked at once, not once per link.
func rowText(a *goquery.Selection, rows map[*html.Node]string) string {
	row := a.Closest("li, tr, dd")
	if row.Length() == 0 {
		return ""
	}
	n := row.Get(0)
	if t, ok := rows[n]; ok {
		return t
	}
	t := ""
	if row.Find("a[href]").Length() == 1 {
		// Text nodes joined with spaces, so that cells do not run together.
		var parts []string
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.TextNode {
				parts = append(parts, n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(n)
		t = cleanText(strings.Join(parts, " "))
	}
	rows[n] = t
	return t
}

// resolve makes href absolute against base; it returns nil for links that
// cannot be fetched (javascript:, mailto:, bare fragments, other schemes).
func resolve(base *url.URL, href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment = ""
	u.RawFragment = ""
	untwin(u)
	return u
}

// untwin maps a page of a Traditional-script gateway
// (/gate/big5/<host>/<path>, as on www.beijing.gov.cn) to the page it
// converts: the two are the same document, and fetching the twin would
// archive a converted copy as a new version.
func untwin(u *url.URL) {
	rest, ok := strings.CutPrefix(u.Path, "/gate/big5/")
	if !ok {
		return
	}
	host, p, _ := strings.Cut(rest, "/")
	if host == "" || strings.ContainsAny(host, " @") {
		return
	}
	u.Host = host
	u.Path = "/" + p
	u.RawPath = ""
}

var spaceRe = regexp.MustCompile(`\s+`)

func cleanText(s string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(norm.NFKC.String(s), " "))
}

var nextRe = regexp.MustCompile(`^(下\s*一?\s*页|下\s*一\s*頁|后\s*一?\s*页|next( page)?)\s*[>›»]*$|^[>›]$`)

// isNextText reports whether a link's text says "next page".
func isNextText(text string) bool {
	return nextRe.MatchString(strings.ToLower(text))
}

var (
	numberedRe  = regexp.MustCompile(`^(.+?)_(\d+)\.([a-z]+)$`)
	pageParamRe = regexp.MustCompile(`(?i)^(page|pageno|pagenum|pageindex|page_no|cur_?page|currpage|curpage|pn|p|startrecord)$`)
)

// isSibling reports whether u is another page of the list at base: the same
// folder with a numbered name (index.html → index_2.html) or the same path
// with only a page-number query parameter changed (?page=2).
func isSibling(base, u *url.URL) bool {
	if u.Host != base.Host {
		return false
	}
	if u.Path == base.Path || (u.Path == "" && base.Path == "/") {
		bq, uq := base.Query(), u.Query()
		diff := 0
		for k := range mergeKeys(bq, uq) {
			if bq.Get(k) == uq.Get(k) {
				continue
			}
			if !pageParamRe.MatchString(k) {
				return false
			}
			if _, err := strconv.Atoi(uq.Get(k)); err != nil {
				return false
			}
			diff++
		}
		return diff == 1
	}
	bdir, bfile := path.Split(base.Path)
	udir, ufile := path.Split(u.Path)
	if bdir != udir {
		return false
	}
	m := numberedRe.FindStringSubmatch(ufile)
	if m == nil {
		return false
	}
	stem := stemOf(bfile)
	if mb := numberedRe.FindStringSubmatch(bfile); mb != nil {
		stem = mb[1]
	}
	return m[1] == stem
}

func stemOf(file string) string {
	if file == "" {
		return "index"
	}
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		return file[:i]
	}
	return file
}

func mergeKeys(a, b url.Values) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// createPageRe matches the TRS pager call in its two shapes:
// createPageHTML(total, current, "index", "html") and
// createPageHTML('page_div', total, current, 'index', 'shtml', records).
var createPageRe = regexp.MustCompile(`createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w.-]+)['"]\s*,\s*['"](\w+)['"]`)

// createPageURLs turns a TRS createPageHTML call into the URLs of the list's
// other pages. Page k of the list is "<prefix>_k.<ext>" beside the first page
// "<prefix>.<ext>". Some sites count from 0 (the first page says current=0,
// its successors are _1 … _{total-1}), others from 1 (current=1 on the first
// page, successors _2 … _total); the first page's current argument tells
// which. Seen from a later page, 0-based is assumed, and a page that does
// not exist ends the run of generated pages. At most limit URLs are made.
func createPageURLs(script string, base *url.URL, limit int) []string {
	m := createPageRe.FindStringSubmatch(script)
	if m == nil {
		return nil
	}
	total, _ := strconv.Atoi(m[1])
	cur, _ := strconv.Atoi(m[2])
	prefix, ext := m[3], m[4]
	if total <= 1 || total > 100000 {
		return nil
	}
	dir, file := path.Split(base.Path)
	first, last := 1, total-1
	if (file == "" || file == prefix+"."+ext) && cur == 1 {
		first, last = 2, total
	}
	last = min(last, first+limit-1)
	out := make([]string, 0, max(last-first+1, 0))
	for k := first; k <= last; k++ {
		u := *base
		u.Path = dir + prefix + "_" + strconv.Itoa(k) + "." + ext
		u.RawPath = ""
		u.RawQuery = ""
		out = append(out, u.String())
	}
	return out
}

var ellipsisRe = regexp.MustCompile(`(…|⋯|\.{2,}|。{2,})+$`)

func trimEllipsis(s string) string { return strings.TrimSpace(ellipsisRe.ReplaceAllString(s, "")) }

// isTruncated reports whether a list shortened the title ("…" at the end).
func isTruncated(text string) bool { return ellipsisRe.MatchString(text) }

// probeHints are fragments of a site's match pattern. A truncated link title
// that contains one might name a report, so its page is fetched to read the
// full title. The fragments are the runs of Chinese characters in the
// pattern's source (always literals in a regular expression), cut into
// 4-grams, so common words such as 报告 or 情况 do not make every truncated
// news title a candidate; a pattern without such runs falls back to its
// two-character runs.
func probeHints(site *sites.Site) []string {
	lits := hanRunRe.FindAllString(site.MatchRegexp().String(), -1)
	hints := grams(lits, 4)
	if len(hints) == 0 {
		hints = grams(lits, 2)
	}
	return hints
}

var hanRunRe = regexp.MustCompile(`\p{Han}{2,}`)

func grams(lits []string, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lits {
		r := []rune(l)
		for i := 0; i+n <= len(r); i++ {
			g := string(r[i : i+n])
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

func mayMatch(text string, hints []string) bool {
	for _, h := range hints {
		if strings.Contains(text, h) {
			return true
		}
	}
	return false
}
