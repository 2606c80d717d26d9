package archive

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// IndexFile is the index's file name under the archive directory.
const IndexFile = "index.db"

// Options configure Open.
type Options struct {
	// ReadOnly opens for reading: no lock is taken and nothing is written,
	// except to rebuild a missing index.
	ReadOnly bool
	// DamagedIndexOK opens the archive even when its index is damaged
	// (ErrIndexDamaged), for Verify to report it and Repair to replace it:
	// the archive then has no index, and whatever needs one returns the
	// *IndexError. Without it Open returns that error.
	DamagedIndexOK bool
	Logger         *slog.Logger
	Now            func() time.Time
	// WrapFiles, when set, wraps the file store: the seam through which
	// tests inject I/O faults into every write.
	WrapFiles func(Files) Files
}

// Archive is a versioned store of report texts: files plus their index.
// Put is safe for concurrent use: Puts of different documents write in
// parallel, Puts that could touch the same document (same URL, same text,
// same document) one after another, and the index changes of concurrent
// Puts are committed in groups (see committer).
type Archive struct {
	dir   string
	files Files
	store *Dir // the local directory under files, closed by Close
	index Index
	lock  *lock
	log   *slog.Logger
	now   func() time.Time
	ro    bool
	// mu is held shared by every Put and exclusively by a rebuild, which
	// replaces the index.
	mu    sync.RWMutex
	keys  keyLocks
	group *committer

	// damage is why the index could not be opened (with
	// Options.DamagedIndexOK); index is then nil.
	damage *IndexError

	// years caches each site's year directories (as findDocDir reads
	// them), so that looking for a leftover document directory costs a
	// stat per year, not a listing of the site; new documents add theirs.
	yearsMu sync.Mutex
	years   map[string][]string

	// What opening as a writer cleaned up after an interrupted run.
	removedTemp int
	recovered   int
	// pendingLeft: interrupted writes were not finished at Open, for want of
	// an index; Repair finishes them.
	pendingLeft bool
}

// Open opens the archive in dir. A writer takes the archive's lock (failing
// with a *LockError naming the holder if another process has it), removes
// temporary files a crash left behind, and rebuilds the index from the files
// if the index is missing (or an empty file), or lists no document while the
// files hold some. The rebuild is built aside and moved into place only once
// complete, as Repair's is: a crash during it leaves the index missing, and
// the next Open starts it again. An index that is damaged gives an
// *IndexError (ErrIndexDamaged), unless opts.DamagedIndexOK.
func Open(dir string, opts Options) (*Archive, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Archive{dir: dir, log: opts.Logger, now: opts.Now, ro: opts.ReadOnly}
	a.group = newCommitter(a.commitGroup)
	dbPath := filepath.Join(dir, IndexFile)
	missing := indexMissing(dbPath)
	if opts.ReadOnly && missing {
		if !hasDocs(dir) {
			// Nothing archived yet, or no archive at all: an empty
			// archive, which lists nothing and verifies. The directory
			// is not created: a reader writes nothing.
			a.files = &Dir{FS: os.DirFS(dir), root: dir}
			return a, nil
		}
		// The index is missing but texts are there: rebuild it once.
		w, err := Open(dir, Options{Logger: opts.Logger, Now: opts.Now})
		if err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	}
	// Whether to rebuild a missing index: only when there is something to
	// index (a writer only; a reader had one rebuild it above).
	rebuild := !opts.ReadOnly && missing && hasDocs(dir)
	if !opts.ReadOnly {
		d, err := NewDir(dir)
		if err != nil {
			return nil, err
		}
		a.files, a.store = d, d
		if a.lock, err = acquireLock(dir, a.now()); err != nil {
			d.Close()
			return nil, err
		}
		if n, err := removeTemp(dir); err != nil {
			a.Close()
			return nil, fmt.Errorf("archive: remove temporary files: %w", err)
		} else if n > 0 {
			a.removedTemp = n
			a.log.Info("removed temporary files left by an interrupted write", "count", n)
		}
		if missing {
			// An empty file is an index SQLite created and never wrote:
			// none. A write-ahead log without its database belongs to a
			// deleted index; SQLite would replay it into the new one.
			for _, f := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
				err := os.Remove(f)
				if err == nil && rebuild {
					a.log.Warn("removed what was left of a missing index", "file", f)
				}
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					a.Close()
					return nil, fmt.Errorf("archive: remove stale %s: %w", f, err)
				}
			}
		}
	} else {
		a.files = &Dir{FS: os.DirFS(dir), root: dir}
	}
	if opts.WrapFiles != nil {
		a.files = opts.WrapFiles(a.files)
	}
	if rebuild {
		// Built aside and renamed into place only once complete: until
		// then there is no index.db, so a crash or a failure leaves the
		// index missing, and the next Open rebuilds it again. (An index
		// created here and then filled would, after a crash, be an empty
		// index that looks whole: no version listed, and nothing to say
		// why.)
		a.log.Warn("index missing: rebuilding it from the archive files", "dir", dir)
		if err := a.Rebuild(context.Background()); err != nil {
			a.Close()
			return nil, err
		}
	} else {
		idx, err := openSQLite(dbPath, opts.ReadOnly)
		var ie *IndexError
		switch {
		case errors.As(err, &ie) && opts.DamagedIndexOK:
			a.log.Warn("index damaged", "file", dbPath, "err", ie.Cause())
			a.damage = ie
			a.pendingLeft = !opts.ReadOnly
			return a, nil
		case err != nil:
			a.Close()
			return nil, err
		}
		a.index = idx
		if !opts.ReadOnly {
			if err := a.rebuildIfEmpty(context.Background(), idx); err != nil {
				a.Close()
				return nil, err
			}
		}
	}
	if !opts.ReadOnly {
		if err := a.recoverPending(context.Background()); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// rebuildIfEmpty rebuilds an index that lists no document while the files
// hold some: what an open-time rebuild interrupted by a crash left before
// that rebuild was built aside. Whatever else the index holds (runs, fetch
// state) is carried over, as by Repair. Checking costs one query; only an
// index without documents has the files looked at. An index that cannot
// answer is left as it is: the next call that reads it reports the damage
// (an *IndexError), as it would have without this check.
func (a *Archive) rebuildIfEmpty(ctx context.Context, idx *sqliteIndex) error {
	if has, err := idx.hasDocuments(ctx); err != nil || has || !hasDocs(a.dir) {
		return nil
	}
	a.log.Warn("index lists no document but the archive files hold some: rebuilding it from the files", "dir", a.dir)
	return a.Rebuild(ctx)
}

// indexMissing reports whether there is no index at p: no file, or an
// empty one whose write-ahead log is missing or empty too (SQLite creates
// the file before writing anything to it).
func indexMissing(p string) bool {
	fi, err := os.Stat(p)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	if !fi.Mode().IsRegular() || fi.Size() > 0 {
		return false
	}
	wal, err := os.Stat(p + "-wal")
	return err != nil || wal.Size() == 0
}

// noIndex is the error for a call that needs the index on an archive
// opened without one: the damage, or nil for an archive with nothing in it
// yet.
func (a *Archive) noIndex() error {
	if a.damage != nil {
		return a.damage
	}
	return nil
}

// writable is the error for a write to an archive that cannot take it.
func (a *Archive) writable() error {
	switch {
	case a.damage != nil:
		return a.damage
	case a.ro || a.index == nil:
		return ErrReadOnly
	}
	return nil
}

// pendingDir holds one marker per document whose write is in progress:
// created before the document's files are touched, removed after the index
// commit. A marker that outlives its process names a document a crash
// interrupted, so recovery re-reads just those documents.
const pendingDir = "_pending"

// runsDir holds the run records. Both names start with "_", which no site
// name can ([a-z0-9-]+), so they never collide with a site's directory.
const runsDir = "_runs"

// beginWrite stages a document's marker: it is made durable by the Sync
// that makes the document's first files durable, before any version's
// metadata is written (writeVersion).
func (a *Archive) beginWrite(d Doc) error {
	return a.files.Stage(path.Join(pendingDir, d.ID), []byte(d.Dir+"\n"), false)
}

func (a *Archive) endWrite(d Doc) error {
	return a.files.Remove(path.Join(pendingDir, d.ID))
}

// recoverPending finishes what crashes interrupted: for each marked
// document it removes the files of uncommitted versions, restores a missing
// doc.json, and indexes what the files hold and the index lacks.
func (a *Archive) recoverPending(ctx context.Context) error {
	entries, err := fs.ReadDir(a.files, pendingDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive: read %s: %w", pendingDir, err)
	}
	if len(entries) > 0 {
		// A killed writer's last files may be in the page cache only:
		// durable before recovery reads them, keeps them and indexes them.
		if err := a.files.Sync(); err != nil {
			return err
		}
	}
	for _, en := range entries {
		marker := path.Join(pendingDir, en.Name())
		data, err := fs.ReadFile(a.files, marker)
		if err != nil {
			return fmt.Errorf("archive: read %s: %w", marker, err)
		}
		dir := strings.TrimSpace(string(data))
		if dir == "" {
			// A marker whose bytes a power failure lost before they were
			// synced: nothing of its document was made durable after it
			// (writeVersion syncs them together), but look.
			d, ok := a.findDoc(en.Name())
			if !ok {
				a.log.Warn("removing the empty marker of a write interrupted before it began", "file", marker)
				if err := a.files.Remove(marker); err != nil {
					return err
				}
				continue
			}
			dir = d
		}
		if !fs.ValidPath(dir) || strings.Count(dir, "/") != 2 {
			return fmt.Errorf("archive: %s names %q, not a document directory", marker, dir)
		}
		a.log.Warn("finishing a write interrupted by a crash", "doc", en.Name(), "dir", dir)
		if err := a.dropUnsyncedMark(ctx, en.Name(), dir); err != nil {
			return err
		}
		if err := a.recoverDoc(ctx, dir); err != nil {
			return err
		}
		a.recovered++
		if err := a.files.Remove(marker); err != nil {
			return err
		}
	}
	return nil
}

// findDoc looks for a document's directory by its id alone, in every site.
func (a *Archive) findDoc(id string) (string, bool) {
	sites, _ := fs.ReadDir(a.files, ".")
	for _, s := range sites {
		if s.IsDir() && !strings.HasPrefix(s.Name(), "_") {
			if dir, ok := a.findDocDir(s.Name(), id); ok {
				return dir, true
			}
		}
	}
	return "", false
}

// dropUnsyncedMark undoes the version a power failure cut while its
// metadata was being made durable: when a document's latest vN.json is
// above the versions the index has and cannot be read, it is the commit
// mark of the interrupted write its marker names (the marker was durable,
// the mark's bytes not yet), so the version was never committed. The mark
// goes (kept aside as vN.json.corrupt-<time> if it holds any bytes), and
// with it the version's files, as an uncommitted version's do. Any other
// unreadable vN.json is damage, left for verify to report.
func (a *Archive) dropUnsyncedMark(ctx context.Context, id, dir string) error {
	indexed, err := a.index.LatestVersion(ctx, id)
	if err != nil {
		return err
	}
	entries, err := fs.ReadDir(a.files, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive: read %s: %w", dir, err)
	}
	latest := 0
	for _, en := range entries {
		if m := versionFileRe.FindStringSubmatch(en.Name()); m != nil && m[2] == "json" {
			n, _ := strconv.Atoi(m[1])
			latest = max(latest, n)
		}
	}
	if latest <= indexed {
		return nil
	}
	if _, err := a.readVersionIn(dir, latest); err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	mark := path.Join(dir, fmt.Sprintf("v%d.json", latest))
	if fi, err := fs.Stat(a.files, mark); err == nil && fi.Size() > 0 {
		if _, err := a.setAsideFile(mark); err != nil {
			return err
		}
	}
	a.log.Warn("removing the commit mark a crash cut short, and so its uncommitted version", "file", mark)
	return a.files.Remove(mark)
}

func (a *Archive) recoverDoc(ctx context.Context, dir string) error {
	committed, err := a.committedVersion(dir)
	if err != nil {
		return err
	}
	if committed == 0 {
		// A new document whose first version was never committed: its
		// doc.json, if a crash tore it, holds nothing to keep.
		name := path.Join(dir, "doc.json")
		if data, err := fs.ReadFile(a.files, name); err == nil && !json.Valid(data) {
			a.log.Warn("removing the torn doc.json of a document that has no version yet", "file", name)
			return a.files.Remove(name)
		}
		return nil
	}
	df, err := a.readDoc(dir)
	if err != nil || df == nil || !df.ok {
		return err // nil: no readable committed version, nothing to index
	}
	if err := a.restoreDocFile(df); err != nil {
		return err
	}
	d := df.Doc
	if err := a.index.Commit(ctx, Change{Doc: &d, Sources: d.Sources}); err != nil {
		return err
	}
	_, err = a.reconcile(ctx, d)
	return err
}

// restoreDocFile writes a document's doc.json when readDoc had to rebuild
// it from the versions: it was missing, or unreadable (then it is kept
// beside, as doc.json.corrupt-<time>).
func (a *Archive) restoreDocFile(df *docFiles) error {
	if !df.synthesized {
		return nil
	}
	if df.badDoc != "" {
		aside, err := a.setAsideFile(path.Join(df.Dir, "doc.json"))
		if err != nil {
			return err
		}
		a.log.Warn("rewriting an unreadable document file from its versions", "file", path.Join(df.Dir, "doc.json"), "kept_as", aside)
	}
	return a.writeDocFile(df.Doc)
}

// hasDocs reports whether dir holds any document directory.
func hasDocs(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "v*.json"))
	return len(m) > 0
}

// Close releases the index and the lock.
func (a *Archive) Close() error {
	var err error
	if a.index != nil {
		err = a.index.Close()
	}
	if a.store != nil {
		if cerr := a.store.Close(); err == nil {
			err = cerr
		}
	}
	if lerr := a.lock.release(); err == nil {
		err = lerr
	}
	return err
}

// Dir is the archive's directory.
func (a *Archive) Dir() string { return a.dir }

// Sites lists, sorted, the sites the archive holds anything of: a document
// (a <site>/ directory) or a run record (_runs/<site>/). It reads the
// directories, not the index, so it answers on an archive without one. An
// archive that does not exist holds no site.
func (a *Archive) Sites() ([]string, error) {
	seen := map[string]bool{}
	for _, dir := range []string{".", runsDir} {
		entries, err := fs.ReadDir(a.files, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("archive: read %s: %w", path.Join(a.dir, dir), err)
		}
		for _, en := range entries {
			if en.IsDir() && !strings.HasPrefix(en.Name(), "_") && !strings.HasPrefix(en.Name(), ".") {
				seen[en.Name()] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// Entry is a text to archive, with where and when it was found.
type Entry struct {
	Site        string
	URL         string // where it was fetched from
	Title       string
	Published   string
	Source      string
	SiteIDCode  string
	Issuer      string
	DocNumber   string
	IndexNumber string
	Mirror      bool
	Kind        string
	Year        int
	Text        []byte
	Extractor   string
	FetchedAt   time.Time
	// Raw is the response body the text came from.
	Raw         []byte
	Status      int
	ContentType string
	Encoding    string
	// Parts are the further pages of a report split over several pages,
	// whose texts follow Raw's in Text.
	Parts []Part
	// Reextracted, with RawFrom, makes a re-extracted version: its raw
	// bytes are the earlier version's file, referenced, not copied.
	Reextracted *Reextraction
	RawFrom     *Raw
	// File, for a text read from an attachment, describes the file; Raw is
	// then the file's bytes, kept as they are (not compressed) under the
	// file's type as extension. A file without text (File.TextStatus not
	// ok) is archived with an empty Text.
	File *File
	// TextStatus and Images, for a page whose article is only images:
	// TextImagesOnly, and the images' URLs (see Version). Text is then the
	// page's title line.
	TextStatus string
	Images     []string
	// fileSHA is the sha256 of a file's bytes, computed once by Put.
	fileSHA string
	// Report, for a new document, is the report it is a rendition of (a
	// document of the same site; a rendition of a rendition joins that
	// one's report); "" makes the document a report of its own. Role is
	// RoleListing for a stub page. Report is a new document's only: a
	// known URL keeps the document, and the report, it has; a known page's
	// role follows Role when its text changes (see newRole).
	Report string
	Role   string
	// Fetched, when set, is recorded as SetFetchState would, in the same
	// index transaction as the text: whatever Put's outcome, one commit. It
	// is recorded only if Put succeeds.
	Fetched []FetchState
}

// Part is a further page of a report, as received.
type Part struct {
	URL      string
	Body     []byte
	Encoding string
}

// Outcome is what Put did.
type Outcome string

// Put outcomes.
const (
	NewDocument Outcome = "new_document" // a report not seen before: v1 written
	NewVersion  Outcome = "new_version"  // its text changed: the next version written
	Unchanged   Outcome = "unchanged"    // a text already stored for this document
	NewSource   Outcome = "new_source"   // the same text at another URL: recorded as a source
	// FileChanged is a file whose bytes changed while its text did not: the
	// file is kept as its document's next version, the text the same.
	FileChanged Outcome = "file_changed"
)

// Result says what Put did and where.
type Result struct {
	Outcome Outcome
	Doc     string
	Version int    // the version the text is stored as (0 for NewSource/Unchanged when unknown)
	Path    string // of the .txt written, relative to the archive
	// Report is the report Doc is a rendition of (Doc itself when it is
	// its own), "" for a listing.
	Report string
}

// ErrReadOnly is returned by writes to an archive opened read-only.
var ErrReadOnly = errors.New("archive opened read-only")

// Put archives a text found at a URL. The same text again adds nothing;
// changed text at a known URL adds the next version, never touching earlier
// ones; a text already stored under another URL makes this URL another
// source of that document. Files are written first (version metadata last,
// as the commit mark) and the index after them, so a crash at any point
// leaves files that verify, and the next Put of the document picks up where
// the files are.
func (a *Archive) Put(ctx context.Context, e Entry) (Result, error) {
	if err := a.writable(); err != nil {
		return Result{}, err
	}
	if len(e.Text) == 0 && (e.File == nil || e.File.TextStatus == TextOK) {
		return Result{}, fmt.Errorf("archive: put %s: empty text", e.URL)
	}
	if e.File != nil && (!fileTypeRe.MatchString(e.File.Type) || (e.Raw == nil && e.RawFrom == nil)) {
		return Result{}, fmt.Errorf("archive: put %s: a file needs its bytes and a type (pdf, docx, doc, wps, ofd, or an image's jpg, png, gif, webp, bmp, tif), not %q", e.URL, e.File.Type)
	}
	e.URL = CanonicalURL(e.URL)
	e.Fetched = canonicalFetched(e.Fetched)
	switch {
	case e.File != nil && e.RawFrom != nil:
		e.fileSHA = e.RawFrom.SHA256
	case e.File != nil:
		sum := sha256.Sum256(e.Raw)
		e.fileSHA = hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256(e.Text)
	p := putState{e: e, sha: hex.EncodeToString(sum[:])}
	p.key = p.sha
	if e.File != nil && e.File.TextStatus != TextOK {
		p.key = fileKey(e.fileSHA)
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	// The URL and the text decide which document this is: Puts sharing
	// either go one after the other, so that the same text from two URLs
	// at once still makes one document with two sources.
	unlock := a.keys.lock("url:"+e.URL, "text:"+p.key)
	defer unlock()
	p.t = a.group.begin()
	defer p.t.close()
	return a.put(ctx, p, true)
}

// putState is what Put computed before taking its locks: the entry, its
// text's sha256, its dedup key (that sha256, or a file's for a file
// without text) and its group-commit ticket.
type putState struct {
	e        Entry
	sha, key string
	t        *ticket
}

// lockDoc takes a document's lock: its files and its version numbers are
// written by one Put at a time.
func (a *Archive) lockDoc(id string) (unlock func()) { return a.keys.lock("doc:" + id) }

// commit commits a Put's index change with the Puts committing at the same
// time (see committer).
func (a *Archive) commit(ctx context.Context, p putState, c Change) error {
	return a.group.commit(ctx, p.t, c)
}

// put is Put under its URL and text locks. retry allows one more pass after
// files that the index did not know were indexed.
func (a *Archive) put(ctx context.Context, p putState, retry bool) (Result, error) {
	e, sha, key := p.e, p.sha, p.key
	seen := SeenURL{URL: e.URL, SHA: key, Time: e.FetchedAt}

	src, known, err := a.index.SourceState(ctx, e.URL)
	if err != nil {
		return Result{}, err
	}
	if known {
		// The common case on a re-crawl, kept to one lookup and one update.
		seen.Doc = src.Doc
		report := Doc{ID: src.Doc, Report: src.Report, Role: src.Role}.ReportID()
		outcome := NewVersion
		if src.LastSHA == key {
			changed, err := a.fileChanged(ctx, src.Doc, p)
			if err != nil {
				return Result{}, err
			}
			if !changed {
				return Result{Outcome: Unchanged, Doc: src.Doc, Report: report}, a.commit(ctx, p, Change{Seen: []SeenURL{seen}, Fetched: e.Fetched})
			}
			outcome = FileChanged
		} else {
			has, err := a.index.HasText(ctx, src.Doc, key)
			if err != nil {
				return Result{}, err
			}
			if has {
				return Result{Outcome: Unchanged, Doc: src.Doc, Report: report}, a.commit(ctx, p, Change{Seen: []SeenURL{seen}, Fetched: e.Fetched})
			}
		}
		defer a.lockDoc(src.Doc)()
		d, ok, err := a.index.Doc(ctx, src.Doc)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return Result{}, fmt.Errorf("archive: index lists source %s for missing document %s: delete %s to rebuild the index from the files", e.URL, src.Doc, filepath.Join(a.dir, IndexFile))
		}
		latest, err := a.reconcile(ctx, d)
		if err != nil {
			return Result{}, err
		}
		if err := a.beginWrite(d); err != nil {
			return Result{}, err
		}
		v, err := a.writeVersion(d, latest+1, e, sha, nil)
		if err != nil {
			return Result{}, err
		}
		var change = Change{Version: &v, Seen: []SeenURL{seen}, Fetched: e.Fetched}
		role, err := a.newRole(ctx, d, e)
		if err != nil {
			return Result{}, err
		}
		if (v.Title != d.Title && v.Title != "") || role != d.Role {
			// Replaced durably, not staged: a doc.json replaced must
			// never be lost with its old bytes.
			d.Title = cmp.Or(v.Title, d.Title)
			if role != d.Role {
				d.Role, d.Grouped = role, true
			}
			if err := a.writeDocFile(d); err != nil {
				return Result{}, err
			}
			change.Doc = &d
		}
		if err := a.commit(ctx, p, change); err != nil {
			return Result{}, err
		}
		return Result{Outcome: outcome, Doc: d.ID, Version: v.Version, Path: v.Path, Report: d.ReportID()}, a.endWrite(d)
	}

	// A URL not seen before: a repost of a stored text, a new rendition of
	// its report (the same text in another form: a DOCX of a PDF's), or a
	// new document.
	docID, ok, err := a.index.DocByText(ctx, key)
	if err != nil {
		return Result{}, err
	}
	if ok {
		form, d, err := a.docForm(ctx, docID)
		if err != nil {
			return Result{}, err
		}
		if form != entryForm(e) {
			ok = false
			if report := d.ReportID(); p.e.Report == "" && p.e.Role == "" && d.Site == e.Site {
				p.e.Report = report
				e.Report = report
			}
		}
	}
	if ok {
		defer a.lockDoc(docID)()
		d, _, err := a.index.Doc(ctx, docID)
		if err != nil {
			return Result{}, err
		}
		s := Source{URL: e.URL, Site: e.Site, FirstSeen: e.FetchedAt}
		// The marker is made durable before the line is appended.
		if err := a.beginWrite(d); err != nil {
			return Result{}, err
		}
		if err := a.files.Sync(); err != nil {
			return Result{}, err
		}
		// One line appended, not doc.json rewritten with every source.
		if err := a.appendSource(d, s); err != nil {
			return Result{}, err
		}
		seen.Doc = d.ID
		if err := a.commit(ctx, p, Change{Sources: []Source{s}, Seen: []SeenURL{seen}, Fetched: e.Fetched}); err != nil {
			return Result{}, err
		}
		return Result{Outcome: NewSource, Doc: d.ID, Report: d.ReportID()}, a.endWrite(d)
	}

	report, err := a.joinReport(ctx, e)
	if err != nil {
		return Result{}, err
	}
	id, unlockID, err := a.newID(ctx, e.URL)
	if err != nil {
		return Result{}, err
	}
	if found, err := a.importLeftover(ctx, e.Site, id); err != nil {
		unlockID()
		return Result{}, err
	} else if found && retry {
		unlockID()
		return a.put(ctx, p, false) // the index now knows what the files knew
	}
	defer unlockID()
	d := Doc{
		ID:        id,
		Site:      e.Site,
		Year:      e.Year,
		Kind:      e.Kind,
		Title:     e.Title,
		Dir:       path.Join(e.Site, yearDir(e.Year), id),
		CreatedAt: e.FetchedAt,
		Sources:   []Source{{URL: e.URL, Site: e.Site, FirstSeen: e.FetchedAt}},
		Role:      e.Role,
		Grouped:   true,
	}
	if report != id && e.Role == "" {
		d.Report = report
	}
	a.addSiteYear(d.Site, yearDir(d.Year))
	// The marker first; doc.json goes with the first version's commit
	// mark (writeVersion), so that a torn doc.json always has a durable
	// marker naming it, and a missing one is rewritten from the versions.
	if err := a.beginWrite(d); err != nil {
		return Result{}, err
	}
	// Versions whose metadata exists but cannot be read (so that the
	// document could not be indexed) keep their numbers: this one follows.
	last, err := a.committedVersion(d.Dir)
	if err != nil {
		return Result{}, err
	}
	if last > 0 {
		if _, err := a.setAsideFile(path.Join(d.Dir, "doc.json")); err != nil {
			return Result{}, err
		}
	}
	v, err := a.writeVersion(d, last+1, e, sha, &d)
	if err != nil {
		return Result{}, err
	}
	seen.Doc = d.ID
	if err := a.commit(ctx, p, Change{Doc: &d, Version: &v, Sources: d.Sources, Seen: []SeenURL{seen}, Fetched: e.Fetched}); err != nil {
		return Result{}, err
	}
	return Result{Outcome: NewDocument, Doc: d.ID, Version: v.Version, Path: v.Path, Report: d.ReportID()}, a.endWrite(d)
}

// docForm is the form of a document's latest version (page, or its
// file's type), and the document.
func (a *Archive) docForm(ctx context.Context, id string) (form string, d Doc, err error) {
	d, ok, err := a.index.Doc(ctx, id)
	if err != nil || !ok {
		return "", d, err
	}
	vers, err := a.index.Versions(ctx, Filter{Doc: id})
	if err != nil || len(vers) == 0 {
		return "", d, err
	}
	return renditionType(vers[len(vers)-1]), d, nil
}

// entryForm is an entry's form: page, or its file's type.
func entryForm(e Entry) string {
	if e.File != nil {
		return e.File.Type
	}
	return "page"
}

// newRole is the role a known document takes with a new version: a page
// that became a stub (its report moved into its attachments) becomes a
// listing, unless a document is a rendition of its report; a listing that
// now carries its report becomes one. A page a rendition of another
// report, and a re-extraction (which says nothing of the page's form),
// keep theirs.
func (a *Archive) newRole(ctx context.Context, d Doc, e Entry) (string, error) {
	if e.Role == d.Role || e.Reextracted != nil || e.File != nil || d.Report != "" {
		return d.Role, nil
	}
	if e.Role == RoleListing {
		members, err := a.index.Docs(ctx, Filter{Doc: d.ID})
		if err != nil {
			return "", err
		}
		if len(members) > 1 {
			return d.Role, nil
		}
	}
	return e.Role, nil
}

// joinReport checks the report a new document is to join (Entry.Report):
// a document of the same site, which is a report or a rendition of one
// (whose report it gives). "" when the entry names none.
func (a *Archive) joinReport(ctx context.Context, e Entry) (string, error) {
	if e.Report == "" || e.Role != "" {
		return "", nil
	}
	d, ok, err := a.index.Doc(ctx, e.Report)
	switch {
	case err != nil:
		return "", err
	case !ok:
		return "", fmt.Errorf("archive: put %s: report %s: no such document", e.URL, e.Report)
	case d.Site != e.Site:
		return "", fmt.Errorf("archive: put %s: report %s is site %s's, not %s's", e.URL, e.Report, d.Site, e.Site)
	case d.Role == RoleListing:
		return "", fmt.Errorf("archive: put %s: %s is a listing, not a report", e.URL, e.Report)
	}
	return d.ReportID(), nil
}

// fileChanged reports whether a file's text, the same as its document's
// latest, came in other bytes than that version's file: the portal
// replaced the file without changing the report (a new PDF producer, a
// signature). Such a file is kept as the next version, so that every
// file a portal published is archived as received.
func (a *Archive) fileChanged(ctx context.Context, doc string, p putState) (bool, error) {
	if p.e.File == nil || p.e.RawFrom != nil || p.e.File.TextStatus != TextOK {
		return false, nil // a file without text is keyed by its bytes already
	}
	vers, err := a.index.Versions(ctx, Filter{Doc: doc})
	if err != nil || len(vers) == 0 {
		return false, err
	}
	last := vers[len(vers)-1]
	return last.Raw != nil && last.Raw.SHA256 != p.e.fileSHA, nil
}

func yearDir(y int) string {
	if y <= 0 {
		return "undated"
	}
	return strconv.Itoa(y)
}

// newID derives a document id from the URL it was first found at: the
// first 10 hex digits of its SHA-256, longer only if that is taken. The id
// is stable: the same URL gives the same id on every machine. It returns
// with the id's document lock held, so that two Puts never both take a
// free id; unlock releases it.
func (a *Archive) newID(ctx context.Context, canon string) (id string, unlock func(), err error) {
	sum := sha256.Sum256([]byte(canon))
	h := hex.EncodeToString(sum[:])
	for _, n := range []int{10, 16, 24, 64} {
		unlock := a.lockDoc(h[:n])
		_, taken, err := a.index.Doc(ctx, h[:n])
		if err != nil {
			unlock()
			return "", nil, err
		}
		if !taken {
			return h[:n], unlock, nil
		}
		unlock()
	}
	return "", nil, fmt.Errorf("archive: no free id for %s", canon)
}

var versionFileRe = regexp.MustCompile(`^v(\d+)\.(json|txt|raw\.gz|pdf|docx|doc|wps|ofd|jpg|png|gif|webp|bmp|tif)$`)

// fileTypeRe is the file types a version's original file may have: its
// extension in the archive.
var fileTypeRe = regexp.MustCompile(`^(pdf|docx|doc|wps|ofd|jpg|png|gif|webp|bmp|tif)$`)

// committedVersion is the highest version of a document directory whose
// metadata file exists. A version's files are written text and raw bytes
// first and metadata last, so files numbered above it belong to a write a
// crash interrupted: they were never part of the archive, and
// committedVersion removes them. (Below it, a text without its metadata is
// damage, left for verify to report.)
func (a *Archive) committedVersion(dir string) (int, error) {
	entries, err := fs.ReadDir(a.files, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("archive: read %s: %w", dir, err)
	}
	committed := 0
	for _, en := range entries {
		if m := versionFileRe.FindStringSubmatch(en.Name()); m != nil && m[2] == "json" {
			n, _ := strconv.Atoi(m[1])
			committed = max(committed, n)
		}
	}
	for _, en := range entries {
		m := versionFileRe.FindStringSubmatch(en.Name())
		if m == nil || m[2] == "json" {
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n > committed {
			name := path.Join(dir, en.Name())
			a.log.Warn("removing a file of a version whose write was interrupted", "file", name)
			if err := a.files.Remove(name); err != nil {
				return 0, err
			}
		}
	}
	return committed, nil
}

// reconcile brings the index up to date with a document's files, for the
// case of a crash after a version's files were written and before the index
// was: committed versions the index lacks are added to it. It returns the
// latest version.
func (a *Archive) reconcile(ctx context.Context, d Doc) (int, error) {
	latest, err := a.index.LatestVersion(ctx, d.ID)
	if err != nil {
		return 0, err
	}
	committed, err := a.committedVersion(d.Dir)
	if err != nil {
		return 0, err
	}
	if committed > latest {
		// Versions written by a Put that failed or was killed before its
		// last flush: durable before the index lists them.
		if err := a.files.Sync(); err != nil {
			return 0, err
		}
	}
	for n := latest + 1; n <= committed; n++ {
		v, err := a.readVersionIn(d.Dir, n)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a gap, which verify reports
		}
		if err != nil {
			// Its number is taken all the same: the next version is
			// written after it, never over it.
			a.log.Warn("skipping a version whose metadata cannot be read (archive verify reports it)",
				"file", path.Join(d.Dir, fmt.Sprintf("v%d.json", n)), "err", innerErr(err))
			continue
		}
		a.log.Warn("indexing a version written before an interruption", "doc", d.ID, "version", n)
		if err := a.index.Commit(ctx, Change{Version: &v}); err != nil {
			return 0, err
		}
	}
	return max(latest, committed), nil
}

// importLeftover indexes a document directory that exists on disk but not in
// the index (a crash before the first index commit).
func (a *Archive) importLeftover(ctx context.Context, site, id string) (bool, error) {
	dir, ok := a.findDocDir(site, id)
	if !ok {
		return false, nil
	}
	d, err := a.readDoc(dir)
	if err != nil {
		return false, err
	}
	if d == nil || !d.ok {
		return false, nil
	}
	a.log.Warn("indexing a document written before an interruption", "doc", id)
	if err := a.restoreDocFile(d); err != nil {
		return false, err
	}
	if err := a.files.Sync(); err != nil { // durable before the index lists it
		return false, err
	}
	return true, indexDoc(ctx, a.index, *d)
}

// findDocDir looks for a document's directory under its site's year
// directories: one stat each, not a listing of every document of a year.
func (a *Archive) findDocDir(site, id string) (string, bool) {
	for _, y := range a.siteYears(site) {
		dir := path.Join(site, y, id)
		if fi, err := fs.Stat(a.files, dir); err == nil && fi.IsDir() {
			return dir, true
		}
	}
	return "", false
}

// siteYears is the names of a site's year directories, read once.
func (a *Archive) siteYears(site string) []string {
	a.yearsMu.Lock()
	defer a.yearsMu.Unlock()
	return a.siteYearsLocked(site)
}

func (a *Archive) siteYearsLocked(site string) []string {
	if ys, ok := a.years[site]; ok {
		return ys
	}
	entries, _ := fs.ReadDir(a.files, site)
	ys := []string{}
	for _, en := range entries {
		if en.IsDir() {
			ys = append(ys, en.Name())
		}
	}
	if a.years == nil {
		a.years = map[string][]string{}
	}
	a.years[site] = ys
	return ys
}

// addSiteYear records a year directory a new document is written in.
func (a *Archive) addSiteYear(site, year string) {
	a.yearsMu.Lock()
	defer a.yearsMu.Unlock()
	if ys := a.siteYearsLocked(site); !slices.Contains(ys, year) {
		a.years[site] = append(slices.Clip(ys), year)
	}
}

// writeVersion writes version n of a document in two steps, each made
// durable by one Sync shared with the Puts writing at the same time: first
// the version's text and raw bytes (with the document's marker, staged
// before), then its metadata vN.json, the commit mark, with a new
// document's doc.json (newDoc). So a vN.json or a new doc.json on disk
// implies the version's files on disk whole and its marker durable, and
// they are durable before the index is told (see "Crash safety" in doc.go).
func (a *Archive) writeVersion(d Doc, n int, e Entry, sha string, newDoc *Doc) (Version, error) {
	base := path.Join(d.Dir, fmt.Sprintf("v%d", n))
	v := Version{
		Site:        d.Site,
		Doc:         d.ID,
		Version:     n,
		URL:         e.URL,
		Title:       e.Title,
		Year:        d.Year,
		Kind:        d.Kind,
		Published:   e.Published,
		Source:      e.Source,
		SiteIDCode:  e.SiteIDCode,
		Issuer:      e.Issuer,
		DocNumber:   e.DocNumber,
		IndexNumber: e.IndexNumber,
		Mirror:      e.Mirror,
		SHA256:      sha,
		Bytes:       len(e.Text),
		Path:        base + ".txt",
		FetchedAt:   e.FetchedAt.UTC(),
		Extractor:   e.Extractor,
		Report:      d.Report,
		Role:        d.Role,
	}
	v.Reextracted = e.Reextracted
	if e.File == nil {
		v.TextStatus, v.Images = e.TextStatus, slices.Clone(e.Images)
	}
	if e.File != nil {
		f := *e.File
		v.File = &f
	}
	if e.RawFrom != nil {
		raw := *e.RawFrom
		v.Raw = &raw
	} else if e.File != nil {
		v.Raw = &Raw{Path: base + "." + e.File.Type, SHA256: e.fileSHA, Bytes: len(e.Raw),
			Status: e.Status, ContentType: e.ContentType}
		if err := a.files.Stage(v.Raw.Path, e.Raw, true); err != nil {
			return v, err
		}
	} else if e.Raw != nil {
		size := len(e.Raw)
		for _, p := range e.Parts {
			size += len(p.Body)
		}
		var buf bytes.Buffer
		buf.Grow(size/3 + 1024) // report pages compress to about 28%
		zw := gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(zw)
		zw.Reset(&buf)
		all := sha256.New()
		w := io.MultiWriter(zw, all)
		v.Raw = &Raw{Path: base + ".raw.gz", Status: e.Status, ContentType: e.ContentType, Encoding: e.Encoding}
		bodies := append([]Part{{URL: e.URL, Body: e.Raw, Encoding: e.Encoding}}, e.Parts...)
		for _, p := range bodies {
			if _, err := w.Write(p.Body); err != nil {
				return v, err
			}
			if len(e.Parts) > 0 {
				ps := sha256.Sum256(p.Body)
				v.Raw.Parts = append(v.Raw.Parts, RawPart{URL: CanonicalURL(p.URL), Offset: v.Raw.Bytes,
					Bytes: len(p.Body), SHA256: hex.EncodeToString(ps[:]), Encoding: p.Encoding})
			}
			v.Raw.Bytes += len(p.Body)
		}
		if err := zw.Close(); err != nil {
			return v, err
		}
		v.Raw.SHA256 = hex.EncodeToString(all.Sum(nil))
		if err := a.files.Stage(v.Raw.Path, buf.Bytes(), true); err != nil {
			return v, err
		}
	}
	if err := a.files.Stage(v.Path, e.Text, true); err != nil {
		return v, err
	}
	meta, err := encodeJSON(v)
	if err != nil {
		return v, err
	}
	if err := a.files.Sync(); err != nil {
		return v, err
	}
	if newDoc != nil {
		if err := a.stageDocFile(*newDoc); err != nil {
			return v, err
		}
	}
	if err := a.files.Stage(base+".json", meta, true); err != nil {
		return v, err
	}
	return v, a.files.Sync()
}

// gzipWriters are reused: a gzip.Writer holds about 1 MB of compressor
// state, which allocating and clearing for every version cost more than
// compressing a page. klauspost/compress at level 2 rather than the
// standard library's BestSpeed: about twice as fast on the government pages
// of extract/testdata (294 against 165 MB/s) and 1.7 times on the farm's
// report pages (247 against 138 MB/s), to files a little smaller (28.5% of
// a farm page against 29.0%); writing raw pages was a tenth of a first
// crawl's CPU. The files are ordinary gzip, read back with the standard
// library (and by zcat).
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, 2)
	return zw
}}

// appendSource records a new source of a document in its sources.jsonl.
func (a *Archive) appendSource(d Doc, s Source) error {
	line, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return a.files.Append(path.Join(d.Dir, sourcesLog), append(line, '\n'))
}

func (a *Archive) writeDocFile(d Doc) error {
	data, err := encodeJSON(d)
	if err != nil {
		return err
	}
	return a.files.Replace(path.Join(d.Dir, "doc.json"), data)
}

// stageDocFile is writeDocFile made durable by the next Sync.
func (a *Archive) stageDocFile(d Doc) error {
	data, err := encodeJSON(d)
	if err != nil {
		return err
	}
	return a.files.Stage(path.Join(d.Dir, "doc.json"), data, false)
}

// warcDir holds the WARC files written when config.yaml sets warc: true.
const warcDir = "_warc"

// StoreWARC stores a run's WARC file, written once, as
// _warc/<site>/<run>.warc.gz, and returns its path relative to the archive.
func (a *Archive) StoreWARC(site, run string, data []byte) (string, error) {
	if a.ro {
		return "", ErrReadOnly
	}
	name := path.Join(warcDir, site, run+".warc.gz")
	return name, a.files.Create(name, data)
}

// RecordRun stores a run's record, as a file under _runs/<site>/ and in the index.
func (a *Archive) RecordRun(ctx context.Context, r Run) error {
	if err := a.writable(); err != nil {
		return err
	}
	data, err := encodeJSON(r)
	if err != nil {
		return err
	}
	if err := a.files.Replace(path.Join(runsDir, r.Site, r.ID+".json"), data); err != nil {
		return err
	}
	return a.index.RecordRun(ctx, r)
}

// Runs lists recent runs, newest first.
func (a *Archive) Runs(ctx context.Context, site string, limit int) ([]Run, error) {
	if a.index == nil {
		return nil, a.noIndex()
	}
	return a.index.Runs(ctx, site, limit)
}

// SetFetchState records what fetching URLs returned, in one index
// transaction. A fetch whose text is Put records it with the text instead
// (Entry.Fetched).
func (a *Archive) SetFetchState(ctx context.Context, states ...FetchState) error {
	if err := a.writable(); err != nil {
		return err
	}
	return a.index.Commit(ctx, Change{Fetched: canonicalFetched(states)})
}

// canonicalFetched is states with their URLs in canonical form.
func canonicalFetched(states []FetchState) []FetchState {
	if len(states) == 0 {
		return nil
	}
	out := make([]FetchState, len(states))
	for i, s := range states {
		s.URL = CanonicalURL(s.URL)
		out[i] = s
	}
	return out
}

// Versions lists stored versions, by site, year (newest first), document
// and version.
func (a *Archive) Versions(ctx context.Context, f Filter) ([]Version, error) {
	if a.index == nil {
		return nil, a.noIndex()
	}
	return a.index.Versions(ctx, f)
}

// ErrNotFound means no document matches a reference, or the document has
// no such version.
var ErrNotFound = errors.New("no such document")

// ErrAmbiguous means a reference's prefix matches more than one document.
var ErrAmbiguous = errors.New("ambiguous document prefix")

// ErrBadRef means a reference is not written DOC or DOC@vN.
var ErrBadRef = errors.New("not a document reference")

// RefError is why a reference ("DOC", "DOC@vN") names no version: it is
// not written so (Err is ErrBadRef), no document matches it (ErrNotFound),
// its prefix matches several (ErrAmbiguous, Matches lists them) or the
// document has no such version (ErrNotFound, with Doc set and Versions the
// latest it has). Its message is one line.
type RefError struct {
	Ref      string
	Err      error
	Doc      string   // the document, when one matched
	Versions int      // its latest version, when Doc is set
	Want     int      // the version asked for
	Matches  []string // the documents an ambiguous prefix matches
}

func (e *RefError) Error() string {
	switch {
	case e.Err == ErrBadRef:
		id, _, _ := strings.Cut(e.Ref, "@")
		return fmt.Sprintf("%q: a version is written @vN, as in %s@v2", e.Ref, id)
	case e.Err == ErrAmbiguous:
		const show = 5
		n := strconv.Itoa(len(e.Matches))
		if len(e.Matches) > maxDocIDs {
			n = "more than " + strconv.Itoa(maxDocIDs)
		}
		list := strings.Join(e.Matches, ", ")
		if len(e.Matches) > show {
			list = strings.Join(e.Matches[:show], ", ") + ", …"
		}
		return fmt.Sprintf("prefix %s matches %s documents: %s; give more of the id", e.Ref, n, list)
	case e.Err == ErrListing:
		return fmt.Sprintf("%s is a listing page (where a report's files were found), not a report (`nianbao archive show --rendition %s` prints its own text)", e.Doc, e.Doc)
	case e.Doc != "" && e.Versions == 1:
		return fmt.Sprintf("%s has only v1; no v%d", e.Doc, e.Want)
	case e.Doc != "":
		return fmt.Sprintf("%s has versions v1 to v%d; no v%d", e.Doc, e.Versions, e.Want)
	}
	return fmt.Sprintf("no document %s", e.Ref)
}

func (e *RefError) Unwrap() error { return e.Err }

// Resolve finds a version by reference: "DOC" (its latest version) or
// "DOC@vN"; DOC may be any unique prefix of a document id.
func (a *Archive) Resolve(ctx context.Context, ref string) (Version, error) {
	id, want, err := parseRef(ref)
	if err != nil {
		return Version{}, err
	}
	doc, err := a.resolveDoc(ctx, id)
	if err != nil {
		return Version{}, err
	}
	vers, err := a.index.Versions(ctx, Filter{Doc: doc})
	if err != nil {
		return Version{}, err
	}
	if len(vers) == 0 {
		return Version{}, &RefError{Ref: id, Err: ErrNotFound}
	}
	if want == 0 {
		return vers[len(vers)-1], nil
	}
	for _, v := range vers {
		if v.Version == want {
			return v, nil
		}
	}
	return Version{}, &RefError{Ref: ref, Err: ErrNotFound, Doc: doc, Versions: vers[len(vers)-1].Version, Want: want}
}

// parseRef splits a reference into its id and the version it asks for (0:
// the latest).
func parseRef(ref string) (id string, want int, err error) {
	id, vs, at := strings.Cut(ref, "@")
	if at { // "DOC@" names no version: not the latest by default
		n, err := strconv.Atoi(strings.TrimPrefix(vs, "v"))
		if err != nil || n < 1 {
			return "", 0, &RefError{Ref: ref, Err: ErrBadRef}
		}
		want = n
	}
	return id, want, nil
}

// resolveDoc finds the one document whose id is or starts with id.
func (a *Archive) resolveDoc(ctx context.Context, id string) (string, error) {
	if err := a.noIndex(); err != nil {
		return "", err
	}
	if id == "" || a.index == nil {
		return "", &RefError{Ref: id, Err: ErrNotFound}
	}
	ids, err := a.index.DocIDs(ctx, id)
	if err != nil {
		return "", err
	}
	switch {
	case len(ids) == 0:
		return "", &RefError{Ref: id, Err: ErrNotFound}
	case len(ids) > 1 && ids[0] != id:
		return "", &RefError{Ref: id, Err: ErrAmbiguous, Matches: ids}
	}
	return ids[0], nil
}

// Doc returns a document with its sources.
func (a *Archive) Doc(ctx context.Context, id string) (Doc, error) {
	if err := a.noIndex(); err != nil {
		return Doc{}, err
	}
	if a.index == nil {
		return Doc{}, ErrNotFound
	}
	d, ok, err := a.index.Doc(ctx, id)
	if err != nil {
		return Doc{}, err
	}
	if !ok {
		return Doc{}, fmt.Errorf("%q: %w", id, ErrNotFound)
	}
	return d, nil
}

// ReadText returns a version's text.
func (a *Archive) ReadText(v Version) ([]byte, error) {
	data, err := fs.ReadFile(a.files, v.Path)
	if err != nil {
		return nil, fmt.Errorf("archive: read %s: %w", v.Path, err)
	}
	return data, nil
}

// CanonicalURL is the form in which a URL identifies a source: scheme and
// host lower-cased, default port and fragment dropped, and a /gate/big5/
// gateway path (a Traditional-script twin of the same page) mapped back to
// the page itself.
func CanonicalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	if rest, ok := strings.CutPrefix(u.Path, "/gate/big5/"); ok {
		host, p, _ := strings.Cut(rest, "/")
		if host != "" {
			u.Host = strings.ToLower(host)
			u.Path = "/" + p
			u.RawPath = ""
		}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}
