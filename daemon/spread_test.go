package daemon

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/sites"
)

// TestScheduleSpread loads 300 sites sharing a daily schedule and reads
// their next runs: with schedule_jitter unset they spread over the 6
// hours after 03:00; with it set, over its window. Sites sharing
// "@every 24h" spread over the whole day (each period counted from the
// Unix epoch), or over schedule_jitter's window from its start.
func TestScheduleSpread(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		schedule string
		window   time.Duration
	}{
		{"daily, default", "", "CRON_TZ=UTC 0 3 * * *", 6 * time.Hour},
		{"daily, schedule_jitter 10m", "schedule_jitter: 10m\n", "CRON_TZ=UTC 0 3 * * *", 10 * time.Minute},
		{"hourly, default", "", "CRON_TZ=UTC 0 * * * *", 30 * time.Minute},
		{"@every 24h, default", "", "@every 24h", 24 * time.Hour},
		{"@every 24h, schedule_jitter 10m", "schedule_jitter: 10m\n", "@every 24h", 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for i := range 300 {
				name := fmt.Sprintf("s%03d", i)
				files[name+".yaml"] = siteFile(name, "http://127.0.0.1:9/", fmt.Sprintf("schedule: %q", tt.schedule))
			}
			e := newEnv(t, envOptions{config: tt.config, sites: files, discardLogs: true, spread: true})
			e.start()
			next := e.d.sched.next()
			if len(next) != 300 {
				t.Fatalf("%d sites scheduled, want 300", len(next))
			}
			buckets := map[int]bool{} // tenths of the window
			for name, n := range next {
				n = n.UTC()
				base := time.Date(n.Year(), n.Month(), n.Day(), n.Hour(), 0, 0, 0, time.UTC)
				switch {
				case tt.window == 6*time.Hour:
					base = time.Date(n.Year(), n.Month(), n.Day(), 3, 0, 0, 0, time.UTC)
				case strings.HasPrefix(tt.schedule, "@every"):
					// Placed in each period counted from the Unix
					// epoch: 24h periods start at midnight UTC.
					base = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
				}
				off := n.Sub(base)
				if off < 0 || off >= tt.window {
					t.Fatalf("%s next runs at %v, %v after %v: outside [0, %v)", name, n, off, base, tt.window)
				}
				buckets[int(off*10/tt.window)] = true
			}
			if len(buckets) < 10 {
				t.Errorf("300 sites' starts fall in %d tenths of the %v window, want all 10", len(buckets), tt.window)
			}
		})
	}
}

func TestDefaultSpread(t *testing.T) {
	from := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		schedule string
		want     time.Duration
	}{
		{"0 3 * * *", 6 * time.Hour},
		{"CRON_TZ=Asia/Shanghai 0 3 * * 1", 6 * time.Hour},
		{"0 3 1 1 *", 6 * time.Hour},
		{"0 */4 * * *", 2 * time.Hour},
		{"0 * * * *", 30 * time.Minute},
		{"*/10 * * * *", 5 * time.Minute},
		{"0 3,4 * * *", 30 * time.Minute}, // the shortest gap counts
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			sched, err := sites.ScheduleParser.Parse(tt.schedule)
			if err != nil {
				t.Fatal(err)
			}
			if got := DefaultSpread(sched, from); got != tt.want {
				t.Errorf("DefaultSpread = %v, want %v", got, tt.want)
			}
		})
	}
}

// An "@every" site's starts are one period apart, at the same place in
// each period however the daemon was started; with schedule_jitter: 0s they
// count from the daemon's start, as cron's own do.
func TestEverySchedulePhase(t *testing.T) {
	every, err := sites.ScheduleParser.Parse("@every 24h")
	if err != nil {
		t.Fatal(err)
	}
	const phase = 5*time.Hour + 7*time.Minute
	s := offsetSchedule{sched: every, offset: phase, phased: true}
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, start := range []time.Time{day.Add(time.Hour), day.Add(5 * time.Hour), day.Add(phase), day.Add(23 * time.Hour)} {
		n := s.Next(start)
		if !n.After(start) || n.Sub(start) > 24*time.Hour || n.UTC().Sub(time.Date(n.UTC().Year(), n.UTC().Month(), n.UTC().Day(), 0, 0, 0, 0, time.UTC)) != phase {
			t.Errorf("started %v: next %v, want the first %v past a midnight after it", start, n, phase)
		}
		if n2 := s.Next(n); n2.Sub(n) != 24*time.Hour {
			t.Errorf("after %v: next %v, want a day later", n, n2)
		}
	}
	if n := phaseNext(time.Unix(-10, 0), time.Minute, 5*time.Second); !n.Equal(time.Unix(5, 0)) {
		t.Errorf("before the epoch: %v, want %v", n, time.Unix(5, 0))
	}
	off := offsetSchedule{sched: every, offset: phase}
	if n := off.Next(day.Add(time.Hour)); !n.Equal(day.Add(25 * time.Hour)) {
		t.Errorf("unphased: next %v, want a day after the start", n)
	}
}
