package archive_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// The fixture's URLs: u1 has two versions, u2 one, u3 is a repost of u2's
// text (a second source of u2's document), u4 one version.
const (
	u1, u2, u3, u4 = "http://a.gov.cn/1.html", "http://a.gov.cn/2.html", "http://a.gov.cn/3.html", "http://a.gov.cn/4.html"
	listURL        = "http://a.gov.cn/list.html"
)

// fixture is an archive with four versions of three documents, two run
// records, fetch state for every URL and a list page's state.
type fixture struct {
	dir  string
	vers map[string]archive.Version // by "URL vN"
	docs map[string]string          // URL → document directory
}

func (f fixture) doc(u string) string { return filepath.Join(f.dir, f.docs[u]) }

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	withFetch := func(e archive.Entry) archive.Entry {
		e.Fetched = []archive.FetchState{{URL: e.URL, Site: e.Site, Status: 200, ETag: `"` + e.URL + `"`, FetchedAt: e.FetchedAt}}
		return e
	}
	put(t, a, withFetch(entry(u1, "第一版。\n", t0)), archive.NewDocument)
	put(t, a, withFetch(entry(u1, "第二版。\n", t0.Add(time.Hour))), archive.NewVersion)
	put(t, a, withFetch(entry(u2, "另一份。\n", t0)), archive.NewDocument)
	put(t, a, withFetch(entry(u3, "另一份。\n", t0.Add(time.Hour))), archive.NewSource)
	put(t, a, withFetch(entry(u4, "第三份。\n", t0)), archive.NewDocument)
	if err := a.SetListState(ctx, archive.ListState{URL: listURL, Site: "demo", ETag: `"list"`, Links: []byte("links"), FetchedAt: t0}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		r := archive.Run{ID: fmt.Sprintf("run%d", i+1), Site: "demo", StartedAt: t0.Add(time.Duration(i) * time.Hour), Status: "ok", Summary: map[string]int{"n": i}}
		if err := a.RecordRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	vers, err := a.Versions(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{dir: dir, vers: map[string]archive.Version{}, docs: map[string]string{}}
	for _, v := range vers {
		f.vers[fmt.Sprintf("%s v%d", v.URL, v.Version)] = v
		f.docs[v.URL] = filepath.Dir(v.Path)
	}
	d, err := a.Doc(ctx, f.vers[u2+" v1"].Doc)
	if err != nil || len(d.Sources) != 2 {
		t.Fatalf("fixture: the repost is not a source: %+v, %v", d, err)
	}
	f.docs[u3] = f.docs[u2]
	return f
}

// overwrite replaces a file's bytes, read-only or not.
func overwrite(t *testing.T, name string, data []byte) {
	t.Helper()
	os.Chmod(name, 0o644)
	if err := os.WriteFile(name, data, 0o444); err != nil {
		t.Fatal(err)
	}
}

func rel(parts ...string) string {
	return filepath.ToSlash(filepath.Join(parts...))
}

// Every way an unlucky operator's files can be bad: verify names the file,
// Repair names it and goes on, every good version stays listed, runs and
// fetch state survive wherever the files or the old index give them, and
// the archive takes writes again.
func TestRepairDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, f fixture) string // the file verify must name ("" for none)
		// indexDamaged: the index is damaged; a writer opening without
		// DamagedIndexOK gets ErrIndexDamaged.
		indexDamaged bool
		versions     int  // listed after Repair
		runs         int  // listed after Repair
		stateKept    bool // fetch and list state survive
		// remains: the file verify still names after Repair (damage to a
		// version file, which Repair never rewrites); "" for a clean archive.
		remains func(f fixture) string
	}{
		{name: "doc.json that does not parse", damage: func(t *testing.T, f fixture) string {
			overwrite(t, filepath.Join(f.doc(u2), "doc.json"), []byte(`{"doc": "`))
			return rel(f.docs[u2], "doc.json")
		}, versions: 4, runs: 2, stateKept: true},
		{name: "doc.json of another document", damage: func(t *testing.T, f fixture) string {
			data, _ := os.ReadFile(filepath.Join(f.doc(u1), "doc.json"))
			overwrite(t, filepath.Join(f.doc(u2), "doc.json"), data)
			return rel(f.docs[u2], "doc.json")
		}, versions: 4, runs: 2, stateKept: true},
		{name: "doc.json missing", damage: func(t *testing.T, f fixture) string {
			os.Remove(filepath.Join(f.doc(u2), "doc.json"))
			return rel(f.docs[u2], "doc.json")
		}, versions: 4, runs: 2, stateKept: true},
		{name: "latest v2.json that does not parse", damage: func(t *testing.T, f fixture) string {
			overwrite(t, filepath.Join(f.doc(u1), "v2.json"), []byte("\x00\x01"))
			return rel(f.docs[u1], "v2.json")
		}, versions: 4, runs: 2, stateKept: true, remains: func(f fixture) string { return rel(f.docs[u1], "v2.json") }},
		{name: "v1.json naming version 2", damage: func(t *testing.T, f fixture) string {
			data, _ := os.ReadFile(filepath.Join(f.doc(u1), "v2.json"))
			overwrite(t, filepath.Join(f.doc(u1), "v1.json"), data)
			return rel(f.docs[u1], "v1.json")
		}, versions: 4, runs: 2, stateKept: true, remains: func(f fixture) string { return rel(f.docs[u1], "v1.json") }},
		{name: "v1.json whose sha256 does not match", damage: func(t *testing.T, f fixture) string {
			name := filepath.Join(f.doc(u4), "v1.json")
			data, _ := os.ReadFile(name)
			overwrite(t, name, []byte(strings.Replace(string(data), f.vers[u4+" v1"].SHA256, strings.Repeat("0", 64), 1)))
			return rel(f.docs[u4], "v1.txt")
		}, versions: 4, runs: 2, stateKept: true, remains: func(f fixture) string { return rel(f.docs[u4], "v1.txt") }},
		{name: "v1.txt missing", damage: func(t *testing.T, f fixture) string {
			os.Remove(filepath.Join(f.doc(u4), "v1.txt"))
			return rel(f.docs[u4], "v1.txt")
		}, versions: 4, runs: 2, stateKept: true, remains: func(f fixture) string { return rel(f.docs[u4], "v1.txt") }},
		{name: "nothing readable in a document directory", damage: func(t *testing.T, f fixture) string {
			overwrite(t, filepath.Join(f.doc(u4), "doc.json"), []byte("garbage"))
			overwrite(t, filepath.Join(f.doc(u4), "v1.json"), []byte("garbage"))
			return rel(f.docs[u4], "v1.json")
		}, versions: 4, runs: 2, stateKept: true, remains: func(f fixture) string { return rel(f.docs[u4], "v1.json") }},
		{name: "run record that does not parse", damage: func(t *testing.T, f fixture) string {
			overwrite(t, filepath.Join(f.dir, "_runs", "demo", "run1.json"), []byte("{"))
			return "_runs/demo/run1.json"
		}, versions: 4, runs: 2, stateKept: true},
		{name: "run record missing", damage: func(t *testing.T, f fixture) string {
			os.Remove(filepath.Join(f.dir, "_runs", "demo", "run1.json"))
			return ""
		}, versions: 4, runs: 2, stateKept: true},
		{name: "zero-byte index.db", damage: func(t *testing.T, f fixture) string {
			os.Truncate(filepath.Join(f.dir, archive.IndexFile), 0)
			return ""
		}, versions: 4, runs: 2},
		{name: "index.db cut to half its size", damage: func(t *testing.T, f fixture) string {
			name := filepath.Join(f.dir, archive.IndexFile)
			fi, _ := os.Stat(name)
			os.Truncate(name, fi.Size()/2)
			return archive.IndexFile
		}, indexDamaged: true, versions: 4, runs: 2},
		{name: "index.db that is a directory", damage: func(t *testing.T, f fixture) string {
			name := filepath.Join(f.dir, archive.IndexFile)
			os.Remove(name)
			os.Mkdir(name, 0o755)
			return archive.IndexFile
		}, indexDamaged: true, versions: 4, runs: 2},
		{name: "garbage index.db-wal beside a sound index", damage: func(t *testing.T, f fixture) string {
			os.WriteFile(filepath.Join(f.dir, archive.IndexFile+"-wal"), []byte(strings.Repeat("junk", 2000)), 0o644)
			return ""
		}, versions: 4, runs: 2, stateKept: true},
		{name: "index.db-wal without index.db", damage: func(t *testing.T, f fixture) string {
			name := filepath.Join(f.dir, archive.IndexFile)
			data, _ := os.ReadFile(name)
			os.Remove(name)
			os.WriteFile(name+"-wal", data, 0o644)
			return ""
		}, versions: 4, runs: 2},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			file := tt.damage(t, f)

			ro, err := archive.Open(f.dir, archive.Options{ReadOnly: true, DamagedIndexOK: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := ro.Verify(ctx, nil)
			ro.Close()
			if err != nil {
				t.Fatal(err)
			}
			named := slices.ContainsFunc(rep.Problems, func(p archive.Problem) bool { return p.File == file })
			if file != "" && !named {
				t.Errorf("verify does not name %s: %v", file, rep.Problems)
			}
			if file == "" && len(rep.Problems) > 0 {
				t.Errorf("verify: %v", rep.Problems)
			}

			a, err := archive.Open(f.dir, archive.Options{})
			if err == nil {
				a.Close()
			}
			if tt.indexDamaged != errors.Is(err, archive.ErrIndexDamaged) {
				t.Fatalf("Open for writing: %v (want ErrIndexDamaged: %v)", err, tt.indexDamaged)
			}
			if tt.indexDamaged && !strings.Contains(err.Error(), "archive verify --repair") {
				t.Errorf("the error does not say what to run: %v", err)
			}
			if !tt.indexDamaged && err != nil {
				t.Fatal(err)
			}

			w, err := archive.Open(f.dir, archive.Options{DamagedIndexOK: true})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			r, err := w.Repair(ctx)
			if err != nil {
				t.Fatalf("Repair: %v", err)
			}
			if tt.indexDamaged {
				if r.IndexSetAside == "" || r.IndexDamage == "" {
					t.Errorf("the damaged index was not set aside: %+v", r)
				} else if _, err := os.Lstat(filepath.Join(f.dir, r.IndexSetAside)); err != nil {
					t.Errorf("the damaged index is not kept: %v", err)
				}
			} else if file != "" && tt.remains == nil && !slices.ContainsFunc(r.Files, func(p archive.Problem) bool { return p.File == file }) &&
				!strings.HasSuffix(file, ".txt") {
				t.Errorf("Repair does not name %s: %v", file, r.Files)
			}
			vers, err := w.Versions(ctx, archive.Filter{})
			if err != nil || len(vers) != tt.versions {
				t.Errorf("after Repair: %d versions (%v), want %d", len(vers), err, tt.versions)
			}
			runs, err := w.Runs(ctx, "demo", 10)
			if err != nil || len(runs) != tt.runs {
				t.Errorf("after Repair: %d runs (%v), want %d", len(runs), err, tt.runs)
			}
			fs, fok, _ := w.FetchState(ctx, u4)
			ls, lok, _ := w.ListState(ctx, listURL)
			if kept := fok && fs.ETag == `"`+u4+`"` && lok && string(ls.Links) == "links"; kept != tt.stateKept {
				t.Errorf("fetch and list state kept: %v, want %v (%+v %+v)", kept, tt.stateKept, fs, ls)
			}
			d, err := w.Doc(ctx, f.vers[u2+" v1"].Doc)
			if err != nil || len(d.Sources) != 2 {
				t.Errorf("after Repair the document of %s has sources %+v (%v), want %s and its repost", u2, d.Sources, err, u2)
			}

			// The archive takes writes again: a known text is unchanged, a
			// changed one is the next version, a new URL a new document.
			put(t, w, entry(u3, "另一份。\n", t0.Add(2*time.Hour)), archive.Unchanged)
			res := put(t, w, entry(u1, "第三版。\n", t0.Add(3*time.Hour)), archive.NewVersion)
			if res.Version != 3 {
				t.Errorf("the next version of %s is v%d, want v3", u1, res.Version)
			}
			put(t, w, entry("http://a.gov.cn/5.html", "新的一份。\n", t0), archive.NewDocument)
			w.Close()

			ro, err = archive.Open(f.dir, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err = ro.Verify(ctx, nil)
			ro.Close()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tt.remains != nil {
				want = []string{tt.remains(f)}
			}
			var got []string
			for _, p := range rep.Problems {
				got = append(got, p.File)
			}
			if !slices.Equal(got, want) {
				t.Errorf("verify after Repair: %v, want problems in %v", rep.Problems, want)
			}
		})
	}
}

// A Repair that fails part way — here, at each of its writes in turn, as
// a crash would stop it — leaves the old index as it was: every version,
// run and fetch state still listed, no temporary index left behind. The
// next Repair completes.
func TestRepairInterruptedKeepsOldIndex(t *testing.T) {
	ctx := context.Background()
	base := newFixture(t)
	overwrite(t, filepath.Join(base.doc(u2), "doc.json"), []byte("{"))
	overwrite(t, filepath.Join(base.dir, "_runs", "demo", "run1.json"), []byte("{"))

	// Count the writes Repair makes when nothing fails.
	count := func() int {
		dir := t.TempDir()
		archivetest.Copy(t, base.dir, dir)
		cf := &crashFiles{left: -1}
		a, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { cf.Files = f; return cf }})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if _, err := a.Repair(ctx); err != nil {
			t.Fatal(err)
		}
		return cf.ops
	}
	total := count()
	if total < 4 {
		t.Fatalf("Repair made %d writes; the test expects it to rewrite doc.json and a run record, keeping both bad files", total)
	}
	for k := range total {
		t.Run(fmt.Sprintf("after %d of %d writes", k, total), func(t *testing.T) {
			dir := t.TempDir()
			archivetest.Copy(t, base.dir, dir)
			cf := &crashFiles{left: k}
			a, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { cf.Files = f; return cf }})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Repair(ctx); !errors.Is(err, errCrash) {
				t.Fatalf("Repair with a crash after %d writes: %v", k, err)
			}
			// Still usable, with the old index.
			if vers, err := a.Versions(ctx, archive.Filter{}); err != nil || len(vers) != 4 {
				t.Errorf("after the failed Repair: %d versions, %v", len(vers), err)
			}
			a.Close()
			if tmp, _ := filepath.Glob(filepath.Join(dir, ".index.db-tmp-*")); len(tmp) > 0 {
				t.Errorf("temporary index left behind: %v", tmp)
			}
			ro, err := archive.Open(dir, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			vers, _ := ro.Versions(ctx, archive.Filter{})
			runs, _ := ro.Runs(ctx, "", 10)
			_, fok, _ := ro.FetchState(ctx, u1)
			ro.Close()
			if len(vers) != 4 || len(runs) != 2 || !fok {
				t.Errorf("the old index lost something: %d versions, %d runs, fetch state %v", len(vers), len(runs), fok)
			}

			w := open(t, dir)
			if _, err := w.Repair(ctx); err != nil {
				t.Fatalf("the next Repair: %v", err)
			}
			w.Close()
			archivetest.Check(t, dir)
		})
	}
}

// A version whose metadata cannot be read, in a document the index has not
// caught up with (a crash before the index commit, then damage), does not
// stop the next write of that document: the new text becomes the version
// after it, never over it, and the bad file is left for verify to report.
func TestPutPastUnreadableMetadata(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	r1 := put(t, a, entry(u1, "第一版。\n", t0), archive.NewDocument)
	a.Close()
	saved := copyIndex(t, dir)
	b := open(t, dir)
	put(t, b, entry(u1, "第二版。\n", t0.Add(time.Hour)), archive.NewVersion)
	b.Close()
	restoreIndex(t, dir, saved) // the index as it was before v2
	v2 := filepath.Join(dir, filepath.Dir(r1.Path), "v2.json")
	overwrite(t, v2, []byte("{\"doc\": tru"))

	c := open(t, dir)
	r3 := put(t, c, entry(u1, "第三版。\n", t0.Add(2*time.Hour)), archive.NewVersion)
	if r3.Version != 3 {
		t.Errorf("the next version is v%d, want v3 (after the unreadable v2)", r3.Version)
	}
	c.Close()
	ro, err := archive.Open(dir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rep, err := ro.Verify(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.ToSlash(filepath.Join(filepath.Dir(r1.Path), "v2.json")); len(rep.Problems) != 1 || rep.Problems[0].File != want {
		t.Errorf("verify: %v, want one problem naming %s", rep.Problems, want)
	}
}
