package daemon

import (
	"fmt"
	"testing"
	"time"

	"github.com/nianbao/nianbao/sites"
)

// TestScheduleSpread loads 300 sites sharing a daily schedule and reads
// their next runs: with schedule_jitter unset they spread over the 6
// hours after 03:00; with it set, over its window.
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for i := range 300 {
				name := fmt.Sprintf("s%03d", i)
				files[name+".yaml"] = siteFile(name, "http://127.0.0.1:9/", fmt.Sprintf("schedule: %q", tt.schedule))
			}
			e := newEnv(t, envOptions{config: tt.config, sites: files, discardLogs: true})
			e.start()
			next := e.d.sched.next()
			if len(next) != 300 {
				t.Fatalf("%d sites scheduled, want 300", len(next))
			}
			buckets := map[int]bool{} // tenths of the window
			for name, n := range next {
				n = n.UTC()
				base := time.Date(n.Year(), n.Month(), n.Day(), n.Hour(), 0, 0, 0, time.UTC)
				if tt.window == 6*time.Hour {
					base = time.Date(n.Year(), n.Month(), n.Day(), 3, 0, 0, 0, time.UTC)
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
