package archive_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// The environment of a child process that opens an archive and dies while
// doing so (TestOpenKilledChild).
const (
	envKillDir   = "NIANBAO_TEST_KILL_DIR"   // the archive to open
	envKillAfter = "NIANBAO_TEST_KILL_AFTER" // reads of archive files let through
	// killedExit is the child's exit status when it died as planned, so
	// that a child that failed for another reason is not taken for one.
	killedExit = 75
)

// dieFiles lets the first n reads of archive files through and ends the
// process at the next, as a kill would: no deferred cleanup runs, no file
// is closed cleanly. left < 0 lets everything through, to count the reads.
type dieFiles struct {
	archive.Files
	left int
	ops  int
}

func (d *dieFiles) Open(name string) (fs.File, error) {
	d.ops++
	if d.left == 0 {
		os.Exit(killedExit)
	}
	d.left--
	return d.Files.Open(name)
}

// TestOpenKilledChild is the child process of the "killed" rows of
// TestOpenRebuildInterrupted; run without its environment, it does nothing.
func TestOpenKilledChild(t *testing.T) {
	dir := os.Getenv(envKillDir)
	if dir == "" {
		t.Skip("the child process of TestOpenRebuildInterrupted")
	}
	n, err := strconv.Atoi(os.Getenv(envKillAfter))
	if err != nil {
		t.Fatalf("%s: %v", envKillAfter, err)
	}
	df := &dieFiles{left: n}
	a, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { df.Files = f; return df }})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	t.Fatalf("Open read %d archive files and was not killed at read %d", df.ops, n+1)
}

// removeIndex deletes an archive's index, as an operator might to have it
// rebuilt.
func removeIndex(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []string{archive.IndexFile, archive.IndexFile + "-wal", archive.IndexFile + "-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

// A missing index is rebuilt from the files at Open. However that rebuild
// is interrupted — a write fails, or the process is killed at any read of
// the files — it leaves no index that looks whole and lists nothing: the
// next Open, a reader's first, lists every version and run.
func TestOpenRebuildInterrupted(t *testing.T) {
	ctx := context.Background()
	base := newFixture(t)
	// A doc.json that does not parse is rewritten by the rebuild: a write
	// that can fail.
	overwrite(t, filepath.Join(base.doc(u2), "doc.json"), []byte("{"))
	removeIndex(t, base.dir)

	// Each way of interrupting the rebuild: how many steps an Open that
	// is not interrupted takes, and an Open interrupted after k of them.
	tests := []struct {
		name        string
		steps       func(t *testing.T, dir string) int
		interrupted func(t *testing.T, dir string, k int)
	}{
		{"write fails", func(t *testing.T, dir string) int {
			cf := &crashFiles{left: -1}
			a, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { cf.Files = f; return cf }})
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			return cf.ops
		}, func(t *testing.T, dir string, k int) {
			cf := &crashFiles{left: k}
			a, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { cf.Files = f; return cf }})
			if err == nil {
				a.Close()
			}
			if !errors.Is(err, errCrash) {
				t.Fatalf("Open with a write failing after %d: err = %v", k, err)
			}
		}},
		{"process killed", func(t *testing.T, dir string) int {
			df := &dieFiles{left: -1}
			a, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { df.Files = f; return df }})
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			return df.ops
		}, func(t *testing.T, dir string, k int) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestOpenKilledChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), envKillDir+"="+dir, envKillAfter+"="+strconv.Itoa(k))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != killedExit {
				t.Fatalf("child killed at read %d: %v\n%s", k+1, err, out)
			}
		}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		archivetest.Copy(t, base.dir, dir)
		total := tt.steps(t, dir)
		if total < 2 {
			t.Fatalf("%s: an Open that rebuilds the index takes %d steps", tt.name, total)
		}
		for k := range total {
			t.Run(fmt.Sprintf("%s/after %d of %d", tt.name, k, total), func(t *testing.T) {
				dir := t.TempDir()
				archivetest.Copy(t, base.dir, dir)
				tt.interrupted(t, dir, k)

				// A reader first: it rebuilds a missing index, but takes
				// an index that is there as it is.
				ro, err := archive.Open(dir, archive.Options{ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				vers, err := ro.Versions(ctx, archive.Filter{})
				ro.Close()
				if err != nil || len(vers) != len(base.vers) {
					t.Errorf("a reader's Open lists %d of %d versions (%v)", len(vers), len(base.vers), err)
				}
				a := open(t, dir)
				vers, err = a.Versions(ctx, archive.Filter{})
				if err != nil || len(vers) != len(base.vers) {
					t.Errorf("the next writer's Open lists %d of %d versions (%v)", len(vers), len(base.vers), err)
				}
				runs, err := a.Runs(ctx, "", 10)
				if err != nil || len(runs) != 2 {
					t.Errorf("the next writer's Open lists %d of 2 runs (%v)", len(runs), err)
				}
				a.Close()
				if tmp, _ := filepath.Glob(filepath.Join(dir, ".*-tmp-*")); len(tmp) > 0 {
					t.Errorf("temporary files left behind: %v", tmp)
				}
				if vers := archivetest.Check(t, dir); len(vers) != len(base.vers) {
					t.Errorf("a reader lists %d of %d versions", len(vers), len(base.vers))
				}
			})
		}
	}
}

// An index that opens and lists nothing while the files hold documents —
// what an Open whose rebuild was interrupted left before the rebuild was
// built aside — is rebuilt by the next writer's Open.
func TestOpenRebuildsEmptyIndex(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	empty := t.TempDir()
	open(t, empty).Close()
	removeIndex(t, f.dir)
	data, err := os.ReadFile(filepath.Join(empty, archive.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.dir, archive.IndexFile), data, 0o644); err != nil {
		t.Fatal(err)
	}

	a := open(t, f.dir)
	vers, err := a.Versions(ctx, archive.Filter{})
	if err != nil || len(vers) != len(f.vers) {
		t.Errorf("Open lists %d of %d versions (%v)", len(vers), len(f.vers), err)
	}
	runs, err := a.Runs(ctx, "", 10)
	if err != nil || len(runs) != 2 {
		t.Errorf("Open lists %d of 2 runs (%v)", len(runs), err)
	}
	a.Close()
	if vers := archivetest.Check(t, f.dir); len(vers) != len(f.vers) {
		t.Errorf("a reader lists %d of %d versions", len(vers), len(f.vers))
	}
}
