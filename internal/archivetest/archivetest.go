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

// Copy copies an archive directory to dst, leaving out its lock file, with
// its version files read-only as the archive writes them (an archive kept
// in testdata has lost that bit: git keeps none).
func Copy(t testing.TB, src, dst string) {
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
		if versionFileRe.MatchString(d.Name()) {
			mode = 0o444
		}
		return os.WriteFile(target, data, mode)
	})
	if err != nil {
		t.Fatalf("archivetest: copy %s: %v", src, err)
	}
}
