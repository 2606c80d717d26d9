package crawler_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/crawler"
)

func TestFitLimits(t *testing.T) {
	for _, tt := range []struct {
		sites, requests, fds int
		want                 crawler.Limits
	}{
		// Unknown limit: nothing cut, a keep-alive connection per site.
		{1000, 64, 0, crawler.Limits{Sites: 1000, Requests: 64, IdleConns: 1000}},
		// A generous limit: nothing cut.
		{1000, 64, 20000, crawler.Limits{Sites: 1000, Requests: 64, IdleConns: 1000, FDs: 20000}},
		// Debian's default soft limit: sites cut to the connections left.
		{1000, 64, 1024, crawler.Limits{Sites: 640, Requests: 64, IdleConns: 640, FDs: 1024}},
		// A tiny limit: requests cut to a quarter of what is left.
		{1000, 64, 512, crawler.Limits{Sites: 128, Requests: 64, IdleConns: 128, FDs: 512}},
		{1000, 64, 300, crawler.Limits{Sites: 22, Requests: 11, IdleConns: 22, FDs: 300}},
		// Nonsense in, one of each out.
		{0, 0, 0, crawler.Limits{Sites: 1, Requests: 1, IdleConns: 1}},
	} {
		got := crawler.FitLimits(tt.sites, tt.requests, tt.fds)
		if got != tt.want {
			t.Errorf("FitLimits(%d, %d, %d) = %+v, want %+v", tt.sites, tt.requests, tt.fds, got, tt.want)
		}
		if tt.fds > 0 && got.Requests*2+got.IdleConns > tt.fds {
			t.Errorf("FitLimits(%d, %d, %d): %+v needs more descriptors than the limit", tt.sites, tt.requests, tt.fds, got)
		}
	}
	if crawler.FileLimit() <= 0 {
		t.Errorf("FileLimit() = %d on a unix machine", crawler.FileLimit())
	}
}

// busy counts what holds one of the requests in flight: a request the
// servers are answering, a page the crawl's handler is processing.
type busy struct {
	mu       sync.Mutex
	now, max int
}

func (b *busy) enter() {
	b.mu.Lock()
	b.now++
	b.max = max(b.max, b.now)
	b.mu.Unlock()
}

func (b *busy) leave() {
	b.mu.Lock()
	b.now--
	b.mu.Unlock()
}

// A process's crawls share a bound on requests in flight, and a request is
// in flight until its page has been handled (parsed, archived): a crawl
// waiting for its host holds none. Many sites at once, each on its own host,
// never have more than the bound busy, and give every one back.
func TestRequestsInFlight(t *testing.T) {
	const sitesN, bound = 12, 3
	var b busy
	hosts := crawler.NewLimitedHosts(bound)
	var urls []string
	for i := range sitesN {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			b.enter()
			defer b.leave()
			time.Sleep(2 * time.Millisecond) // company for the others
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if r.URL.Path == "/" {
				var links string
				for k := range 4 {
					links += fmt.Sprintf(`<li><a href="/r%d.html">%d年法治政府建设年度报告</a></li>`, k, 2020+k)
				}
				fmt.Fprint(w, list(links))
				return
			}
			fmt.Fprint(w, report(fmt.Sprintf("%d年法治政府建设年度报告 %s", 2020+i, r.URL.Path)))
		}))
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL+"/")
	}
	var handled atomic.Int64
	handle := func(context.Context, *crawler.Page) error {
		b.enter()
		defer b.leave()
		time.Sleep(2 * time.Millisecond)
		handled.Add(1)
		return nil
	}
	var wg sync.WaitGroup
	for i, u := range urls {
		s := site(t, fmt.Sprintf("name: s%d\nstart: %s\ndelay: 0s\n", i, u))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Hosts: hosts}, handle); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if handled.Load() != sitesN*4 {
		t.Errorf("%d reports handled, want %d", handled.Load(), sitesN*4)
	}
	if b.max > bound || b.max < 2 {
		t.Errorf("%d requests and pages busy at once, want at most %d (and more than one: the sites run at once)", b.max, bound)
	}
	if n := hosts.InFlight(); n != 0 {
		t.Errorf("%d requests still counted in flight after every crawl ended", n)
	}
}

// The shared transport keeps a connection alive for every host in flight,
// however many: 150 hosts at once (more than Go's default transport keeps,
// 100 in all) each reuse their one connection.
func TestTransportKeepsEveryHostAlive(t *testing.T) {
	const hostsN, pages = 150, 4
	var conns atomic.Int64
	var urls []string
	for i := range hostsN {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			switch r.URL.Path {
			case "/robots.txt":
				fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			case "/":
				var links string
				for k := range pages - 1 {
					links += fmt.Sprintf(`<li><a href="/r%d.html">%d年法治政府建设年度报告</a></li>`, k, 2020+k)
				}
				fmt.Fprint(w, list(links))
			default:
				fmt.Fprint(w, report(fmt.Sprintf("%d年法治政府建设年度报告 %s", 2020+i, r.URL.Path)))
			}
		}))
		srv.Listener.Close()
		srv.Listener = ln
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.Start()
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL+"/")
	}
	limits := crawler.FitLimits(hostsN, 16, 0)
	var opts crawler.Options
	limits.Share(&opts)
	opts.UserAgent = "t"
	t.Cleanup(opts.Transport.(*http.Transport).CloseIdleConnections)
	var wg sync.WaitGroup
	for i, u := range urls {
		// A delay keeps every host waiting with its connection idle while
		// the others are asked.
		s := site(t, fmt.Sprintf("name: s%d\nstart: %s\ndelay: 50ms\n", i, u))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := crawler.Crawl(context.Background(), s, opts, func(context.Context, *crawler.Page) error { return nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// robots.txt and the pages of a host share its connection; the
	// transport may open a second one now and then (a connection closed
	// while idle), never one per request.
	if n := conns.Load(); n > hostsN+hostsN/10 {
		t.Errorf("%d connections opened for %d hosts × %d requests: keep-alive lost", n, hostsN, pages+1)
	}
}
