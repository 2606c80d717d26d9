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

// runCounters are the counters of every site's runs since the daemon
// started, added up: /metrics keeps per-site series only for what an
// alert on one site needs (see write), so that a scrape of 30,000 sites
// stays small.
type runCounters struct {
	runs             map[string]float64 // by status
	skipped          float64            // ticks skipped because a run was still queued or going
	listPages        float64
	pages            float64
	bytes            float64
	errors           map[string]float64 // by kind
	documents        float64
	renditions       float64 // new renditions of reports already archived
	listings         float64 // stub pages kept as listings
	versions         float64
	sources          float64
	unchanged        float64
	notModified      float64
	retries          float64
	discoveryPages   float64 // pages read to find report columns (search result pages included)
	searchQueries    float64 // queries sent to portals' own search forms
	files            float64
	filesWithoutText map[string]float64 // by reason
	durBuckets       []float64          // cumulative counts per durationBuckets
	durSum           float64
	durCount         float64
	lastRun          time.Time // when the last run of any site finished
}

// metrics holds what /metrics exposes. Gauges that describe the present
// (sites loaded, runs going, reports archived, health) are read when
// scraped.
type metrics struct {
	mu      sync.Mutex
	c       runCounters
	columns map[string]int // per site: report columns found by its last run that looked
}

func newMetrics() *metrics {
	return &metrics{
		c: runCounters{runs: map[string]float64{}, errors: map[string]float64{},
			filesWithoutText: map[string]float64{}, durBuckets: make([]float64, len(durationBuckets))},
		columns: map[string]int{},
	}
}

// observe counts a finished run.
func (m *metrics) observe(r RunInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &m.c
	s.runs[r.Status]++
	if r.FinishedAt.After(s.lastRun) {
		s.lastRun = r.FinishedAt
	}
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
	s.renditions += float64(sum.NewRenditions)
	s.listings += float64(sum.NewListings)
	s.versions += float64(sum.NewVersions)
	s.sources += float64(sum.NewSources)
	s.unchanged += float64(sum.Unchanged)
	s.notModified += float64(sum.NotModified)
	s.retries += float64(sum.Retries)
	s.discoveryPages += float64(sum.DiscoveryPages)
	s.searchQueries += float64(sum.SearchQueries)
	if sum.DiscoveryPages > 0 || len(sum.Columns) > 0 {
		m.columns[r.Site] = len(sum.Columns)
	}
	s.files += float64(sum.Files)
	for why, n := range sum.FilesWithoutText {
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
func (m *metrics) skip(string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.c.skipped++
}

// forget drops the per-site values of sites that are gone; the counters,
// being totals, keep what those sites did.
func (m *metrics) forget(keep func(site string) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name := range m.columns {
		if !keep(name) {
			delete(m.columns, name)
		}
	}
}

// gauges are the present-state values read at scrape time.
type gauges struct {
	sites, brokenFiles, queued, running int
	documents                           map[string]int        // reports per site
	health                              map[string]siteGauges // per site loaded
	// names are the keys of health and documents in order, when the
	// caller has them sorted already (nil: write sorts them).
	names      []string
	goroutines int
	heapBytes  uint64
}

// siteGauges are a site's health as the metrics show it.
type siteGauges struct {
	lastSuccess time.Time // zero: never
	failures    int
	stale       bool
}

// write renders the Prometheus text exposition format (version 0.0.4).
// Per site it writes only what an alert on one site needs, and only where
// it says something: the last success (absent: never succeeded), the
// consecutive failures (absent: none), the stale flag (absent: not
// stale) and the reports archived (absent: none). Everything else is
// a total over the sites, and the sites are counted by health class.
func (m *metrics) write(w io.Writer, g gauges) error {
	bw := bufio.NewWriter(w)
	e := expo{w: bw}

	m.mu.Lock()
	c := &m.c
	e.family("nianbao_runs_total", "counter", "Crawl runs finished, by status (ok, failed, cancelled).")
	for _, st := range sortedKeys(c.runs) {
		e.sample("nianbao_runs_total", c.runs[st], "status", st)
	}
	e.family("nianbao_runs_skipped_total", "counter", "Scheduled runs skipped because the site's previous run was still queued or going.")
	e.sample("nianbao_runs_skipped_total", c.skipped)
	counter := func(name, help string, v float64) {
		e.family(name, "counter", help)
		e.sample(name, v)
	}
	counter("nianbao_list_pages_fetched_total", "List pages read.", c.listPages)
	counter("nianbao_pages_fetched_total", "Pages fetched: list, report and probe pages.", c.pages)
	counter("nianbao_fetched_bytes_total", "Bytes of the pages fetched.", c.bytes)
	e.family("nianbao_fetch_errors_total", "counter", "Pages that failed, by kind (timeout, http_4xx, http_5xx, blocked, too_large, decode, robots, redirect, network, extract, empty).")
	for _, k := range sortedKeys(c.errors) {
		e.sample("nianbao_fetch_errors_total", c.errors[k], "kind", k)
	}
	counter("nianbao_documents_added_total", "Reports archived for the first time (a report's page and files count once).", c.documents)
	counter("nianbao_renditions_added_total", "New forms of reports already archived (a DOCX beside their PDF).", c.renditions)
	counter("nianbao_listings_added_total", "Stub pages that only announce their files, kept as those files' listings.", c.listings)
	counter("nianbao_versions_added_total", "New versions of reports already archived.", c.versions)
	counter("nianbao_sources_added_total", "New URLs of reports already archived (reposts).", c.sources)
	counter("nianbao_reports_unchanged_total", "Reports fetched again whose text was already archived.", c.unchanged)
	counter("nianbao_reports_not_modified_total", "Report pages the server answered 304 Not Modified to a conditional request.", c.notModified)
	counter("nianbao_fetch_retries_total", "Further tries after timeouts, connection errors, 5xx and 429.", c.retries)
	counter("nianbao_discovery_pages_total", "Pages read to find report columns from start pages that list no report (a home page).", c.discoveryPages)
	counter("nianbao_search_queries_total", "Queries sent to a portal's own search form when discovery found no report column.", c.searchQueries)
	cols := 0
	for _, n := range m.columns {
		cols += n
	}
	e.gauge("nianbao_site_columns_found", "Report columns found, over the sites, by each site's last run that looked for them (from a start page that lists no report).", cols)
	counter("nianbao_files_fetched_total", "Files fetched (reports published as PDF, DOCX, DOC, WPS, OFD, and report pages' attachments).", c.files)
	e.family("nianbao_files_without_text_total", "counter", "Files archived without text, by reason (no_text_layer, no_unicode, encrypted, unsupported, unreadable).")
	for _, k := range sortedKeys(c.filesWithoutText) {
		e.sample("nianbao_files_without_text_total", c.filesWithoutText[k], "reason", k)
	}
	e.family("nianbao_run_duration_seconds", "histogram", "How long crawl runs took.")
	for i, b := range durationBuckets {
		e.sample("nianbao_run_duration_seconds_bucket", c.durBuckets[i], "le", formatFloat(b))
	}
	e.sample("nianbao_run_duration_seconds_bucket", c.durCount, "le", "+Inf")
	e.sample("nianbao_run_duration_seconds_sum", c.durSum)
	e.sample("nianbao_run_duration_seconds_count", c.durCount)
	if !c.lastRun.IsZero() {
		e.family("nianbao_last_run_timestamp_seconds", "gauge", "When the last run of any site finished, whatever its status, in Unix seconds.")
		e.sample("nianbao_last_run_timestamp_seconds", unixSeconds(c.lastRun))
	}
	m.mu.Unlock()

	healthy := g.names
	if healthy == nil {
		healthy = sortedKeys(g.health)
	}
	byClass := map[string]int{}
	for _, cl := range classes {
		byClass[cl] = 0
	}
	for _, n := range healthy {
		h := g.health[n]
		byClass[classify(h.failures, h.stale, h.lastSuccess)]++
	}
	e.family("nianbao_sites_by_health", "gauge", "Sites loaded, by health: failed (failed runs since the last successful one), stale, ok, never (no successful or failed run yet).")
	for _, cl := range classes {
		e.sample("nianbao_sites_by_health", float64(byClass[cl]), "health", cl)
	}
	e.family("nianbao_last_success_timestamp_seconds", "gauge", "When the site's last successful run finished, in Unix seconds; absent for a site that never succeeded.")
	for _, n := range healthy {
		if t := g.health[n].lastSuccess; !t.IsZero() {
			e.sample("nianbao_last_success_timestamp_seconds", unixSeconds(t), "site", n)
		}
	}
	e.family("nianbao_site_consecutive_failures", "gauge", "Failed runs of the site since its last successful one (cancelled runs neither count nor reset it); absent for a site with none.")
	for _, n := range healthy {
		if f := g.health[n].failures; f > 0 {
			e.sample("nianbao_site_consecutive_failures", float64(f), "site", n)
		}
	}
	e.family("nianbao_site_stale", "gauge", "1 for a site that has had no successful run for longer than stale_after (since its first run, if it never succeeded); absent for a site that is not stale.")
	for _, n := range healthy {
		if g.health[n].stale {
			e.sample("nianbao_site_stale", 1, "site", n)
		}
	}
	e.family("nianbao_archive_documents", "gauge", "Reports in the archive, by site (listings not counted); absent for a site with none.")
	docNames := g.names
	if docNames == nil {
		docNames = sortedKeys(g.documents)
	}
	for _, n := range docNames {
		if v := g.documents[n]; v > 0 {
			e.sample("nianbao_archive_documents", float64(v), "site", n)
		}
	}
	e.gauge("nianbao_sites", "Sites loaded (a broken file's last good version included).", g.sites)
	e.gauge("nianbao_site_files_with_problems", "Site files under sites_dir that do not load.", g.brokenFiles)
	e.gauge("nianbao_runs_queued", "Runs waiting for a free slot.", g.queued)
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
	if e.err != nil {
		return
	}
	w := e.w
	w.WriteString(name)
	if len(labels) > 0 {
		w.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(labels[i])
			w.WriteString(`="`)
			w.WriteString(escapeLabel(labels[i+1]))
			w.WriteByte('"')
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	_, e.err = w.WriteString("\n") // a bufio.Writer keeps its first error
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	return labelEscaper.Replace(s)
}
func escapeHelp(s string) string { return helpEscaper.Replace(s) }

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
