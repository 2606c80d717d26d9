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
type scheduler struct {
	cron   *cron.Cron
	jitter time.Duration
	fire   func(name string, offset time.Duration) // called on each tick of a site

	mu      sync.Mutex
	entries map[string]schedEntry
}

type schedEntry struct {
	id       cron.EntryID
	schedule string
	offset   time.Duration
}

func newScheduler(log *slog.Logger, jitter time.Duration, fire func(name string, offset time.Duration)) *scheduler {
	cl := cronLogger{log: log}
	return &scheduler{
		cron: cron.New(
			cron.WithParser(sites.ScheduleParser),
			cron.WithChain(cron.Recover(cl)),
			cron.WithLogger(cl),
		),
		jitter:  jitter,
		fire:    fire,
		entries: map[string]schedEntry{},
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
	offset := jitterOffset(name, s.jitter)
	id, err := s.cron.AddFunc(site.Schedule, func() { s.fire(name, offset) })
	if err != nil {
		return fmt.Errorf("schedule %s: %q: %w", name, site.Schedule, err)
	}
	s.entries[name] = schedEntry{id: id, schedule: site.Schedule, offset: offset}
	return nil
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
	byID := make(map[cron.EntryID]schedEntry, len(s.entries))
	names := make(map[cron.EntryID]string, len(s.entries))
	for name, e := range s.entries {
		byID[e.id] = e
		names[e.id] = name
	}
	s.mu.Unlock()
	out := make(map[string]time.Time, len(byID))
	for _, ce := range s.cron.Entries() {
		e, ok := byID[ce.ID]
		if !ok || ce.Next.IsZero() {
			continue
		}
		out[names[ce.ID]] = ce.Next.Add(e.offset)
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
