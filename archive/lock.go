package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
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

// Error names the archive's directory once, marked as a directory ("the
// archive in archive/ is locked …"): with the default archive_dir, "archive
// archive is locked" read as if it named it twice.
func (e *LockError) Error() string {
	dir := filepath.Dir(e.Path) + string(filepath.Separator)
	if e.Holder == "" {
		return fmt.Sprintf("the archive in %s is locked by another nianbao process", dir)
	}
	return fmt.Sprintf("the archive in %s is locked by another nianbao process (%s)", dir, e.Holder)
}

func (e *LockError) Unwrap() error { return ErrLocked }

// NotWritableError means a writer could not take the archive's lock
// because the archive cannot be written: its directory or lock file is
// read-only to this process, or on a read-only file system. Nothing has
// been changed. Reading works all the same.
type NotWritableError struct {
	Dir string
	Err error // as the file system said it, naming the lock file
}

func (e *NotWritableError) Error() string {
	cause := e.Err
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		cause = pe.Err // the path is said once, as the directory
	}
	return fmt.Sprintf("the archive in %s cannot be written (its lock file: %v); reading it works, writing needs write permission on the directory and its files",
		e.Dir+string(filepath.Separator), cause)
}

func (e *NotWritableError) Unwrap() error { return e.Err }

// Holding is what the holder wrote about itself, parsed.
func (e *LockError) Holding() LockHolder { return ParseLockHolder(e.Holder) }

// LockHolder is what the process holding the lock wrote in the lock file:
//
//	pid 1234: nianbao crawl --all, since 2026-11-22T10:00:00Z
//	pid 1234: nianbao serve, listen 127.0.0.1:8427, since 2026-11-22T10:00:00Z
//
// The second form is a daemon, which other processes can ask over HTTP to
// crawl instead of waiting for the lock.
type LockHolder struct {
	PID     int
	Command string    // "nianbao crawl --all", "nianbao serve"
	Listen  string    // the daemon's HTTP address; empty for any other holder
	Since   time.Time // when the lock was taken
}

// ParseLockHolder parses a lock file's line. Parts it cannot read are left
// zero: the line is written by nianbao, but possibly by another version.
func ParseLockHolder(s string) LockHolder {
	var h LockHolder
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "pid "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				h.PID = n
				s = after
			}
		}
	}
	if i := strings.LastIndex(s, ", since "); i >= 0 {
		if t, err := time.Parse(time.RFC3339, s[i+len(", since "):]); err == nil {
			h.Since = t
			s = s[:i]
		}
	}
	if i := strings.LastIndex(s, ", listen "); i >= 0 {
		h.Listen = s[i+len(", listen "):]
		s = s[:i]
	}
	h.Command = s
	return h
}

// SetLockHolder replaces how the lock file describes this process (by
// default its command line) with desc, keeping its pid and the time the lock
// was taken. The daemon writes "nianbao serve, listen ADDR" once it listens,
// so that `nianbao crawl --wait` can find it. It fails on a read-only
// archive, which holds no lock.
func (a *Archive) SetLockHolder(desc string) error {
	if a.lock == nil || a.lock.f == nil {
		return ErrReadOnly
	}
	return a.lock.describe(desc)
}

// lock is an exclusive flock(2) on <archive>/lock. The kernel releases it
// when the process dies, so a crash never leaves the archive locked.
type lock struct {
	f     *os.File
	since time.Time
}

func acquireLock(dir string, now time.Time) (*lock, error) {
	p := filepath.Join(dir, "lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		// Every writer takes the lock first, so this is where an archive
		// that cannot be written (chmod -R a-w, a read-only mount) stops
		// one, before anything is changed.
		return nil, &NotWritableError{Dir: dir, Err: err}
	}
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
	l := &lock{f: f, since: now}
	_ = l.describe(strings.Join(os.Args, " "))
	return l, nil
}

// describe writes the holder line. The new line is written over the old one
// before the file is cut to its length, so a reader never finds it empty.
func (l *lock) describe(desc string) error {
	line := []byte(fmt.Sprintf("pid %d: %s, since %s\n", os.Getpid(), desc, l.since.UTC().Format(time.RFC3339)))
	if _, err := l.f.WriteAt(line, 0); err != nil {
		return fmt.Errorf("archive: write lock holder: %w", err)
	}
	if err := l.f.Truncate(int64(len(line))); err != nil {
		return fmt.Errorf("archive: write lock holder: %w", err)
	}
	return nil
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
