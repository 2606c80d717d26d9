package daemon

import (
	"context"
	"sync"
	"time"
)

// DefaultStaleAfter is how long a site may go without an ok run before it
// is flagged stale, when Options.StaleAfter is 0 (config.yaml's
// stale_after has the same default).
const DefaultStaleAfter = 7 * 24 * time.Hour

// siteHealth is how a site's runs have gone lately, as far as the daemon
// knows from its own runs and the archive's run records.
type siteHealth struct {
	// Failures counts the failed runs since the last ok one. Cancelled
	// runs (the daemon stopping, a shutdown before the run started) say
	// nothing about the portal, so they neither count nor reset it.
	Failures int
	// FailingSince is when the first of those failed runs started; zero
	// when Failures is 0.
	FailingSince time.Time
	// LastSuccess is when the last ok run finished. Only an ok run moves it.
	LastSuccess time.Time
	// FirstRun is when the site's earliest known run started, whatever
	// its status: for a site that never succeeded, staleness counts from
	// there.
	FirstRun time.Time
}

// stale reports whether the site has had no ok run for longer than after,
// at now: since its last ok run, or, for a site that never succeeded,
// since its first run. A site that has never run is not stale: nothing
// was tried yet.
func (h siteHealth) stale(now time.Time, after time.Duration) bool {
	since := h.LastSuccess
	if since.IsZero() {
		since = h.FirstRun
	}
	return after > 0 && !since.IsZero() && now.Sub(since) > after
}

// observe updates h with a finished run, which must be newer than every
// run h has seen.
func (h *siteHealth) observe(r RunInfo) {
	start := runStart(r)
	if h.FirstRun.IsZero() || (!start.IsZero() && start.Before(h.FirstRun)) {
		h.FirstRun = start
	}
	switch r.Status {
	case StatusOK:
		h.Failures, h.FailingSince = 0, time.Time{}
		if r.FinishedAt.After(h.LastSuccess) {
			h.LastSuccess = r.FinishedAt
		}
	case StatusFailed:
		h.Failures++
		if h.Failures == 1 {
			h.FailingSince = start
		}
	}
}

// runStart is when a run started; for one that never started, when it was
// queued, else when it ended.
func runStart(r RunInfo) time.Time {
	switch {
	case !r.StartedAt.IsZero():
		return r.StartedAt
	case !r.QueuedAt.IsZero():
		return r.QueuedAt
	}
	return r.FinishedAt
}

// healthFromRuns computes a site's health from its runs, newest first. all
// says the runs are every run of the site there is; otherwise a streak
// that reaches the oldest of them is incomplete, and ok is false: more
// runs are needed.
func healthFromRuns(newestFirst []RunInfo, all bool) (h siteHealth, ok bool) {
	for i := len(newestFirst) - 1; i >= 0; i-- {
		h.observe(newestFirst[i])
	}
	if all {
		return h, true
	}
	// Complete once an ok run bounds the streak (and gives the last success).
	return h, !h.LastSuccess.IsZero()
}

// healthBook holds the health of every site. It is safe for concurrent use.
type healthBook struct {
	mu    sync.Mutex
	sites map[string]*siteHealth
}

func newHealthBook() *healthBook { return &healthBook{sites: map[string]*siteHealth{}} }

// observe updates a site's health with a run that just finished.
func (b *healthBook) observe(r RunInfo) {
	if !r.Done() {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.sites[r.Site]
	if !ok {
		h = &siteHealth{}
		b.sites[r.Site] = h
	}
	h.observe(r)
}

// seed sets a site's health as read from the archive, unless the site
// already has one (runs observed since, or an earlier seed).
func (b *healthBook) seed(site string, h siteHealth) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.sites[site]; !ok {
		b.sites[site] = &h
	}
}

// has reports whether the book knows the site.
func (b *healthBook) has(site string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.sites[site]
	return ok
}

// get returns a site's health; the zero value for a site with no run.
func (b *healthBook) get(site string) siteHealth {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h, ok := b.sites[site]; ok {
		return *h
	}
	return siteHealth{}
}

// forget drops the health of sites that are gone; it is read again from the
// archive if they come back.
func (b *healthBook) forget(keep func(site string) bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.sites {
		if !keep(s) {
			delete(b.sites, s)
		}
	}
}

// seedSite reads a site's past runs from the archive: the newest keep of
// them for the history, and as many as it takes to reach the last ok run
// (or every run, for a site that never succeeded) for its health. It reads
// in growing batches, so a site failing for a year costs a few queries,
// and one doing well costs one.
func (d *Daemon) seedSite(ctx context.Context, site string, keep int) (history []RunInfo, h siteHealth, err error) {
	for limit := max(keep, 32); ; limit *= 4 {
		recs, err := d.archive.Runs(ctx, site, limit)
		if err != nil {
			return nil, siteHealth{}, err
		}
		runs := make([]RunInfo, len(recs))
		for i, rec := range recs {
			runs[i] = fromArchive(rec)
		}
		all := len(recs) < limit
		if h, ok := healthFromRuns(runs, all); ok {
			return runs[:min(keep, len(runs))], h, nil
		}
	}
}
