package daemon

import (
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nianbao/nianbao/sites"
)

// zoneCache gives the zone a site's times are shown in: its schedule's
// CRON_TZ (or TZ) when the schedule names one, so that a run at "0 3 * * *"
// shows as 03:00 of that zone, else the daemon's zone. Zones are loaded
// once per name, not once per page.
type zoneCache struct {
	local *time.Location

	mu     sync.Mutex
	byName map[string]*time.Location
}

func newZoneCache(local *time.Location) *zoneCache {
	return &zoneCache{local: local, byName: map[string]*time.Location{}}
}

// of returns the zone of a schedule.
func (z *zoneCache) of(schedule string) *time.Location {
	spec := strings.TrimSpace(schedule)
	var name string
	for _, prefix := range []string{"CRON_TZ=", "TZ="} {
		if rest, ok := strings.CutPrefix(spec, prefix); ok {
			name, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if name == "" {
		return z.local
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if loc, ok := z.byName[name]; ok {
		return loc
	}
	loc := z.local
	// The scheduler's own parser, so the zone shown is the one it runs in.
	if s, err := sites.ScheduleParser.Parse(spec); err == nil {
		if ss, ok := s.(*cron.SpecSchedule); ok && ss.Location != nil {
			loc = ss.Location
		}
	}
	z.byName[name] = loc
	return loc
}

// timeLayout is how the status page writes a time: to the minute, with
// its zone's abbreviation ("2026-12-07 03:00 CST"), or its UTC offset for
// a zone without one ("+04").
const timeLayout = "2006-01-02 15:04 MST"

// inZone formats t in loc to the minute, with the zone; "—" for no time.
func inZone(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format(timeLayout)
}

// inZoneSec is inZone to the second.
func inZoneSec(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}
