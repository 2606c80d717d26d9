package sites

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// secretLine is what a file outside sites_dir holds: a line of a shadow
// file, which a YAML error would quote whole ("got the value …").
const secretLine = "root:$6$SECRETHASHxyz:19000:0:99999:7:::"

// hostileSitesDir makes a sites directory holding, beside two good site
// files (one of them reached through a symlink inside the directory),
// every kind of entry named *.yaml that must be reported and not read: a
// FIFO (and a symlink to one), a directory, symlinks out of the directory (absolute, relative,
// and through a second link), and a file over MaxFileSize. It returns the
// directory.
func hostileSitesDir(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "sites")
	outside := filepath.Join(base, "elsewhere")
	for _, d := range []string{dir, outside, filepath.Join(dir, "real"), filepath.Join(dir, "dir.yaml")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, content string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "shadow.yaml"), secretLine+"\n")
	write(filepath.Join(dir, "good.yaml"), "name: good\nstart: https://a.gov.cn/list/\n")
	write(filepath.Join(dir, "real", "inside.yml"), "name: inside\nstart: https://b.gov.cn/list/\n")
	link("real/inside.yml", "inside.yaml")
	link(filepath.Join(outside, "shadow.yaml"), "absolute.yaml")
	link("../elsewhere/shadow.yaml", "relative.yaml")
	link("../elsewhere", "hop")
	link("hop/shadow.yaml", "chain.yaml")
	// Sparse: it costs no disk, and a loader that reads it whole reads
	// MaxFileSize+1 bytes.
	big, err := os.Create(filepath.Join(dir, "big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	big.Close()
	for _, name := range []string{"fifo.yaml", "pipe"} {
		fifo := filepath.Join(dir, name)
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		// A loader that opened the FIFO is stuck in open(2) until a writer
		// comes: be that writer when the test ends, so that it does not
		// hang the test binary.
		t.Cleanup(func() {
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
	}
	link("pipe", "viapipe.yaml") // a symlink inside the directory, to a FIFO
	return dir
}

// loadDirGuarded runs LoadDir with a bound: a loader that blocks (on a
// FIFO) fails the test instead of hanging it.
func loadDirGuarded(t *testing.T, ctx context.Context, dir string) ([]*Site, error) {
	t.Helper()
	type result struct {
		sites []*Site
		err   error
	}
	done := make(chan result, 1)
	go func() {
		s, err := LoadDir(ctx, dir, "sites", testDefaults)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.sites, r.err
	case <-time.After(60 * time.Second):
		t.Fatal("LoadDir did not return within 60 s: it blocks on an entry (opened the FIFO?)")
		return nil, nil
	}
}

func TestLoadDirSpecialFiles(t *testing.T) {
	dir := hostileSitesDir(t)
	got, err := loadDirGuarded(t, context.Background(), dir)
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("LoadDir error = %v (%T), want Problems", err, err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "good,inside" {
		t.Errorf("loaded sites %v, want [good inside]: the good files load beside the bad ones", names)
	}
	byFile := probs.Files()
	tests := []struct {
		file string
		want string
	}{
		{"sites/fifo.yaml", "sites/fifo.yaml: a named pipe (FIFO), not a regular file: skipped without reading it"},
		{"sites/viapipe.yaml", "sites/viapipe.yaml: a named pipe (FIFO), not a regular file: skipped without reading it"},
		{"sites/dir.yaml", "sites/dir.yaml: a directory, not a regular file"},
		{"sites/absolute.yaml", "sites/absolute.yaml: symlink to outside sites_dir: not read"},
		{"sites/relative.yaml", "sites/relative.yaml: symlink to outside sites_dir: not read"},
		{"sites/chain.yaml", "sites/chain.yaml: symlink to outside sites_dir: not read"},
		{"sites/big.yaml", fmt.Sprintf("sites/big.yaml: too large: %d bytes, and a site file is at most %d (1 MiB)", MaxFileSize+1, MaxFileSize)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ps := byFile[tt.file]
			if len(ps) != 1 || !strings.HasPrefix(ps[0].Error(), tt.want) {
				t.Errorf("problems of %s:\n%v\nwant one starting %q", tt.file, ps, tt.want)
			}
		})
	}
	if len(byFile) != len(tests) {
		t.Errorf("problems in %d files, want %d:\n%v", len(byFile), len(tests), probs)
	}
	if msg := probs.Error(); strings.Contains(msg, "SECRETHASH") || strings.Contains(msg, "elsewhere") {
		t.Errorf("the problems quote a file outside sites_dir, or name its path:\n%s", msg)
	}
}

// cancellingFS is a real file tree (a MapFS) whose opening of the n-th
// site file cancels a context: the moment a user presses Ctrl-C during a
// load, made repeatable.
type cancellingFS struct {
	fstest.MapFS
	n      int
	opened int
	cancel context.CancelFunc
}

func (c *cancellingFS) Open(name string) (fs.File, error) {
	if name != "." {
		c.opened++
		if c.opened == c.n {
			c.cancel()
		}
	}
	return c.MapFS.Open(name)
}

func TestLoadCancelled(t *testing.T) {
	files := fstest.MapFS{}
	for i := range 1000 {
		files[fmt.Sprintf("s%04d.yaml", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "name: s%04d\nstart: https://a.gov.cn/%d/\n", i, i)}
	}
	tests := []struct {
		name      string
		cancelAt  int // the n-th file opened cancels; 0: cancelled before the load
		maxOpened int
	}{
		{"before the load", 0, 0},
		{"during the load", 10, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fsys := &cancellingFS{MapFS: files, n: tt.cancelAt, cancel: cancel}
			if tt.cancelAt == 0 {
				cancel()
			}
			got, err := Load(ctx, fsys, "sites", testDefaults)
			if !errors.Is(err, context.Canceled) || got != nil {
				t.Fatalf("Load = %d sites, %v; want none and context.Canceled", len(got), err)
			}
			if !strings.Contains(err.Error(), "interrupted while loading the site files of sites") {
				t.Errorf("error %q does not say what was interrupted", err)
			}
			if fsys.opened > tt.maxOpened {
				t.Errorf("%d files opened after the cancellation at the %d-th, want at most %d", fsys.opened, tt.cancelAt, tt.maxOpened)
			}
		})
	}
}
