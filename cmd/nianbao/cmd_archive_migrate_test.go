package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/archivetest"
)

// TestArchiveMigrate upgrades an archive the previous layout wrote (the
// files portal's, harvest/testdata/pre-renditions) as a user would: verify
// says the documents are not yet grouped, migrate --dry-run says what
// would change and changes nothing, migrate groups them, and a second
// migrate changes nothing; every version still verifies, and ls and export
// give one row per report.
func TestArchiveMigrate(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config.yaml": "sites_dir: sites\narchive_dir: archive\n", "sites/.keep": ""})
	adir := filepath.Join(dir, "archive")
	archivetest.Copy(t, "../../harvest/testdata/pre-renditions", adir)
	cfg := filepath.Join(dir, "config.yaml")

	code, out, errOut := runCmd(t, "--config", cfg, "archive", "verify")
	if code != 0 || !strings.Contains(out, "note: 3 document(s) are not yet grouped into reports") || !strings.Contains(out, "archive migrate") {
		t.Errorf("verify before: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "--config", cfg, "archive", "migrate", "--dry-run")
	if code != 0 || !strings.Contains(out, "would group") || !strings.Contains(out, "2 listing page(s), 1 rendition(s) joined to their report, 3 document(s) changed; 7 report(s)") {
		t.Errorf("migrate --dry-run: exit %d\n%s%s", code, out, errOut)
	}
	if _, out, _ := runCmd(t, "--config", cfg, "archive", "ls"); strings.Count(out, "\n") != 11 {
		t.Errorf("ls before migrate: want a header and 10 rows (one a document):\n%s", out)
	}
	code, out, errOut = runCmd(t, "--config", cfg, "archive", "migrate")
	if code != 0 || !strings.Contains(out, "grouped "+adir+": 2 listing page(s), 1 rendition(s) joined to their report, 3 document(s) changed; 7 report(s)") {
		t.Errorf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "--config", cfg, "archive", "migrate")
	if code != 0 || !strings.Contains(out, "0 document(s) changed; 7 report(s)") {
		t.Errorf("migrate again: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "--config", cfg, "archive", "verify")
	if code != 0 || strings.Contains(out, "not yet grouped") || !strings.Contains(out, "10 version(s)") {
		t.Errorf("verify after: exit %d\n%s%s", code, out, errOut)
	}
	if _, out, _ := runCmd(t, "--config", cfg, "archive", "ls"); strings.Count(out, "\n") != 8 || !strings.Contains(out, "page+pdf") {
		t.Errorf("ls after migrate: want a header and 7 reports, one of its page and PDF:\n%s", out)
	}
	if _, out, _ := runCmd(t, "--config", cfg, "archive", "export", "--format", "jsonl"); strings.Count(out, "\n") != 7 {
		t.Errorf("export after migrate: %d records, want 7", strings.Count(out, "\n"))
	}
	archivetest.Check(t, adir)

	// verify --repair upgrades an archive too.
	dir2 := t.TempDir()
	writeFiles(t, dir2, map[string]string{"config.yaml": "sites_dir: sites\narchive_dir: archive\n", "sites/.keep": ""})
	archivetest.Copy(t, "../../harvest/testdata/pre-renditions", filepath.Join(dir2, "archive"))
	cfg2 := filepath.Join(dir2, "config.yaml")
	code, out, errOut = runCmd(t, "--config", cfg2, "--log-level", "error", "archive", "verify", "--repair")
	if code != 0 || !strings.Contains(out, "2 listing page(s), 1 rendition(s) joined to their report, 3 document(s) changed; 7 report(s)") || strings.Contains(out, "not yet grouped") {
		t.Errorf("verify --repair: exit %d\n%s%s", code, out, errOut)
	}
}
