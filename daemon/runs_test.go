package daemon

import (
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
)

func TestHistoryRing(t *testing.T) {
	m := newRunManager(harvest.Deps{}, 1, 8, slog.New(slog.DiscardHandler), time.Now)
	for i := range 20 {
		m.mu.Lock()
		m.push(RunInfo{ID: strconv.Itoa(i), Site: "a", Status: StatusOK, StartedAt: time.Unix(int64(i), 0),
			Summary: &harvest.Summary{Failures: []crawler.FetchError{{URL: "u", Kind: "timeout"}}, Errors: map[string]int{"timeout": 1}}})
		m.mu.Unlock()
	}
	runs := m.recent("a", 0)
	if len(runs) != 8 || runs[0].ID != "19" || runs[7].ID != "12" {
		t.Fatalf("history: %d runs, newest %s, oldest %s; want the newest 8", len(runs), runs[0].ID, runs[len(runs)-1].ID)
	}
	for i, r := range runs {
		hasList := r.Summary.Failures != nil
		if want := i < keepFailures; hasList != want {
			t.Errorf("run %s (newest-%d): failures kept %v, want %v", r.ID, i, hasList, want)
		}
		if r.Summary.ErrorCount() != 1 {
			t.Errorf("run %s lost its error counts", r.ID)
		}
	}
	if got := m.recent("a", 3); len(got) != 3 {
		t.Errorf("limit 3: %d runs", len(got))
	}
	m.forget(func(string) bool { return false })
	if len(m.recent("a", 0)) != 0 {
		t.Error("forget kept the history of a removed site")
	}
}
