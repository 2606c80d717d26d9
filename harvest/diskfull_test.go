package harvest_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// fullDisk lets the first n writes through, then fails every write with
// ENOSPC, as a disk that fills up during a run.
type fullDisk struct {
	archive.Files
	left int
}

func (f *fullDisk) fail(name string) error {
	if f.left > 0 {
		f.left--
		return nil
	}
	return &fs.PathError{Op: "write", Path: name, Err: syscall.ENOSPC}
}

func (f *fullDisk) Create(name string, data []byte) error {
	if err := f.fail(name); err != nil {
		return err
	}
	return f.Files.Create(name, data)
}

func (f *fullDisk) Append(name string, data []byte) error {
	if err := f.fail(name); err != nil {
		return err
	}
	return f.Files.Append(name, data)
}

func (f *fullDisk) Stage(name string, data []byte, once bool) error {
	if err := f.fail(name); err != nil {
		return err
	}
	return f.Files.Stage(name, data, once)
}

func (f *fullDisk) Replace(name string, data []byte) error {
	if err := f.fail(name); err != nil {
		return err
	}
	return f.Files.Replace(name, data)
}

// hashes returns the sha256 of every file under dir except the index.
func hashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), "index.db") || d.Name() == "lock" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = sha256.Sum256(b)
		return nil
	})
	return out
}

func TestRunSiteDiskFull(t *testing.T) {
	page := func(title, para string) []byte {
		return []byte(`<html><head><meta name="ArticleTitle" content="` + title + `"></head><body><div class="TRS_Editor"><p>` +
			strings.Repeat(para, 5) + `</p></div></body></html>`)
	}
	files := fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul><li><a href="a.html">2023年法治政府建设年度报告</a></li>
<li><a href="b.html">2022年法治政府建设年度报告</a></li></ul></body></html>`)},
		"c/a.html": {Data: page("2023年法治政府建设年度报告", "二〇二三年的工作成效显著。")},
		"c/b.html": {Data: page("2022年法治政府建设年度报告", "二〇二二年的工作稳步推进。")},
	}
	srv := portaltest.NewServer(t, files)
	site := testSite(t, srv, "")
	dir := t.TempDir()
	run := func(wrap func(archive.Files) archive.Files) (harvest.Summary, error) {
		a, err := archive.Open(dir, archive.Options{WrapFiles: wrap})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		return harvest.RunSite(context.Background(), site, harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}})
	}
	if _, err := run(nil); err != nil {
		t.Fatal(err)
	}
	before := hashes(t, dir)

	// Both reports change; the disk fills up after a few writes of the run.
	srv.Set("/c/a.html", page("2023年法治政府建设年度报告", "二〇二三年的工作成效显著,数字已更正。"))
	srv.Set("/c/b.html", page("2022年法治政府建设年度报告", "二〇二二年的工作稳步推进,补充了说明。"))
	sum, err := run(func(f archive.Files) archive.Files { return &fullDisk{Files: f, left: 3} })
	if err == nil || !errors.Is(err, syscall.ENOSPC) || sum.Status != "failed" || !strings.Contains(sum.Error, "no space left on device") {
		t.Fatalf("run on a full disk: status %q, error %q, err %v", sum.Status, sum.Error, err)
	}
	for p, h := range before {
		if strings.Contains(p, string(filepath.Separator)+"_runs"+string(filepath.Separator)) {
			continue
		}
		after, err := os.ReadFile(p)
		if err != nil || sha256.Sum256(after) != h {
			t.Errorf("%s changed or vanished on a full disk (%v)", p, err)
		}
	}
	archivetest.Check(t, dir) // no partial version

	// Space again: the next run completes and adds the two new versions.
	sum, err = run(nil)
	if err != nil || sum.Status != "ok" || sum.NewVersions+sum.Unchanged != 2 {
		t.Fatalf("next run: %+v, %v", sum, err)
	}
	if vers := archivetest.Check(t, dir); len(vers) != 4 {
		t.Errorf("%d versions, want 4", len(vers))
	}
}
