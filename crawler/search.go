package crawler

import (
	"context"
	"errors"
	"golang.org/x/text/encoding"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/extract"
)

// searchWords are the words a portal's own search form is asked, in
// order: the report vocabulary (DOMAIN.md §2.11).
var searchWords = []string{"法治政府建设 报告", "政府信息公开 年度报告"}

// searchFieldNames are the names (lower-cased) of the text input a search
// form takes its words in.
var searchFieldNames = map[string]bool{
	"q": true, "query": true, "keyword": true, "keywords": true, "searchword": true,
	"wd": true, "word": true, "kw": true, "key": true, "title": true, "sw": true,
}

// maxSearchForms bounds the distinct search forms asked per run.
const maxSearchForms = 3

// maxSearchPages bounds the result pages read per query (the first and
// those its pagination leads to), within discover_pages.
const maxSearchPages = 10

// searchReserve is how many of discover_pages discovery leaves to the
// search once it knows a search form (never more than half of them): a
// portal of many columns must not spend them all on pages.
var searchReserve = 2 * len(searchWords)

// searchForm is a GET search form on the site's hosts.
type searchForm struct {
	action string      // absolute, its query dropped: the form's data replaces it
	fields []formField // in document order
	page   string      // the page it was found on
	// charset is the encoding a browser sends the form's data in: its
	// accept-charset, else its page's (a GBK portal's search expects GBK
	// bytes in the query). "" or "utf-8": UTF-8.
	charset string
}

// formField is a name and value a form sends; query marks the field the
// search words go in.
type formField struct {
	name, value string
	query       bool
}

// key identifies a form: the same form in every page's chrome is one.
func (f searchForm) key() string {
	var b strings.Builder
	b.WriteString(f.action)
	for _, fl := range f.fields {
		b.WriteByte('\x00')
		b.WriteString(fl.name)
		if !fl.query {
			b.WriteByte('=')
			b.WriteString(fl.value)
		}
	}
	return b.String()
}

// url is the URL a browser asks when the form is sent with q: the
// action, its query replaced by the fields in document order.
func (f searchForm) url(q string) string {
	u, _ := url.Parse(f.action) // parsed when the form was read
	enc := formEncoder(f.charset)
	parts := make([]string, 0, len(f.fields))
	for _, fl := range f.fields {
		v := fl.value
		if fl.query {
			v = q
		}
		parts = append(parts, url.QueryEscape(enc(fl.name))+"="+url.QueryEscape(enc(v)))
	}
	u.RawQuery = strings.Join(parts, "&")
	return u.String()
}

// formEncoder returns what turns a form's text into the bytes a browser
// sends for it in charset: characters the charset lacks as &#N; (as
// browsers write them). UTF-8, and a charset nianbao does not know, are
// sent as they are.
func formEncoder(charset string) func(string) string {
	e, name, err := lookup(charset)
	if charset == "" || err != nil || name == "utf-8" {
		return func(s string) string { return s }
	}
	enc := encoding.HTMLEscapeUnsupported(e.NewEncoder())
	return func(s string) string {
		out, err := enc.String(s)
		if err != nil {
			return s
		}
		return out
	}
}

// formCharset is the encoding a form's data is sent in: the first of its
// accept-charset that nianbao knows, else its page's.
func formCharset(form *goquery.Selection, page string) string {
	for _, label := range strings.FieldsFunc(form.AttrOr("accept-charset", ""), func(r rune) bool { return r == ' ' || r == ',' }) {
		if _, name, err := lookup(label); err == nil {
			return name
		}
	}
	return page
}

// searchForms returns the search forms of a page: method GET (or none),
// an action on the site's hosts, a text input named like a query field
// (searchFieldNames); its hidden inputs and selects are kept.
//
// pageEnc is the encoding the page was read in: the forms' data is sent
// in it, unless a form's accept-charset says otherwise.
func (cr *crawl) searchForms(doc *goquery.Document, base *url.URL, pageEnc string) []searchForm {
	var out []searchForm
	doc.Find("form").Each(func(_ int, form *goquery.Selection) {
		if m := strings.ToLower(strings.TrimSpace(form.AttrOr("method", ""))); m != "" && m != "get" {
			return
		}
		action, err := base.Parse(strings.TrimSpace(form.AttrOr("action", "")))
		if err != nil || (action.Scheme != "http" && action.Scheme != "https") || !cr.onSite(action) {
			return
		}
		action.RawQuery, action.Fragment = "", ""
		f := searchForm{action: action.String(), page: base.String(), charset: formCharset(form, pageEnc)}
		hasQuery := false
		form.Find("input, select").Each(func(_ int, in *goquery.Selection) {
			name := strings.TrimSpace(in.AttrOr("name", ""))
			if name == "" {
				return
			}
			if goquery.NodeName(in) == "select" {
				opt := in.Find("option[selected]").First()
				if opt.Length() == 0 {
					opt = in.Find("option").First()
				}
				if opt.Length() > 0 {
					f.fields = append(f.fields, formField{name: name, value: opt.AttrOr("value", strings.TrimSpace(opt.Text()))})
				}
				return
			}
			switch strings.ToLower(strings.TrimSpace(in.AttrOr("type", "text"))) {
			case "hidden":
				f.fields = append(f.fields, formField{name: name, value: in.AttrOr("value", "")})
			case "text", "search", "":
				if !hasQuery && searchFieldNames[strings.ToLower(name)] {
					hasQuery = true
					f.fields = append(f.fields, formField{name: name, query: true})
				}
			}
		})
		if hasQuery {
			out = append(out, f)
		}
	})
	return out
}

// noteForms keeps the search forms of a start page, for when discovery
// begins from it (discover). Other list pages' forms are not kept.
func (cr *crawl) noteForms(j job, doc *goquery.Document, base *url.URL, pageEnc string) {
	if cr.site.DiscoverPages <= 0 || !j.start || j.url != j.root {
		return
	}
	if fs := cr.searchForms(doc, base, pageEnc); len(fs) > 0 {
		cr.discovery().startForms[j.root] = fs
	}
}

// addForms keeps the forms not seen yet, up to maxSearchForms.
func (d *discovery) addForms(fs []searchForm) {
	for _, f := range fs {
		if len(d.forms) >= maxSearchForms {
			return
		}
		if k := f.key(); !d.formKeys[k] {
			d.formKeys[k] = true
			d.forms = append(d.forms, f)
		}
	}
}

// reserve is how many discovery pages are kept for the search: some
// while a search form is known, the search has not run and no column was
// found; none otherwise.
func (cr *crawl) reserve() int {
	d := cr.disc
	if d == nil || d.searched || len(d.forms) == 0 || len(cr.stats.Columns) > 0 {
		return 0
	}
	return min(searchReserve, d.budget/2)
}

// search asks the portal's own search forms for the reports, once per
// run, when discovery has read its pages and found no report column: each
// form, each query of searchWords, its result pages read as list pages
// (parseList) while they bring new report links, within what is left of
// discover_pages. The report links on the site's hosts are returned, to
// be fetched as a column's are; the result pages are never columns.
// queued holds the URLs the run has read: they are not asked again. ran
// says whether the search ran (and so discovery may have pages left).
func (cr *crawl) search(ctx context.Context, queued map[string]bool) (found []candidate, ran bool, err error) {
	d := cr.disc
	if cr.site.DiscoverPages <= 0 || d == nil || d.searched || len(d.from) == 0 || len(cr.stats.Columns) > 0 {
		return nil, false, nil
	}
	d.searched = true
	if len(d.forms) == 0 {
		return nil, false, nil
	}
	var out []candidate
	seen := map[string]bool{}
	for _, f := range d.forms {
		for _, q := range searchWords {
			if d.pages >= d.budget {
				cr.log.Info("site search stopped: discover_pages reached", "discover_pages", d.budget, "form", f.action)
				d.searchFound += len(out)
				return out, true, nil
			}
			found, err := cr.searchQuery(ctx, f, q, queued, seen)
			if err != nil {
				return nil, true, err
			}
			out = append(out, found...)
		}
	}
	d.searchFound += len(out)
	return out, true, nil
}

// searchQuery asks form f for q and reads its result pages: the first,
// then those its pagination leads to while each brings a new report link.
// A search that answers nothing, the same page over again, or an error
// ends there.
func (cr *crawl) searchQuery(ctx context.Context, f searchForm, q string, queued, seen map[string]bool) ([]candidate, error) {
	d := cr.disc
	first := f.url(q)
	next := []string{first}
	var out []candidate
	pages, offsite := 0, 0
	why := "no more result pages"
	cr.stats.SearchQueries++
	for len(next) > 0 {
		if pages >= maxSearchPages || d.pages >= d.budget {
			why = "result pages bound reached"
			break
		}
		pu := next[0]
		next = next[1:]
		if queued[pu] {
			continue
		}
		queued[pu] = true
		pages++
		d.pages++
		cr.stats.DiscoveryPages++
		resp, fe, err := cr.fetch(ctx, pu, "", "")
		if err != nil {
			return nil, err
		}
		if fe != nil {
			if isSkip(fe.Kind) {
				cr.stats.skipFetch(fe)
			} else {
				cr.stats.fail(fe)
			}
			why = "result page failed: " + fe.Kind
			break
		}
		if resp.file {
			why = "a file, not a result page"
			break
		}
		base, _ := url.Parse(resp.url)
		root, err := extract.Parse(resp.html)
		if err != nil {
			kind := ErrDecode
			if errors.Is(err, extract.ErrTooComplex) {
				kind = ErrTooComplex
			}
			cr.stats.fail(&FetchError{URL: pu, Kind: kind, Status: resp.status, Err: err.Error()})
			why = "result page not parsed"
			break
		}
		lp := parseList(goquery.NewDocumentFromNode(root), base, cr.site.Selectors.Links)
		fresh := 0
		for _, l := range lp.links {
			if !(cr.site.IsReport(l.Text) || cr.site.IsReport(l.Title) || cr.site.IsReport(l.Row)) || columnLike(l) || seen[l.URL] {
				continue
			}
			seen[l.URL] = true
			if u, err := url.Parse(l.URL); err != nil || !cr.onSite(u) {
				offsite++
				cr.stats.skip(SkipOffsite)
				continue
			}
			fresh++
			out = append(out, candidate{link: l, list: resp.url})
		}
		if fresh == 0 {
			why = "a result page with no new report link"
			break
		}
		for _, n := range append(lp.next, lp.gen...) {
			if u, err := url.Parse(n); err == nil && cr.onSite(u) && !queued[n] {
				next = append(next, n)
			}
		}
	}
	cr.log.Info("site search", "url", first, "query", q, "form_page", f.page, "result_pages", pages,
		"reports", len(out), "offsite", offsite, "stopped", why)
	return out, nil
}
