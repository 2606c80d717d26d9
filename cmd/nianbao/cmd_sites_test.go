package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runCmd runs the nianbao command line in-process.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeFiles creates files (relative name → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSitesCheck(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantCode int
		wantOut  []string // in stdout (code 0) or stderr
	}{
		{"all good", map[string]string{
			"config.yaml":  "sites_dir: sites\n",
			"sites/a.yaml": "name: a\nstart: https://a.gov.cn/list/\n",
			"sites/b.yaml": "name: b\ntitle: 乙\nstart: [https://b.gov.cn/]\nschedule: \"@every 6h\"\n",
		}, 0, []string{"ok: ", "2 site(s) in "}},
		{"every problem at once", map[string]string{
			"config.yaml":    "sites_dir: sites\n",
			"sites/a.yaml":   "name: a\nstart: https://a.gov.cn/\n",
			"sites/dup.yaml": "name: a\nstart: https://b.gov.cn/\n",
			"sites/bad.yaml": "name: Bad_Name\nstart: /relative\nmatch: \"(\"\nschedule: \"61 * * * *\"\ncolour: red\n",
			"sites/no.yaml":  "name: no-start\n",
			"sites/yml.yaml": "name: [unclosed\n",
		}, 2, []string{
			"sites/bad.yaml:1: name: \"Bad_Name\" is not a valid name",
			"sites/bad.yaml:2: start: \"/relative\" is not an absolute http(s) URL",
			"sites/bad.yaml:3: match: invalid regular expression",
			"sites/bad.yaml:4: schedule: invalid cron schedule",
			"sites/bad.yaml:5: colour: unknown field",
			"sites/dup.yaml:1: name: duplicate site name \"a\": also used by ",
			"sites/a.yaml:1\n",
			"sites/no.yaml:1: start: missing",
			"sites/yml.yaml:1: invalid YAML",
		}},
		{"bad config", map[string]string{
			"config.yaml": "sites_dir: sites\ndefaults:\n  delay: soon\n  schedule: \"CRON_TZ=Mars/Olympus 0 3 * * *\"\nlisten_on: x\n",
		}, 2, []string{
			"config.yaml:3: defaults.delay: invalid duration \"soon\"",
			"config.yaml:4: defaults.schedule: invalid cron schedule",
			"config.yaml:5: listen_on: unknown field",
		}},
		{"missing config", map[string]string{}, 2, []string{"config.yaml: no such file or directory"}},
		{"missing sites dir", map[string]string{"config.yaml": "sites_dir: nowhere\n"}, 2, []string{"sites_dir", "nowhere"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			code, out, errOut := runCmd(t, "--config", filepath.Join(dir, "config.yaml"), "sites", "check")
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			got := out + errOut
			for _, w := range tt.wantOut {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestSitesList(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"config.yaml":  "sites_dir: sites\n",
		"sites/a.yaml": "name: a\ntitle: 天津市司法局\nstart: [https://a.gov.cn/l1/, https://a.gov.cn/l2/]\nschedule: \"@daily\"\n",
	})
	code, out, errOut := runCmd(t, "--config", filepath.Join(dir, "config.yaml"), "sites", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"NAME", "a", "天津市司法局", "@daily", "https://a.gov.cn/l1/ https://a.gov.cn/l2/"} {
		if !strings.Contains(out, w) {
			t.Errorf("list lacks %q:\n%s", w, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{"crawl"},                   // neither sites nor --all
		{"crawl", "--all", "a"},     // both
		{"crawl", "--bogus"},        // unknown flag
		{"frobnicate"},              // unknown command
		{"archive", "show"},         // missing DOC
		{"extract"},                 // no files
		{"sites", "check", "extra"}, // stray argument
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, args...)
			if code != exitConfig {
				t.Errorf("exit %d, want %d (usage); stderr: %s", code, exitConfig, errOut)
			}
		})
	}
	if code, out, _ := runCmd(t, "crawl", "--help"); code != 0 || !strings.Contains(out, "--all") {
		t.Errorf("crawl --help: exit %d\n%s", code, out)
	}
}

// TestSitesCheckSpecialFiles: `sites check` over a sites directory with a
// FIFO, a directory, a symlink to a file outside it (holding a secret line)
// and a file over 1 MiB named *.yaml reports each, reads none of them, and
// never prints the outside file's content. A check that opened the FIFO
// would block: the test's bound turns that into a failure.
func TestSitesCheckSpecialFiles(t *testing.T) {
	const secret = "root:$6$SECRETHASHxyz:19000:0:99999:7:::"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"config.yaml":  "sites_dir: sites\n",
		"sites/a.yaml": "name: a\nstart: https://a.gov.cn/list/\n",
		"private/pw":   secret + "\n",
	})
	sitesDir := filepath.Join(dir, "sites")
	fifo := filepath.Join(sitesDir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // release a reader stuck in open(2), if any
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	if err := os.Mkdir(filepath.Join(sitesDir, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../private/pw", filepath.Join(sitesDir, "pw.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sitesDir, "big.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(sitesDir, "big.yaml"), 10<<30); err != nil { // 10 GB, sparse
		t.Fatal(err)
	}

	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb syncBuffer
		code := run(context.Background(), []string{"--config", filepath.Join(dir, "config.yaml"), "sites", "check"}, &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("sites check did not return within 60 s: it blocks on a site file (opened the FIFO?)")
	}
	if r.code != exitConfig {
		t.Errorf("exit %d, want %d\n%s%s", r.code, exitConfig, r.out, r.errOut)
	}
	got := r.out + r.errOut
	for _, w := range []string{
		"sites/fifo.yaml: a named pipe (FIFO), not a regular file: skipped without reading it",
		"sites/dir.yaml: a directory, not a regular file",
		"sites/pw.yaml: symlink to outside sites_dir: not read",
		"sites/big.yaml: too large: 10737418240 bytes",
		"4 problem(s) in 4 site file(s)",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "SECRETHASH") {
		t.Errorf("the output quotes the file outside sites_dir:\n%s", got)
	}
}

// TestSitesCheckInterrupted: `sites check` whose context is cancelled (as
// main's is by SIGINT or SIGTERM) stops loading and says so, instead of
// going through thousands of site files and reporting them all good.
func TestSitesCheckInterrupted(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"config.yaml": "sites_dir: sites\n"}
	for i := range 2000 {
		files[fmt.Sprintf("sites/s%04d.yaml", i)] = fmt.Sprintf("name: s%04d\nstart: https://a.gov.cn/%d/\n", i, i)
	}
	writeFiles(t, dir, files)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"--config", filepath.Join(dir, "config.yaml"), "sites", "check"}, &out, &errb)
	if code != exitError || strings.Contains(out.String(), "ok:") ||
		!strings.Contains(errb.String(), "interrupted while loading the site files of") {
		t.Errorf("exit %d, want %d and the interruption said\nstdout: %s\nstderr: %s", code, exitError, out.String(), errb.String())
	}
}
