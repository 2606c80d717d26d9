package archive

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The index runs at synchronous NORMAL and switches to FULL only for the
// transaction of a change that records files.
func TestIndexSynchronous(t *testing.T) {
	ctx := context.Background()
	x, err := openSQLite(filepath.Join(t.TempDir(), IndexFile), false)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	level := func() int {
		t.Helper()
		var n int
		if err := x.db.QueryRow(`PRAGMA synchronous`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const normal = 1
	if got := level(); got != normal {
		t.Fatalf("synchronous = %d after open, want NORMAL (1)", got)
	}
	now := time.Now()
	d := Doc{ID: "0123456789", Site: "demo", Dir: "demo/undated/0123456789", CreatedAt: now}
	v := Version{Doc: d.ID, Version: 1, SHA256: "ab", FetchedAt: now}
	for _, c := range []Change{
		{Doc: &d, Version: &v, Sources: []Source{{URL: "https://a.gov.cn/1", Site: "demo", FirstSeen: now}}},
		{Seen: []SeenURL{{URL: "https://a.gov.cn/1", Doc: d.ID, SHA: "ab", Time: now}}, Fetched: []FetchState{{URL: "https://a.gov.cn/1"}}},
	} {
		if err := x.Commit(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got := level(); got != normal {
			t.Fatalf("synchronous = %d after a commit (durable %v), want NORMAL (1)", got, c.durable())
		}
	}
	if err := x.RecordRun(ctx, Run{ID: "r1", Site: "demo", StartedAt: now}); err != nil {
		t.Fatal(err)
	}
	if got := level(); got != normal {
		t.Fatalf("synchronous = %d after RecordRun, want NORMAL (1)", got)
	}
}

// A version's data files leave their directory to be synced by its
// metadata, which syncs it before it is moved into place.
// Stage writes files durable only at the next Sync: written once they are
// read-only and never replace a file; replacing ones replace. Sync works by
// syncfs where the system has it and elsewhere (perFile, tried here on any
// system) by fsyncs of each file as it is staged and of the staged
// directories at Sync; a file staged and then removed before the Sync is no
// error. A failed syncfs fails every later Sync.
func TestDirStageSync(t *testing.T) {
	for _, perFile := range []bool{false, true} {
		root := t.TempDir()
		d, err := NewDir(root)
		if err != nil {
			t.Fatal(err)
		}
		d.perFile = d.perFile || perFile
		const doc = "demo/2020/0123456789"
		for _, w := range []struct {
			name string
			once bool
		}{{"_pending/0123456789", false}, {doc + "/doc.json", false}, {doc + "/v1.txt", true}, {doc + "/v1.json", true}} {
			if err := d.Stage(w.name, []byte(w.name), w.once); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Stage(doc+"/v1.txt", []byte("again"), true); !errors.Is(err, fs.ErrExist) {
			t.Errorf("perFile %v: staging v1.txt again: %v, want fs.ErrExist", perFile, err)
		}
		if err := d.Stage(doc+"/doc.json", []byte("replaced"), false); err != nil {
			t.Fatal(err)
		}
		if perFile {
			d.mu.Lock()
			n := len(d.staged)
			d.mu.Unlock()
			// The five directories given new entries (the files'
			// data was fsynced as they were staged): the root
			// (_pending, demo), _pending, demo, demo/2020 and the
			// document's.
			if n != 5 {
				t.Errorf("perFile: %d paths staged, want 5", n)
			}
		}
		if err := d.Remove("_pending/0123456789"); err != nil {
			t.Fatal(err)
		}
		if err := d.Sync(); err != nil {
			t.Fatalf("perFile %v: Sync: %v", perFile, err)
		}
		if perFile && len(d.staged) != 0 {
			t.Errorf("perFile: %d paths still staged after Sync", len(d.staged))
		}
		for name, want := range map[string]string{doc + "/v1.txt": doc + "/v1.txt", doc + "/doc.json": "replaced"} {
			got, err := os.ReadFile(filepath.Join(root, name))
			if err != nil || string(got) != want {
				t.Errorf("perFile %v: %s holds %q (%v), want %q", perFile, name, got, err, want)
			}
		}
		if fi, err := os.Stat(filepath.Join(root, doc, "v1.json")); err != nil || fi.Mode().Perm()&0o222 != 0 {
			t.Errorf("perFile %v: v1.json: %v, %v: want read-only", perFile, fi.Mode(), err)
		}
		if leftovers, _ := filepath.Glob(filepath.Join(root, doc, ".*")); len(leftovers) > 0 {
			t.Errorf("perFile %v: temporary files left: %v", perFile, leftovers)
		}
		if !perFile {
			d.mu.Lock()
			d.flushErr = errors.New("write-back failed")
			d.mu.Unlock()
			if err := d.Sync(); err == nil || err.Error() != "write-back failed" {
				t.Errorf("Sync after a failed syncfs: %v, want its error", err)
			}
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
