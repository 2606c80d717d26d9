package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// runMainEnv, when set in a test binary's environment, makes the binary
// run nianbao itself with the JSON-encoded arguments it holds, instead of
// the tests: tests that need a real nianbao process (to kill it) start
// their own binary that way.
const runMainEnv = "NIANBAO_TEST_RUN_MAIN"

// peakFileEnv, when set beside runMainEnv, names a file the process writes
// its peak resident set to (VmHWM, in kB) when nianbao returns: rusage's
// maxrss would count the parent's memory too, which a child started with
// CLONE_VM shares until it execs.
const peakFileEnv = "NIANBAO_TEST_PEAK_FILE"

// writePeak writes the process's VmHWM line from /proc/self/status to file,
// if there is a /proc.
func writePeak(file string) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			os.WriteFile(file, []byte(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))), 0o644)
		}
	}
}

func TestMain(m *testing.M) {
	if args := os.Getenv(runMainEnv); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			os.Stderr.WriteString("bad " + runMainEnv + ": " + err.Error() + "\n")
			os.Exit(2)
		}
		// As main does: SIGTERM and Ctrl-C end the command, which returns.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, argv, os.Stdout, os.Stderr)
		stop()
		if f := os.Getenv(peakFileEnv); f != "" {
			writePeak(f)
		}
		os.Exit(code)
	}
	// The commands' default cache_dir is $CACHE_DIRECTORY: a directory of
	// this test binary's own, for every command run in-process or as a
	// child (which inherits it), never the user's ~/.cache.
	cache, err := os.MkdirTemp("", "nianbao-cmd-test-cache-")
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	os.Setenv("CACHE_DIRECTORY", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// A flag value outside its list, or flags that contradict each other, are
// usage errors (exit 2) whatever the command, before it does anything.
func TestBadFlagValues(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "p.html")
	writeFiles(t, dir, map[string]string{
		"p.html":       "<html><body><p>年度报告</p></body></html>",
		"config.yaml":  "sites_dir: sites\narchive_dir: archive\n",
		"sites/a.yaml": "name: a\nstart: http://127.0.0.1:9/\n",
	})
	cfg := filepath.Join(dir, "config.yaml")
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--log-level", "verbose", "crawl", "--all"}, `--log-level "verbose": use debug, info, warn or error`},
		{[]string{"--log-level", "verbose", "extract", page}, `--log-level "verbose"`},
		{[]string{"--log-level", "INFO+2", "sites", "list"}, `--log-level "INFO+2"`},
		{[]string{"--log-level", "verbose", "sites", "check"}, `--log-level "verbose"`},
		{[]string{"--log-format", "xml", "crawl", "a"}, `--log-format "xml": use text or json`},
		{[]string{"--log-format", "xml", "extract", page}, `--log-format "xml"`},
		{[]string{"crawl", "--all", "a"}, "name the sites to crawl or pass --all, not both"},
		{[]string{"crawl"}, "name the sites to crawl, or pass --all"},
		{[]string{"extract", "--encoding", "bogus", page}, `--encoding: unknown encoding "bogus"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", cfg}, tt.args...)...)
			if code != exitConfig || !strings.Contains(errOut, tt.wantErr) || !strings.Contains(errOut, "--help' for usage") || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, exitConfig, tt.wantErr)
			}
		})
	}
	// The levels the help names are accepted, in any case.
	for _, level := range []string{"debug", "INFO", "Warn", "error"} {
		if code, _, errOut := runCmd(t, "--log-level", level, "extract", page); code != exitOK {
			t.Errorf("--log-level %s: exit %d: %s", level, code, errOut)
		}
	}
}
