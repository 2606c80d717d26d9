package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/sites"
)

// Run statuses. A run is queued, then running, then one of the last three.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusOK        = "ok"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// What started a run.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
)

// RunInfo is one run as the API shows it.
type RunInfo struct {
	// ID is the daemon's id of the run, returned by a trigger. For a run
	// recorded before this daemon started, it is the archive's run id.
	ID   string `json:"id"`
	Site string `json:"site"`
	// Trigger is schedule or manual; empty for a run read from the archive.
	Trigger    string    `json:"trigger,omitempty"`
	Status     string    `json:"status"`
	QueuedAt   time.Time `json:"queued_at,omitzero"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Error      string    `json:"error,omitempty"`
	// Summary is what the run did, once it is over.
	Summary *harvest.Summary `json:"summary,omitempty"`
}

// Done reports whether the run is over.
func (r RunInfo) Done() bool {
	return r.Status == StatusOK || r.Status == StatusFailed || r.Status == StatusCancelled
}

// ErrStopping means the daemon is shutting down and starts no more runs.
var ErrStopping = errors.New("the daemon is shutting down")

// ErrNotRunning means Run has not been called yet.
var ErrNotRunning = errors.New("the daemon is not running yet")

// ErrUnknownSite means no site of that name is loaded.
var ErrUnknownSite = errors.New("no such site")

// BusyError means the site already has a queued or running run; Run is it.
type BusyError struct {
	Run RunInfo
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("site %s is already %s (run %s)", e.Run.Site, e.Run.Status, e.Run.ID)
}

// runManager runs the sites' crawls: at most one queued or running run
// per site, and at most workers of them crawling at once. A queued run is
// an entry in a FIFO (a pointer and its RunInfo, a few hundred bytes), not
// a goroutine: up to workers worker goroutines take the entries in turn.
// A worker is started when a run is queued and fewer than workers are
// going, and ends when it finds both queues empty, so an idle daemon has
// none. Manual runs (a person pressed "Crawl now" or called the API) wait
// in a queue of their own that the workers empty first, so a person is
// served by the next free worker, not after the night's 30,000 scheduled
// sites. The manager also keeps the runs' history.
type runManager struct {
	deps    harvest.Deps
	log     *slog.Logger
	now     func() time.Time
	workers int
	keep    int                 // finished runs kept per site
	onStart func(RunInfo)       // called when a run starts crawling
	onEnd   func(RunInfo, bool) // called when a run is over; the bool says it crawled

	admit    sync.Mutex // held by the worker checking the memory budget and starting its run
	mu       sync.Mutex
	ctx      context.Context // the runs' context; nil until started
	stopping bool
	seq      int
	alive    int                  // worker goroutines going
	manual   runQueue             // manual runs waiting for a worker, first in first out
	queue    runQueue             // scheduled runs waiting for a worker
	active   map[string]*RunInfo  // per site: its queued or running run
	history  map[string][]RunInfo // per site: finished runs, oldest first
	wg       sync.WaitGroup       // the workers
}

// queuedRun is a run waiting for a worker.
type queuedRun struct {
	site *sites.Site
	run  *RunInfo
}

// runQueue is a FIFO of queued runs. Taken entries are cleared so that
// their sites can be collected, and the array is reused once empty.
type runQueue struct {
	items []queuedRun
	head  int
}

func (q *runQueue) push(r queuedRun) { q.items = append(q.items, r) }

func (q *runQueue) len() int { return len(q.items) - q.head }

func (q *runQueue) pop() (queuedRun, bool) {
	if q.len() == 0 {
		return queuedRun{}, false
	}
	r := q.items[q.head]
	q.items[q.head] = queuedRun{}
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		q.items = append([]queuedRun(nil), q.items[q.head:]...) // drop the taken half
		q.head = 0
	}
	return r, true
}

// newRunManager returns a manager that crawls at most workers sites at
// once (at least 1).
func newRunManager(deps harvest.Deps, workers, keep int, log *slog.Logger, now func() time.Time) *runManager {
	workers = max(1, workers)
	m := &runManager{
		deps:    deps,
		log:     log,
		now:     now,
		workers: workers,
		keep:    keep,
		onStart: func(RunInfo) {},
		onEnd:   func(RunInfo, bool) {},
		active:  map[string]*RunInfo{},
		history: map[string][]RunInfo{},
	}
	return m
}

// start lets runs begin; they run under ctx, so cancelling it cancels
// them.
func (m *runManager) start(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ctx = ctx
}

// shutdown refuses new runs and waits for the workers to end; their
// context must be cancelled for that to be prompt. The runs still queued
// then end cancelled.
func (m *runManager) shutdown() {
	m.mu.Lock()
	m.stopping = true
	n := len(m.active)
	m.mu.Unlock()
	if n > 0 {
		m.log.Info("waiting for runs to stop", "runs", n)
	}
	m.wg.Wait()
	err := context.Canceled
	if m.ctx != nil && m.ctx.Err() != nil {
		err = m.ctx.Err()
	}
	for {
		m.mu.Lock()
		q, ok := m.manual.pop()
		if !ok {
			q, ok = m.queue.pop()
		}
		m.mu.Unlock()
		if !ok {
			return
		}
		m.end(q.run, harvest.Summary{}, err, false)
	}
}

// trigger queues a run of site. Manual runs go ahead of scheduled ones. It
// fails with a *BusyError if the site already has a run queued or
// running.
func (m *runManager) trigger(site *sites.Site, trigger string) (RunInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx == nil {
		return RunInfo{}, ErrNotRunning
	}
	if m.stopping || m.ctx.Err() != nil {
		return RunInfo{}, ErrStopping
	}
	if r, ok := m.active[site.Name]; ok {
		return RunInfo{}, &BusyError{Run: *r}
	}
	m.seq++
	now := m.now()
	r := &RunInfo{
		ID:       now.UTC().Format("20060102T150405.000Z") + "-" + site.Name + "-" + strconv.Itoa(m.seq),
		Site:     site.Name,
		Trigger:  trigger,
		Status:   StatusQueued,
		QueuedAt: now.UTC(),
	}
	m.active[site.Name] = r
	if trigger == TriggerManual {
		m.manual.push(queuedRun{site: site, run: r})
	} else {
		m.queue.push(queuedRun{site: site, run: r})
	}
	if m.alive < m.workers {
		m.alive++
		m.wg.Add(1)
		go m.work(m.ctx)
	}
	return *r, nil
}

// work takes queued runs, manual ones first, until both queues are
// empty. Once ctx is done it ends the runs it takes cancelled, without
// crawling.
func (m *runManager) work(ctx context.Context) {
	defer m.wg.Done()
	for {
		// Under a memory budget, no run starts while the heap is over it
		// and others run: one worker at a time checks and marks its run
		// running, so that workers waiting together do not all start.
		m.admit.Lock()
		harvest.WaitForMemory(ctx, m.deps.MemoryBudget, func() int { _, running := m.counts(); return running }, m.log)
		m.mu.Lock()
		q, ok := m.manual.pop()
		if !ok {
			q, ok = m.queue.pop()
		}
		if !ok {
			m.alive--
			m.mu.Unlock()
			m.admit.Unlock()
			return
		}
		stopped := ctx.Err() != nil
		if !stopped {
			q.run.Status = StatusRunning
			q.run.StartedAt = m.now().UTC()
		}
		m.mu.Unlock()
		m.admit.Unlock()
		if stopped {
			m.end(q.run, harvest.Summary{}, ctx.Err(), false)
			continue
		}
		m.run(ctx, q.site, q.run)
	}
}

// run crawls a site; r has just been marked running.
func (m *runManager) run(ctx context.Context, site *sites.Site, r *RunInfo) {
	m.mu.Lock()
	info := *r
	m.mu.Unlock()
	m.onStart(info)

	var (
		sum harvest.Summary
		err error
	)
	func() {
		// A bug in one crawl must not take the daemon and every other site down.
		defer func() {
			if p := recover(); p != nil {
				m.log.Error("run panicked", "site", site.Name, "panic", p, "stack", string(debug.Stack()))
				err = fmt.Errorf("crawl %s: panic: %v", site.Name, p)
			}
		}()
		deps := m.deps
		deps.Now = m.now
		deps.RunID = r.ID // the archive's record of the run has the id the API gave
		sum, err = harvest.RunSite(ctx, site, deps)
	}()
	m.end(r, sum, err, true)
}

// end records a run's outcome and moves it from active to history. The
// onEnd hook (metrics, document counts) runs first, so that whoever sees
// the run over sees its effects too.
func (m *runManager) end(r *RunInfo, sum harvest.Summary, err error, crawled bool) {
	m.mu.Lock()
	fin := *r
	m.mu.Unlock()
	fin.FinishedAt = m.now().UTC()
	switch {
	case crawled && sum.Status != "":
		fin.Status = sum.Status
		fin.Error = sum.Error
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		fin.Status = StatusCancelled
		fin.Error = "the daemon stopped before the run started"
		if crawled {
			fin.Error = err.Error()
		}
	default:
		fin.Status = StatusFailed
		if err != nil {
			fin.Error = err.Error()
		}
	}
	if fin.Status == StatusOK && err != nil {
		// The crawl went through but its record could not be stored.
		fin.Status, fin.Error = StatusFailed, err.Error()
	}
	if crawled {
		if sum.Site == "" {
			sum.Site = fin.Site
		}
		// The summary says what the run's record says, even when the
		// crawl reported ok but its record could not be stored.
		sum.Status = fin.Status
		if sum.Error == "" {
			sum.Error = fin.Error
		}
		fin.Summary = &sum
	}
	m.onEnd(fin, crawled)

	m.mu.Lock()
	defer m.mu.Unlock()
	*r = fin
	if m.active[r.Site] == r {
		delete(m.active, r.Site)
	}
	m.push(fin)
}

// keepFailures is how many of a site's newest runs keep their list of
// failed pages; older runs keep the counts by kind. A thousand sites' worth
// of history stays a few megabytes.
const keepFailures = 5

// push appends a finished run to its site's history, dropping the oldest
// beyond keep. Called with mu held.
func (m *runManager) push(r RunInfo) {
	h := m.history[r.Site]
	if len(h) >= m.keep {
		h = append(h[:0:0], h[len(h)-m.keep+1:]...) // a fresh array, so dropped runs can be collected
	}
	h = append(h, r)
	if i := len(h) - 1 - keepFailures; i >= 0 && h[i].Summary != nil && h[i].Summary.Failures != nil {
		s := *h[i].Summary // a copy: the summary may be shared with a caller
		s.Failures = nil
		h[i].Summary = &s
	}
	m.history[r.Site] = h
}

// seed adds runs recorded in the archive before the daemon started.
func (m *runManager) seed(runs []RunInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sort.Slice(runs, func(i, j int) bool { return runs[i].StartedAt.Before(runs[j].StartedAt) })
	for _, r := range runs {
		m.push(r)
	}
}

// forget drops the history of sites that are gone and have no run going.
func (m *runManager) forget(keep func(site string) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for site := range m.history {
		if _, running := m.active[site]; !running && !keep(site) {
			delete(m.history, site)
		}
	}
}

// has reports whether the manager knows runs of the site: one going, or
// finished ones.
func (m *runManager) has(site string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, going := m.active[site]
	return going || len(m.history[site]) > 0
}

// current returns a site's queued or running run.
func (m *runManager) current(site string) (RunInfo, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.active[site]
	if !ok {
		return RunInfo{}, false
	}
	return *r, true
}

// recent returns up to limit runs of a site (every site if site is ""),
// newest first: queued and running runs, then finished ones.
func (m *runManager) recent(site string, limit int) []RunInfo {
	m.mu.Lock()
	var out []RunInfo
	add := func(name string) {
		if r, ok := m.active[name]; ok {
			out = append(out, *r)
		}
		out = append(out, m.history[name]...)
	}
	if site != "" {
		add(site)
	} else {
		names := map[string]bool{}
		for n := range m.active {
			names[n] = true
		}
		for n := range m.history {
			names[n] = true
		}
		for n := range names {
			add(n)
		}
	}
	m.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return runTime(out[i]).After(runTime(out[j])) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// status is a site's status as SiteInfo.Status says it: its queued or
// running run's, else its last run's, else "never".
func (m *runManager) status(site string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.active[site]; ok {
		return r.Status
	}
	if h := m.history[site]; len(h) > 0 {
		return h[len(h)-1].Status
	}
	return "never"
}

// last returns a site's most recent finished run; nil if it has none.
func (m *runManager) last(site string) *RunInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.history[site]
	if len(h) == 0 {
		return nil
	}
	r := h[len(h)-1]
	return &r
}

// counts returns how many runs are queued and running.
func (m *runManager) counts() (queued, running int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	queued = m.manual.len() + m.queue.len()
	return queued, len(m.active) - queued
}

// runTime orders runs: by when they started, or were queued.
func runTime(r RunInfo) time.Time {
	if !r.StartedAt.IsZero() {
		return r.StartedAt
	}
	return r.QueuedAt
}

// fromArchive turns a run record of the archive into a RunInfo.
func fromArchive(rec archive.Run) RunInfo {
	r := RunInfo{ID: rec.ID, Site: rec.Site, Status: rec.Status, Error: rec.Error,
		StartedAt: rec.StartedAt, FinishedAt: rec.FinishedAt}
	// The index hands the summary back as decoded JSON; re-decode it typed.
	if b, err := json.Marshal(rec.Summary); err == nil {
		var s harvest.Summary
		if json.Unmarshal(b, &s) == nil && s.Site != "" {
			r.Summary = &s
		}
	}
	return r
}
