package daemon

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages are the parsed status-page templates.
type pages struct {
	index, site *template.Template
}

func newPages() (*pages, error) {
	funcs := template.FuncMap{
		"when":     inZone,
		"whensec":  inZoneSec,
		"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"relative": relative,
		"dur": func(d time.Duration) string {
			if d <= 0 {
				return "—"
			}
			return d.Round(100 * time.Millisecond).String()
		},
		"errs":   summaryErrors,
		"plural": plural,
		"health": func(s *pageSite, pd pageData) healthView {
			return healthView{Site: s, StaleAfter: days(pd.StaleAfter)}
		},
	}
	parse := func(name string) (*template.Template, error) {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/base.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("daemon: parse %s: %w", name, err)
		}
		return t, nil
	}
	index, err := parse("index.html")
	if err != nil {
		return nil, err
	}
	site, err := parse("site.html")
	if err != nil {
		return nil, err
	}
	return &pages{index: index, site: site}, nil
}

// pageSite is a site as the status page shows it.
type pageSite struct {
	SiteInfo
	Years chart
	Runs  chart
	// Shown is the run the row's counts come from: the last finished one.
	Shown *RunInfo
	// Zone is the zone the site's times are shown in: its schedule's
	// CRON_TZ, else the daemon's.
	Zone *time.Location
	// Cause is why the last finished run failed, shortened to fit a table
	// cell; CauseFull is all of it. Both empty unless it failed.
	Cause, CauseFull string
}

// pageData is what both pages are rendered from.
type pageData struct {
	Now       time.Time
	Sites     []*pageSite
	Problems  []FileProblems
	DirError  string
	Total     int
	Running   int
	Queued    int
	Failed    int
	Stale     int
	Documents int
	// Zone is the daemon's own zone, for the page's time of update.
	Zone *time.Location
	// StaleAfter is stale_after, for the stale flag's tooltip.
	StaleAfter time.Duration
	CanTrigger bool // no token is needed, so the page's buttons work

	// The index page's list: the health classes' counts over every site,
	// the query the page answers, and how many sites match it.
	Counts   map[string]int
	Query    listQuery
	Matching int
	Page     int // 1-based
	Pages    int
	PrevLink string // "" on the first page
	NextLink string // "" on the last page
	// MoreProblems is how many broken files the page does not list (the
	// API lists them all).
	MoreProblems int

	// The site page's extras.
	Site     *pageSite
	History  []RunInfo
	Failures []failureRow
}

// healthView is what the "health" template shows of a site.
type healthView struct {
	Site       *pageSite
	StaleAfter string
}

// days writes a duration in days when it is whole days ("7 days"), as
// stale_after usually is.
func days(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return plural(int(d/(24*time.Hour)), "day")
	}
	return d.String()
}

type failureRow struct {
	Kind, URL, Err string
}

// maxPageProblems is how many broken site files the status page lists.
const maxPageProblems = 50

// pageData is what a page is rendered from: the summary counted over
// every site in all, and rows (with their charts) for shown.
func (d *Daemon) pageData(all []siteBrief, shown []SiteInfo, big bool) pageData {
	pd := pageData{Now: d.now(), CanTrigger: d.token == "", Zone: d.zones.local, StaleAfter: d.staleAfter}
	pd.Problems, pd.DirError = d.reg.problems()
	years, runs := smallChart, smallRuns
	if big {
		years, runs = bigChart, bigRuns
	}
	for _, b := range all {
		pd.Documents += b.docs
		if b.stale {
			pd.Stale++
		}
		switch b.status {
		case StatusRunning:
			pd.Running++
		case StatusQueued:
			pd.Queued++
		case StatusFailed:
			pd.Failed++
		}
	}
	pd.Total = len(all)
	for _, si := range shown {
		ps := &pageSite{SiteInfo: si, Shown: si.LastRun, Zone: d.zones.of(si.Schedule)}
		if last := si.LastRun; last != nil && last.Status == StatusFailed {
			ps.CauseFull = last.Error
			if ps.CauseFull == "" {
				ps.CauseFull = "no cause recorded"
			}
			ps.Cause = shortCause(ps.CauseFull, si.Start)
		}
		ps.Years = yearChart(d.docs.years(si.Name), years)
		ps.Runs = runsChart(d.runs.recent(si.Name, runs.maxBars), runs, ps.Zone)
		pd.Sites = append(pd.Sites, ps)
	}
	return pd
}

// indexPage is the status page: the counts of every site at the top, then
// one page of the sites, failing and stale ones first. Its query string
// holds all its state: ?status= (a health class), ?q= (part of a name or
// title) and ?page=.
func (d *Daemon) indexPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	v.Del("limit") // the page's size is the page's
	v.Del("offset")
	lq, err := parseListQuery(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	all := d.briefs()
	l := listSites(all, lq, true)
	pd := d.pageData(all, d.infos(l.Sites), false)
	if len(pd.Problems) > maxPageProblems {
		pd.MoreProblems = len(pd.Problems) - maxPageProblems
		pd.Problems = pd.Problems[:maxPageProblems]
	}
	pd.Counts, pd.Query, pd.Matching = l.Counts, lq, l.Total
	pd.Page = lq.Offset/lq.Limit + 1
	pd.Pages = max(1, (l.Total+lq.Limit-1)/lq.Limit)
	if pd.Page > 1 {
		pd.PrevLink = lq.pageLink(min(pd.Page-1, pd.Pages))
	}
	if pd.Page < pd.Pages {
		pd.NextLink = lq.pageLink(pd.Page + 1)
	}
	d.render(w, d.pages.index, pd)
}

func (d *Daemon) sitePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	si, ok := d.siteInfoOf(name)
	if !ok {
		http.Error(w, d.unknownSite(name, "is loaded").Error, http.StatusNotFound)
		return
	}
	pd := d.pageData(nil, []SiteInfo{si}, true) // the site page shows no summary of the others
	pd.Site = pd.Sites[0]
	pd.History = d.runs.recent(name, 0)
	if last := pd.Site.LastRun; last != nil && last.Summary != nil {
		for _, f := range last.Summary.Failures {
			pd.Failures = append(pd.Failures, failureRow{Kind: f.Kind, URL: f.URL, Err: f.Err})
		}
	}
	d.render(w, d.pages.site, pd)
}

// render executes into a buffer first, so a template error is a clean 500
// and not half a page.
func (d *Daemon) render(w http.ResponseWriter, t *template.Template, data pageData) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		d.log.Error("render status page", "err", err)
		http.Error(w, "cannot render the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// causeRunes is how much of a failed run's cause the table shows; all of
// it is in the cell's tooltip and on the site's page.
const causeRunes = 160

// shortCause is a failed run's cause as the table shows it: without the
// scheme and host of the site's own start pages (the row says which site
// it is, and the paths say which pages), cut to causeRunes. So the part
// that says what went wrong ("connection refused", "no such host") fits.
func shortCause(cause string, start []string) string {
	var olds []string
	for _, s := range start {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			olds = append(olds, u.Scheme+"://"+u.Host, "")
		}
	}
	if len(olds) > 0 {
		cause = strings.NewReplacer(olds...).Replace(cause)
	}
	return shorten(cause, causeRunes)
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// relative says how far t is from now: "in 3h 20m", "5m ago".
func relative(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := t.Sub(now)
	future := d > 0
	if !future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute && future:
		s = strconv.Itoa(max(1, int(d.Seconds()))) + "s"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = strconv.Itoa(int(d.Minutes())) + "m"
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		s = strconv.Itoa(int(d.Hours()/24)) + "d"
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}
