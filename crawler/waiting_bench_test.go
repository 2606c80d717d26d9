package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/crawler"
)

// BenchmarkWaitingSites measures what a site run costs while it waits out
// its host's delay: N sites, each on its own host, read their list page (a
// dozen report links), then all wait; the Go heap and goroutine stacks they
// hold then, per site, are reported (waiting-B/site).
//
//	go test ./crawler -run '^$' -bench WaitingSites -benchtime 1x
func BenchmarkWaitingSites(b *testing.B) {
	const n = 2000
	var asked atomic.Int64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var links string
		for k := range 12 {
			links += fmt.Sprintf(`<li><a href="/r%d.html">%d年法治政府建设年度报告</a></li>`, k, 2010+k)
		}
		fmt.Fprint(w, list(links))
		asked.Add(1)
	})
	srvs := make([]*httptest.Server, n)
	for i := range srvs {
		srvs[i] = httptest.NewServer(handler)
		defer srvs[i].Close()
	}
	for b.Loop() {
		asked.Store(0)
		limits := crawler.FitLimits(n, 64, crawler.FileLimit())
		var opts crawler.Options
		limits.Share(&opts)
		opts.UserAgent = "bench"
		ctx, cancel := context.WithCancel(context.Background())
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var wg sync.WaitGroup
		for i, srv := range srvs {
			s := site(b, fmt.Sprintf("name: s%d\nstart: %s/\ndelay: 1h\n", i, srv.URL))
			wg.Add(1)
			go func() {
				defer wg.Done()
				crawler.Crawl(ctx, s, opts, func(context.Context, *crawler.Page) error { return nil })
			}()
		}
		for asked.Load() < n {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // every run past its list page, waiting for its host
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
		stacks := float64(after.StackInuse) - float64(before.StackInuse)
		b.ReportMetric((heap+stacks)/n, "waiting-B/site")
		b.ReportMetric(heap/n, "heap-B/site")
		cancel()
		wg.Wait()
		opts.Transport.(*http.Transport).CloseIdleConnections()
	}
}
