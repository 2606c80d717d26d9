package harvest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/sites"
)

// sitesOn starts n portals, each on its own host, each listing two
// reports; busy records how many of them are being asked at once.
func sitesOn(t *testing.T, n int, b *busyPortals) []*sites.Site {
	t.Helper()
	var list []*sites.Site
	for i := range n {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			b.enter(i)
			defer b.leave(i)
			time.Sleep(5 * time.Millisecond) // company for the others
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if r.URL.Path == "/" {
				fmt.Fprintf(w, `<html><body><ul><li><a href="/a.html">%d年法治政府建设年度报告</a></li><li><a href="/b.html">%d年法治政府建设年度报告</a></li></ul></body></html>`, 2022, 2023)
				return
			}
			fmt.Fprintf(w, `<html><head><title>%s %d年法治政府建设年度报告</title></head><body><div class="TRS_Editor"><p>%s</p></div></body></html>`,
				r.URL.Path, 2000+i, strings.Repeat(fmt.Sprintf("第%d个机关本年度法治政府建设取得积极成效。", i), 20))
		}))
		t.Cleanup(srv.Close)
		list = append(list, parseSite(t, fmt.Sprintf("name: s%02d\ndelay: 0s\nstart: %s/\n", i, srv.URL)))
	}
	return list
}

// busyPortals counts the portals being asked at once.
type busyPortals struct {
	mu       sync.Mutex
	active   map[int]int
	maxSites int
}

func (b *busyPortals) enter(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.active == nil {
		b.active = map[int]int{}
	}
	b.active[i]++
	b.maxSites = max(b.maxSites, len(b.active))
}

func (b *busyPortals) leave(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.active[i]--; b.active[i] == 0 {
		delete(b.active, i)
	}
}

// RunSites returns every site's summary in the sites' order, whatever order
// they ran in; a memory budget the heap is always over runs them one at a
// time (a site starts only when none runs); a cancelled context starts none.
func TestRunSites(t *testing.T) {
	for _, tt := range []struct {
		name     string
		budget   int64
		limit    int
		maxSites int // 0: not checked
	}{
		{"sites in flight", 0, 6, 0},
		{"over the memory budget", 1, 6, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b busyPortals
			list := sitesOn(t, 16, &b)
			deps := harvest.Deps{Archive: openArchive(t, t.TempDir()), Crawl: crawler.Options{UserAgent: "t"}, MemoryBudget: tt.budget}
			crawler.FitLimits(tt.limit, 4, 0).Share(&deps.Crawl)
			sums, errs := harvest.RunSites(context.Background(), list, deps, tt.limit)
			for i, s := range sums {
				if errs[i] != nil || s.Site != list[i].Name || s.Status != "ok" || s.NewDocuments != 2 {
					t.Errorf("site %d: %+v, %v", i, s, errs[i])
				}
			}
			if tt.maxSites > 0 && b.maxSites > tt.maxSites {
				t.Errorf("%d portals asked at once, want at most %d", b.maxSites, tt.maxSites)
			}
			if n := deps.Crawl.Hosts.InFlight(); n != 0 {
				t.Errorf("%d requests still in flight", n)
			}
		})
	}
	var b busyPortals
	list := sitesOn(t, 5, &b)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sums, errs := harvest.RunSites(ctx, list, harvest.Deps{Archive: openArchive(t, t.TempDir()), Trigger: "cli"}, 2)
	for i, s := range sums {
		if s.Status != "cancelled" || s.Site != list[i].Name || errs[i] == nil {
			t.Errorf("cancelled: site %d: %+v, %v", i, s, errs[i])
		}
	}
}
