package daemon

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// soak runs a site n times, one run after the other, through the daemon's
// run manager and the real crawler, extractor and archive.
func soak(t testing.TB, e *testEnv, n int) {
	t.Helper()
	for i := range n {
		var r RunInfo
		var err error
		for {
			r, err = e.d.Trigger("tiny")
			var busy *BusyError
			if !errors.As(err, &busy) {
				break
			}
			runtime.Gosched() // the previous run is finishing
		}
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		for {
			last := e.d.runs.last("tiny")
			if last != nil && last.ID == r.ID {
				if last.Status != StatusOK {
					t.Fatalf("run %d: %s: %s", i, last.Status, last.Error)
				}
				break
			}
			runtime.Gosched()
		}
	}
}

// quietPortal serves tinyFS without recording requests (portaltest keeps
// every request it got, which would be the only thing growing here).
func quietPortal(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.FileServerFS(tinyFS()))
	t.Cleanup(srv.Close)
	return srv
}

func heapAfterGC() (heap uint64, goroutines int) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, runtime.NumGoroutine()
}

// TestSoakMemoryFlat checks that a daemon's memory does not grow with the
// number of runs: history is a bounded ring, and nothing else may keep
// what a run allocated. The bound is generous (the race detector and the
// SQLite page cache move numbers around); a leak of a run's pages or
// summary per run would exceed it many times over. NIANBAO_SOAK_RUNS=5000
// makes it a longer soak.
func TestSoakMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: a few hundred runs")
	}
	srv := quietPortal(t)
	e := newEnv(t, envOptions{keep: 20, discardLogs: true, sites: map[string]string{"tiny.yaml": siteFile("tiny", srv.URL+"/list/")}})
	e.start()

	soak(t, e, 50) // warm up: caches, pools, the index's pages
	heap0, g0 := heapAfterGC()
	runs := 300
	if os.Getenv("NIANBAO_SOAK_RUNS") != "" {
		runs, _ = strconv.Atoi(os.Getenv("NIANBAO_SOAK_RUNS"))
	}
	soak(t, e, runs)
	heap1, g1 := heapAfterGC()
	t.Logf("heap %d KB → %d KB over %d runs; goroutines %d → %d", heap0>>10, heap1>>10, runs, g0, g1)
	if heap1 > heap0+2<<20 {
		t.Errorf("heap grew from %d KB to %d KB over %d runs", heap0>>10, heap1>>10, runs)
	}
	if g1 > g0+5 {
		t.Errorf("goroutines grew from %d to %d over %d runs", g0, g1, runs)
	}
	if n := len(e.d.runs.recent("tiny", 0)); n != 20 {
		t.Errorf("history holds %d runs, want the ring's 20", n)
	}
}

// BenchmarkRun measures one run of a tiny site through the daemon; with
// -benchmem it shows what a run allocates, which must all be collectable.
func BenchmarkRun(b *testing.B) {
	srv := quietPortal(b)
	e := newEnv(b, envOptions{keep: 20, discardLogs: true, sites: map[string]string{"tiny.yaml": siteFile("tiny", srv.URL+"/list/")}})
	e.start()
	b.ReportAllocs()
	for b.Loop() {
		soak(b, e, 1)
	}
}
