package harvest_test

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

var updateFixture = flag.Bool("update-fixture", false, "rewrite testdata/pre-renditions from a crawl of the files portal")

// preRenditions is an archive of the files portal (portaltest.NewFilesPortal)
// in the layout written before a report became one document with its
// renditions: every page and every file its own document, a file that
// repeats its page's text linked to it by same_text_as, files listed on a
// page by listed_on. It is what an upgrade of an existing archive starts
// from, kept as this layout's nianbao wrote it (go test ./harvest -run
// PreRenditions -update-fixture rewrites it, with the code of the day).
const preRenditions = "testdata/pre-renditions"

// TestPreRenditionsArchive checks the kept archive as it is: it verifies,
// and holds the cases an upgrade must regroup (a page and the PDF of the
// same report, a page listing several reports' files, a scan without text,
// a file found at two URLs).
func TestPreRenditionsArchive(t *testing.T) {
	if *updateFixture {
		writePreRenditions(t)
	}
	dir := t.TempDir()
	copyTree(t, preRenditions, dir)
	vers := archivetest.Check(t, dir)
	if len(vers) != 10 {
		t.Fatalf("%s holds %d versions, want 10 (3 pages, 7 files)", preRenditions, len(vers))
	}
	var files, same, listed, noText int
	for _, v := range vers {
		if v.File == nil {
			continue
		}
		files++
		if v.File.SameTextAs != nil {
			same++
		}
		if v.File.ListedOn != "" {
			listed++
		}
		if v.File.TextStatus != archive.TextOK {
			noText++
		}
	}
	if files != 7 || same != 1 || listed < 4 || noText != 1 {
		t.Errorf("%d files, %d same_text_as, %d listed_on a page, %d without text; want 7, 1, at least 4, 1", files, same, listed, noText)
	}
}

// writePreRenditions crawls the files portal into a new archive and keeps
// it as the fixture.
func writePreRenditions(t *testing.T) {
	t.Helper()
	srv := portaltest.NewFilesPortal(t)
	site, probs := sites.Parse([]byte("name: jb\nstart: "+srv.URL+"/fzzf/\ndelay: 0s\n"), "jb.yaml",
		sites.Defaults{Timeout: 10e9, MaxPages: 5})
	if probs != nil {
		t.Fatal(probs)
	}
	dir := t.TempDir()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: pdfCache})
	defer files.Close()
	if _, err := harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}, Files: files}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(preRenditions); err != nil {
		t.Fatal(err)
	}
	copyTree(t, dir, preRenditions)
}

// versionFile names a version's files (v1.txt, v2.raw.gz, v1.pdf …).
var versionFile = regexp.MustCompile(`^v\d+\.[a-z.]+$`)

// copyTree copies an archive directory but its lock file, keeping version
// files read-only (git keeps no read-only bit, so it is set again here).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == "lock" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if versionFile.MatchString(d.Name()) {
			mode = 0o444
		}
		return os.WriteFile(target, data, mode)
	})
	if err != nil {
		t.Fatal(err)
	}
}
