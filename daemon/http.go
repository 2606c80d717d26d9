package daemon

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/harvest"
)

// SiteInfo is one site as GET /api/sites shows it.
type SiteInfo struct {
	Name     string   `json:"name"`
	Title    string   `json:"title,omitempty"`
	File     string   `json:"file"`
	Start    []string `json:"start"`
	Schedule string   `json:"schedule"`
	// NextRun is the next scheduled start, jitter offset included.
	NextRun time.Time `json:"next_run,omitzero"`
	// Status is the current run's status (queued, running), else the last
	// run's (ok, failed, cancelled), else "never".
	Status string `json:"status"`
	// CurrentRun is the queued or running run, if any.
	CurrentRun *RunInfo `json:"current_run,omitempty"`
	// LastRun is the last finished run, with its counts in its summary.
	LastRun *RunInfo `json:"last_run,omitempty"`
	// LastSuccess is when the last ok run finished; absent when the site
	// never had one. Only an ok run moves it.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// ConsecutiveFailures counts the failed runs since the last ok one
	// (every run, when none was ok). Cancelled runs neither count nor
	// reset it.
	ConsecutiveFailures int `json:"consecutive_failures"`
	// FailingSince is when the first of those failed runs started; absent
	// when ConsecutiveFailures is 0.
	FailingSince time.Time `json:"failing_since,omitzero"`
	// Stale is set when the site has had no ok run for longer than
	// stale_after: since its last success, or since its first run when it
	// never succeeded. A site that never ran is not stale.
	Stale bool `json:"stale"`
	// Documents is how many reports of the site the archive holds: a
	// report's page and files count once, listings not at all. (The name
	// is from when each page and file counted.)
	Documents int `json:"documents"`
	// ConfigError lists the problems of the site's file when it is broken
	// now; the site runs as it was last loaded.
	ConfigError string `json:"config_error,omitempty"`
}

// SitesResponse is the body of GET /api/sites: one page of the sites,
// ordered by name.
type SitesResponse struct {
	Sites []SiteInfo `json:"sites"`
	// Total is how many sites match the query's status and q, over every
	// page; Offset and Limit are the page's.
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	// Counts is how many of the sites loaded are in each health class
	// (failed, stale, ok, never), whatever the query.
	Counts map[string]int `json:"counts"`
	// Problems lists every site file that does not load.
	Problems []FileProblems `json:"problems"`
	// DirError is set when sites_dir itself could not be read at the last
	// reload; the sites loaded before keep running.
	DirError string `json:"dir_error,omitempty"`
}

// RunsResponse is the body of GET /api/runs.
type RunsResponse struct {
	Runs []RunInfo `json:"runs"`
}

// errorBody is the body of every API error.
type errorBody struct {
	Error string   `json:"error"`
	Run   *RunInfo `json:"run,omitempty"` // the run already going, with 409
	// Sites names the sites loaded, with 404 for a site that is not.
	Sites []string `json:"sites,omitempty"`
}

// unknownSite is the 404 body for a site name that names no site: what is
// wrong, and the names that would have been right.
func (d *Daemon) unknownSite(name, what string) errorBody {
	list := d.reg.list()
	names := make([]string, len(list))
	for i, rs := range list {
		names[i] = rs.site.Name
	}
	msg := fmt.Sprintf("no site %q %s", name, what)
	switch {
	case len(names) == 0:
		msg += "; no sites are loaded"
	case len(names) <= 10:
		msg += "; the sites are " + strings.Join(names, ", ")
	default:
		msg += fmt.Sprintf("; there are %d sites: GET /api/sites lists them", len(names))
	}
	return errorBody{Error: msg, Sites: names}
}

// Handler is the daemon's HTTP interface, as served on a listener bound to
// addr: every path behind the Host check (see checkHost), which answers
// to the configured listen address's name, addr's IP address, loopback
// addresses and localhost, the machine's host name, and allowed_hosts (and
// to any IP address when addr is 0.0.0.0 or ::).
func (d *Daemon) Handler(addr net.Addr) http.Handler {
	p := newHostPolicy(d.cfg.Listen, addr, d.host, d.cfg.AllowedHosts)
	return d.checkHost(p, d.routes())
}

// routes are the daemon's paths, without the Host check.
func (d *Daemon) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", d.healthz)
	mux.HandleFunc("GET /api/sites", d.apiSites)
	mux.HandleFunc("GET /api/sites/{name}", d.apiSite)
	mux.HandleFunc("GET /api/runs", d.apiRuns)
	mux.HandleFunc("GET /metrics", d.serveMetrics)
	mux.HandleFunc("GET /{$}", d.indexPage)
	mux.HandleFunc("GET /sites/{name}", d.sitePage)

	// Writes: the token when one is set, and never from another web origin
	// (a page elsewhere must not make a browser on this machine trigger crawls).
	cop := http.NewCrossOriginProtection()
	mux.Handle("POST /api/sites/{name}/crawl", cop.Handler(d.requireToken(http.HandlerFunc(d.apiCrawl))))
	mux.Handle("POST /sites/{name}/crawl", cop.Handler(d.requireToken(http.HandlerFunc(d.formCrawl))))
	return mux
}

func (d *Daemon) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// requireToken refuses a request without the API token, when one is set.
func (d *Daemon) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(d.token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="nianbao"`)
				writeJSON(w, http.StatusUnauthorized, errorBody{Error: "this daemon needs its API token: send Authorization: Bearer <api_token>"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// apiSites answers one page of the sites: ?limit= (default
// DefaultPageSize, at most MaxPageSize), ?offset= or ?page= (1-based),
// ?status= (a health class) and ?q= (part of a name or title).
func (d *Daemon) apiSites(w http.ResponseWriter, r *http.Request) {
	lq, err := parseListQuery(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: err.Error()})
		return
	}
	probs, dirErr := d.reg.problems()
	if probs == nil {
		probs = []FileProblems{}
	}
	l := listSites(d.briefs(), lq, false)
	writeJSON(w, http.StatusOK, SitesResponse{Sites: d.infos(l.Sites), Total: l.Total, Offset: lq.Offset, Limit: lq.Limit,
		Counts: l.Counts, Problems: probs, DirError: dirErr})
}

func (d *Daemon) apiSite(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if si, ok := d.siteInfoOf(name); ok {
		writeJSON(w, http.StatusOK, si)
		return
	}
	writeJSON(w, http.StatusNotFound, d.unknownSite(name, "is loaded"))
}

// siteInfos builds the API view of every site, ordered by name.
func (d *Daemon) siteInfos() []SiteInfo {
	now := d.now()
	next := d.sched.next()
	list := d.reg.list()
	out := make([]SiteInfo, 0, len(list))
	for _, rs := range list {
		out = append(out, d.siteInfo(rs, now, next[rs.site.Name]))
	}
	return out
}

// siteInfoOf builds the API view of one site.
func (d *Daemon) siteInfoOf(name string) (SiteInfo, bool) {
	rs, ok := d.reg.get(name)
	if !ok {
		return SiteInfo{}, false
	}
	return d.siteInfo(rs, d.now(), d.sched.nextOf(name)[name]), true
}

// siteInfo builds the API view of a site.
func (d *Daemon) siteInfo(rs registeredSite, now, next time.Time) SiteInfo {
	s := rs.site
	si := SiteInfo{
		Name: s.Name, Title: s.Title, File: s.File, Start: []string(s.Start), Schedule: s.Schedule,
		NextRun: next, Status: "never", Documents: d.docs.total(s.Name),
		ConfigError: strings.Join(rs.problems, "\n"),
	}
	if si.Start == nil {
		si.Start = []string{}
	}
	if last := d.runs.last(s.Name); last != nil {
		si.LastRun = last
		si.Status = last.Status
	}
	h := d.health.get(s.Name)
	si.LastSuccess = h.LastSuccess
	si.ConsecutiveFailures, si.FailingSince = h.Failures, h.FailingSince
	si.Stale = h.stale(now, d.staleAfter)
	if cur, going := d.runs.current(s.Name); going {
		si.CurrentRun = &cur
		si.Status = cur.Status
	}
	return si
}

func (d *Daemon) apiRuns(w http.ResponseWriter, r *http.Request) {
	site := r.URL.Query().Get("site")
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, errorBody{Error: "limit must be a positive number"})
			return
		}
		limit = n
	}
	runs, known, err := d.runsOf(r.Context(), site, limit)
	switch {
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: err.Error()})
		return
	case !known:
		writeJSON(w, http.StatusNotFound, d.unknownSite(site, "is loaded or in the archive"))
		return
	}
	if runs == nil {
		runs = []RunInfo{}
	}
	writeJSON(w, http.StatusOK, RunsResponse{Runs: runs})
}

// runsOf returns up to limit recent runs of a site, newest first (of every
// site for ""). A site that is not loaded (its file was removed) still has
// the runs the archive recorded; known is false for a name that is neither
// loaded nor in the archive.
func (d *Daemon) runsOf(ctx context.Context, site string, limit int) (runs []RunInfo, known bool, err error) {
	if _, loaded := d.reg.site(site); loaded || site == "" {
		return d.runs.recent(site, limit), true, nil
	}
	if runs := d.runs.recent(site, limit); len(runs) > 0 {
		return runs, true, nil // removed while its run went on
	}
	recs, err := d.archive.Runs(ctx, site, limit)
	if err != nil {
		return nil, false, fmt.Errorf("runs of %s: %w", site, err)
	}
	for _, rec := range recs {
		runs = append(runs, fromArchive(rec))
	}
	if len(runs) > 0 {
		return runs, true, nil
	}
	docs, err := d.archive.Versions(ctx, archive.Filter{Site: site})
	if err != nil {
		return nil, false, fmt.Errorf("documents of %s: %w", site, err)
	}
	return nil, len(docs) > 0, nil
}

// apiCrawl answers 202 with the new run, 409 with the run already going,
// 404 for an unknown site and 503 while shutting down.
func (d *Daemon) apiCrawl(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	run, err := d.Trigger(name)
	var busy *BusyError
	switch {
	case err == nil:
		w.Header().Set("Location", "/api/runs?site="+url.QueryEscape(name))
		writeJSON(w, http.StatusAccepted, run)
	case errors.As(err, &busy):
		writeJSON(w, http.StatusConflict, errorBody{Error: err.Error(), Run: &busy.Run})
	case errors.Is(err, ErrUnknownSite):
		writeJSON(w, http.StatusNotFound, d.unknownSite(name, "is loaded"))
	case errors.Is(err, ErrStopping), errors.Is(err, ErrNotRunning):
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: err.Error()})
	}
}

// formCrawl is the status page's "Crawl now" button: it triggers a run
// (a run already going is fine) and goes back to the site's page.
func (d *Daemon) formCrawl(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	_, err := d.Trigger(name)
	var busy *BusyError
	switch {
	case err == nil, errors.As(err, &busy):
		http.Redirect(w, r, "/sites/"+url.PathEscape(name), http.StatusSeeOther)
	case errors.Is(err, ErrUnknownSite):
		http.Error(w, d.unknownSite(name, "is loaded").Error, http.StatusNotFound)
	default:
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	}
}

func (d *Daemon) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	queued, running := d.runs.counts()
	probs, _ := d.reg.problems()
	list := d.reg.list()
	docs := make(map[string]int, len(list))
	health := make(map[string]siteGauges, len(list))
	names := make([]string, len(list))
	now := d.now()
	for i, rs := range list {
		name := rs.site.Name
		names[i] = name
		docs[name] = d.docs.total(name)
		h := d.health.get(name)
		health[name] = siteGauges{lastSuccess: h.LastSuccess, failures: h.Failures, stale: h.stale(now, d.staleAfter)}
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	err := d.metrics.write(w, gauges{sites: len(list), brokenFiles: len(probs), queued: queued, running: running,
		documents: docs, health: health, names: names, goroutines: runtime.NumGoroutine(), heapBytes: ms.HeapAlloc})
	if err != nil {
		d.log.Debug("writing metrics", "err", err)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// summaryErrors is a run's failures by kind, as "http_4xx=2 robots=1".
func summaryErrors(s *harvest.Summary) string {
	if s == nil || len(s.Errors) == 0 {
		return ""
	}
	var parts []string
	for _, k := range sortedKeys(s.Errors) {
		parts = append(parts, k+"="+strconv.Itoa(s.Errors[k]))
	}
	return strings.Join(parts, " ")
}
