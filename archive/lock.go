package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrLocked means another process is writing to the archive.
var ErrLocked = errors.New("archive is locked by another process")

// LockError says who holds the lock.
type LockError struct {
	Path   string
	Holder string // "pid 1234: nianbao crawl --all, since 2026-11-22T10:00:00Z", as the holder wrote it
}

func (e *LockError) Error() string {
	if e.Holder == "" {
		return fmt.Sprintf("archive %s is locked by another nianbao process", filepath.Dir(e.Path))
	}
	return fmt.Sprintf("archive %s is locked by another nianbao process (%s)", filepath.Dir(e.Path), e.Holder)
}

func (e *LockError) Unwrap() error { return ErrLocked }

// lock is an exclusive flock(2) on <archive>/lock. The kernel releases it
// when the process dies, so a crash never leaves the archive locked.
type lock struct {
	f *os.File
}

func acquireLock(dir string, now time.Time) (*lock, error) {
	p := filepath.Join(dir, "lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("archive: open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(p)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockError{Path: p, Holder: strings.TrimSpace(string(holder))}
		}
		return nil, fmt.Errorf("archive: lock %s: %w", p, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("pid %d: %s, since %s\n", os.Getpid(),
		strings.Join(os.Args, " "), now.UTC().Format(time.RFC3339))), 0)
	return &lock{f: f}, nil
}

func (l *lock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
