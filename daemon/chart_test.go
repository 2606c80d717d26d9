package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/harvest"
)

func TestYearChart(t *testing.T) {
	tests := []struct {
		name     string
		counts   map[int]int
		size     chartSize
		wantBars []string // class:tip, left to right
		empty    bool
	}{
		{"nothing", map[int]int{}, smallChart, nil, true},
		{"a gap is shown as a gap", map[int]int{2020: 2, 2022: 1}, smallChart,
			[]string{"bar-docs:2020: 2 reports", "bar-none:2021: 0 reports", "bar-docs:2022: 1 report"}, false},
		{"undated last", map[int]int{2023: 1, 0: 3}, smallChart,
			[]string{"bar-docs:2023: 1 report", "bar-undated:no year: 3 reports"}, false},
		{"old years folded into the first bar", map[int]int{2000: 5, 2020: 1, 2022: 1}, chartSize{bar: 5, gap: 1, height: 30, maxBars: 3},
			[]string{"bar-docs:2020 and before: 6 reports", "bar-none:2021: 0 reports", "bar-docs:2022: 1 report"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := yearChart(tt.counts, tt.size)
			if (c.Empty != "") != tt.empty {
				t.Fatalf("empty %q, want empty %v", c.Empty, tt.empty)
			}
			var got []string
			for _, b := range c.Bars {
				got = append(got, b.Class+":"+b.Tip)
				if b.Y < 0 || b.Y+b.H > c.H || b.X+b.W > c.W {
					t.Errorf("bar %+v outside the %dx%d chart", b, c.W, c.H)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.wantBars, "|") {
				t.Errorf("bars\n got %q\nwant %q", got, tt.wantBars)
			}
		})
	}
}

func TestRunsChart(t *testing.T) {
	ok := func(docs, errs int) RunInfo {
		s := &harvest.Summary{NewDocuments: docs}
		if errs > 0 {
			s.Errors = map[string]int{"http_5xx": errs}
		}
		return RunInfo{Status: StatusOK, StartedAt: time.Unix(0, 0), Summary: s}
	}
	// Newest first, as the history gives them.
	runs := []RunInfo{
		{Status: StatusRunning},
		{Status: StatusFailed, Error: "crawl x: archive full"},
		ok(0, 0),
		ok(2, 2),
		{Status: StatusCancelled},
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	runs[2].StartedAt = time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC)
	c := runsChart(runs, smallRuns, shanghai)
	var classes []string
	for _, b := range c.Bars {
		classes = append(classes, b.Class)
		if b.Y < 0 || b.Y+b.H > c.H {
			t.Errorf("bar %+v outside the chart's height %d", b, c.H)
		}
	}
	want := "bar-cancelled bar-new bar-errors bar-none bar-failed bar-running"
	if got := strings.Join(classes, " "); got != want {
		t.Errorf("bars left to right: %s, want %s", got, want)
	}
	if !strings.Contains(c.Bars[4].Tip, "archive full") {
		t.Errorf("a failed run's tip lacks its error: %q", c.Bars[4].Tip)
	}
	// A tip's time is in the site's zone, and says which.
	if tip := c.Bars[3].Tip; !strings.HasPrefix(tip, "2026-12-07 03:00 CST · ok") {
		t.Errorf("the tip of a run at 19:00 UTC, shown in Asia/Shanghai: %q", tip)
	}
	if c := runsChart(nil, smallRuns, time.UTC); c.Empty == "" {
		t.Error("no runs: want the empty text")
	}
	many := make([]RunInfo, 100)
	for i := range many {
		many[i] = ok(1, 0)
	}
	if c := runsChart(many, smallRuns, time.UTC); len(c.Bars) != smallRuns.maxBars {
		t.Errorf("%d bars for 100 runs, want %d", len(c.Bars), smallRuns.maxBars)
	}
}
