package daemon

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// gatedPortal is a portal whose list page answers only once release is
// called: a run of a site there holds its worker until then.
func gatedPortal(t *testing.T) (url string, release func()) {
	t.Helper()
	gate := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><body>nothing here</body></html>")
	}))
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(func() { release(); srv.Close() })
	return srv.URL, release
}

// TestQueueCostsNoGoroutine queues a thousand runs behind a worker held by
// a run that cannot finish, and counts goroutines: the waiting runs are
// entries in a queue, not goroutines. A site already queued is not queued
// twice, from its schedule or by a person.
func TestQueueCostsNoGoroutine(t *testing.T) {
	const n = 1000
	gated, release := gatedPortal(t)
	srv := tinyPortal(t)
	files := map[string]string{"held.yaml": siteFile("held", gated+"/list/")}
	for i := range n {
		name := fmt.Sprintf("q%04d", i)
		files[name+".yaml"] = siteFile(name, srv.URL+"/list/")
	}
	e := newEnv(t, envOptions{config: "max_concurrent_sites: 1\n", sites: files, discardLogs: true})
	e.start()
	if _, err := e.d.Trigger("held"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "held running", func() bool {
		r, _ := e.d.runs.current("held")
		return r.Status == StatusRunning
	})
	before := runtime.NumGoroutine()
	for i := range n {
		e.d.tick(fmt.Sprintf("q%04d", i))
	}
	after := runtime.NumGoroutine()
	if q, r := e.d.runs.counts(); q != n || r != 1 {
		t.Fatalf("queued %d, running %d; want %d and 1", q, r, n)
	}
	if grown := after - before; grown > n/20 {
		t.Errorf("%d runs queued: %d goroutines more (%d → %d), want a queue, not a goroutine each", n, grown, before, after)
	}

	// Queued already: the tick is skipped and counted, the trigger refused
	// with the queued run, and neither queues it twice.
	first, _ := e.d.runs.current("q0007")
	e.d.tick("q0007")
	_, err := e.d.Trigger("q0007")
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Run.ID != first.ID || busy.Run.Status != StatusQueued {
		t.Errorf("trigger of a queued site: %v, want busy with run %s queued", err, first.ID)
	}
	if q, _ := e.d.runs.counts(); q != n {
		t.Errorf("queued %d after a tick and a trigger of a queued site, want %d", q, n)
	}
	if _, m := e.get("/metrics", nil); !strings.Contains(m, "\nnianbao_runs_skipped_total 1\n") {
		t.Error("the skipped tick is not counted")
	}

	// Shutdown ends every queued run at once, cancelled, and leaves no worker.
	e.stop()
	for _, site := range []string{"q0000", "q0007", fmt.Sprintf("q%04d", n-1)} {
		runs := e.d.runs.recent(site, 0)
		if len(runs) != 1 || runs[0].Status != StatusCancelled || runs[0].ID == "" {
			t.Errorf("%s after shutdown: %+v, want one cancelled run", site, runs)
		}
	}
	if q, r := e.d.runs.counts(); q != 0 || r != 0 {
		t.Errorf("after shutdown: queued %d, running %d", q, r)
	}
	release()
}

// TestManualRunsGoFirst holds the one worker, queues scheduled runs and
// then a manual one: the manual run starts first when the worker is
// free, and the scheduled ones follow in the order they were queued.
func TestManualRunsGoFirst(t *testing.T) {
	gated, release := gatedPortal(t)
	srv := tinyPortal(t)
	files := map[string]string{"held.yaml": siteFile("held", gated+"/list/")}
	for _, name := range []string{"sched-a", "sched-b", "sched-c", "manual"} {
		files[name+".yaml"] = siteFile(name, srv.URL+"/list/")
	}
	e := newEnv(t, envOptions{config: "max_concurrent_sites: 1\n", sites: files})
	e.start()
	if _, err := e.d.Trigger("held"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "held running", func() bool {
		r, _ := e.d.runs.current("held")
		return r.Status == StatusRunning
	})
	for _, name := range []string{"sched-a", "sched-b", "sched-c"} {
		e.d.tick(name)
	}
	if _, err := e.d.Trigger("manual"); err != nil {
		t.Fatal(err)
	}
	release()
	order := []string{"manual", "sched-a", "sched-b", "sched-c"}
	started := map[string]RunInfo{}
	waitFor(t, "every run to end", func() bool {
		for _, name := range order {
			last := e.d.runs.last(name)
			if last == nil {
				return false
			}
			started[name] = *last
		}
		return true
	})
	for i := 1; i < len(order); i++ {
		a, b := started[order[i-1]], started[order[i]]
		if !a.StartedAt.Before(b.StartedAt) {
			t.Errorf("%s started %v, not before %s at %v; want the order %v", a.Site, a.StartedAt, b.Site, b.StartedAt, order)
		}
	}
}
