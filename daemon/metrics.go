package daemon

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// durationBuckets are the upper bounds, in seconds, of the run-duration
// histogram: a small portal takes seconds, a big one with a 2 s politeness
// delay tens of minutes.
var durationBuckets = []float64{1, 5, 15, 60, 300, 900, 3600}

// siteMetrics are the counters of one site since the daemon started.
type siteMetrics struct {
	runs             map[string]float64 // by status
	skipped          float64            // ticks skipped because a run was still going
	listPages        float64
	pages            float64
	bytes            float64
	errors           map[string]float64 // by kind
	documents        float64
	versions         float64
	sources          float64
	unchanged        float64
	notModified      float64
	retries          float64
	discoveryPages   float64 // pages read to find report columns (search result pages included)
	searchQueries    float64 // queries sent to portals' own search forms
	columns          float64 // report columns found by the last run that looked for them (a gauge)
	files            float64
	filesWithoutText map[string]float64 // by reason
	durBuckets       []float64          // cumulative counts per durationBuckets
	durSum           float64
	durCount         float64
	lastRun          time.Time
}

// metrics holds what /metrics exposes. Gauges that describe the present
// (sites loaded, runs going, documents archived) are read when scraped.
type metrics struct {
	mu    sync.Mutex
	sites map[string]*siteMetrics
}

func newMetrics() *metrics { return &metrics{sites: map[string]*siteMetrics{}} }

func (m *metrics) site(name string) *siteMetrics {
	s, ok := m.sites[name]
	if !ok {
		s = &siteMetrics{runs: map[string]float64{}, errors: map[string]float64{},
			durBuckets: make([]float64, len(durationBuckets))}
		m.sites[name] = s
	}
	return s
}

// observe counts a finished run.
func (m *metrics) observe(r RunInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.site(r.Site)
	s.runs[r.Status]++
	s.lastRun = r.FinishedAt
	sum := r.Summary
	if sum == nil {
		return
	}
	s.listPages += float64(sum.ListPages)
	s.pages += float64(sum.PagesFetched)
	s.bytes += float64(sum.Bytes)
	for kind, n := range sum.Errors {
		s.errors[kind] += float64(n)
	}
	s.documents += float64(sum.NewDocuments)
	s.versions += float64(sum.NewVersions)
	s.sources += float64(sum.NewSources)
	s.unchanged += float64(sum.Unchanged)
	s.notModified += float64(sum.NotModified)
	s.retries += float64(sum.Retries)
	s.discoveryPages += float64(sum.DiscoveryPages)
	s.searchQueries += float64(sum.SearchQueries)
	if sum.DiscoveryPages > 0 || len(sum.Columns) > 0 {
		s.columns = float64(len(sum.Columns))
	}
	s.files += float64(sum.Files)
	for why, n := range sum.FilesWithoutText {
		if s.filesWithoutText == nil {
			s.filesWithoutText = map[string]float64{}
		}
		s.filesWithoutText[why] += float64(n)
	}
	d := sum.Duration.Seconds()
	for i, b := range durationBuckets {
		if d <= b {
			s.durBuckets[i]++
		}
	}
	s.durSum += d
	s.durCount++
}

// skip counts a scheduled tick skipped because the site was still busy.
func (m *metrics) skip(site string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.site(site).skipped++
}

// forget drops the series of sites that are gone.
func (m *metrics) forget(keep func(site string) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name := range m.sites {
		if !keep(name) {
			delete(m.sites, name)
		}
	}
}

// gauges are the present-state values read at scrape time.
type gauges struct {
	sites, brokenFiles, queued, running int
	documents                           map[string]int        // per site
	health                              map[string]siteGauges // per site loaded
	goroutines                          int
	heapBytes                           uint64
}

// siteGauges are a site's health as the metrics show it.
type siteGauges struct {
	lastSuccess time.Time // zero: never
	failures    int
	stale       bool
}

// write renders the Prometheus text exposition format (version 0.0.4).
func (m *metrics) write(w io.Writer, g gauges) error {
	m.mu.Lock()
	names := make([]string, 0, len(m.sites))
	for n := range m.sites {
		names = append(names, n)
	}
	sort.Strings(names)
	bw := bufio.NewWriter(w)
	e := expo{w: bw}

	e.family("nianbao_runs_total", "counter", "Crawl runs finished, by site and status (ok, failed, cancelled).")
	for _, n := range names {
		for _, st := range sortedKeys(m.sites[n].runs) {
			e.sample("nianbao_runs_total", m.sites[n].runs[st], "site", n, "status", st)
		}
	}
	e.family("nianbao_runs_skipped_total", "counter", "Scheduled runs skipped because the site's previous run was still going.")
	for _, n := range names {
		e.sample("nianbao_runs_skipped_total", m.sites[n].skipped, "site", n)
	}
	counter := func(name, help string, v func(*siteMetrics) float64) {
		e.family(name, "counter", help)
		for _, n := range names {
			e.sample(name, v(m.sites[n]), "site", n)
		}
	}
	counter("nianbao_list_pages_fetched_total", "List pages read.", func(s *siteMetrics) float64 { return s.listPages })
	counter("nianbao_pages_fetched_total", "Pages fetched: list, report and probe pages.", func(s *siteMetrics) float64 { return s.pages })
	counter("nianbao_fetched_bytes_total", "Bytes of the pages fetched.", func(s *siteMetrics) float64 { return s.bytes })
	e.family("nianbao_fetch_errors_total", "counter", "Pages that failed, by site and kind (timeout, http_4xx, http_5xx, blocked, too_large, decode, robots, redirect, network, extract, empty).")
	for _, n := range names {
		for _, k := range sortedKeys(m.sites[n].errors) {
			e.sample("nianbao_fetch_errors_total", m.sites[n].errors[k], "site", n, "kind", k)
		}
	}
	counter("nianbao_documents_added_total", "Documents archived for the first time.", func(s *siteMetrics) float64 { return s.documents })
	counter("nianbao_versions_added_total", "New versions of documents already archived.", func(s *siteMetrics) float64 { return s.versions })
	counter("nianbao_sources_added_total", "New URLs of documents already archived (reposts).", func(s *siteMetrics) float64 { return s.sources })
	counter("nianbao_reports_unchanged_total", "Reports fetched again whose text was already archived.", func(s *siteMetrics) float64 { return s.unchanged })
	counter("nianbao_reports_not_modified_total", "Report pages the server answered 304 Not Modified to a conditional request.", func(s *siteMetrics) float64 { return s.notModified })
	counter("nianbao_fetch_retries_total", "Further tries after timeouts, connection errors, 5xx and 429.", func(s *siteMetrics) float64 { return s.retries })
	counter("nianbao_discovery_pages_total", "Pages read to find report columns from start pages that list no report (a home page).", func(s *siteMetrics) float64 { return s.discoveryPages })
	counter("nianbao_search_queries_total", "Queries sent to a portal's own search form when discovery found no report column.", func(s *siteMetrics) float64 { return s.searchQueries })
	e.family("nianbao_site_columns_found", "gauge", "Report columns found by the site's last run that looked for them (from a start page that lists no report).")
	for _, n := range names {
		e.sample("nianbao_site_columns_found", m.sites[n].columns, "site", n)
	}
	counter("nianbao_files_fetched_total", "Files fetched (reports published as PDF, DOCX, DOC, WPS, OFD, and report pages' attachments).", func(s *siteMetrics) float64 { return s.files })
	e.family("nianbao_files_without_text_total", "counter", "Files archived without text, by site and reason (no_text_layer, no_unicode, encrypted, unsupported, unreadable).")
	for _, n := range names {
		for _, k := range sortedKeys(m.sites[n].filesWithoutText) {
			e.sample("nianbao_files_without_text_total", m.sites[n].filesWithoutText[k], "site", n, "reason", k)
		}
	}

	e.family("nianbao_run_duration_seconds", "histogram", "How long crawl runs took.")
	for _, n := range names {
		s := m.sites[n]
		for i, b := range durationBuckets {
			e.sample("nianbao_run_duration_seconds_bucket", s.durBuckets[i], "site", n, "le", formatFloat(b))
		}
		e.sample("nianbao_run_duration_seconds_bucket", s.durCount, "site", n, "le", "+Inf")
		e.sample("nianbao_run_duration_seconds_sum", s.durSum, "site", n)
		e.sample("nianbao_run_duration_seconds_count", s.durCount, "site", n)
	}
	e.family("nianbao_last_run_timestamp_seconds", "gauge", "When the site's last run finished, whatever its status, in Unix seconds.")
	for _, n := range names {
		if t := m.sites[n].lastRun; !t.IsZero() {
			e.sample("nianbao_last_run_timestamp_seconds", unixSeconds(t), "site", n)
		}
	}
	m.mu.Unlock()

	healthy := sortedKeys(g.health)
	e.family("nianbao_last_success_timestamp_seconds", "gauge", "When the site's last successful run finished, in Unix seconds; absent for a site that never succeeded.")
	for _, n := range healthy {
		if t := g.health[n].lastSuccess; !t.IsZero() {
			e.sample("nianbao_last_success_timestamp_seconds", unixSeconds(t), "site", n)
		}
	}
	e.family("nianbao_site_consecutive_failures", "gauge", "Failed runs of the site since its last successful one (cancelled runs neither count nor reset it).")
	for _, n := range healthy {
		e.sample("nianbao_site_consecutive_failures", float64(g.health[n].failures), "site", n)
	}
	e.family("nianbao_site_stale", "gauge", "1 when the site has had no successful run for longer than stale_after (since its first run, if it never succeeded), else 0.")
	for _, n := range healthy {
		v := 0.0
		if g.health[n].stale {
			v = 1
		}
		e.sample("nianbao_site_stale", v, "site", n)
	}
	e.family("nianbao_archive_documents", "gauge", "Documents in the archive, by site.")
	for _, n := range sortedKeys(g.documents) {
		e.sample("nianbao_archive_documents", float64(g.documents[n]), "site", n)
	}
	e.gauge("nianbao_sites", "Sites loaded (a broken file's last good version included).", g.sites)
	e.gauge("nianbao_site_files_with_problems", "Site files under sites_dir that do not load.", g.brokenFiles)
	e.gauge("nianbao_runs_queued", "Runs waiting for their jitter offset or a free slot.", g.queued)
	e.gauge("nianbao_runs_running", "Runs crawling now.", g.running)
	e.gauge("nianbao_goroutines", "Goroutines in the daemon.", g.goroutines)
	e.family("nianbao_heap_bytes", "gauge", "Bytes of allocated heap objects.")
	e.sample("nianbao_heap_bytes", float64(g.heapBytes))
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

// expo writes exposition lines, keeping the first write error.
type expo struct {
	w   *bufio.Writer
	err error
}

func (e *expo) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *expo) family(name, typ, help string) {
	e.printf("# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
}

func (e *expo) gauge(name, help string, v int) {
	e.family(name, "gauge", help)
	e.sample(name, float64(v))
}

// sample writes one line; labels are name, value pairs.
func (e *expo) sample(name string, v float64, labels ...string) {
	var b strings.Builder
	b.WriteString(name)
	if len(labels) > 0 {
		b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(labels[i])
			b.WriteString(`="`)
			b.WriteString(escapeLabel(labels[i+1]))
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(formatFloat(v))
	b.WriteByte('\n')
	e.printf("%s", b.String())
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64) // counts as integers, not 3.6e+06
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
