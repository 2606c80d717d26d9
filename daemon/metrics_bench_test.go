package daemon

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/nianbao/nianbao/harvest"
)

// countingWriter counts what is written through it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkScrape30k writes /metrics for 30,000 sites that have each run
// once (every tenth failed, with two kinds of page errors) and reports the
// scrape's size:
//
//	go test ./daemon -run '^$' -bench Scrape30k -benchtime 5x
func BenchmarkScrape30k(b *testing.B) {
	const n = 30000
	m := newMetrics()
	end := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	g := gauges{sites: n, documents: map[string]int{}, health: map[string]siteGauges{}}
	for i := range n {
		name := fmt.Sprintf("farm-%05d", i)
		st, h := StatusOK, siteGauges{lastSuccess: end}
		if i%10 == 0 {
			st, h = StatusFailed, siteGauges{failures: 1}
		}
		m.observe(RunInfo{Site: name, Status: st, FinishedAt: end, Summary: &harvest.Summary{
			ListPages: 2, PagesFetched: 12, Bytes: 400_000, NewDocuments: 3, Duration: 40 * time.Second,
			Errors: map[string]int{"http_4xx": 1, "timeout": 1},
		}})
		g.health[name] = h
		g.documents[name] = 3 * (i % 2)
	}
	var size int64
	for b.Loop() {
		var c countingWriter
		if err := m.write(&c, g); err != nil {
			b.Fatal(err)
		}
		size = c.n
	}
	b.ReportMetric(float64(size), "bytes/scrape")
}
