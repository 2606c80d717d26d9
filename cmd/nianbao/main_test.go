package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
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
	os.Exit(m.Run())
}
