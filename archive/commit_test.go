package archive

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A group's changes are committed together, but a change that fails is
// rolled back alone: the others of its group are committed, and only its
// Put gets the error.
func TestCommitGroupIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	x, err := openSQLite(filepath.Join(t.TempDir(), IndexFile), false)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	now := time.Now()
	change := func(id string) Change {
		d := Doc{ID: id, Site: "demo", Dir: "demo/undated/" + id, CreatedAt: now}
		v := Version{Doc: id, Version: 1, SHA256: "sha-" + id, FetchedAt: now}
		return Change{Doc: &d, Version: &v, Sources: []Source{{URL: "https://a.gov.cn/" + id, Site: "demo", FirstSeen: now}}}
	}
	if err := x.Commit(ctx, change("bbbbbbbbbb")); err != nil {
		t.Fatal(err)
	}
	// The second adds a v1 that is already there: it fails, alone.
	errs := x.commitGroup(ctx, []Change{change("aaaaaaaaaa"), change("bbbbbbbbbb"), change("cccccccccc")})
	for i, want := range []bool{false, true, false} {
		if (errs[i] != nil) != want {
			t.Errorf("change %d: err = %v, want an error: %v", i, errs[i], want)
		}
	}
	for _, id := range []string{"aaaaaaaaaa", "cccccccccc"} {
		if n, err := x.LatestVersion(ctx, id); err != nil || n != 1 {
			t.Errorf("%s: latest version %d, %v; want 1", id, n, err)
		}
	}
}

// Concurrent commits through the committer are grouped: fewer index
// transactions than changes, every change committed, each caller told of
// its own.
func TestCommitterGroups(t *testing.T) {
	ctx := context.Background()
	x, err := openSQLite(filepath.Join(t.TempDir(), IndexFile), false)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var mu sync.Mutex
	var groups []int
	g := newCommitter(func(ctx context.Context, cs []Change) []error {
		mu.Lock()
		groups = append(groups, len(cs))
		mu.Unlock()
		return x.commitGroup(ctx, cs)
	})
	const n = 200
	now := time.Now()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			tk := g.begin()
			defer tk.close()
			<-start
			id := fmt.Sprintf("%010d", i)
			d := Doc{ID: id, Site: "demo", Dir: "demo/undated/" + id, CreatedAt: now}
			v := Version{Doc: id, Version: 1, SHA256: id, FetchedAt: now}
			if err := g.commit(ctx, tk, Change{Doc: &d, Version: &v}); err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	total := 0
	for _, k := range groups {
		total += k
		if k > groupMax {
			t.Errorf("a group of %d changes, more than %d", k, groupMax)
		}
	}
	if total != n || len(groups) >= n {
		t.Errorf("%d changes in %d groups, want %d in fewer", total, len(groups), n)
	}
	var count int
	if err := x.db.QueryRow(`SELECT COUNT(*) FROM versions`).Scan(&count); err != nil || count != n {
		t.Errorf("index holds %d versions (%v), want %d", count, err, n)
	}
	t.Logf("%d changes in %d groups", total, len(groups))
}
