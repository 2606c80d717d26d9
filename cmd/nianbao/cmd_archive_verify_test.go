package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// firstMeta returns the metadata file of the first version of the first
// document, by path.
func firstMeta(vers []archive.Version) string {
	sort.Slice(vers, func(i, j int) bool { return vers[i].Path < vers[j].Path })
	return strings.TrimSuffix(vers[0].Path, ".txt") + ".json"
}

// spoil overwrites an archive file (read-only or not) with data.
func spoil(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.Chmod(name, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// halve cuts a file to half its size.
func halve(t *testing.T, name string) {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(name, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// The operator's path through a damaged archive, each step the real
// command in-process against the fake portal: verify names the damage
// (exit 4), a crawl on a damaged index refuses before fetching anything
// and says what to run (exit 4), verify --repair rebuilds without losing a
// good version, the run history or (when the old index can be read) the
// fetch state, and the next crawl works — answered 304 where validators
// survived.
func TestArchiveVerifyRepair(t *testing.T) {
	tests := []struct {
		name string
		// damage spoils the archive in dir and returns the file (relative
		// to dir) that verify and verify --repair must name.
		damage func(t *testing.T, dir string, vers []archive.Version) string
		// indexDamaged: the index cannot be read, so the crawl refuses and
		// the fetch state cannot survive.
		indexDamaged bool
		// fileDamage: damage to a version file remains after --repair,
		// which never rewrites a version.
		fileDamage bool
		// lost is how many versions --repair cannot list (neither their
		// metadata nor the old index can give them); the next crawl
		// stores their texts again, as new versions.
		lost int
	}{
		{name: "doc.json that does not parse", damage: func(t *testing.T, dir string, vers []archive.Version) string {
			name := filepath.ToSlash(filepath.Join(filepath.Dir(vers[0].Path), "doc.json"))
			spoil(t, filepath.Join(dir, name), []byte(`{"doc": "`))
			return name
		}},
		{name: "v1.json that does not parse", damage: func(t *testing.T, dir string, vers []archive.Version) string {
			name := firstMeta(vers)
			spoil(t, filepath.Join(dir, name), []byte("\x00\x00garbage"))
			return name
		}, fileDamage: true},
		{name: "index.db cut to half its size", damage: func(t *testing.T, dir string, _ []archive.Version) string {
			halve(t, filepath.Join(dir, archive.IndexFile))
			return archive.IndexFile
		}, indexDamaged: true},
		{name: "index.db of garbage", damage: func(t *testing.T, dir string, _ []archive.Version) string {
			spoil(t, filepath.Join(dir, archive.IndexFile), []byte(strings.Repeat("not an SQLite database\n", 4000)))
			return archive.IndexFile
		}, indexDamaged: true},
		{name: "v1.json that does not parse, and index.db of garbage", damage: func(t *testing.T, dir string, vers []archive.Version) string {
			spoil(t, filepath.Join(dir, archive.IndexFile), []byte("SQLite format 3\x00 but not really"))
			name := firstMeta(vers)
			spoil(t, filepath.Join(dir, name), []byte("{\"doc\": 12"))
			return name
		}, indexDamaged: true, fileDamage: true, lost: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewPortal(t)
			srv.SetConditional(true)
			cfg, dir := portalSetup(t, srv, nil)
			first := crawlJSON(t, cfg, "jinnan")
			before := lsJSON(t, cfg)
			if len(before) == 0 {
				t.Fatal("the first crawl archived nothing")
			}
			file := tt.damage(t, dir, before)

			code, out, errOut := runCmd(t, "--config", cfg, "archive", "verify")
			if code != exitDamage || !strings.Contains(out, file+": ") {
				t.Errorf("verify: exit %d, want %d naming %s\nstdout: %s\nstderr: %s", code, exitDamage, file, out, errOut)
			}
			if tt.indexDamaged {
				n := len(srv.Requests())
				code, _, errOut := runCmd(t, "--config", cfg, "crawl", "jinnan")
				if code != exitDamage || !strings.Contains(errOut, "archive verify --repair") || !strings.Contains(errOut, archive.IndexFile) {
					t.Errorf("crawl on a damaged index: exit %d, want %d saying what to run\nstderr: %s", code, exitDamage, errOut)
				}
				if got := len(srv.Requests()); got != n {
					t.Errorf("a crawl that cannot use its index fetched %d pages", got-n)
				}
				if code, _, errOut := runCmd(t, "--config", cfg, "archive", "ls"); code != exitDamage || !strings.Contains(errOut, "archive verify --repair") {
					t.Errorf("archive ls on a damaged index: exit %d, want %d saying what to run\nstderr: %s", code, exitDamage, errOut)
				}
			}

			code, out, errOut = runCmd(t, "--config", cfg, "--log-level", "error", "archive", "verify", "--repair")
			t.Logf("verify --repair:\n%s", out)
			if want := map[bool]int{false: exitOK, true: exitDamage}[tt.fileDamage]; code != want || !strings.Contains(out, file+": ") {
				t.Errorf("verify --repair: exit %d, want %d naming %s\nstdout: %s\nstderr: %s", code, want, file, out, errOut)
			}
			if tt.indexDamaged {
				aside, _ := filepath.Glob(filepath.Join(dir, archive.IndexFile+".corrupt-*[0-9Z]"))
				if len(aside) != 1 || !strings.Contains(out, filepath.Base(aside[0])) {
					t.Errorf("the damaged index was not kept aside and named: %v\n%s", aside, out)
				}
			}
			if after := lsJSON(t, cfg); len(after) != len(before)-tt.lost {
				t.Errorf("after --repair the index lists %d of %d versions, want %d", len(after), len(before), len(before)-tt.lost)
			}
			if code, out, _ := runCmd(t, "--config", cfg, "runs", "--json"); code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, first[0].RunID) {
				t.Errorf("runs after --repair: exit %d\n%s", code, out)
			}

			next := crawlJSON(t, cfg, "jinnan")
			s := next[0]
			if s.Status != "ok" || s.ErrorCount() != first[0].ErrorCount() || s.NewDocuments != 0 || s.NewVersions != tt.lost {
				t.Errorf("crawl after --repair: %+v", s)
			}
			if !tt.indexDamaged && s.NotModified != s.ReportsFound {
				t.Errorf("crawl after --repair: %d of %d reports not modified (304): the fetch state was lost", s.NotModified, s.ReportsFound)
			}
			if code, out, _ := runCmd(t, "--config", cfg, "runs", "--json"); code != 0 || strings.Count(out, "\n") != 2 {
				t.Errorf("runs after the next crawl: exit %d\n%s", code, out)
			}
			if !tt.fileDamage {
				archivetest.Check(t, dir)
			}
		})
	}
}
