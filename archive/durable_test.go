package archive

import (
	"context"
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
func TestDirDefersVersionDataSync(t *testing.T) {
	root := t.TempDir()
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "demo", "2020", "0123456789")
	pending := func() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.unsynced[dir] }
	if err := d.Replace("demo/2020/0123456789/doc.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if pending() {
		t.Fatal("doc.json left its directory unsynced")
	}
	for _, name := range []string{"v1.raw.gz", "v1.txt"} {
		if err := d.Create("demo/2020/0123456789/"+name, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if !pending() {
			t.Fatalf("%s synced its directory: its metadata should", name)
		}
	}
	if err := d.Create("demo/2020/0123456789/v1.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if pending() {
		t.Fatal("v1.json left its directory unsynced")
	}
	for _, name := range []string{"doc.json", "v1.raw.gz", "v1.txt", "v1.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}
