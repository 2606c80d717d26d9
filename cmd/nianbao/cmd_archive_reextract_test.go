package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

func TestArchiveReextract(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := portalSetup(t, srv, nil)
	n := len(portaltest.Reports())
	crawlJSON(t, cfg, "jinnan")
	before := lsJSON(t, cfg)
	raws := map[string]string{}
	for _, v := range before {
		raws[v.Doc] = v.Raw.Path
	}

	// Nothing changed: nothing to add.
	if code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "error", "archive", "reextract"); code != 0 ||
		!strings.Contains(out, "re-extracted 6 document(s)") || !strings.Contains(out, ": 0 new version(s), 6 unchanged") {
		t.Fatalf("reextract of an unchanged archive: exit %d\n%s%s", code, out, errOut)
	}
	requests := len(srv.Requests())

	// The site's selectors change: every report loses its first body
	// paragraph, and re-extraction adds a version of each.
	site := filepath.Join(filepath.Dir(cfg), "sites", "jinnan.yaml")
	old, _ := os.ReadFile(site)
	os.WriteFile(site, append(old, []byte("selectors:\n  remove: [\"div.TRS_Editor p:first-of-type\"]\n")...), 0o644)
	code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "error", "archive", "reextract", "--site", "jinnan")
	if code != 0 || !strings.Contains(out, ": 6 new version(s), 0 unchanged") {
		t.Fatalf("reextract: exit %d\n%s%s", code, out, errOut)
	}
	if len(srv.Requests()) != requests {
		t.Error("reextract used the network")
	}
	after := lsJSON(t, cfg)
	if len(after) != n+6 {
		t.Fatalf("%d versions after reextract, want %d", len(after), n+6)
	}
	for _, v := range after {
		if v.Version != 2 {
			continue
		}
		if v.Reextracted == nil || v.Reextracted.From != 1 || v.Raw == nil || v.Raw.Path != raws[v.Doc] || v.Extractor == "" {
			t.Errorf("%s@v2 is not marked re-extracted from v1 with v1's raw bytes: %+v %+v", v.Doc, v.Reextracted, v.Raw)
		}
	}
	archivetest.Check(t, archiveDir)

	// Again: nothing new; and a crawl with the same selectors agrees.
	if code, out, _ := runCmd(t, "--config", cfg, "--log-level", "error", "archive", "reextract"); code != 0 || !strings.Contains(out, ": 0 new version(s), 6 unchanged") {
		t.Errorf("second reextract: exit %d\n%s", code, out)
	}
	if s := crawlJSON(t, cfg, "jinnan")[0]; s.NewVersions != 0 || s.NewDocuments != 0 {
		t.Errorf("crawl after reextract: %+v", s)
	}
	archivetest.Check(t, archiveDir)
}
