package daemon

import (
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/portaltest"
)

// A site configured by its portal's home page: the site's page shows the
// report columns its last run found, and /metrics counts the discovery.
func TestSitePageShowsColumns(t *testing.T) {
	srv := portaltest.NewHomePortal(t)
	e := newEnv(t, envOptions{sites: map[string]string{"home.yaml": siteFile("home", srv.URL+"/")}})
	e.start()
	if r := e.runToEnd("home"); r.Status != StatusOK {
		t.Fatalf("run: %s %s", r.Status, r.Error)
	}
	_, page := e.get("/sites/home", nil)
	for _, c := range portaltest.HomeColumns {
		if !strings.Contains(page, `<a href="`+srv.URL+c+`"`) {
			t.Errorf("/sites/home does not show the column %s", c)
		}
	}
	if !strings.Contains(page, "Report columns found") {
		t.Error("/sites/home has no report columns")
	}
	_, text := e.get("/metrics", nil)
	m := parseExposition(t, text)
	if m[`nianbao_site_columns_found`] != float64(len(portaltest.HomeColumns)) || m[`nianbao_discovery_pages_total`] == 0 {
		t.Errorf("metrics: columns %v, discovery pages %v", m[`nianbao_site_columns_found`], m[`nianbao_discovery_pages_total`])
	}
}
