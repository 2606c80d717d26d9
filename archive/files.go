package archive

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Files is where the archive's files live: a local directory today, object
// storage for a scaled-out deployment later. Names are slash-separated and
// relative to the archive root.
type Files interface {
	fs.FS
	// Create writes a new file atomically and makes it read-only. It fails
	// with an error matching fs.ErrExist if name exists: versions are written
	// once and never replaced.
	Create(name string, data []byte) error
	// Replace writes name atomically, replacing what was there.
	Replace(name string, data []byte) error
	// Remove deletes name; a missing file is not an error.
	Remove(name string) error
	// Append adds data, whole lines each ending in "\n", to the end of
	// name, creating it if missing, and makes it durable before returning.
	// A last line without its "\n" (an append a crash interrupted) is cut
	// off first.
	Append(name string, data []byte) error
	// Stage writes name as Create (once set) or Replace do, but makes no
	// promise of durability until the next Sync returns: a crash before
	// then may keep the file, lose it, or keep its name with its bytes
	// missing. Many writes staged and then synced together cost one flush.
	Stage(name string, data []byte, once bool) error
	// Sync makes durable every write that returned before Sync was called.
	Sync() error
}

// Dir is Files in a local directory. Create, Replace and Stage's replacing
// writes go through writeFileAtomic, so a crash leaves either the old state
// or the new one, plus at most a temporary file that the next Open removes;
// Stage's files written once, through createFile. Create, Replace
// and Append are durable when they return; Stage's writes when the next
// Sync does, which flushes them all at once (see "Crash safety" in doc.go).
type Dir struct {
	fs.FS
	root string

	mu    sync.Mutex
	syncs map[string]*dirSyncs // per directory: fsyncs of it shared by concurrent writers

	// Staged writes: made durable by flushing the whole file system at
	// once where the system can (syncfs(2) on Linux, through rootFD),
	// else by fsyncs of each staged file and directory (staged).
	flush    dirSyncs // Syncs of concurrent callers shared, as a directory's are
	rootFD   *os.File // the root, held open so that syncfs reports every write-back error since
	flushErr error    // a failed syncfs: every later Sync fails with it
	perFile  bool     // no syncfs: fsync each staged file, and at Sync the directories staged lists
	staged   map[string]bool
}

var _ Files = (*Dir)(nil)

// NewDir returns the Files rooted at root, creating root if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("archive: create %s: %w", root, err)
	}
	root = filepath.Clean(root)
	d := &Dir{FS: os.DirFS(root), root: root, perFile: !haveSyncFS()}
	if !d.perFile {
		f, err := os.Open(root)
		if err != nil {
			return nil, fmt.Errorf("archive: open %s: %w", root, err)
		}
		d.rootFD = f
	}
	return d, nil
}

// Close releases the directory's open root.
func (d *Dir) Close() error {
	if d.rootFD == nil {
		return nil
	}
	return d.rootFD.Close()
}

// Root is the directory's path.
func (d *Dir) Root() string { return d.root }

// Create implements Files.
func (d *Dir) Create(name string, data []byte) error {
	return d.write(name, data, true)
}

// Replace implements Files.
func (d *Dir) Replace(name string, data []byte) error {
	return d.write(name, data, false)
}

// Stage implements Files: the file is written and moved into place as
// Create and Replace do, without an fsync of it or of its directory.
func (d *Dir) Stage(name string, data []byte, once bool) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("archive: invalid file name %q", name)
	}
	full := filepath.Join(d.root, filepath.FromSlash(name))
	dir := filepath.Dir(full)
	if err := d.mkdirStaged(dir); err != nil {
		return fmt.Errorf("archive: write %s: %w", name, err)
	}
	// Flushing file by file, each file's data is fsynced here, through the
	// descriptor that wrote it: the only one sure to be told of a failed
	// write-back. Its directory entry waits for the Sync.
	var err error
	if once {
		err = createFile(full, data, d.perFile)
	} else {
		err = writeFile(dir, filepath.Base(full), data, false, d.perFile, nil)
	}
	if err != nil {
		return fmt.Errorf("archive: write %s: %w", name, err)
	}
	d.stage(dir)
	return nil
}

// createFile writes a new read-only file under its own name, refusing to
// replace one: Stage's way for files written once, which needs no
// temporary file (a kill that cuts it short leaves a torn file of a
// version not yet committed, which the archive removes as it removes the
// rest of such a version's files). On error the file is removed.
func createFile(full string, data []byte, fsync bool) (err error) {
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return err // fs.ErrExist when the version is already there
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(full)
		}
	}()
	n, err := f.Write(data)
	if err == nil && n != len(data) {
		err = fmt.Errorf("short write: %d of %d bytes", n, len(data))
	}
	if err == nil && fsync {
		err = f.Sync()
	}
	return err
}

// stage lists paths for the next per-file Sync.
func (d *Dir) stage(paths ...string) {
	if !d.perFile {
		return
	}
	d.mu.Lock()
	if d.staged == nil {
		d.staged = map[string]bool{}
	}
	for _, p := range paths {
		d.staged[p] = true
	}
	d.mu.Unlock()
}

// mkdirStaged creates dir and its missing parents, durable at the next Sync.
// Flushing file by file, it lists every directory up to the root, made by
// this call or not: one another Stage made a moment ago may not be listed
// yet, and its entry must be durable before this Stage's Sync returns.
func (d *Dir) mkdirStaged(dir string) error {
	if d.perFile {
		for p := dir; p != d.root && strings.HasPrefix(p, d.root); p = filepath.Dir(p) {
			d.stage(filepath.Dir(p))
		}
	}
	return mkdirAll(dir, func(parent string) error { d.stage(parent); return nil })
}

// Sync implements Files. Concurrent callers share flushes: each waits for
// one that started after it was called, so a burst of staged writes from
// many Puts costs a flush or two, not one each.
func (d *Dir) Sync() error {
	return d.flush.run(d.flushAll)
}

// flushAll makes every staged write durable: one syncfs(2) of the file
// system, or fsyncs of the directories given entries (each file's data was
// fsynced when it was staged).
//
// A failed syncfs fails every Sync after it too: the kernel reports a
// write-back error to one syncfs only, and cannot say whose write it lost,
// so no later flush can vouch for files staged before it. Opening the
// archive again starts afresh.
func (d *Dir) flushAll() error {
	if !d.perFile {
		d.mu.Lock()
		failed := d.flushErr
		d.mu.Unlock()
		if failed != nil {
			return failed
		}
		if err := syncFS(d.rootFD); err != nil {
			err = fmt.Errorf("archive: sync %s: %w (writes since may be lost: open the archive again)", d.root, err)
			d.mu.Lock()
			d.flushErr = err
			d.mu.Unlock()
			return err
		}
		return nil
	}
	d.mu.Lock()
	staged := d.staged
	d.staged = nil
	d.mu.Unlock()
	for p := range staged {
		if err := fsyncPath(p); err != nil {
			d.stage(slices.Collect(maps.Keys(staged))...) // the next Sync tries again
			return fmt.Errorf("archive: sync %s: %w", p, err)
		}
	}
	return nil
}

func fsyncPath(p string) error {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Remove implements Files.
func (d *Dir) Remove(name string) error {
	err := os.Remove(filepath.Join(d.root, filepath.FromSlash(name)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("archive: remove %s: %w", name, err)
	}
	return nil
}

// Append implements Files: the torn tail cut, the bytes written at the end,
// the file fsynced, and its directory synced if the file was created.
func (d *Dir) Append(name string, data []byte) (err error) {
	if !fs.ValidPath(name) {
		return fmt.Errorf("archive: invalid file name %q", name)
	}
	full := filepath.Join(d.root, filepath.FromSlash(name))
	dir := filepath.Dir(full)
	if err := d.mkdirAll(dir); err != nil {
		return fmt.Errorf("archive: append to %s: %w", name, err)
	}
	_, serr := os.Stat(full)
	created := errors.Is(serr, fs.ErrNotExist)
	f, err := os.OpenFile(full, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("archive: append to %s: %w", name, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("archive: append to %s: %w", name, cerr)
		}
	}()
	end, err := wholeLines(f)
	if err != nil {
		return fmt.Errorf("archive: append to %s: %w", name, err)
	}
	if err := f.Truncate(end); err != nil {
		return fmt.Errorf("archive: append to %s: %w", name, err)
	}
	if _, err := f.WriteAt(data, end); err != nil {
		return fmt.Errorf("archive: append to %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("archive: append to %s: %w", name, err)
	}
	if created {
		if err := d.syncDir(dir); err != nil {
			return fmt.Errorf("archive: append to %s: %w", name, err)
		}
	}
	return nil
}

// wholeLines is the length of f up to the end of its last "\n": the whole
// file, unless an append was cut short.
func wholeLines(f *os.File) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	end := fi.Size()
	buf := make([]byte, 4096)
	for end > 0 {
		n := int64(len(buf))
		if n > end {
			n = end
		}
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1, nil
		}
		end -= n
	}
	return 0, nil
}

func (d *Dir) write(name string, data []byte, once bool) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("archive: invalid file name %q", name)
	}
	full := filepath.Join(d.root, filepath.FromSlash(name))
	dir := filepath.Dir(full)
	if err := d.mkdirAll(dir); err != nil {
		return fmt.Errorf("archive: write %s: %w", name, err)
	}
	if err := writeFileAtomic(dir, filepath.Base(full), data, once, d.syncDir); err != nil {
		return fmt.Errorf("archive: write %s: %w", name, err)
	}
	return nil
}

// dirSyncs shares fsyncs of one directory between concurrent writers: a
// writer that moved a file in needs a sync that starts after its move, and
// any such sync will do, whoever runs it. So writers that arrive while a
// sync is running wait for it to end, then one of them runs the next sync
// for all of them: a burst of files moved into one directory (_pending
// markers, a year's new document directories) costs two syncs, not one per
// file.
type dirSyncs struct {
	mu      sync.Mutex
	cond    *sync.Cond
	running bool
	started uint64 // syncs started
	done    uint64 // the latest sync that has ended without error
	failed  uint64 // the latest sync that has failed, and its error
	err     error
	users   int // callers of syncDir on it now; guarded by Dir.mu
}

// syncDir fsyncs dir, or waits for a sync of it that started after the call
// did and ended without error.
func (d *Dir) syncDir(dir string) error {
	d.mu.Lock()
	if d.syncs == nil {
		d.syncs = map[string]*dirSyncs{}
	}
	s := d.syncs[dir]
	if s == nil {
		s = &dirSyncs{}
		d.syncs[dir] = s
	}
	s.users++
	d.mu.Unlock()
	defer func() {
		// Forgotten when nobody waits on it: a national round syncs
		// hundreds of thousands of document directories, once or twice each.
		d.mu.Lock()
		if s.users--; s.users == 0 {
			delete(d.syncs, dir)
		}
		d.mu.Unlock()
	}()

	return s.run(func() error { return syncDir(dir) })
}

// run runs flush, or waits for a run of it that started after the call
// did. A failed run fails every caller it was for, not only the one that
// ran it: a flush's error (a write-back error, which syncfs reports once)
// may be any of their writes'.
func (s *dirSyncs) run(flush func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cond == nil {
		s.cond = sync.NewCond(&s.mu)
	}
	want := s.started + 1 // the first sync to start from now on
	for s.done < want {
		if s.failed >= want {
			return s.err
		}
		if s.running {
			s.cond.Wait()
			continue
		}
		s.running = true
		s.started++
		n := s.started
		s.mu.Unlock()
		err := flush()
		s.mu.Lock()
		s.running = false
		s.cond.Broadcast()
		if err != nil {
			s.failed, s.err = max(s.failed, n), err
			return err
		}
		s.done = max(s.done, n)
	}
	return nil
}

// tempMarker is in the name of every temporary file, so that a start after a
// crash can find and remove them.
const tempMarker = "-tmp-"

// writeFileAtomic is the one way the archive writes a file: a temporary file
// in the same directory (named after the final one), the bytes, a check of
// the byte count, fsync, close, then the move into place and (with
// syncDir set) an fsync of the directory. With once set the file is made read-only and moved with link(2),
// which refuses to replace an existing file, so a version is never
// overwritten; otherwise rename(2) replaces atomically. The temporary file is
// removed on any error.
func writeFileAtomic(dir, name string, data []byte, once bool, syncDir func(string) error) error {
	return writeFile(dir, name, data, once, true, syncDir)
}

// writeFile is writeFileAtomic with the file's fsync optional (Stage's
// writes are made durable later, by Sync).
func writeFile(dir, name string, data []byte, once, fsync bool, syncDir func(string) error) (err error) {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, "."+name+tempMarker+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	n, err := f.Write(data)
	if err != nil {
		return err
	}
	if n != len(data) {
		return fmt.Errorf("short write: %d of %d bytes", n, len(data))
	}
	if fsync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if once {
		if err = f.Chmod(0o444); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	final := filepath.Join(dir, name)
	if once {
		if err = os.Link(tmp, final); err != nil {
			return err // fs.ErrExist when the version is already there
		}
		if err = os.Remove(tmp); err != nil {
			return err
		}
	} else if err = os.Rename(tmp, final); err != nil {
		return err
	}
	if syncDir == nil {
		return nil
	}
	return syncDir(dir)
}

// mkdirAll creates dir and missing parents, syncing each parent so the
// new entries survive a crash.
func (d *Dir) mkdirAll(dir string) error { return mkdirAll(dir, d.syncDir) }

// mkdirAll creates dir and its missing parents, calling made with the
// parent of each directory it creates, after the creation.
func mkdirAll(dir string, made func(parent string) error) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAll(parent, made); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return made(parent)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// removeTemp deletes temporary files left by a crash. Only a writer holding
// the lock may call it: then no write is in progress.
func removeTemp(root string) (int, error) {
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), ".") && strings.Contains(d.Name(), tempMarker) {
			if err := os.Remove(p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
