package daemon

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/harvest"
)

// sampleRe is one sample line of the text exposition format.
var sampleRe = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,|))*\})? (\S+)$`)

// parseExposition checks the format line by line and returns the samples,
// keyed by the line's name and labels as written.
func parseExposition(t *testing.T, text string) map[string]float64 {
	t.Helper()
	samples := map[string]float64{}
	types := map[string]string{}
	helped := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "# HELP "):
			f := strings.SplitN(line, " ", 4)
			if len(f) < 4 || f[3] == "" {
				t.Errorf("line %d: HELP without text: %q", i+1, line)
			}
			helped[f[2]] = true
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			if len(f) != 4 || !map[string]bool{"counter": true, "gauge": true, "histogram": true, "summary": true}[f[3]] {
				t.Errorf("line %d: bad TYPE: %q", i+1, line)
				continue
			}
			if _, dup := types[f[2]]; dup {
				t.Errorf("line %d: second TYPE for %s", i+1, f[2])
			}
			types[f[2]] = f[3]
		case strings.HasPrefix(line, "#"):
			t.Errorf("line %d: unknown comment %q", i+1, line)
		default:
			m := sampleRe.FindStringSubmatch(line)
			if m == nil {
				t.Errorf("line %d: not a sample: %q", i+1, line)
				continue
			}
			v, err := strconv.ParseFloat(m[3], 64)
			if err != nil {
				t.Errorf("line %d: value %q: %v", i+1, m[3], err)
			}
			family := m[1]
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if base := strings.TrimSuffix(family, suf); base != family && types[base] == "histogram" {
					family = base
				}
			}
			if types[family] == "" || !helped[family] {
				t.Errorf("line %d: sample of %s before its HELP and TYPE", i+1, family)
			}
			if !strings.HasPrefix(family, "nianbao_") {
				t.Errorf("line %d: %s lacks the nianbao_ prefix", i+1, family)
			}
			if types[family] == "counter" && !strings.HasSuffix(family, "_total") {
				t.Errorf("line %d: counter %s does not end in _total", i+1, family)
			}
			if _, dup := samples[m[1]+m[2]]; dup {
				t.Errorf("line %d: duplicate sample %s", i+1, m[1]+m[2])
			}
			samples[m[1]+m[2]] = v
		}
	}
	return samples
}

func TestMetricsExposition(t *testing.T) {
	m := newMetrics()
	end := time.Date(2026, 11, 22, 3, 0, 10, 0, time.UTC)
	m.observe(RunInfo{Site: "a", Status: StatusOK, FinishedAt: end, Summary: &harvest.Summary{
		ListPages: 3, PagesFetched: 10, Bytes: 4_000_000, NewDocuments: 2, NewRenditions: 3, NewListings: 1, NewVersions: 1, NewSources: 1, Unchanged: 4,
		NotModified: 5, Retries: 2, DiscoveryPages: 6, SearchQueries: 1, Columns: []string{"http://a/gknb/", "http://a/fzzf/"},
		Errors: map[string]int{"http_5xx": 2, "robots": 1}, Duration: 3 * time.Second,
	}})
	m.observe(RunInfo{Site: "a", Status: StatusFailed, FinishedAt: end.Add(time.Hour), Summary: &harvest.Summary{
		PagesFetched: 1, Errors: map[string]int{"timeout": 1}, Duration: 100 * time.Second,
	}})
	m.observe(RunInfo{Site: `we"ird\site`, Status: StatusCancelled, FinishedAt: end})
	m.skip("a")
	var b strings.Builder
	health := map[string]siteGauges{
		"a":           {lastSuccess: end, failures: 1},
		`we"ird\site`: {failures: 0, stale: true},
	}
	if err := m.write(&b, gauges{sites: 2, brokenFiles: 1, running: 1, documents: map[string]int{"a": 7}, health: health}); err != nil {
		t.Fatal(err)
	}
	got := parseExposition(t, b.String())
	want := map[string]float64{
		`nianbao_runs_total{status="ok"}`:                  1,
		`nianbao_runs_total{status="failed"}`:              1,
		`nianbao_runs_total{status="cancelled"}`:           1,
		`nianbao_runs_skipped_total`:                       1,
		`nianbao_pages_fetched_total`:                      11,
		`nianbao_list_pages_fetched_total`:                 3,
		`nianbao_fetched_bytes_total`:                      4e6,
		`nianbao_fetch_errors_total{kind="http_5xx"}`:      2,
		`nianbao_fetch_errors_total{kind="timeout"}`:       1,
		`nianbao_documents_added_total`:                    2,
		`nianbao_renditions_added_total`:                   3,
		`nianbao_listings_added_total`:                     1,
		`nianbao_versions_added_total`:                     1,
		`nianbao_sources_added_total`:                      1,
		`nianbao_reports_not_modified_total`:               5,
		`nianbao_fetch_retries_total`:                      2,
		`nianbao_discovery_pages_total`:                    6,
		`nianbao_site_columns_found`:                       2,
		`nianbao_search_queries_total`:                     1,
		`nianbao_run_duration_seconds_bucket{le="1"}`:      0,
		`nianbao_run_duration_seconds_bucket{le="5"}`:      1,
		`nianbao_run_duration_seconds_bucket{le="300"}`:    2,
		`nianbao_run_duration_seconds_bucket{le="+Inf"}`:   2,
		`nianbao_run_duration_seconds_sum`:                 103,
		`nianbao_run_duration_seconds_count`:               2,
		`nianbao_last_success_timestamp_seconds{site="a"}`: float64(end.Unix()),
		`nianbao_last_run_timestamp_seconds`:               float64(end.Add(time.Hour).Unix()),
		`nianbao_archive_documents{site="a"}`:              7,
		`nianbao_sites`:                                    2,
		`nianbao_site_files_with_problems`:                 1,
		`nianbao_runs_running`:                             1,
		`nianbao_site_consecutive_failures{site="a"}`:      1,
		`nianbao_site_stale{site="we\"ird\\site"}`:         1,
		`nianbao_sites_by_health{health="failed"}`:         1,
		`nianbao_sites_by_health{health="stale"}`:          1,
		`nianbao_sites_by_health{health="ok"}`:             0,
		`nianbao_sites_by_health{health="never"}`:          0,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// Per site, a series says something or is absent; the rest are totals.
	for _, absent := range []string{
		`nianbao_last_success_timestamp_seconds{site="we\"ird\\site"}`, // never succeeded
		`nianbao_site_consecutive_failures{site="we\"ird\\site"}`,      // none
		`nianbao_site_stale{site="a"}`,                                 // not stale
	} {
		if _, ok := got[absent]; ok {
			t.Errorf("%s is present", absent)
		}
	}
	perSite := map[string]bool{"nianbao_last_success_timestamp_seconds": true, "nianbao_site_consecutive_failures": true,
		"nianbao_site_stale": true, "nianbao_archive_documents": true}
	for k := range got {
		name, _, _ := strings.Cut(k, "{")
		if strings.Contains(k, `site="`) && !perSite[name] {
			t.Errorf("%s: a per-site series beyond what an alert needs", k)
		}
	}
	if strings.Contains(b.String(), "e+06") {
		t.Error("counts are written in exponent form")
	}
}
