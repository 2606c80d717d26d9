package daemon

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Health classes: how a site's runs have gone, for counting, filtering and
// ordering the site list. A site is in exactly one class.
const (
	ClassFailed = "failed" // failed runs since its last ok one
	ClassStale  = "stale"  // no failures counted, but no ok run for longer than stale_after
	ClassOK     = "ok"     // ran, and neither failing nor stale
	ClassNever  = "never"  // no run has finished (or only cancelled ones), and it is not stale
)

// classes are the health classes in the order the list shows them.
var classes = []string{ClassFailed, ClassStale, ClassOK, ClassNever}

// classify is the health class of a site with failures failed runs since
// its last success (zero: never), stale or not.
func classify(failures int, stale bool, lastSuccess time.Time) string {
	switch {
	case failures > 0:
		return ClassFailed
	case stale:
		return ClassStale
	case !lastSuccess.IsZero():
		return ClassOK
	}
	return ClassNever
}

// classRank orders the classes: the ones that need a person first.
func classRank(class string) int {
	for i, c := range classes {
		if c == class {
			return i
		}
	}
	return len(classes)
}

// Site list page sizes.
const (
	// DefaultPageSize is how many sites a page of the status page or of
	// GET /api/sites holds when the request does not say.
	DefaultPageSize = 100
	// MaxPageSize bounds GET /api/sites?limit=.
	MaxPageSize = 1000
)

// listQuery is what a request asks of the site list: a health class, a
// part of the name or title, and which slice of the matching sites.
type listQuery struct {
	Status string // "" or one of classes
	Q      string // a substring of the name or title, case-insensitive ("" any)
	Offset int
	Limit  int
}

// parseListQuery reads status, q, page, limit and offset from a query
// string. page is 1-based and counts limit sites a page; offset, when
// given, wins over page.
func parseListQuery(v url.Values) (listQuery, error) {
	lq := listQuery{Status: v.Get("status"), Q: strings.TrimSpace(v.Get("q")), Limit: DefaultPageSize}
	if lq.Status != "" && classRank(lq.Status) == len(classes) {
		return lq, fmt.Errorf("status must be one of %s, not %q", strings.Join(classes, ", "), lq.Status)
	}
	num := func(key string, min int) (int, bool, error) {
		s := v.Get(key)
		if s == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min {
			return 0, false, fmt.Errorf("%s must be a whole number of at least %d, not %q", key, min, s)
		}
		return n, true, nil
	}
	if n, ok, err := num("limit", 1); err != nil {
		return lq, err
	} else if ok {
		lq.Limit = min(n, MaxPageSize)
	}
	if n, ok, err := num("page", 1); err != nil {
		return lq, err
	} else if ok {
		lq.Offset = min(n-1, math.MaxInt32) * lq.Limit // a page past every site is empty, never an overflow
	}
	if n, ok, err := num("offset", 0); err != nil {
		return lq, err
	} else if ok {
		lq.Offset = min(n, math.MaxInt32*MaxPageSize)
	}
	return lq, nil
}

// match reports whether a site is one the query asks for (paging aside).
func (lq listQuery) match(b siteBrief) bool {
	if lq.Status != "" && b.class != lq.Status {
		return false
	}
	if lq.Q == "" {
		return true
	}
	q := strings.ToLower(lq.Q)
	return strings.Contains(strings.ToLower(b.rs.site.Name), q) || strings.Contains(strings.ToLower(b.rs.site.Title), q)
}

// siteBrief is what the list needs of every site to count, filter and
// order them; the rest of a SiteInfo is built for the shown page alone.
type siteBrief struct {
	rs     registeredSite
	status string // as SiteInfo.Status
	class  string
	stale  bool
	docs   int
}

// briefs returns every site's brief, in name order.
func (d *Daemon) briefs() []siteBrief {
	now := d.now()
	list := d.reg.list()
	out := make([]siteBrief, len(list))
	for i, rs := range list {
		name := rs.site.Name
		h := d.health.get(name)
		stale := h.stale(now, d.staleAfter)
		out[i] = siteBrief{rs: rs, status: d.runs.status(name), class: classify(h.Failures, stale, h.LastSuccess),
			stale: stale, docs: d.docs.total(name)}
	}
	return out
}

// siteList is one page of the site list and what it was cut from.
type siteList struct {
	Sites []siteBrief
	// Total is how many sites match the query, over every page.
	Total int
	// Counts is how many sites are in each health class, over every
	// site loaded (the query aside).
	Counts map[string]int
}

// listSites filters briefs by lq, orders them (by health class, the ones
// needing a person first, when byClass; else as given) and cuts the page
// out.
func listSites(briefs []siteBrief, lq listQuery, byClass bool) siteList {
	var counts [4]int // per class, in the order of classes
	// The matching sites' indexes, one bucket per class when ordering by
	// class (the order within each is kept), else one for all.
	var buckets [4][]int32
	for i, b := range briefs {
		rank := classRank(b.class)
		counts[rank]++
		if !lq.match(b) {
			continue
		}
		if !byClass {
			rank = 0
		}
		buckets[rank] = append(buckets[rank], int32(i))
	}
	out := siteList{Counts: make(map[string]int, len(classes))}
	for i, c := range classes {
		out.Counts[c] = counts[i]
		out.Total += len(buckets[i])
	}
	skip, left := lq.Offset, lq.Limit
	for _, bucket := range buckets {
		if skip >= len(bucket) {
			skip -= len(bucket)
			continue
		}
		for _, i := range bucket[skip:] {
			if left == 0 {
				break
			}
			out.Sites = append(out.Sites, briefs[i])
			left--
		}
		skip = 0
	}
	return out
}

// infos builds the API view of the sites of a page.
func (d *Daemon) infos(page []siteBrief) []SiteInfo {
	out := make([]SiteInfo, 0, len(page))
	if len(page) == 0 {
		return out
	}
	now := d.now()
	names := make([]string, len(page))
	for i, b := range page {
		names[i] = b.rs.site.Name
	}
	next := d.sched.nextOf(names...)
	for _, b := range page {
		out = append(out, d.siteInfo(b.rs, now, next[b.rs.site.Name]))
	}
	return out
}

// pageLink is the query string of another page of the same list: the
// status and q kept, escaped.
func (lq listQuery) pageLink(page int) string {
	v := url.Values{}
	if lq.Status != "" {
		v.Set("status", lq.Status)
	}
	if lq.Q != "" {
		v.Set("q", lq.Q)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}
