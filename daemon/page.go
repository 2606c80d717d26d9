package daemon

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages are the parsed status-page templates.
type pages struct {
	index, site *template.Template
}

func newPages() (*pages, error) {
	funcs := template.FuncMap{
		"when": localTime,
		"whensec": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Local().Format("2006-01-02 15:04:05")
		},
		"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"relative": relative,
		"dur": func(d time.Duration) string {
			if d <= 0 {
				return "—"
			}
			return d.Round(100 * time.Millisecond).String()
		},
		"errs": summaryErrors,
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
}

// pageData is what both pages are rendered from.
type pageData struct {
	Now        time.Time
	Sites      []pageSite
	Problems   []FileProblems
	DirError   string
	Total      int
	Running    int
	Queued     int
	Failed     int
	Documents  int
	CanTrigger bool // no token is needed, so the page's buttons work

	// The site page's extras.
	Site     *pageSite
	History  []RunInfo
	Failures []failureRow
}

type failureRow struct {
	Kind, URL, Err string
}

func (d *Daemon) pageData(big bool) pageData {
	pd := pageData{Now: d.now(), CanTrigger: d.token == ""}
	pd.Problems, pd.DirError = d.reg.problems()
	years, runs := smallChart, smallRuns
	if big {
		years, runs = bigChart, bigRuns
	}
	for _, si := range d.siteInfos() {
		ps := pageSite{SiteInfo: si, Shown: si.LastRun}
		ps.Years = yearChart(d.docs.years(si.Name), years)
		ps.Runs = runsChart(d.runs.recent(si.Name, runs.maxBars), runs)
		pd.Sites = append(pd.Sites, ps)
		pd.Documents += si.Documents
		switch si.Status {
		case StatusRunning:
			pd.Running++
		case StatusQueued:
			pd.Queued++
		case StatusFailed:
			pd.Failed++
		}
	}
	pd.Total = len(pd.Sites)
	return pd
}

func (d *Daemon) indexPage(w http.ResponseWriter, _ *http.Request) {
	d.render(w, d.pages.index, d.pageData(false))
}

func (d *Daemon) sitePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok := d.reg.site(name); !ok {
		http.Error(w, "no site "+strconv.Quote(name)+" is loaded", http.StatusNotFound)
		return
	}
	pd := d.pageData(true)
	for i := range pd.Sites {
		if pd.Sites[i].Name == name {
			pd.Site = &pd.Sites[i]
		}
	}
	if pd.Site == nil { // removed between the two looks
		http.Error(w, "no site "+strconv.Quote(name)+" is loaded", http.StatusNotFound)
		return
	}
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

// localTime formats a time in the daemon's zone, to the minute.
func localTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
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
