package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/extract"
)

// SkipColumnLink counts report links that lead to a column rather than a
// report: pages discovery read this run, and, on the columns it found,
// links named like reports but without a year, to a folder (the sidebar's
// 政府信息公开年报, 法治政府建设年度报告).
const SkipColumnLink = "column_link"

// SkipNoColumn names, in Stats.Skips, a start page from which discovery
// found no report column within the site's discover_pages: the run read
// nothing but pages that lead nowhere.
const SkipNoColumn = "no_report_column"

// maxDiscoverDepth is how many clicks from a start page discovery goes: a
// page linked from a start page is at depth 1, and a page at depth 3 is
// read but its links are not followed.
const maxDiscoverDepth = 3

// maxFrontier bounds the links waiting to be tried by discovery: a portal
// of thousands of columns cannot make a run hold thousands of them, when
// discover_pages reads a few dozen.
const maxFrontier = 2000

// maxColumnName is the longest link text that can name a column: longer
// texts are article titles ("关于做好2025年政务公开工作的通知"), not ways to
// the reports.
const maxColumnName = 16

// Ranks of a link that may lead to report columns: lower is tried first.
const (
	rankReports = iota // names the reports: 年报, 年度报告, 法治政府 …
	rankXxgk           // 信息公开, 法定主动公开, 通知公告 …
	rankZwgk           // 政务公开
	rankNone
)

// columnWords are the words of a link's text or title that rank it, per
// rank (DOMAIN.md §1, §2, §4).
var columnWords = [...][]string{
	rankReports: {"年报", "年度报告", "法治政府", "法治建设", "工作报告", "法治政府建设"},
	rankXxgk:    {"信息公开", "法定主动公开", "主动公开", "法定公开", "通知公告", "公示公告", "依法行政"},
	rankZwgk:    {"政务公开"},
}

// urlWords are the words of a link's last path segment that rank it, for
// links whose text says nothing (an image, an icon).
var urlWords = [...][]string{
	rankReports: {"fzzf", "ndbg", "gknb", "fzjs", "ndbb"},
	rankXxgk:    {"xxgk", "fdzdgk", "tzgg", "gsgg"},
	rankZwgk:    {"zwgk"},
}

// navWords mark links that never lead to report columns, whatever their
// URL says: page chrome (首页, 登录, English, 无障碍 …) and columns of
// another kind (news, services, guides).
var navWords = []string{
	"首页", "主页", "登录", "登陆", "注册", "english", "无障碍", "繁体", "简体", "长者", "关怀", "适老",
	"手机", "网站地图", "联系我们", "返回", "打印", "关闭", "上一页", "下一页", "尾页", "更多",
	"新闻", "动态", "要闻", "图片", "视频", "解读", "指南", "制度", "办事", "服务", "互动", "信箱",
	"搜索", "申请", "留言", "调查",
}

// articleRe matches the last path segment of an article rather than a
// column: TRS t20250301_123, Hanweb art_1_2, content_123, post_123, or a
// page named by a long number.
var articleRe = regexp.MustCompile(`(?i)^(t\d{8}_\d+|art_\d+_\d+|content_\d+|post_\d+|\d{5,})(\.[a-z]+)?$`)

// discovery is the state of a run's search for report columns. Discovery
// is a function of the site and the pages fetched: the start pages' links
// and those of the pages it reads itself.
type discovery struct {
	budget int // the site's discover_pages
	// pending holds, by start page, the links of that start page that may
	// lead to columns: they are tried only when the start page and the
	// pages that followed from it (pagination) yielded no report link.
	pending map[string][]target
	found   map[string]int // report links (and probes) by root: a start page or a column
	roots   []string       // the start pages read, in order
	from    []string       // the start pages discovery began from
	// frontier is what is left to try: the most promising at the front
	// once sorted (nearest first, then by rank, then in page order).
	frontier []target
	tried    map[string]bool
	seq      int
	pages    int // discovery pages read (Stats.DiscoveryPages)
	// prefetched holds the response of a column found by discovery until
	// the run reads it as a list page: it is not asked for twice.
	prefetched map[string]*response
	// read holds the URLs discovery fetched (as linked and after
	// redirects, as indexless gives them); columnPages the list pages of
	// the columns it found.
	read        map[string]bool
	columnPages map[string]bool
	// lists holds the list pages the run read (as indexless gives them): a
	// link to one is the way to a list, not a report.
	lists map[string]bool
	// known are the columns of Options.KnownColumns the run read.
	known []string
	// The portal's own search (search.go): the search forms of the start
	// pages (by start page, kept until discovery begins from one) and of
	// the discovery pages; whether the search ran, and the report links
	// it found.
	startForms  map[string][]searchForm
	forms       []searchForm
	formKeys    map[string]bool
	searched    bool
	searchFound int
}

// target is a link that may lead to report columns.
type target struct {
	url, text   string
	depth, rank int
	seq         int
}

// discovery returns the run's discovery state, made on first use.
func (cr *crawl) discovery() *discovery {
	if cr.disc == nil {
		cr.disc = &discovery{
			budget:      cr.site.DiscoverPages,
			pending:     map[string][]target{},
			found:       map[string]int{},
			tried:       map[string]bool{},
			prefetched:  map[string]*response{},
			read:        map[string]bool{},
			columnPages: map[string]bool{},
			lists:       map[string]bool{},
			startForms:  map[string][]searchForm{},
			formKeys:    map[string]bool{},
		}
	}
	return cr.disc
}

// columnFetch fetches a list page (listFetch), or hands over the response
// discovery already has for it (a column it found).
func (cr *crawl) columnFetch(ctx context.Context, j job, etag, lastModified string) (*response, *FetchError, error) {
	if d := cr.disc; d != nil && j.post == nil {
		if r := d.prefetched[j.url]; r != nil {
			delete(d.prefetched, j.url)
			return r, nil, nil
		}
	}
	return cr.listFetch(ctx, j, etag, lastModified)
}

// reportLinks counts the links of a list page that are reports, or may
// be (truncated titles that a probe would read). strict leaves out the
// links that look like a column's (columnLike).
func (cr *crawl) reportLinks(lp listPage, strict bool) int {
	n := 0
	for _, l := range lp.links {
		if (cr.site.IsReport(l.Text) || cr.site.IsReport(l.Title) || cr.site.IsReport(l.Row) ||
			(isTruncated(l.title()) && mayMatch(l.title(), cr.hints))) && !(strict && columnLike(l)) {
			n++
		}
	}
	return n
}

// yearRe matches a year in a title, in digits or in Chinese numerals.
var yearRe = regexp.MustCompile(`\d{4}|[〇零一二三四五六七八九]{4}`)

// columnLike reports whether a link named like a report is rather the way
// to a column of them: its title has no year, and its URL is a column's —
// a directory, or a directory's index page (index.html, default.htm …), or
// a path without an extension — with no query (detail.jsp?id=3 is an
// article, whatever its title).
func columnLike(l link) bool {
	if yearRe.MatchString(l.Text + l.Title + l.Row) {
		return false
	}
	u, err := url.Parse(l.URL)
	if err != nil {
		return false
	}
	_, file := path.Split(u.Path)
	stem := strings.TrimSuffix(file, path.Ext(file))
	if u.RawQuery != "" {
		// A script's page: a list (list.jsp?page=1, col.jsp?catid=5) or
		// an article (detail.jsp?id=3), by its name and parameters.
		if articleStemRe.MatchString(stem) {
			return false
		}
		return columnStemRe.MatchString(stem) || columnQueryRe.MatchString(u.RawQuery)
	}
	if indexless(l.URL) != l.URL && !strings.HasSuffix(u.Path, "/") {
		return true // dir/index.html
	}
	return file == "" || columnStemRe.MatchString(stem) || (path.Ext(file) == "" && !articleRe.MatchString(file))
}

// Names of scripts and parameters that serve a list of links (a column) or
// one article.
var (
	columnStemRe  = regexp.MustCompile(`(?i)^(list|lists|col|column|channel|index|default|more|node|lm|catalog)`)
	articleStemRe = regexp.MustCompile(`(?i)^(detail|details|content|show|view|article|info|read|doc|news|page)`)
	columnQueryRe = regexp.MustCompile(`(?i)(^|&)(page|pageno|pagenum|cat|catid|cate|category|col|colid|column|columnid|channel|channelid|chnlid|node|nodeid|classid|typeid|lmid|menuid)=`)
)

// columnSkip says why a report link is not to be fetched as a report, or
// "": it leads to a page discovery or the list loop read this run, or it
// looks like a column (columnLike) and was found on a column discovery
// found.
func (cr *crawl) columnSkip(c candidate) string {
	d := cr.disc
	if d == nil {
		return ""
	}
	if k := indexless(c.URL); d.read[k] || d.lists[k] || d.columnPages[c.list] && columnLike(c.link) {
		return SkipColumnLink
	}
	return ""
}

// listRead notes a list page the run read: the report links it gave its
// root, and the links that may lead to columns — kept for later from a
// start page, tried at once (when the run discovers) from a column that
// discovery found.
//
// A start page that is a report itself (its title matches) counts as one
// report link: no discovery from it.
func (cr *crawl) listRead(j job, resp *response, lp listPage) {
	if cr.site.DiscoverPages <= 0 || j.root == "" {
		return
	}
	d := cr.discovery()
	// A start page's links named like reports but without a year are the
	// way to a column of them (政府信息公开年报 in a home page's box), not
	// reports: from such a page, discovery runs, and follows them first.
	n := cr.reportLinks(lp, j.start && j.depth == 0)
	d.tried[indexless(j.url)], d.tried[indexless(resp.url)] = true, true
	if j.known && j.url == j.root && !slices.Contains(d.known, j.root) {
		d.known = append(d.known, j.root)
	}
	d.lists[indexless(j.url)], d.lists[indexless(resp.url)] = true, true
	if j.depth > 0 {
		d.columnPages[resp.url] = true
	}
	if n == 0 && j.start && cr.startIsReport(resp, lp) {
		n = 1
	}
	d.found[j.root] += n
	if j.url != j.root {
		return // a further page of a list: its links lead where the first page's do
	}
	if j.start {
		d.roots = append(d.roots, j.root)
		d.pending[j.root] = cr.targets(lp, 1)
		return
	}
	if j.depth < maxDiscoverDepth {
		d.push(cr.targets(lp, j.depth+1))
	}
}

// targets returns the links of a page that may lead to report columns: on
// the site's hosts, not files, not reports, not nav chrome, not articles;
// ranked.
func (cr *crawl) targets(lp listPage, depth int) []target {
	var out []target
	for _, l := range lp.links {
		if len(out) >= maxFrontier {
			break
		}
		u, err := url.Parse(l.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !cr.onSite(u) {
			continue
		}
		if k, maybe := attachment.LinkKind(l.URL, l.Text); k != attachment.KindUnknown || maybe {
			continue
		}
		if (cr.site.IsReport(l.Text) || cr.site.IsReport(l.Title)) && !columnLike(l) {
			continue // a report: fetched as one, not to look for columns
		}
		if r := linkRank(l, u); r != rankNone {
			out = append(out, target{url: l.URL, text: l.title(), depth: depth, rank: r})
		}
	}
	return out
}

// linkRank ranks a link by how surely it leads to report columns, or
// returns rankNone: by the words of its text and title (nav chrome and
// other kinds of column never), else, for a link without text, by its
// URL's last path segment.
func linkRank(l link, u *url.URL) int {
	text := strings.ToLower(strings.TrimSpace(l.Text + " " + l.Title))
	for _, w := range navWords {
		if strings.Contains(text, w) {
			return rankNone
		}
	}
	seg := lastSegment(u.Path)
	if articleRe.MatchString(seg) {
		return rankNone
	}
	if len([]rune(l.Text)) > maxColumnName {
		return rankNone
	}
	best := rankNone
	for r, words := range columnWords {
		for _, w := range words {
			if strings.Contains(text, w) && r < best {
				best = r
			}
		}
	}
	if best != rankNone || strings.TrimSpace(l.Text) != "" && hasHan(l.Text) {
		// A Chinese text that names none of the words is a column of
		// another kind, whatever its URL.
		return best
	}
	seg = strings.ToLower(seg)
	for r, words := range urlWords {
		for _, w := range words {
			if strings.Contains(seg, w) && r < best {
				best = r
			}
		}
	}
	return best
}

func hasHan(s string) bool { return hanRe.MatchString(s) }

var hanRe = regexp.MustCompile(`\p{Han}`)

// lastSegment is the last segment of a URL path that names a folder or a
// page other than an index: "/zwgk/xxgk/" and "/zwgk/xxgk/index.html" are
// both "xxgk"; the extension of another page is dropped.
func lastSegment(p string) string {
	p = strings.TrimSuffix(p, "/")
	dir, file := path.Split(p)
	stem := strings.TrimSuffix(file, path.Ext(file))
	if strings.EqualFold(stem, "index") || strings.EqualFold(stem, "default") {
		return path.Base(strings.TrimSuffix(dir, "/"))
	}
	if articleRe.MatchString(file) {
		return file
	}
	return stem
}

// push adds targets to the frontier, those not tried yet, up to maxFrontier.
func (d *discovery) push(ts []target) {
	for _, t := range ts {
		if len(d.frontier) >= maxFrontier {
			return
		}
		k := indexless(t.url) // dir/ and dir/index.html are one page
		if d.tried[k] {
			continue
		}
		d.tried[k] = true
		d.seq++
		t.seq = d.seq
		d.frontier = append(d.frontier, t)
	}
}

// pop takes the most promising target: the nearest, then the best ranked,
// then the first seen.
func (d *discovery) pop() target {
	sort.SliceStable(d.frontier, func(i, j int) bool {
		a, b := d.frontier[i], d.frontier[j]
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.seq < b.seq
	})
	t := d.frontier[0]
	d.frontier = d.frontier[1:]
	return t
}

// discover is called when the run has no list page left to read: it
// starts discovery from the start pages whose lists yielded no report
// link, then reads the most promising pages, within the site's
// discover_pages, until one is a report column (a page with report
// links). That column is returned, to be read as a list page (it counts
// against max_pages); ok is false when discovery has nothing left.
// queued holds the URLs the run has read or queued as list pages: they are
// not read again.
func (cr *crawl) discover(ctx context.Context, queued map[string]bool) (j job, ok bool, err error) {
	if cr.site.DiscoverPages <= 0 || cr.disc == nil {
		return job{}, false, nil
	}
	d := cr.disc
	listed := false // a start page or a known column lists reports: the site's columns are known
	for _, root := range d.roots {
		listed = listed || d.found[root] > 0
	}
	// Remembered columns stand for discovery while every one of them still
	// lists reports: one that stopped (gone, moved, emptied) means the
	// portal changed, and discovery runs again.
	listed = listed || cr.knownListing()
	for _, root := range d.roots {
		ts, waiting := d.pending[root]
		if !waiting {
			continue
		}
		delete(d.pending, root)
		if listed {
			continue // a list page among the start pages: no discovery at all
		}
		d.from = append(d.from, root)
		cr.log.Info("start page links to no report: looking for report columns from it", "url", root, "links", len(ts))
		d.push(ts)
		d.addForms(d.startForms[root])
	}
	clear(d.startForms)
	if listed {
		// The site's reports are listed where it starts (or where an
		// earlier run found its columns): nothing to look for.
		d.frontier = nil
		return job{}, false, nil
	}
	for len(d.frontier) > 0 && d.pages < d.budget-cr.reserve() {
		t := d.pop()
		if queued[t.url] {
			continue
		}
		queued[t.url] = true
		resp, fe, err := cr.fetch(ctx, t.url, "", "")
		if err != nil {
			return job{}, false, err
		}
		if fe != nil {
			d.pages++
			cr.stats.DiscoveryPages++
			if isSkip(fe.Kind) {
				cr.stats.skipFetch(fe)
			} else {
				cr.stats.fail(fe)
				cr.log.Warn("discovery page failed", "url", t.url, "kind", fe.Kind, "status", fe.Status, "err", fe.Err)
			}
			continue
		}
		if resp.file {
			d.pages++
			cr.stats.DiscoveryPages++
			continue
		}
		base, _ := url.Parse(resp.url)
		root, err := extract.Parse(resp.html)
		if err != nil {
			d.pages++
			cr.stats.DiscoveryPages++
			kind := ErrDecode
			if errors.Is(err, extract.ErrTooComplex) {
				kind = ErrTooComplex
			}
			cr.stats.fail(&FetchError{URL: t.url, Kind: kind, Status: resp.status, Err: err.Error()})
			continue
		}
		doc := goquery.NewDocumentFromNode(root)
		lp := parseList(doc, base, cr.site.Selectors.Links)
		d.read[indexless(t.url)], d.read[indexless(resp.url)] = true, true
		if cr.reportLinks(lp, true) > 0 {
			// A report column: the run reads it as a list page, from
			// the response in hand.
			d.prefetched[t.url] = resp
			cr.stats.Columns = append(cr.stats.Columns, t.url)
			cr.log.Info("report column found", "url", t.url, "name", t.text, "depth", t.depth)
			return job{url: t.url, follow: true, root: t.url, depth: t.depth}, true, nil
		}
		d.pages++
		cr.stats.DiscoveryPages++
		cr.log.Debug("discovery page", "url", t.url, "name", t.text, "depth", t.depth)
		d.addForms(cr.searchForms(doc, base, resp.encoding))
		if t.depth < maxDiscoverDepth {
			d.push(cr.targets(lp, t.depth+1))
		}
	}
	return job{}, false, nil
}

// indexless is a page's URL as discovery compares it: a directory's index
// page (dir/index.html, index.htm, index.shtml, default.htm …) is the
// directory (dir/), and the fragment goes.
func indexless(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Fragment = ""
	if u.RawQuery == "" {
		dir, last := path.Split(u.Path)
		switch strings.ToLower(last) {
		case "index.html", "index.htm", "index.shtml", "default.html", "default.htm", "index.jsp", "index.php", "index.asp", "index.aspx":
			u.Path = dir
		}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// knownListing reports whether the run has Options.KnownColumns and every
// one of them listed reports when read: they stand for discovery.
func (cr *crawl) knownListing() bool {
	if len(cr.opts.KnownColumns) == 0 || cr.disc == nil {
		return false
	}
	for _, c := range cr.opts.KnownColumns {
		if cr.disc.found[c] == 0 {
			return false
		}
	}
	return true
}

// discoverEnd says what discovery found, once the run has read its list
// pages: the columns (INFO), or that there were none (a named skip,
// SkipNoColumn, which the run's summary can give as its cause).
func (cr *crawl) discoverEnd() {
	d := cr.disc
	if d == nil {
		return
	}
	// The known columns that still list reports are this run's columns
	// too: the next run starts from them again.
	for _, c := range d.known {
		if d.found[c] > 0 && !slices.Contains(cr.stats.Columns, c) {
			cr.stats.Columns = append(cr.stats.Columns, c)
		}
	}
	if len(d.from) == 0 {
		return
	}
	cr.stats.DiscoveredFrom = d.from
	if len(d.frontier) > 0 {
		cr.log.Info("discovery stopped: pages that may lead to report columns left unread",
			"discover_pages", d.budget, "read", d.pages, "left", len(d.frontier))
	}
	if len(cr.stats.Columns) > 0 {
		cr.log.Info("report columns found", "columns", cr.stats.Columns, "discovery_pages", d.pages)
		return
	}
	if d.searchFound > 0 {
		cr.log.Info("no report column found, but the portal's search found report links",
			"reports", d.searchFound, "search_queries", cr.stats.SearchQueries, "discovery_pages", d.pages)
		return
	}
	msg := fmt.Sprintf("no report column found within %d pages from %s", d.pages, d.from[0])
	cr.log.Warn(msg, "discover_pages", d.budget)
	cr.stats.skipNamed(&FetchError{URL: d.from[0], Kind: SkipNoColumn, Err: msg})
}
