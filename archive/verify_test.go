package archive_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// damaged builds an archive with two documents (one with two versions) and
// returns its directory and the versions.
func damaged(t *testing.T) (string, []archive.Version) {
	t.Helper()
	dir := t.TempDir()
	a := open(t, dir)
	put(t, a, entry("http://a.gov.cn/1.html", "第一版。\n", t0), archive.NewDocument)
	put(t, a, entry("http://a.gov.cn/1.html", "第二版。\n", t0.Add(time.Hour)), archive.NewVersion)
	put(t, a, entry("http://a.gov.cn/2.html", "另一份。\n", t0), archive.NewDocument)
	vers, err := a.Versions(context.Background(), archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	return dir, vers
}

func TestVerifyFindsDamage(t *testing.T) {
	byVersion := func(vers []archive.Version, url string, n int) archive.Version {
		for _, v := range vers {
			if v.URL == url && v.Version == n {
				return v
			}
		}
		t.Fatalf("no %s v%d", url, n)
		return archive.Version{}
	}
	tests := []struct {
		name      string
		damage    func(dir string, vers []archive.Version) string // returns the file the report must name
		want      string
		repairFix bool // verify --repair makes the archive clean again
	}{
		{"flipped byte in a text", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/1.html", 1)
			p := filepath.Join(dir, v.Path)
			b, _ := os.ReadFile(p)
			b[0] ^= 0x01
			os.Chmod(p, 0o644)
			os.WriteFile(p, b, 0o444)
			return v.Path
		}, "does not match its metadata", false},
		{"truncated text", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/2.html", 1)
			os.Truncate(filepath.Join(dir, v.Path), 3)
			return v.Path
		}, "does not match its metadata", false},
		{"truncated raw bytes", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/1.html", 2)
			os.Truncate(filepath.Join(dir, v.Raw.Path), 10)
			return v.Raw.Path
		}, "gzip", false},
		{"deleted text", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/1.html", 2)
			os.Remove(filepath.Join(dir, v.Path))
			return v.Path
		}, "missing", false},
		{"deleted metadata of an earlier version", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/1.html", 1)
			name := strings.TrimSuffix(v.Path, ".txt") + ".json"
			os.Remove(filepath.Join(dir, name))
			return strings.TrimSuffix(v.Path, ".txt") + ".raw.gz"
		}, "metadata of this version is missing", false},
		{"index row without files", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/2.html", 1)
			os.RemoveAll(filepath.Join(dir, filepath.Dir(v.Path)))
			return v.Path
		}, "listed in the index but not in the files", true},
		{"unexpected file", func(dir string, vers []archive.Version) string {
			v := byVersion(vers, "http://a.gov.cn/2.html", 1)
			name := filepath.ToSlash(filepath.Join(filepath.Dir(v.Path), "notes.txt"))
			os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
			return name
		}, "unexpected file", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, vers := damaged(t)
			file := tt.damage(dir, vers)
			a, err := archive.Open(dir, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := a.Verify(context.Background(), nil)
			a.Close()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range rep.Problems {
				found = found || (p.File == file && strings.Contains(p.Msg, tt.want))
			}
			if !found {
				t.Errorf("no problem naming %s with %q; got %v", file, tt.want, rep.Problems)
			}

			w, err := archive.Open(dir, archive.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Repair(context.Background()); err != nil {
				t.Fatal(err)
			}
			rep, err = w.Verify(context.Background(), nil)
			w.Close()
			if err != nil {
				t.Fatal(err)
			}
			if clean := len(rep.Problems) == 0; clean != tt.repairFix {
				t.Errorf("after repair: problems %v (want clean: %v)", rep.Problems, tt.repairFix)
			}
		})
	}
}

func TestVerifyLeftoversAreNotDamage(t *testing.T) {
	dir, vers := damaged(t)
	docDir := filepath.Join(dir, filepath.Dir(vers[0].Path))
	os.WriteFile(filepath.Join(docDir, ".v9.txt-tmp-0011"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(docDir, "v9.txt"), []byte("uncommitted"), 0o444)
	a, err := archive.Open(dir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(context.Background(), nil)
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || len(rep.Leftovers) != 2 || rep.Documents != 2 || rep.Versions != 3 {
		t.Errorf("report %+v", rep)
	}
	w, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.Repair(context.Background())
	if err != nil || r.TempFilesRemoved != 1 || r.FilesRemoved != 1 || r.DocumentsIndexed != 2 {
		t.Errorf("repair: %+v, %v", r, err)
	}
	w.Close()
}

// A reader of an archive that does not exist yet, or of an empty
// directory, finds nothing, verifies it without a problem and creates
// nothing.
func TestReadEmptyArchive(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, dir string)
	}{
		{"missing", func(t *testing.T, dir string) {}},
		{"empty directory", func(t *testing.T, dir string) {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "archive")
			tt.make(t, dir)
			a, err := archive.Open(dir, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ctx := context.Background()
			rep, err := a.Verify(ctx, nil)
			if err != nil || rep.Documents != 0 || len(rep.Problems)+len(rep.Leftovers) != 0 {
				t.Errorf("Verify: %+v, %v", rep, err)
			}
			if vers, err := a.Versions(ctx, archive.Filter{}); len(vers) != 0 || err != nil {
				t.Errorf("Versions: %d, %v", len(vers), err)
			}
			if runs, err := a.Runs(ctx, "", 10); len(runs) != 0 || err != nil {
				t.Errorf("Runs: %d, %v", len(runs), err)
			}
			if sites, err := a.Sites(); len(sites) != 0 || err != nil {
				t.Errorf("Sites: %v, %v", sites, err)
			}
			if _, err := a.Resolve(ctx, "abc"); !errors.Is(err, archive.ErrNotFound) {
				t.Errorf("Resolve: %v", err)
			}
			entries, err := os.ReadDir(filepath.Dir(dir))
			if err != nil {
				t.Fatal(err)
			}
			if names := len(entries); (tt.name == "missing") != (names == 0) {
				t.Errorf("the reader left %d entries beside the archive", names)
			}
			if got, _ := os.ReadDir(dir); len(got) != 0 {
				t.Errorf("the reader wrote %d files into the archive", len(got))
			}
		})
	}
}

// Sites names the sites an archive holds documents or run records of,
// whether or not its index can be read.
func TestSites(t *testing.T) {
	dir, _ := damaged(t)
	a := open(t, dir)
	if err := a.RecordRun(context.Background(), archive.Run{ID: "r1", Site: "other", StartedAt: t0, FinishedAt: t0, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.WriteFile(filepath.Join(dir, archive.IndexFile), []byte("not a database, but long enough to be read as one: "+strings.Repeat("x", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := archive.Open(dir, archive.Options{ReadOnly: true, DamagedIndexOK: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.Sites()
	if err != nil || strings.Join(got, ",") != "demo,other" {
		t.Errorf("Sites: %v, %v; want demo, other", got, err)
	}
}
