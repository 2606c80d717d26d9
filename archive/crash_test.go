package archive_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

var errCrash = errors.New("simulated crash")

// crashFiles lets the first n file operations through and fails the rest,
// as if the process had been killed between two writes. With a power
// failure (lost set), what was staged since the last Sync is undone at the
// crash as a power failure may undo it: each such write lost (the file's
// earlier bytes back, or no file), kept, or torn (its name kept, its bytes
// gone), as lost chooses for the i-th staged write.
type crashFiles struct {
	archive.Files
	left int
	ops  int

	root   string
	lost   func(i int) stagedFate
	staged []stagedWrite // since the last Sync
	nstage int
	syncs  int // Syncs let through
}

type stagedFate int

const (
	kept stagedFate = iota
	lost
	torn
)

type stagedWrite struct {
	name   string
	before []byte // nil: no file before
}

func (c *crashFiles) op() error {
	c.ops++
	if c.left == 0 {
		if c.lost != nil {
			c.powerFail()
			c.lost = nil
		}
		return errCrash
	}
	c.left--
	return nil
}

// powerFail undoes the writes staged since the last Sync, newest first.
func (c *crashFiles) powerFail() {
	for i := len(c.staged) - 1; i >= 0; i-- {
		w := c.staged[i]
		full := filepath.Join(c.root, filepath.FromSlash(w.name))
		switch c.lost(c.nstage - len(c.staged) + i) {
		case lost:
			os.Remove(full)
			if w.before != nil {
				os.WriteFile(full, w.before, 0o644)
			}
		case torn:
			os.Chmod(full, 0o644)
			os.Truncate(full, 0)
			os.Chmod(full, 0o444)
		}
	}
	c.staged = nil
}

func (c *crashFiles) Stage(name string, data []byte, once bool) error {
	if err := c.op(); err != nil {
		return err
	}
	before, _ := fs.ReadFile(c.Files, name)
	if err := c.Files.Stage(name, data, once); err != nil {
		return err
	}
	c.staged = append(c.staged, stagedWrite{name: name, before: before})
	c.nstage++
	return nil
}

func (c *crashFiles) Sync() error {
	if err := c.op(); err != nil {
		return err
	}
	if err := c.Files.Sync(); err != nil {
		return err
	}
	c.syncs++
	c.staged = nil
	return nil
}

func (c *crashFiles) Create(name string, data []byte) error {
	if err := c.op(); err != nil {
		return err
	}
	return c.Files.Create(name, data)
}

func (c *crashFiles) Replace(name string, data []byte) error {
	if err := c.op(); err != nil {
		return err
	}
	return c.Files.Replace(name, data)
}

func (c *crashFiles) Remove(name string) error {
	if err := c.op(); err != nil {
		return err
	}
	return c.Files.Remove(name)
}

func TestCrashAtEveryWrite(t *testing.T) {
	const u1, u2, u3 = "http://a.gov.cn/1.html", "http://a.gov.cn/2.html", "http://a.gov.cn/3.html"
	base := t.TempDir()
	a := open(t, base)
	put(t, a, entry(u1, "第一版。\n", t0), archive.NewDocument)
	a.Close()

	at := t0.Add(time.Hour)
	tests := []struct {
		name     string
		e        archive.Entry
		want     archive.Outcome
		versions int // in the archive once the write has completed
	}{
		{"new version", entry(u1, "第二版。\n", at), archive.NewVersion, 2},
		{"repost", entry(u2, "第一版。\n", at), archive.NewSource, 1},
		{"new document", entry(u3, "另一份报告。\n", at), archive.NewDocument, 2},
	}
	for _, tt := range tests {
		// Count the file operations the write takes when nothing fails.
		dir := t.TempDir()
		archivetest.Copy(t, base, dir)
		counter := &crashFiles{left: -1}
		b, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { counter.Files = f; return counter }})
		if err != nil {
			t.Fatal(err)
		}
		put(t, b, tt.e, tt.want)
		b.Close()
		total := counter.ops

		for k := 0; k < total; k++ {
			for _, pf := range powerFailures {
				t.Run(fmt.Sprintf("%s/after %d of %d writes/%s", tt.name, k, total, pf.name), func(t *testing.T) {
					dir := t.TempDir()
					archivetest.Copy(t, base, dir)
					cf := &crashFiles{left: k, root: dir, lost: pf.fate}
					c, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { cf.Files = f; return cf }})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := c.Put(context.Background(), tt.e); !errors.Is(err, errCrash) {
						t.Fatalf("Put with a crash after %d writes: err = %v", k, err)
					}
					c.Close()

					// What the crash left verifies as it is...
					archivetest.Check(t, dir)
					// ...and as the next Open's recovery leaves it, even
					// if the power fails after that recovery (pf.after):
					// whatever the crashed writer left unsynced is lost
					// then, unless the recovery synced it.
					rc := &crashFiles{left: -1}
					r0, err := archive.Open(dir, archive.Options{WrapFiles: func(f archive.Files) archive.Files { rc.Files = f; return rc }})
					if err != nil {
						t.Fatalf("Open after the crash: %v", err)
					}
					r0.Close()
					if pf.after != nil && rc.syncs == 0 {
						cf.lost = pf.after
						cf.powerFail()
					}
					archivetest.Check(t, dir)
					// ...and the next writer finishes the job.
					d := open(t, dir)
					r, err := d.Put(context.Background(), tt.e)
					if err != nil {
						t.Fatalf("Put after recovery: %v", err)
					}
					if r.Outcome != tt.want && r.Outcome != archive.Unchanged {
						t.Errorf("after recovery: %s, want %s (or unchanged: the crash came after the commit)", r.Outcome, tt.want)
					}
					d.Close()
					if vers := archivetest.Check(t, dir); len(vers) != tt.versions {
						t.Errorf("archive holds %d versions, want %d", len(vers), tt.versions)
					}
					if _, err := os.Stat(filepath.Join(dir, "_pending")); err == nil {
						if left, _ := os.ReadDir(filepath.Join(dir, "_pending")); len(left) > 0 {
							t.Errorf("pending markers left: %v", left)
						}
					}
				})
			}
		}
	}
}

// powerFailures are the crashes TestCrashAtEveryWrite tries at each point:
// a killed process (every write that returned is on disk) and power
// failures that lose, tear or keep the writes not yet synced, all of them
// or a mix.
var powerFailures = []struct {
	name  string
	fate  func(i int) stagedFate
	after func(i int) stagedFate // a power failure after the next Open
}{
	{"killed", nil, nil},
	{"killed, then a power failure after the recovery", nil, func(int) stagedFate { return torn }},
	{"power failure, unsynced writes lost", func(int) stagedFate { return lost }, nil},
	{"power failure, unsynced writes torn", func(int) stagedFate { return torn }, nil},
	{"power failure, the first unsynced write lost, the rest kept", func(i int) stagedFate { return map[bool]stagedFate{true: lost, false: kept}[i == 0] }, nil},
	{"power failure, unsynced writes torn and kept in turn", func(i int) stagedFate { return [...]stagedFate{torn, kept}[i%2] }, nil},
	{"power failure, unsynced writes kept and lost in turn", func(i int) stagedFate { return [...]stagedFate{kept, lost}[i%2] }, nil},
}

func (c *crashFiles) Append(name string, data []byte) error {
	if err := c.op(); err != nil {
		return err
	}
	return c.Files.Append(name, data)
}
