package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite" // the pure-Go SQLite driver: CGO_ENABLED=0 builds
	sqlite3 "modernc.org/sqlite/lib"
)

// Index is the archive's queryable index: documents, versions, sources,
// runs and per-URL fetch state. It is derived data: Rebuild recreates it from
// the files (fetch state and list pages, caches, are carried over from the
// index it replaces). SQLite in a file under the archive today; a shared
// database when workers scale out.
type Index interface {
	SourceState(ctx context.Context, url string) (SourceState, bool, error)
	DocByText(ctx context.Context, sha256 string) (string, bool, error)
	Doc(ctx context.Context, id string) (Doc, bool, error)
	DocIDs(ctx context.Context, prefix string) ([]string, error)
	// LatestVersion is 0 for a document without versions.
	LatestVersion(ctx context.Context, doc string) (int, error)
	HasText(ctx context.Context, doc, sha256 string) (bool, error)
	// Commit records a batch in one transaction: a new or changed
	// document, its new version, source updates and fetch state. A change
	// that records files (Doc, Version or Sources) is durable when Commit
	// returns: the files are, and the index must not lag behind them. A
	// change of only Seen and Fetched (last-seen times and fetch state, the
	// whole of a re-crawl's index writes) need not be: a power failure may
	// lose the last of those, never a process crash (see openSQLite).
	Commit(ctx context.Context, c Change) error
	Versions(ctx context.Context, f Filter) ([]Version, error)
	// Docs lists the documents of f.Site (every site when ""), with their
	// sources; with f.Doc, only that document and those that name it as
	// their report.
	Docs(ctx context.Context, f Filter) ([]Doc, error)
	// ReportCounts counts the reports of f.Site (every site when ""), by
	// site and year: the documents with a version that are their own
	// report.
	ReportCounts(ctx context.Context, f Filter) (map[string]map[int]int, error)
	// RecordRun stores a run record, durably like a Commit with files.
	RecordRun(ctx context.Context, r Run) error
	Runs(ctx context.Context, site string, limit int) ([]Run, error)
	// FetchState is what the last recorded fetch of a URL returned.
	FetchState(ctx context.Context, url string) (FetchState, bool, error)
	// ListState is what the last full read of a list page left.
	ListState(ctx context.Context, url string) (ListState, bool, error)
	// SeenSource updates the last-seen time of those of urls that are
	// known sources, without a text (a 304), in one transaction, durable
	// like a Commit of Seen; false means none of them is a source.
	SeenSource(ctx context.Context, t time.Time, urls ...string) (bool, error)
	Close() error
}

// Change is what one Put adds to the index.
type Change struct {
	Doc     *Doc         // insert or update the document row
	Version *Version     // insert a version
	Sources []Source     // insert sources (ignored if present)
	Seen    []SeenURL    // update sources' last-seen time and text
	Fetched []FetchState // insert or replace fetch state
	Lists   []ListState  // insert or replace list pages' state
}

// durable reports whether a change records files, which the index must not
// lose once they are on disk.
func (c Change) durable() bool { return c.Doc != nil || c.Version != nil || len(c.Sources) > 0 }

// SeenURL records that a source URL was seen with a text.
type SeenURL struct {
	URL  string
	Doc  string
	SHA  string
	Time time.Time
}

const schema = `
CREATE TABLE IF NOT EXISTS documents (
	id TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	year INTEGER NOT NULL,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	dir TEXT NOT NULL,
	created_at TEXT NOT NULL,
	report TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS versions (
	doc TEXT NOT NULL,
	version INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	meta TEXT NOT NULL,
	PRIMARY KEY (doc, version)
);
CREATE INDEX IF NOT EXISTS versions_sha256 ON versions(sha256);
CREATE TABLE IF NOT EXISTS sources (
	url TEXT PRIMARY KEY,
	doc TEXT NOT NULL,
	site TEXT NOT NULL,
	first_seen TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	last_sha256 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_doc ON sources(doc);
CREATE TABLE IF NOT EXISTS runs (
	id TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	started_at TEXT NOT NULL,
	record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_site ON runs(site, started_at);
CREATE TABLE IF NOT EXISTS list_state (
	url TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	etag TEXT NOT NULL,
	last_modified TEXT NOT NULL,
	links BLOB NOT NULL,
	fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fetch_state (
	url TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	status INTEGER NOT NULL,
	etag TEXT NOT NULL,
	last_modified TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	bytes INTEGER NOT NULL,
	fetched_at TEXT NOT NULL
);
`

// sqliteIndex is Index in an SQLite file (modernc.org/sqlite, WAL mode).
// Every error that says the file is damaged comes out as an *IndexError.
type sqliteIndex struct {
	db   *sql.DB
	path string
	// build is set on an index being rebuilt aside (see buildIndex): nothing
	// is synced until the finished file is, so durable commits are not.
	build bool
	// noReports is set on an index written before documents had a report
	// and a role, opened read-only (a writer adds the columns): every
	// document then reads as its own report.
	noReports bool
}

// ErrIndexDamaged means the index cannot be read: its file is truncated,
// overwritten, not a database, or not a file. The archive's files are not
// affected; `nianbao archive verify --repair` sets the damaged index aside
// and rebuilds it from them. Errors that match it are *IndexError.
var ErrIndexDamaged = errors.New("archive index damaged")

// IndexError is a damaged index: which file, and what SQLite (or the file
// system) said of it. It matches ErrIndexDamaged.
type IndexError struct {
	Path string
	Err  error
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("archive: index %s is damaged: %s; run `nianbao archive verify --repair` to set it aside and rebuild it from the archive's files",
		e.Path, e.Cause())
}

// Cause is what was found wrong, without the advice.
func (e *IndexError) Cause() string {
	var se *sqlite.Error
	if errors.As(e.Err, &se) {
		return se.Error()
	}
	return e.Err.Error()
}

func (e *IndexError) Unwrap() error { return e.Err }

// Is makes an IndexError match ErrIndexDamaged.
func (e *IndexError) Is(target error) bool { return target == ErrIndexDamaged }

// isDamage reports whether a database error says the file is damaged
// rather than, say, busy or full.
func isDamage(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// check turns an error that says the index file is damaged into an
// *IndexError naming it; other errors are returned as they are.
func (x *sqliteIndex) check(err *error) {
	if *err == nil || !isDamage(*err) {
		return
	}
	var ie *IndexError
	if errors.As(*err, &ie) {
		return
	}
	*err = &IndexError{Path: x.path, Err: *err}
}

// indexTables are the tables a nianbao index has.
var indexTables = []string{"documents", "versions", "sources", "runs", "list_state", "fetch_state"}

var _ Index = (*sqliteIndex)(nil)

// openSQLite opens the index in WAL mode with synchronous(NORMAL): a commit
// appends to the write-ahead log without an fsync, and the log is synced at
// checkpoints. A process crash (kill -9, a panic) loses nothing — the log is
// in the kernel's page cache — and the database is never corrupted; an OS
// crash or power failure may lose the last commits before the latest
// checkpoint. That is acceptable for what most commits are: a re-crawl's
// last-seen times and fetch state (the whole index write of a 304 or an
// unchanged page; losing one costs a full fetch next time). It is not for
// commits that record files: the crash-safety argument (doc.go) has the
// index never lag behind committed version files except while a _pending
// marker says so, and verify reports an index that lacks a version. So
// those commits (Change.durable, RecordRun) switch the connection to
// synchronous(FULL) for their transaction and back (durably): their commit
// syncs the log, and every earlier commit with it. Rebuild (verify
// --repair) recreates the index from the files in any case; the fetch state
// it carries over is a cache. With FULL everywhere every report and every 304 of a
// re-crawl paid an fsync of the log.
//
// The page cache is 32 MiB instead of SQLite's 2 MiB: the index grows by
// about 160 KB a portal, and each report's lookups (its URL, its text, its
// id) descend three B-trees; with 2 MiB a national round read them from
// the file with a syscall a page. On 3,000 farm portals it took the index
// from 1.10 to 0.83 CPU-s per 1,000 pages and the crawl from 695 to 621 s,
// for 60 MB more peak RSS (on 600 portals, where the file fits the OS
// cache and the old page cache better, it changed nothing).
func openSQLite(path string, readOnly bool) (*sqliteIndex, error) {
	return openSQLiteWith(path, readOnly, "journal_mode(WAL)", "synchronous(NORMAL)", "cache_size(-32768)")
}

// openSQLiteWith opens the index file at path with these pragmas. A file
// that is not a database, is damaged where opening reads it, or is not a
// file at all gives an *IndexError.
//
// A reader writes nothing, not even the pragmas (the journal mode was set
// by the writer that created the file): it opens the file in SQLite's
// read-only mode. An index in WAL mode still needs its -shm file, which a
// reader creates if it is missing; where it cannot (the archive's directory
// is read-only: chmod -R a-w, a read-only mount) and there is no write-ahead
// log to read, the file is opened as immutable, which nothing can change
// while it is read, since nothing can write beside it.
func openSQLiteWith(path string, readOnly bool, pragmas ...string) (*sqliteIndex, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, &IndexError{Path: path, Err: fmt.Errorf("not a file but a %s", fileKind(fi.Mode()))}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if !readOnly {
		for _, p := range pragmas {
			q.Add("_pragma", p)
		}
		return openSQLiteDSN(path, q, false)
	}
	q.Add("mode", "ro")
	q.Add("_pragma", "query_only(1)")
	x, err := openSQLiteDSN(path, q, true)
	var se *sqlite.Error
	if err != nil && errors.As(err, &se) && walEmpty(path) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			q.Add("immutable", "1")
			return openSQLiteDSN(path, q, true)
		}
	}
	return x, err
}

// walEmpty reports whether the index at path has no write-ahead log to
// read: none, or an empty one.
func walEmpty(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Size() == 0)
}

// openSQLiteDSN opens the index at path with the query q: a writer creates
// the tables it lacks, a reader checks that they are there.
func openSQLiteDSN(path string, q url.Values, readOnly bool) (x *sqliteIndex, err error) {
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("archive: open index %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one connection: SQLite has one writer anyway
	x = &sqliteIndex{db: db, path: path}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	defer x.check(&err)
	if !readOnly {
		if _, err := db.Exec(schema); err != nil {
			return nil, fmt.Errorf("archive: create index %s: %w", path, err)
		}
		has, err := x.hasReportColumns()
		if err != nil {
			return nil, fmt.Errorf("archive: open index %s: %w", path, err)
		}
		if !has {
			// An index written before reports: documents are their own
			// reports until the files say otherwise (archive migrate).
			if _, err := db.Exec(`ALTER TABLE documents ADD COLUMN report TEXT NOT NULL DEFAULT '';
				ALTER TABLE documents ADD COLUMN role TEXT NOT NULL DEFAULT ''`); err != nil {
				return nil, fmt.Errorf("archive: upgrade index %s: %w", path, err)
			}
		}
		if _, err := db.Exec(`DROP INDEX IF EXISTS documents_report;
			CREATE INDEX IF NOT EXISTS documents_by_report ON documents(report);
			CREATE INDEX IF NOT EXISTS documents_site ON documents(site, year)`); err != nil {
			return nil, fmt.Errorf("archive: create index %s: %w", path, err)
		}
		return x, nil
	}
	// A reader creates nothing, so it checks that the file is an index.
	found := 0
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return nil, fmt.Errorf("archive: open index %s: %w", path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("archive: open index %s: %w", path, err)
		}
		if slices.Contains(indexTables, name) {
			found++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: open index %s: %w", path, err)
	}
	if found != len(indexTables) {
		return nil, &IndexError{Path: path, Err: fmt.Errorf("a database without the index's tables (%d of %d)", found, len(indexTables))}
	}
	if has, err := x.hasReportColumns(); err != nil {
		return nil, fmt.Errorf("archive: open index %s: %w", path, err)
	} else if !has {
		x.noReports = true
	}
	return x, nil
}

// hasReportColumns reports whether the documents table has the report and
// role columns (an index written before reports has not).
func (x *sqliteIndex) hasReportColumns() (bool, error) {
	var n int
	err := x.db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name IN ('report', 'role')`).Scan(&n)
	return n == 2, err
}

// docCols are the documents table's columns a Doc is read from, in
// scanDoc's order.
func (x *sqliteIndex) docCols() string {
	if x.noReports {
		return `id, site, year, kind, title, dir, created_at, '', ''`
	}
	return `id, site, year, kind, title, dir, created_at, report, role`
}

// scanDoc reads a row of docCols.
func scanDoc(row interface{ Scan(...any) error }) (Doc, error) {
	var d Doc
	var created string
	err := row.Scan(&d.ID, &d.Site, &d.Year, &d.Kind, &d.Title, &d.Dir, &created, &d.Report, &d.Role)
	d.CreatedAt = parseTime(created)
	return d, err
}

// fileKind names what a non-regular file is.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// quickCheck runs SQLite's quick_check over the whole file: it reads every
// page (about 0.4 s for a 160 MB index) and says what is wrong, or "".
func (x *sqliteIndex) quickCheck(ctx context.Context) (string, error) {
	rows, err := x.db.QueryContext(ctx, `PRAGMA quick_check(5)`)
	if err != nil {
		if isDamage(err) {
			return err.Error(), nil
		}
		return "", fmt.Errorf("archive: check index %s: %w", x.path, err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return "", fmt.Errorf("archive: check index %s: %w", x.path, err)
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	if err := rows.Err(); err != nil {
		if isDamage(err) {
			return err.Error(), nil
		}
		return "", fmt.Errorf("archive: check index %s: %w", x.path, err)
	}
	return strings.Join(msgs, "; "), nil
}

func (x *sqliteIndex) Close() error { return x.db.Close() }

const timeFmt = time.RFC3339Nano

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFmt, s)
	return t
}

func (x *sqliteIndex) SourceState(ctx context.Context, u string) (_ SourceState, _ bool, err error) {
	defer x.check(&err)
	var s SourceState
	var first string
	cols := `COALESCE(d.report, ''), COALESCE(d.role, '')`
	if x.noReports {
		cols = `'', ''`
	}
	err = x.db.QueryRowContext(ctx, `SELECT s.doc, s.last_sha256, s.first_seen, `+cols+` FROM sources s LEFT JOIN documents d ON d.id = s.doc WHERE s.url = ?`, u).
		Scan(&s.Doc, &s.LastSHA, &first, &s.Report, &s.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("archive: index: source %s: %w", u, err)
	}
	s.FirstSeen = parseTime(first)
	return s, true, nil
}

func (x *sqliteIndex) DocByText(ctx context.Context, sha string) (_ string, _ bool, err error) {
	defer x.check(&err)
	var doc string
	err = x.db.QueryRowContext(ctx, `SELECT doc FROM versions WHERE sha256 = ? ORDER BY doc, version LIMIT 1`, sha).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("archive: index: text %s: %w", sha, err)
	}
	return doc, true, nil
}

func (x *sqliteIndex) HasText(ctx context.Context, doc, sha string) (_ bool, err error) {
	defer x.check(&err)
	var n int
	err = x.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM versions WHERE doc = ? AND sha256 = ?`, doc, sha).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("archive: index: doc %s: %w", doc, err)
	}
	return n > 0, nil
}

func (x *sqliteIndex) Doc(ctx context.Context, id string) (_ Doc, _ bool, err error) {
	defer x.check(&err)
	d, err := scanDoc(x.db.QueryRowContext(ctx, `SELECT `+x.docCols()+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Doc{ID: id}, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("archive: index: doc %s: %w", id, err)
	}
	rows, err := x.db.QueryContext(ctx, `SELECT url, site, first_seen FROM sources WHERE doc = ? ORDER BY first_seen, url`, id)
	if err != nil {
		return d, false, fmt.Errorf("archive: index: sources of %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Source
		var first string
		if err := rows.Scan(&s.URL, &s.Site, &first); err != nil {
			return d, false, err
		}
		s.FirstSeen = parseTime(first)
		d.Sources = append(d.Sources, s)
	}
	return d, true, rows.Err()
}

// maxDocIDs is how many documents DocIDs lists before it stops: it gives
// one more, so that a caller can tell "10" from "more than 10".
const maxDocIDs = 10

func (x *sqliteIndex) DocIDs(ctx context.Context, prefix string) (_ []string, err error) {
	defer x.check(&err)
	rows, err := x.db.QueryContext(ctx, `SELECT id FROM documents WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?`, len(prefix), prefix, maxDocIDs+1)
	if err != nil {
		return nil, fmt.Errorf("archive: index: docs %s: %w", prefix, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// hasDocuments reports whether the index lists any document.
func (x *sqliteIndex) hasDocuments(ctx context.Context) (_ bool, err error) {
	defer x.check(&err)
	var has bool
	if err := x.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents)`).Scan(&has); err != nil {
		return false, fmt.Errorf("archive: index %s: %w", x.path, err)
	}
	return has, nil
}

func (x *sqliteIndex) LatestVersion(ctx context.Context, doc string) (_ int, err error) {
	defer x.check(&err)
	var n sql.NullInt64
	if err := x.db.QueryRowContext(ctx, `SELECT MAX(version) FROM versions WHERE doc = ?`, doc).Scan(&n); err != nil {
		return 0, fmt.Errorf("archive: index: versions of %s: %w", doc, err)
	}
	return int(n.Int64), nil
}

// inTx runs f in a transaction; with durable set, one whose commit is
// synced to disk before inTx returns (see openSQLite).
func (x *sqliteIndex) inTx(ctx context.Context, durable bool, f func(tx *sql.Tx) error) (err error) {
	conn, err := x.db.Conn(ctx) // the one connection, pinned for the pragmas
	if err != nil {
		return fmt.Errorf("archive: index: %w", err)
	}
	defer conn.Close()
	if durable && !x.build {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
			return fmt.Errorf("archive: index: %w", err)
		}
		defer func() {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`); rerr != nil && err == nil {
				err = fmt.Errorf("archive: index: %w", rerr)
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: index: begin: %w", err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive: index: commit: %w", err)
	}
	return nil
}

func (x *sqliteIndex) Commit(ctx context.Context, c Change) (err error) {
	defer x.check(&err)
	return x.inTx(ctx, c.durable(), func(tx *sql.Tx) error { return commitChange(ctx, tx, c) })
}

func commitChange(ctx context.Context, tx *sql.Tx, c Change) error {
	if d := c.Doc; d != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, site, year, kind, title, dir, created_at, report, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET title = excluded.title, report = excluded.report, role = excluded.role`,
			d.ID, d.Site, d.Year, d.Kind, d.Title, d.Dir, d.CreatedAt.UTC().Format(timeFmt), d.Report, d.Role); err != nil {
			return fmt.Errorf("archive: index: doc %s: %w", d.ID, err)
		}
	}
	if v := c.Version; v != nil {
		meta, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO versions (doc, version, sha256, meta) VALUES (?, ?, ?, ?)`,
			v.Doc, v.Version, v.key(), string(meta)); err != nil {
			return fmt.Errorf("archive: index: version %s@v%d: %w", v.Doc, v.Version, err)
		}
	}
	for _, s := range c.Sources {
		t := s.FirstSeen.UTC().Format(timeFmt)
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (url, doc, site, first_seen, last_seen, last_sha256) VALUES (?, ?, ?, ?, ?, '')
			ON CONFLICT(url) DO NOTHING`, s.URL, docOf(c, s), s.Site, t, t); err != nil {
			return fmt.Errorf("archive: index: source %s: %w", s.URL, err)
		}
	}
	for _, s := range c.Seen {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET last_seen = ?, last_sha256 = ? WHERE url = ?`,
			s.Time.UTC().Format(timeFmt), s.SHA, s.URL); err != nil {
			return fmt.Errorf("archive: index: source %s: %w", s.URL, err)
		}
	}
	for _, s := range c.Fetched {
		if err := setFetchState(ctx, tx, s); err != nil {
			return err
		}
	}
	for _, l := range c.Lists {
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_state (url, site, etag, last_modified, links, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(url) DO UPDATE SET site = excluded.site, etag = excluded.etag, last_modified = excluded.last_modified,
				links = excluded.links, fetched_at = excluded.fetched_at`,
			l.URL, l.Site, l.ETag, l.LastModified, l.Links, l.FetchedAt.UTC().Format(timeFmt)); err != nil {
			return fmt.Errorf("archive: index: list state %s: %w", l.URL, err)
		}
	}
	return nil
}

// docOf finds the document a new source belongs to in a Change.
func docOf(c Change, s Source) string {
	for _, seen := range c.Seen {
		if seen.URL == s.URL {
			return seen.Doc
		}
	}
	if c.Doc != nil {
		return c.Doc.ID
	}
	if c.Version != nil {
		return c.Version.Doc
	}
	return ""
}

func (x *sqliteIndex) Docs(ctx context.Context, f Filter) (_ []Doc, err error) {
	defer x.check(&err)
	q := `SELECT ` + x.docCols() + ` FROM documents WHERE 1=1`
	sq := `SELECT s.doc, s.url, s.site, s.first_seen FROM sources s JOIN documents d ON d.id = s.doc WHERE 1=1`
	var args []any
	if f.Site != "" {
		q += ` AND site = ?`
		sq += ` AND d.site = ?`
		args = append(args, f.Site)
	}
	if f.Doc != "" && !x.noReports {
		q += ` AND (id = ? OR report = ?)`
		sq += ` AND (d.id = ? OR d.report = ?)`
		args = append(args, f.Doc, f.Doc)
	} else if f.Doc != "" {
		q += ` AND id = ?`
		sq += ` AND d.id = ?`
		args = append(args, f.Doc)
	}
	q += ` ORDER BY site, year DESC, id`
	sq += ` ORDER BY s.first_seen, s.url`
	rows, err := x.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: index: documents: %w", err)
	}
	var docs []Doc
	at := map[string]int{}
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("archive: index: documents: %w", err)
		}
		at[d.ID] = len(docs)
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: index: documents: %w", err)
	}
	rows, err = x.db.QueryContext(ctx, sq, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: index: sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc, first string
		var s Source
		if err := rows.Scan(&doc, &s.URL, &s.Site, &first); err != nil {
			return nil, fmt.Errorf("archive: index: sources: %w", err)
		}
		s.FirstSeen = parseTime(first)
		if i, ok := at[doc]; ok {
			docs[i].Sources = append(docs[i].Sources, s)
		}
	}
	return docs, rows.Err()
}

func (x *sqliteIndex) ReportCounts(ctx context.Context, f Filter) (_ map[string]map[int]int, err error) {
	defer x.check(&err)
	q := `SELECT site, year, COUNT(*) FROM documents d WHERE report = '' AND role <> ?
		AND EXISTS (SELECT 1 FROM versions v WHERE v.doc = d.id)`
	if x.noReports {
		q = `SELECT site, year, COUNT(*) FROM documents d WHERE ? <> ''
		AND EXISTS (SELECT 1 FROM versions v WHERE v.doc = d.id)`
	}
	args := []any{RoleListing}
	if f.Site != "" {
		q += ` AND site = ?`
		args = append(args, f.Site)
	}
	rows, err := x.db.QueryContext(ctx, q+` GROUP BY site, year`, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: index: report counts: %w", err)
	}
	defer rows.Close()
	out := map[string]map[int]int{}
	for rows.Next() {
		var site string
		var year, n int
		if err := rows.Scan(&site, &year, &n); err != nil {
			return nil, fmt.Errorf("archive: index: report counts: %w", err)
		}
		if out[site] == nil {
			out[site] = map[int]int{}
		}
		out[site][year] = n
	}
	return out, rows.Err()
}

func (x *sqliteIndex) Versions(ctx context.Context, f Filter) (_ []Version, err error) {
	defer x.check(&err)
	q := `SELECT v.meta FROM versions v JOIN documents d ON d.id = v.doc WHERE 1=1`
	var args []any
	if f.Site != "" {
		q += ` AND d.site = ?`
		args = append(args, f.Site)
	}
	if f.Doc != "" {
		q += ` AND v.doc = ?`
		args = append(args, f.Doc)
	}
	q += ` ORDER BY d.site, d.year DESC, v.doc, v.version`
	rows, err := x.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: index: versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var meta string
		if err := rows.Scan(&meta); err != nil {
			return nil, err
		}
		var v Version
		if err := json.Unmarshal([]byte(meta), &v); err != nil {
			return nil, fmt.Errorf("archive: index: corrupt version row: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (x *sqliteIndex) RecordRun(ctx context.Context, r Run) (err error) {
	defer x.check(&err)
	rec, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return x.inTx(ctx, true, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO runs (id, site, started_at, record) VALUES (?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET record = excluded.record`, r.ID, r.Site, r.StartedAt.UTC().Format(timeFmt), string(rec))
		if err != nil {
			return fmt.Errorf("archive: index: run %s: %w", r.ID, err)
		}
		return nil
	})
}

func (x *sqliteIndex) Runs(ctx context.Context, site string, limit int) (_ []Run, err error) {
	defer x.check(&err)
	q := `SELECT record FROM runs`
	var args []any
	if site != "" {
		q += ` WHERE site = ?`
		args = append(args, site)
	}
	q += ` ORDER BY started_at DESC LIMIT ?`
	args = append(args, limit)
	rows, err := x.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: index: runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var rec string
		if err := rows.Scan(&rec); err != nil {
			return nil, err
		}
		var r Run
		if err := json.Unmarshal([]byte(rec), &r); err != nil {
			return nil, fmt.Errorf("archive: index: corrupt run row: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func setFetchState(ctx context.Context, tx *sql.Tx, s FetchState) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO fetch_state (url, site, status, etag, last_modified, sha256, bytes, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(url) DO UPDATE SET site = excluded.site, status = excluded.status, etag = excluded.etag,
			last_modified = excluded.last_modified, sha256 = excluded.sha256, bytes = excluded.bytes, fetched_at = excluded.fetched_at`,
		s.URL, s.Site, s.Status, s.ETag, s.LastModified, s.SHA256, s.Bytes, s.FetchedAt.UTC().Format(timeFmt))
	if err != nil {
		return fmt.Errorf("archive: index: fetch state %s: %w", s.URL, err)
	}
	return nil
}

func (x *sqliteIndex) FetchState(ctx context.Context, u string) (_ FetchState, _ bool, err error) {
	defer x.check(&err)
	s := FetchState{URL: u}
	var at string
	err = x.db.QueryRowContext(ctx, `SELECT site, status, etag, last_modified, sha256, bytes, fetched_at FROM fetch_state WHERE url = ?`, u).
		Scan(&s.Site, &s.Status, &s.ETag, &s.LastModified, &s.SHA256, &s.Bytes, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("archive: index: fetch state %s: %w", u, err)
	}
	s.FetchedAt = parseTime(at)
	return s, true, nil
}

func (x *sqliteIndex) ListState(ctx context.Context, u string) (_ ListState, _ bool, err error) {
	defer x.check(&err)
	l := ListState{URL: u}
	var at string
	err = x.db.QueryRowContext(ctx, `SELECT site, etag, last_modified, links, fetched_at FROM list_state WHERE url = ?`, u).
		Scan(&l.Site, &l.ETag, &l.LastModified, &l.Links, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	if err != nil {
		return l, false, fmt.Errorf("archive: index: list state %s: %w", u, err)
	}
	l.FetchedAt = parseTime(at)
	return l, true, nil
}

// ListState is what the last full read of a list page left: its validators
// and the links read from it.
func (a *Archive) ListState(ctx context.Context, u string) (ListState, bool, error) {
	if a.index == nil {
		return ListState{}, false, a.noIndex()
	}
	return a.index.ListState(ctx, CanonicalURL(u))
}

// SetListState records a list page's state (not synced: a lost record
// costs one full read).
func (a *Archive) SetListState(ctx context.Context, l ListState) error {
	if err := a.writable(); err != nil {
		return err
	}
	l.URL = CanonicalURL(l.URL)
	return a.index.Commit(ctx, Change{Lists: []ListState{l}})
}

func (x *sqliteIndex) SeenSource(ctx context.Context, t time.Time, urls ...string) (_ bool, err error) {
	defer x.check(&err)
	if len(urls) == 0 {
		return false, nil
	}
	// One statement, so one (autocommit) transaction however many URLs.
	args := []any{t.UTC().Format(timeFmt)}
	q := `UPDATE sources SET last_seen = ? WHERE url IN (?` + strings.Repeat(", ?", len(urls)-1) + `)`
	for _, u := range urls {
		args = append(args, u)
	}
	res, err := x.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("archive: index: source %s: %w", urls[0], err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// FetchState returns what the last recorded fetch of a URL returned; false
// when none is recorded.
func (a *Archive) FetchState(ctx context.Context, u string) (FetchState, bool, error) {
	if a.index == nil {
		return FetchState{}, false, a.noIndex()
	}
	return a.index.FetchState(ctx, CanonicalURL(u))
}

// Seen records that a source was seen at t with its text unchanged, without
// the text: the server answered a conditional request with 304. urls are the
// URLs it goes by (the URL fetched and the URL linked, which differ after a
// redirect; "" is skipped): each that is a source is updated, in one index
// transaction. No file is written. It returns false when none is a source of
// any document (the caller should then fetch the page in full).
func (a *Archive) Seen(ctx context.Context, t time.Time, urls ...string) (bool, error) {
	if err := a.writable(); err != nil {
		return false, err
	}
	canon := make([]string, 0, len(urls))
	for _, u := range urls {
		if u == "" {
			continue
		}
		if c := CanonicalURL(u); !slices.Contains(canon, c) {
			canon = append(canon, c)
		}
	}
	return a.index.SeenSource(ctx, t, canon...)
}
