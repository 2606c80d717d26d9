package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

var versionFile = regexp.MustCompile(`^v\d+\.(txt|json|raw\.gz)$`)

// committed returns the sha256 of every version file in an archive.
func committed(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !versionFile.MatchString(d.Name()) {
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

// TestCrawlSurvivesSIGKILL kills real `nianbao crawl` processes with SIGKILL
// at random moments while they write, at least 20 times. After each kill the
// archive verifies as it was left, nothing archived before the kill has
// changed, and the next crawl completes.
func TestCrawlSurvivesSIGKILL(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, archiveDir := portalSetup(t, srv, nil)
	reports := portaltest.Reports()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))

	args, _ := json.Marshal([]string{"--config", cfg, "--log-level", "error", "crawl", "jinnan"})
	child := func() *exec.Cmd {
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), runMainEnv+"="+string(args))
		return c
	}
	// A full crawl first: how long one takes bounds the kill times.
	start := time.Now()
	if out, err := child().CombinedOutput(); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, out)
	}
	full := time.Since(start)

	// Each round changes two reports, so every crawl has versions to write.
	edit := func(round int) {
		for _, r := range reports[:2] {
			p := r.Paths[0]
			page, err := fs.ReadFile(portaltest.Portal(), strings.TrimPrefix(p, "/"))
			if err != nil {
				t.Fatal(err)
			}
			srv.Set(p, bytes.Replace(page, []byte(r.Para[2]), []byte(r.Para[2]+"<br>第"+strconv.Itoa(round)+"次更正。"), 1))
		}
	}
	kills := 0
	for round := 1; kills < 20 && round <= 60; round++ {
		edit(round)
		before := committed(t, archiveDir)
		c := child()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rnd.Int64N(int64(full))))
		if err := c.Process.Signal(syscall.SIGKILL); err == nil {
			if err := c.Wait(); err != nil { // killed, not finished
				kills++
			}
		} else {
			c.Wait()
		}

		// What the kill left verifies, and what was archived before is intact.
		archivetest.Check(t, archiveDir)
		after := committed(t, archiveDir)
		for p, h := range before {
			if after[p] != h {
				t.Fatalf("round %d: %s changed or vanished after a kill", round, p)
			}
		}
		// The next crawl completes.
		if code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "error", "crawl", "jinnan"); code != 0 {
			t.Fatalf("round %d: crawl after a kill: exit %d\n%s%s", round, code, out, errOut)
		}
		archivetest.Check(t, archiveDir)
		if t.Failed() {
			t.Fatalf("round %d failed", round)
		}
	}
	if kills < 20 {
		t.Fatalf("only %d kills landed during a crawl", kills)
	}
	t.Logf("%d kills during crawls (a full crawl took %v)", kills, full.Round(time.Millisecond))
}
