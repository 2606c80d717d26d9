package archive

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"
)

// keyLocks serialises Puts that could touch the same document, and only
// those: a Put holds its URL and its text's key while it decides what to
// do, and a document's id while it writes that document. Puts of different
// documents hold different keys and run in parallel.
type keyLocks struct {
	mu   sync.Mutex
	held map[string]chan struct{} // closed when the key is released
}

// lock takes every key, in sorted order (so two Puts taking overlapping
// sets never deadlock), and returns the function that releases them.
func (k *keyLocks) lock(keys ...string) (unlock func()) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, key := range keys {
		k.lockOne(key)
	}
	return func() {
		for _, key := range keys {
			k.unlockOne(key)
		}
	}
}

func (k *keyLocks) lockOne(key string) {
	for {
		k.mu.Lock()
		if k.held == nil {
			k.held = map[string]chan struct{}{}
		}
		ch, busy := k.held[key]
		if !busy {
			k.held[key] = make(chan struct{})
			k.mu.Unlock()
			return
		}
		k.mu.Unlock()
		<-ch
	}
}

func (k *keyLocks) unlockOne(key string) {
	k.mu.Lock()
	ch := k.held[key]
	delete(k.held, key)
	k.mu.Unlock()
	close(ch)
}

// Group commit bounds: at most groupMax changes in one index transaction,
// and a leader waits at most groupWait for Puts still writing their files
// to join its group. A Put alone waits for nobody.
const (
	groupMax  = 64
	groupWait = 2 * time.Millisecond
)

// committer is the archive's group commit: the index changes of
// concurrent Puts are committed together, in one transaction (synced once,
// if any of them records files), each Put's change in a savepoint of its
// own so that one failing fails only its Put. The first Put to arrive when
// none is committing leads: it waits briefly for the Puts still writing
// files (at most groupWait, and not at all when there are none), takes up
// to groupMax queued changes, commits them and hands the lead to the
// first change still queued. Every Put returns once its own group is
// committed, so Put's contract (durable and indexed when it returns) holds.
type committer struct {
	// flush commits a group, returning one error per change.
	flush func(ctx context.Context, cs []Change) []error

	mu      sync.Mutex
	queue   []*queued
	leading bool
	writing int           // Puts between begin and enqueueing their change
	arrived chan struct{} // a change was queued or a writer gave up (capacity 1)
}

type queued struct {
	c      Change
	err    error
	done   chan struct{} // closed when committed (err set)
	leadCh chan struct{} // closed when handed the lead
}

func newCommitter(flush func(context.Context, []Change) []error) *committer {
	return &committer{flush: flush, arrived: make(chan struct{}, 1)}
}

// ticket marks a Put that is writing files and will commit soon: leaders
// wait for it, briefly. It is closed by commit or, on any other return, by
// close.
type ticket struct {
	g    *committer
	open bool
}

func (g *committer) begin() *ticket {
	g.mu.Lock()
	g.writing++
	g.mu.Unlock()
	return &ticket{g: g, open: true}
}

// closeLocked ends the ticket; g.mu is held.
func (t *ticket) closeLocked() {
	if t.open {
		t.open = false
		t.g.writing--
		t.g.signal()
	}
}

func (t *ticket) close() {
	t.g.mu.Lock()
	t.closeLocked()
	t.g.mu.Unlock()
}

func (g *committer) signal() {
	select {
	case g.arrived <- struct{}{}:
	default:
	}
}

// commit queues c and returns once the group it was committed in is.
func (g *committer) commit(ctx context.Context, t *ticket, c Change) error {
	q := &queued{c: c, done: make(chan struct{}), leadCh: make(chan struct{})}
	g.mu.Lock()
	if t != nil {
		t.closeLocked()
	}
	g.queue = append(g.queue, q)
	if !g.leading {
		g.leading = true
		return g.lead(ctx, q) // unlocks g.mu
	}
	g.signal()
	g.mu.Unlock()
	select {
	case <-q.done:
		return q.err
	case <-q.leadCh:
		g.mu.Lock()
		return g.lead(ctx, q)
	}
}

// lead commits one group, which holds q, then passes the lead on. g.mu is
// held on entry and released on return.
func (g *committer) lead(ctx context.Context, q *queued) error {
	if g.writing > 0 && len(g.queue) < groupMax {
		timer := time.NewTimer(groupWait)
	wait:
		for g.writing > 0 && len(g.queue) < groupMax {
			g.mu.Unlock()
			select {
			case <-g.arrived:
				g.mu.Lock()
			case <-timer.C:
				g.mu.Lock()
				break wait
			}
		}
		timer.Stop()
	}
	n := min(len(g.queue), groupMax)
	group := slices.Clone(g.queue[:n])
	g.queue = slices.Delete(g.queue, 0, n)
	g.mu.Unlock()

	cs := make([]Change, len(group))
	for i, m := range group {
		cs[i] = m.c
	}
	// The group is committed for all its members: the leader's
	// cancellation must not fail theirs.
	errs := g.flush(context.WithoutCancel(ctx), cs)
	for i, m := range group {
		m.err = errs[i]
		close(m.done)
	}

	g.mu.Lock()
	if len(g.queue) > 0 {
		close(g.queue[0].leadCh)
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	return q.err
}

// commitGroup commits cs in one transaction, synced if any of them
// records files, each in a savepoint: a change that fails is rolled back
// alone and its error returned in its place.
func (x *sqliteIndex) commitGroup(ctx context.Context, cs []Change) []error {
	errs := make([]error, len(cs))
	durable := slices.ContainsFunc(cs, Change.durable)
	err := x.inTx(ctx, durable, func(tx *sql.Tx) error {
		for i, c := range cs {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT change`); err != nil {
				return fmt.Errorf("archive: index: savepoint: %w", err)
			}
			if errs[i] = commitChange(ctx, tx, c); errs[i] != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO change`); err != nil {
					return fmt.Errorf("archive: index: rollback to savepoint: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE change`); err != nil {
				return fmt.Errorf("archive: index: release savepoint: %w", err)
			}
		}
		return nil
	})
	for i := range errs {
		if err != nil {
			errs[i] = err
		}
		x.check(&errs[i])
	}
	return errs
}

// commitGroup commits a group through the index: in one transaction when it
// is the SQLite index, one Commit per change otherwise.
func (a *Archive) commitGroup(ctx context.Context, cs []Change) []error {
	if x, ok := a.index.(*sqliteIndex); ok {
		return x.commitGroup(ctx, cs)
	}
	errs := make([]error, len(cs))
	for i, c := range cs {
		errs[i] = a.index.Commit(ctx, c)
	}
	return errs
}
