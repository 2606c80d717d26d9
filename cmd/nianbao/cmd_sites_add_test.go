package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

// `sites add --from` turns a list of portals into site files: a home page
// becomes a file whose start is the report columns found from it, titled
// after the portal; a list page of reports becomes a file starting there;
// a dead portal gets a line saying why and no file; nothing is overwritten;
// --dry-run writes nothing.
func TestSitesAdd(t *testing.T) {
	home := portaltest.NewHomePortal(t)
	filesPortal := portaltest.NewFilesPortal(t)
	dead := "http://" + portaltest.ClosedAddr(t) + "/"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"config.yaml": "sites_dir: sites\narchive_dir: archive\nuser_agent: \"" + testUA + "\"\ndefaults:\n  delay: 0s\n",
		"sites/.keep": "",
		"list.txt":    "# portals\n" + home.URL + "/\n\n" + filesPortal.URL + "/fzzf/\n" + dead + "\n",
	})
	cfg := filepath.Join(dir, "config.yaml")
	sitesDir := filepath.Join(dir, "sites")
	hostName := func(u string) string { return siteName(strings.TrimPrefix(u, "http://")) }

	code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "error", "sites", "add", "--dry-run", "--from", filepath.Join(dir, "list.txt"))
	if code != exitFailed || !strings.Contains(out, "would write") {
		t.Errorf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if names, _ := filepath.Glob(filepath.Join(sitesDir, "*.yaml")); len(names) != 0 {
		t.Errorf("the dry run wrote %v", names)
	}

	code, out, errOut = runCmd(t, "--config", cfg, "--log-level", "error", "sites", "add", "--from", filepath.Join(dir, "list.txt"))
	if code != exitFailed || !strings.Contains(out, dead+": no file: no start page could be read") ||
		!strings.Contains(errOut, "1 of 3 portal(s) got no site file") {
		t.Errorf("add: exit %d\n%s\n%s", code, out, errOut)
	}
	load := func(name string) *sites.Site {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(sitesDir, name+".yaml"))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		s, probs := sites.Parse(data, name+".yaml", sites.Defaults{Timeout: 10e9, MaxPages: 20})
		if probs != nil {
			t.Fatalf("%s: %v\n%s", name, probs, data)
		}
		return s
	}
	h := load(hostName(home.URL))
	var cols []string
	for _, s := range h.Start {
		cols = append(cols, strings.TrimPrefix(s, home.URL))
	}
	if !slices.Equal(cols, portaltest.HomeColumns) || h.Title != "示范县人民政府" {
		t.Errorf("home portal's site file: start %v, title %q", cols, h.Title)
	}
	if f := load(hostName(filesPortal.URL)); !slices.Equal(f.Start, []string{filesPortal.URL + "/fzzf/"}) || f.Title == "" {
		t.Errorf("files portal's site file: %+v", f)
	}
	if !strings.Contains(out, "column: "+home.URL+portaltest.HomeColumns[0]) || !strings.Contains(out, " fzzf: ") {
		t.Errorf("no columns or reports per year and kind in\n%s", out)
	}

	// Again: nothing is overwritten, and nothing is asked of the portal
	// whose file exists; a second URL of one host in a run is one site.
	before, _ := os.ReadFile(filepath.Join(sitesDir, hostName(home.URL)+".yaml"))
	requests := len(home.Requests())
	code, out, _ = runCmd(t, "--config", cfg, "--log-level", "error", "sites", "add", home.URL+"/", home.URL+"/zwgk/")
	after, _ := os.ReadFile(filepath.Join(sitesDir, hostName(home.URL)+".yaml"))
	if code != exitFailed || !strings.Contains(out, "exists: not overwritten") || !strings.Contains(out, "the same site as "+home.URL+"/") ||
		string(before) != string(after) || len(home.Requests()) != requests {
		t.Errorf("second add: exit %d, %d requests more\n%s", code, len(home.Requests())-requests, out)
	}
	// The files written load with the rest.
	if code, out, errOut := runCmd(t, "--config", cfg, "sites", "check"); code != exitOK {
		t.Errorf("sites check: exit %d\n%s%s", code, out, errOut)
	}
}

func TestSiteName(t *testing.T) {
	for host, want := range map[string]string{
		"www.jn.gov.cn":      "jn-gov-cn",
		"WWW.TJ.GOV.CN":      "tj-gov-cn",
		"sf.tj.gov.cn":       "sf-tj-gov-cn",
		"127.0.0.1:8428":     "127-0-0-1-8428",
		"xn--fiqs8s.gov.cn.": "xn-fiqs8s-gov-cn",
	} {
		if got := siteName(host); got != want {
			t.Errorf("siteName(%q) = %q, want %q", host, got, want)
		}
	}
}
