package harvest_test

import (
	"context"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// BenchmarkRecrawl measures what a re-crawl of an unchanged portal costs
// against the first crawl, in bytes read from the network (headers, bodies
// and robots.txt included). Target: at most 10% (recrawl_bytes_ratio ≤ 0.10),
// and no version added. The fake portal serves ETag and Last-Modified; its
// 40 reports sit on 2 list pages, which are always read in full.
//
//	go test ./harvest -run '^$' -bench Recrawl -benchtime 3x
func BenchmarkRecrawl(b *testing.B) {
	const n = 40
	srv := portaltest.NewServer(b, genPortal(n))
	srv.SetConditional(true)
	tr, moved := countingTransport()
	site := testSite(b, srv, "")
	var first, again int64
	for b.Loop() {
		a, err := archive.Open(b.TempDir(), archive.Options{})
		if err != nil {
			b.Fatal(err)
		}
		deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t", Transport: tr}}
		start := moved.Load()
		s1, err := harvest.RunSite(context.Background(), site, deps)
		if err != nil || s1.NewDocuments != n {
			b.Fatalf("first crawl: %+v, %v", s1, err)
		}
		mid := moved.Load()
		s2, err := harvest.RunSite(context.Background(), site, deps)
		if err != nil || s2.NewVersions != 0 || s2.NewDocuments != 0 || s2.NotModified != n {
			b.Fatalf("re-crawl: %+v, %v", s2, err)
		}
		first += mid - start
		again += moved.Load() - mid
		a.Close()
	}
	b.ReportMetric(float64(first)/float64(b.N), "first_bytes/op")
	b.ReportMetric(float64(again)/float64(b.N), "recrawl_bytes/op")
	b.ReportMetric(float64(again)/float64(first), "recrawl_bytes_ratio")
}
