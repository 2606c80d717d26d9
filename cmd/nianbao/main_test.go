package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
)

// runMainEnv, when set in a test binary's environment, makes the binary
// run nianbao itself with the JSON-encoded arguments it holds, instead of
// the tests: tests that need a real nianbao process (to kill it) start
// their own binary that way.
const runMainEnv = "NIANBAO_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if args := os.Getenv(runMainEnv); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			os.Stderr.WriteString("bad " + runMainEnv + ": " + err.Error() + "\n")
			os.Exit(2)
		}
		os.Exit(run(context.Background(), argv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
