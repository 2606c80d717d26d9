package crawler

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/extract"
)

// Hanweb (大汉) jpage columns: a column page (/col/colNNN/index.html) carries
// its first group of records as <record><![CDATA[<li><a …>]]></record> in a
// <script type="text/xml"><datastore>; the older records come only from the
// site's /module/web/jpage/dataproxy.jsp, asked by POST with
// startrecord/endrecord/perpage in the query and the column's ids (col,
// appid, webid, path, columnid, unitid, webname, permissiontype …) as a
// form. The ids are read from the <nextgroup> link of the datastore (or a
// dataproxy.jsp URL in the page's scripts), the total from <totalrecord> or
// the script's totalRecord.

// jpage is a Hanweb column's pager: where and how to ask for the group of
// records that starts at Next. It is kept with the column page's links
// (Lists), so a column answered 304 is paged too.
type jpage struct {
	Endpoint string     `json:"endpoint"` // the dataproxy.jsp URL, absolute, without query
	Form     url.Values `json:"form"`     // the column's ids, sent as the POST body
	PerPage  int        `json:"per_page"` // records on one page of the column, as the site pages it
	Group    int        `json:"group"`    // records asked for by one request
	Next     int        `json:"next"`     // the first record (1-based) of the next request
	Total    int        `json:"total,omitempty"`
	// Base is the column page: record links resolve against it.
	Base string `json:"base"`
}

// Bounds on what a page may ask for: a group of more records than real
// columns show in one request is a page's mistake, not a reason to ask a
// server for a million rows.
const (
	jpageDefaultPerPage = 15
	jpageDefaultGroups  = 3 // jpage's groupSize: pages per request
	jpageMaxGroup       = 500
)

// ErrJpage: a Hanweb dataproxy.jsp answer that holds no records (an error
// page, a web page, an empty body) where the column's total says more are
// left, or no datastore at all. The column is paged no further this run.
const ErrJpage = "jpage"

var (
	datastoreRe    = regexp.MustCompile(`(?is)<(?:datastore|recordset)\b`)
	nextgroupRe    = regexp.MustCompile(`(?is)<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>`)
	hrefRe         = regexp.MustCompile(`(?is)href\s*=\s*["']([^"']+)["']`)
	recordRe       = regexp.MustCompile(`(?is)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>`)
	totalTagRe     = regexp.MustCompile(`(?is)<totalrecord>\s*(\d+)\s*</totalrecord>`)
	totalJSRe      = regexp.MustCompile(`(?i)\btotalRecord\s*[:=]\s*['"]?(\d+)`)
	perPageJSRe    = regexp.MustCompile(`(?i)\bperPage\s*[:=]\s*['"]?(\d+)`)
	groupSizeJSRe  = regexp.MustCompile(`(?i)\bgroupSize\s*[:=]\s*['"]?(\d+)`)
	proxyURLRe     = regexp.MustCompile(`(?i)["']([^"'\s<>]*/dataproxy\.jsp(?:\?[^"'\s<>]*)?)["']`)
	hanwebColumnRe = regexp.MustCompile(`/col/col(\d+)/`)
	digitsRe       = regexp.MustCompile(`^\d+$`)
)

// isJpageProxy reports whether u is a jpage endpoint: a pager, never a
// report.
func isJpageProxy(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.HasSuffix(strings.ToLower(p.Path), "/dataproxy.jsp")
}

// parseJpage reads the pagers of a page's Hanweb datastores, one per
// <script type="text/xml"><datastore> (a column page has one; a home page
// may have one per module). It returns those that name a column and a unit
// to page and have records left (of several, only the page's own column's), and the <nextgroup> links that lead to a
// page rather than to dataproxy.jsp: those are the list's next pages. What
// the page's other scripts say (totalRecord, perPage, groupSize, proxyUrl)
// is used only when the page has a single datastore: it cannot be told
// which datastore it is about otherwise.
func parseJpage(doc *goquery.Document, base *url.URL) ([]*jpage, []string) {
	type store struct {
		records, total int
		proxy, unit    string
	}
	var (
		stores                 []store
		total, perPage, groups int
		proxy                  string // a dataproxy.jsp URL in the page's other scripts
		next                   []string
	)
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		src := s.Text()
		if !datastoreRe.MatchString(src) {
			if m := totalJSRe.FindStringSubmatch(src); m != nil && total == 0 {
				total, _ = strconv.Atoi(m[1])
			}
			if m := perPageJSRe.FindStringSubmatch(src); m != nil && perPage == 0 {
				perPage, _ = strconv.Atoi(m[1])
			}
			if m := groupSizeJSRe.FindStringSubmatch(src); m != nil && groups == 0 {
				groups, _ = strconv.Atoi(m[1])
			}
			if m := proxyURLRe.FindStringSubmatch(src); m != nil && proxy == "" {
				proxy = html.UnescapeString(m[1])
			}
			return
		}
		st := store{records: len(recordRe.FindAllStringIndex(src, -1))}
		if id := s.Parent().AttrOr("id", ""); digitsRe.MatchString(id) {
			st.unit = id
		}
		for _, m := range nextgroupRe.FindAllStringSubmatch(src, -1) {
			h := hrefRe.FindStringSubmatch(m[1])
			if h == nil {
				continue
			}
			href := html.UnescapeString(h[1])
			u := resolve(base, href)
			switch {
			case u == nil:
			case isJpageProxy(u.String()):
				if st.proxy == "" {
					st.proxy = href
				}
			default:
				next = append(next, u.String())
			}
		}
		if m := totalTagRe.FindStringSubmatch(src); m != nil {
			st.total, _ = strconv.Atoi(m[1])
		}
		stores = append(stores, st)
	})
	if len(stores) != 1 {
		total, perPage, groups, proxy = 0, 0, 0, ""
	}
	// Of a page of several datastores (a home page of modules, a column
	// with side boxes), only the page's own column is paged: the others
	// are news boxes more often than report columns, and have columns of
	// their own.
	own := ""
	if m := hanwebColumnRe.FindStringSubmatch(base.Path); m != nil {
		own = m[1]
	}
	var out []*jpage
	for _, st := range stores {
		if st.proxy == "" {
			st.proxy = proxy
		}
		if st.total == 0 {
			st.total = total
		}
		jp := newJpage(base, st.proxy, st.unit, st.records, st.total, perPage, groups)
		if jp != nil && (len(stores) == 1 || jp.Form.Get("columnid") == own) {
			out = append(out, jp)
		}
	}
	return out, next
}

// newJpage makes the pager of a datastore: proxy is its dataproxy.jsp URL
// as the page gives it, unit the id of the element around it, records the
// number it holds; total, perPage and groups are 0 when not known. It is
// nil when the column or unit is not known, or no records are left.
func newJpage(base *url.URL, proxy, unit string, records, total, perPage, groups int) *jpage {
	if proxy == "" {
		return nil
	}
	pu := resolve(base, proxy)
	if pu == nil || pu.Host != base.Host {
		return nil
	}
	form := url.Values{}
	for k, v := range pu.Query() {
		switch strings.ToLower(k) {
		case "page", "startrecord", "endrecord", "perpage":
		default:
			form[k] = v
		}
	}
	if form.Get("columnid") == "" {
		if m := hanwebColumnRe.FindStringSubmatch(base.Path); m != nil {
			form.Set("columnid", m[1])
		}
	}
	if form.Get("unitid") == "" && unit != "" {
		form.Set("unitid", unit)
	}
	if form.Get("columnid") == "" || form.Get("unitid") == "" {
		return nil
	}
	if form.Get("col") == "" {
		form.Set("col", "1")
	}
	if perPage <= 0 || perPage > jpageMaxGroup {
		perPage = jpageDefaultPerPage
	}
	group := records
	if groups > 0 && perPage*groups <= jpageMaxGroup {
		group = perPage * groups
	}
	if group <= 0 || group > jpageMaxGroup {
		group = perPage * jpageDefaultGroups
	}
	pu.RawQuery, pu.Fragment = "", ""
	jp := &jpage{Endpoint: pu.String(), Form: form, PerPage: perPage, Group: group, Next: records + 1, Total: total,
		Base: base.String()}
	if !jp.more() {
		return nil
	}
	return jp
}

// more reports whether records are left from Next on, as far as the total
// (when known) tells.
func (jp *jpage) more() bool { return jp.Total <= 0 || jp.Next <= jp.Total }

// url is the request for the group that starts at Next.
func (jp *jpage) url() string {
	return jp.Endpoint + "?startrecord=" + strconv.Itoa(jp.Next) + "&endrecord=" + strconv.Itoa(jp.Next+jp.Group-1) +
		"&perpage=" + strconv.Itoa(jp.PerPage)
}

// key tells one group request from another in the run's queue: the same
// endpoint and range with another column's form is another request.
func (jp *jpage) key() string { return jp.url() + "\n" + jp.Form.Encode() }

// fetchPost fetches a jpage group: a POST of the column's form, with the
// politeness of every request (robots.txt, pacing, retries, anti-bot
// answers, the site's hosts). The answer is read as a page is: text/xml
// and text/html are; an answer of another type is skipped as not_html.
func (cr *crawl) fetchPost(ctx context.Context, jp *jpage) (*response, *FetchError, error) {
	cr.form = jp.Form.Encode()
	defer func() { cr.form = "" }()
	return cr.fetch(ctx, jp.url(), "", "")
}

// jpageGroup reads a dataproxy.jsp answer to the group request jp: its
// records' links, resolved against the column page, and the pager for the
// group after it (nil at the end). A body with no records where the total
// says more are left, or no datastore at all, is a FetchError of kind
// ErrJpage.
func jpageGroup(jp *jpage, resp *response) (listPage, *FetchError) {
	body := string(resp.html)
	recs := recordRe.FindAllStringSubmatch(body, -1)
	total := jp.Total
	if m := totalTagRe.FindStringSubmatch(body); m != nil {
		total, _ = strconv.Atoi(m[1])
	}
	if len(recs) == 0 {
		switch {
		case !datastoreRe.MatchString(body):
			return listPage{}, &FetchError{URL: jp.url(), Kind: ErrJpage, Status: resp.status,
				Err: fmt.Sprintf("column %s: dataproxy.jsp answered without a datastore (not a jpage answer: an error or web page); records %d on left unread", jp.Base, jp.Next)}
		case total > 0 && jp.Next <= total:
			return listPage{}, &FetchError{URL: jp.url(), Kind: ErrJpage, Status: resp.status,
				Err: fmt.Sprintf("column %s: dataproxy.jsp answered no records where the column's total (%d) says records %d on are left", jp.Base, total, jp.Next)}
		}
		return listPage{}, nil
	}
	frags := make([]string, len(recs))
	for i, m := range recs {
		frags[i] = m[1]
	}
	base, err := url.Parse(jp.Base)
	if err != nil {
		return listPage{}, &FetchError{URL: jp.url(), Kind: ErrJpage, Err: fmt.Sprintf("column page %q: %v", jp.Base, err)}
	}
	root, err := extract.Parse([]byte(strings.Join(frags, "\n")))
	if err != nil {
		return listPage{}, &FetchError{URL: jp.url(), Kind: ErrJpage, Status: resp.status, Err: fmt.Sprintf("column %s: records not parsed: %v", jp.Base, err)}
	}
	lp := parseList(goquery.NewDocumentFromNode(root), base, "")
	lp.links = dropJpageLinks(lp.links)
	next := *jp
	next.Total = total
	next.Next = jp.Next + jp.Group
	if next.more() {
		lp.jpages = []*jpage{&next}
	}
	return lp, nil
}

// dropJpageLinks removes the jpage endpoints from links, in place: pager
// requests, not reports.
func dropJpageLinks(links []link) []link {
	out := links[:0]
	for _, l := range links {
		if !isJpageProxy(l.URL) {
			out = append(out, l)
		}
	}
	return out
}
