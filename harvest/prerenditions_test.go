package harvest_test

import (
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// preRenditions is an archive of the files portal (portaltest.NewFilesPortal)
// in the layout written before a report became one document with its
// renditions: every page and every file its own document, a file that
// repeats its page's text linked to it by same_text_as, files listed on a
// page by listed_on. It is what an upgrade of an existing archive starts
// from (archive's TestRegroupPreRenditions, the command's
// TestArchiveMigrate), kept as that release's nianbao wrote it: made at
// commit f36ebf7 by `go test ./harvest -run PreRenditions -update-fixture`
// (a flag that code had). Today's code writes the new layout, so the
// fixture is never regenerated.
const preRenditions = "testdata/pre-renditions"

// TestPreRenditionsArchive checks the kept archive as it is: it verifies,
// and holds the cases an upgrade must regroup (a page and the PDF of the
// same report, a page listing several reports' files, a scan without text,
// a file found at two URLs).
func TestPreRenditionsArchive(t *testing.T) {
	dir := t.TempDir()
	archivetest.Copy(t, preRenditions, dir)
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
