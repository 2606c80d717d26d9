package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// A crawl of a portal that serves validators, run twice: the second run's
// reports are all 304s, `crawl` says so, and `runs` lists both runs.
func TestRunsAfterRecrawl(t *testing.T) {
	srv := portaltest.NewPortal(t)
	srv.SetConditional(true)
	cfg, _ := portalSetup(t, srv, nil)
	first := crawlJSON(t, cfg, "--all")
	second := crawlJSON(t, cfg, "--all")
	if len(first) != 1 || len(second) != 1 || second[0].NotModified != first[0].ReportsFound || second[0].NewVersions != 0 || second[0].Bytes >= first[0].Bytes {
		t.Fatalf("first %+v\nsecond %+v", first, second)
	}
	code, out, errOut := runCmd(t, "--config", cfg, "--log-level", "warn", "crawl", "--all")
	if code != 0 || !strings.Contains(out, "not modified (304)") {
		t.Errorf("crawl: exit %d\n%s%s", code, out, errOut)
	}

	tests := []struct {
		args  []string
		check func(t *testing.T, out string)
	}{
		{[]string{"runs", "--json"}, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3 {
				t.Fatalf("%d runs:\n%s", len(lines), out)
			}
			var r runRecord
			if err := json.Unmarshal([]byte(lines[1]), &r); err != nil {
				t.Fatal(err)
			}
			if r.Site != "jinnan" || r.Status != "ok" || r.Summary.NotModified != second[0].NotModified || r.Summary.RunID != second[0].RunID {
				t.Errorf("newest-but-one run %+v", r)
			}
		}},
		{[]string{"runs", "--site", "jinnan", "--limit", "1"}, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "STARTED") || !strings.Contains(lines[0], "304") || !strings.Contains(lines[1], "jinnan") {
				t.Errorf("table:\n%s", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", cfg, "--log-level", "warn"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			tt.check(t, out)
		})
	}
	if code, _, _ := runCmd(t, "--config", cfg, "runs", "--limit", "0"); code != exitConfig {
		t.Errorf("--limit 0: exit %d, want %d", code, exitConfig)
	}
	if code, out, errOut := runCmd(t, "--config", cfg, "runs", "--site", "nosuch"); code != exitConfig || out != "" ||
		!strings.HasPrefix(errOut, "nianbao: unknown site: nosuch (known: jinnan)\n") {
		t.Errorf("runs of an unknown site: exit %d, want %d\n%s%s", code, exitConfig, out, errOut)
	}
}

// The live progress redraws at most four times a second, one line per
// site, and always draws a site's end.
func TestProgressView(t *testing.T) {
	now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	pv := newProgressView(&buf, func() time.Time { return now })
	draws := func() int { return strings.Count(buf.String(), "\r\x1b[K") }
	pv.update(harvest.Progress{Site: "a", Pages: 1})
	if draws() != 1 {
		t.Fatalf("first update not drawn: %q", buf.String())
	}
	for i := range 10 {
		now = now.Add(10 * time.Millisecond)
		pv.update(harvest.Progress{Site: "a", Pages: 2 + i})
	}
	if draws() != 1 {
		t.Errorf("%d draws within 100ms", draws())
	}
	now = now.Add(progressEvery)
	pv.update(harvest.Progress{Site: "b", Pages: 1})
	if !strings.Contains(buf.String(), "a: 11 pages") || !strings.HasSuffix(buf.String(), "b: 1 pages, 0 not modified, 0 reports (0 new, 0 new versions), 0 errors, 0 B") {
		t.Errorf("two sites: %q", buf.String())
	}
	pv.update(harvest.Progress{Site: "a", Pages: 20, Done: true})
	pv.finish()
	out := buf.String()
	if !strings.Contains(out, "\x1b[1A") || !strings.Contains(out, "a: 20 pages") || !strings.Contains(out, "— done") || !strings.HasSuffix(out, "\n") {
		t.Errorf("end: %q", out)
	}
}
