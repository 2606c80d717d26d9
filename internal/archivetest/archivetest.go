package archivetest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nianbao/nianbao/archive"
)

// versionFileRe matches the files of a version: its text, metadata, and raw
// page bytes or original file.
var versionFileRe = regexp.MustCompile(`^v\d+\.(txt|json|raw\.gz|pdf|docx|doc|wps|ofd|jpg|png|gif|webp|bmp|tif)$`)

// Check verifies the archive in dir (archive.Verify) and that every version
// file is read-only. It fails t for each problem (leftovers of an
// interrupted write, and files set aside by a repair, are not problems; a
// damaged index is) and returns the versions.
func Check(t testing.TB, dir string) []archive.Version {
	t.Helper()
	a, err := archive.Open(dir, archive.Options{ReadOnly: true, DamagedIndexOK: true})
	if err != nil {
		t.Fatalf("archivetest: open %s: %v", dir, err)
	}
	defer a.Close()
	rep, err := a.Verify(context.Background(), nil)
	if err != nil {
		t.Fatalf("archivetest: verify %s: %v", dir, err)
	}
	for _, p := range rep.Problems {
		t.Errorf("archivetest: %s", p)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if versionFileRe.MatchString(name) {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			if fi.Mode().Perm()&0o222 != 0 {
				t.Errorf("archivetest: %s is writable (%v): version files must be read-only", p, fi.Mode().Perm())
			}
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("archivetest: walk %s: %v", dir, err)
	}
	vers, err := a.Versions(context.Background(), archive.Filter{})
	if err != nil {
		t.Fatalf("archivetest: list %s: %v", dir, err)
	}
	return vers
}
