package daemon

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nianbao/nianbao/sites"
)

// scheduler holds one cron entry per site. Its jobs only hand a run to the
// run manager, so they return at once and cron never waits on a crawl.
// Each entry's schedule is the site's, moved later by the site's jitter
// offset, so the cron entry itself fires at the spread time and no run
// waits for its offset.
type scheduler struct {
	cron   *cron.Cron
	jitter time.Duration // > 0: the window; 0: DefaultSpread's; < 0: none
	now    func() time.Time
	fire   func(name string) // called on each tick of a site

	mu      sync.Mutex
	entries map[string]schedEntry
	// parsed caches each schedule string's parse and jitter window: 30,000
	// sites share a handful of schedules, and a CRON_TZ= one reads its
	// zone from disk on every parse.
	parsed map[string]parsedSchedule
}

type parsedSchedule struct {
	sched  cron.Schedule
	window time.Duration
}

type schedEntry struct {
	id       cron.EntryID
	schedule string
	offset   time.Duration
}

// MaxDefaultSpread bounds the default jitter window: a daily schedule's
// sites all start within 6 hours of the time the schedule names.
const MaxDefaultSpread = 6 * time.Hour

// newScheduler returns a scheduler whose sites' offsets are drawn from
// [0, jitter) when jitter > 0, from DefaultSpread's window when jitter is
// 0, and are 0 when jitter < 0. now is the clock the default window is
// measured from.
func newScheduler(log *slog.Logger, jitter time.Duration, now func() time.Time, fire func(name string)) *scheduler {
	cl := cronLogger{log: log}
	return &scheduler{
		cron: cron.New(
			cron.WithParser(sites.ScheduleParser),
			cron.WithChain(cron.Recover(cl)),
			cron.WithLogger(cl),
		),
		jitter:  jitter,
		now:     now,
		fire:    fire,
		entries: map[string]schedEntry{},
		parsed:  map[string]parsedSchedule{},
	}
}

// set schedules a site, or reschedules it if its schedule changed.
func (s *scheduler) set(site *sites.Site) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[site.Name]; ok {
		if e.schedule == site.Schedule {
			return nil
		}
		s.cron.Remove(e.id)
		delete(s.entries, site.Name)
	}
	name := site.Name
	p, ok := s.parsed[site.Schedule]
	if !ok {
		sched, err := sites.ScheduleParser.Parse(site.Schedule)
		if err != nil {
			return fmt.Errorf("schedule %s: %q: %w", name, site.Schedule, err)
		}
		p = parsedSchedule{sched: sched, window: s.window(sched)}
		s.parsed[site.Schedule] = p // schedules are immutable: entries share them
	}
	offset := jitterOffset(name, p.window)
	id := s.cron.Schedule(offsetSchedule{sched: p.sched, offset: offset, phased: p.window > 0}, cron.FuncJob(func() { s.fire(name) }))
	s.entries[name] = schedEntry{id: id, schedule: site.Schedule, offset: offset}
	return nil
}

// window is the range a site's offset is drawn from, for its schedule.
func (s *scheduler) window(sched cron.Schedule) time.Duration {
	if every, ok := sched.(cron.ConstantDelaySchedule); ok {
		// An "@every" schedule's starts are placed on a grid of its
		// period at the site's offset (see offsetSchedule): by default
		// anywhere in the period, so that sites sharing "@every 24h" are
		// spread evenly over the day instead of all starting 24 hours
		// after the daemon did.
		switch {
		case s.jitter > 0:
			return min(s.jitter, every.Delay)
		case s.jitter < 0:
			return 0
		}
		return every.Delay
	}
	switch {
	case s.jitter > 0:
		return s.jitter
	case s.jitter < 0:
		return 0
	}
	return DefaultSpread(sched, s.now())
}

// DefaultSpread is the jitter window of a schedule when schedule_jitter is
// not set: half the shortest gap between its next five starts after
// from, at most MaxDefaultSpread. Half the gap keeps every run nearer its
// own start than the next one, so a site still runs once per period and
// in order; the cap keeps a daily night-time schedule ("0 3 * * *") within
// the night (03:00 to 09:00).
func DefaultSpread(sched cron.Schedule, from time.Time) time.Duration {
	gap := time.Duration(0)
	t := sched.Next(from)
	for range 4 {
		n := sched.Next(t)
		if n.IsZero() || t.IsZero() {
			break
		}
		if g := n.Sub(t); gap == 0 || g < gap {
			gap = g
		}
		t = n
	}
	return min(gap/2, MaxDefaultSpread)
}

// describeJitter says how offsets are chosen, for the start-up log line.
func (s *scheduler) describeJitter() string {
	switch {
	case s.jitter > 0:
		return s.jitter.String()
	case s.jitter < 0:
		return "off"
	}
	return "default: half the schedule's interval, at most " + MaxDefaultSpread.String()
}

// offsetSchedule is a schedule whose starts are moved later by offset. An
// "@every" schedule (cron.ConstantDelaySchedule) with phased set starts at
// the times offset past a multiple of its period, counted from the Unix
// epoch: once every period, at the same place in it however often the
// daemon is restarted. Without phased (schedule_jitter: 0s) it counts from
// when the daemon started, as cron's own does.
type offsetSchedule struct {
	sched  cron.Schedule
	offset time.Duration
	phased bool
}

// Next returns the first start after t.
func (o offsetSchedule) Next(t time.Time) time.Time {
	if every, ok := o.sched.(cron.ConstantDelaySchedule); ok {
		if !o.phased || every.Delay <= 0 {
			return o.sched.Next(t)
		}
		return phaseNext(t, every.Delay, o.offset)
	}
	if o.offset <= 0 {
		return o.sched.Next(t)
	}
	n := o.sched.Next(t.Add(-o.offset))
	if n.IsZero() {
		return n
	}
	return n.Add(o.offset)
}

// phaseNext is the first time after t that lies phase past a multiple of
// period since the Unix epoch.
func phaseNext(t time.Time, period, phase time.Duration) time.Time {
	since := t.UnixNano() - int64(phase)
	k := since / int64(period)
	if since < 0 && since%int64(period) != 0 {
		k-- // floor, not truncation
	}
	return time.Unix(0, (k+1)*int64(period)+int64(phase)).In(t.Location())
}

// remove unschedules a site.
func (s *scheduler) remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[name]; ok {
		s.cron.Remove(e.id)
		delete(s.entries, name)
	}
}

// next returns each scheduled site's next start, its jitter offset included.
func (s *scheduler) next() map[string]time.Time {
	s.mu.Lock()
	names := make(map[cron.EntryID]string, len(s.entries))
	for name, e := range s.entries {
		names[e.id] = name
	}
	s.mu.Unlock()
	out := make(map[string]time.Time, len(names))
	for _, ce := range s.cron.Entries() {
		name, ok := names[ce.ID]
		if !ok || ce.Next.IsZero() {
			continue
		}
		out[name] = ce.Next
	}
	return out
}

// nextOf returns the next start of the named sites that are scheduled,
// their jitter offsets included.
func (s *scheduler) nextOf(names ...string) map[string]time.Time {
	s.mu.Lock()
	byID := make(map[cron.EntryID]string, len(names))
	for _, name := range names {
		if e, ok := s.entries[name]; ok {
			byID[e.id] = name
		}
	}
	s.mu.Unlock()
	out := make(map[string]time.Time, len(byID))
	if len(byID) == 0 {
		return out
	}
	for _, ce := range s.cron.Entries() {
		if name, ok := byID[ce.ID]; ok && !ce.Next.IsZero() {
			out[name] = ce.Next
		}
	}
	return out
}

func (s *scheduler) start() { s.cron.Start() }

// stop stops scheduling; the returned context is done when jobs that were
// firing have returned (which is at once: they only queue runs).
func (s *scheduler) stop() context.Context { return s.cron.Stop() }

// jitterOffset is a site's stable delay in [0, jitter): the same name gives
// the same offset on every start of the daemon, so the spread is
// predictable and shows in the next-run times.
func jitterOffset(name string, jitter time.Duration) time.Duration {
	if jitter <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	return time.Duration(h.Sum64() % uint64(jitter))
}

// cronLogger adapts slog to cron.Logger. Cron's own info messages (every
// wake-up) are debug noise for a daemon's log.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Debug("cron: "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron: "+msg, append(keysAndValues, "err", err)...)
}
