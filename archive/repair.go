package archive

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Repaired says what Repair did.
type Repaired struct {
	TempFilesRemoved int // left by interrupted writes
	WritesFinished   int // documents whose interrupted write was finished
	FilesRemoved     int // text or raw files of versions whose metadata was never written
	DocumentsIndexed int // in the rebuilt index
	VersionsIndexed  int
	RunsIndexed      int
	// IndexDamage is what was wrong with the index Repair replaced, if it
	// was damaged; it was then kept, set aside under the name
	// IndexSetAside (in the archive directory).
	IndexDamage   string
	IndexSetAside string
	// Files are the archive files the rebuild could not read or use, each
	// named, with what became of it.
	Files []Problem
	// CarriedOver is what the new index took from the old one.
	CarriedOver CarriedOver
	// Regrouped is what grouping the documents into reports changed (see
	// Regroup): an archive written before reports is upgraded by a repair.
	Regrouped Regrouping
}

// CarriedOver counts what a rebuilt index took from the index it replaced
// rather than from the files: state the files never held, and what the
// files can no longer give. A damaged old index is read as far as it can
// be.
type CarriedOver struct {
	FetchStates int // validators of fetched URLs: a cache the files do not hold
	ListPages   int // list pages' validators and links: a cache too
	Runs        int // run records whose file is missing or unreadable
	Sources     int // URLs of documents whose doc.json lost them
	Versions    int // versions with unreadable metadata whose text matches the old index's copy
	Documents   int // documents none of whose metadata files can be read
	// Stopped says where reading a damaged old index stopped, per table.
	Stopped []string
}

// corruptMarker is in the name of a file Repair set aside because it could
// not be read: index.db.corrupt-<time>, doc.json.corrupt-<time>,
// <run>.json.corrupt-<time>. Nothing reads them again; they are kept for a
// person to look at, and deleted by hand.
const corruptMarker = ".corrupt-"

// Rebuild recreates the index from the files, as Repair does (see there),
// without removing leftovers of interrupted writes.
func (a *Archive) Rebuild(ctx context.Context) error {
	var rep Repaired
	return a.rebuild(ctx, &rep)
}

// Repair makes the index agree with the files, never the other way round.
// Opening the archive for writing removed temporary files and finished
// interrupted writes (unless the index was damaged: then Repair finishes
// them); Repair removes the files of versions whose metadata was never
// written, then rebuilds the index from the files.
//
// The new index is built aside, in a temporary file, and moved into place
// by a rename only once complete: a failure or a crash before that leaves
// the old index as it was (the temporary file is removed by the next Open).
// Every document directory and run record is read; a file that cannot be
// read or used is reported in Repaired.Files, skipped, and the rebuild goes
// on. From the old index the new one carries over what the files do not
// hold — fetch state, list pages — and what they can no longer give: run
// records whose file is unreadable, sources a damaged doc.json lost, and
// versions whose metadata is unreadable when their text still matches the
// index's copy. An unreadable doc.json is rewritten from the versions and
// the old index, and an unreadable run record from the old index; the
// unreadable file is kept beside it (doc.json.corrupt-<time>). Version
// files are never rewritten.
//
// A damaged index (ErrIndexDamaged; Open it with DamagedIndexOK) is read as
// far as it can be, then kept, moved aside to index.db.corrupt-<time> with
// its write-ahead log. Damage to the files themselves — a text that no
// longer matches its hash, unreadable version metadata — cannot be
// repaired: Verify still reports it.
//
// Rebuild and Repair must not run concurrently with other calls, nor with
// another process reading the archive.
func (a *Archive) Repair(ctx context.Context) (Repaired, error) {
	if a.ro {
		return Repaired{}, ErrReadOnly
	}
	rep := Repaired{TempFilesRemoved: a.removedTemp}
	dirs, err := fs.Glob(a.files, "*/*/*")
	if err != nil {
		return rep, err
	}
	for _, dir := range dirs {
		if strings.HasPrefix(dir, "_") {
			continue
		}
		before, _ := fs.ReadDir(a.files, dir)
		if _, err := a.committedVersion(dir); err != nil {
			return rep, err
		}
		after, _ := fs.ReadDir(a.files, dir)
		rep.FilesRemoved += len(before) - len(after)
	}
	if err := a.rebuild(ctx, &rep); err != nil {
		return rep, err
	}
	if a.pendingLeft {
		if err := a.recoverPending(ctx); err != nil {
			return rep, err
		}
		a.pendingLeft = false
	}
	rep.WritesFinished = a.recovered
	g, err := a.Regroup(ctx, true)
	rep.Regrouped = g
	return rep, err
}

// rebuild builds a new index from the files and the old index, aside, and
// swaps it in.
func (a *Archive) rebuild(ctx context.Context, rep *Repaired) (err error) {
	if a.ro {
		return ErrReadOnly
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	dbPath := filepath.Join(a.dir, IndexFile)
	// Named as every temporary file is, so that the next Open removes it
	// if a crash leaves it.
	tmpPath := filepath.Join(a.dir, "."+IndexFile+tempMarker+randomHex())
	// No journal and no syncs while building: nothing reads the file until
	// it is complete, synced once, and renamed into place.
	nx, err := openSQLiteWith(tmpPath, false, "journal_mode(OFF)", "synchronous(OFF)")
	if err != nil {
		return err
	}
	nx.build = true
	defer func() {
		if nx != nil {
			nx.Close()
		}
		if err != nil {
			os.Remove(tmpPath)
		}
	}()
	b := &builder{a: a, nx: nx, rep: rep, dirOf: map[string]string{}, lostDirs: map[string]bool{},
		badMeta: map[string]string{}, carriedVersions: map[string]bool{}, rewriteDoc: map[string]bool{},
		badRuns: map[string]bool{}, notes: map[string]string{}, outcomes: map[string]string{}}
	if err := b.fromFiles(ctx); err != nil {
		return err
	}

	odb, damage, closeOld := a.oldIndex(ctx)
	if odb != nil {
		err := b.carryOver(ctx, odb)
		closeOld()
		if err != nil {
			return err
		}
	}
	if err := b.rewriteFiles(ctx); err != nil {
		return err
	}
	b.report()
	if err := nx.Close(); err != nil {
		return fmt.Errorf("archive: rebuild index: %w", err)
	}
	nx = nil
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("archive: rebuild index: %w", err)
	}

	// The swap. The old index is closed first (a clean close checkpoints
	// its write-ahead log into it and removes the log), so that no log of
	// the old file is left to be replayed into the new one.
	if a.index != nil {
		if sx, ok := a.index.(*sqliteIndex); ok {
			_, _ = sx.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		}
		a.index.Close()
		a.index = nil
		if damage == "" {
			defer func() {
				if a.index == nil {
					// The swap failed before the rename: the old index is
					// still in place, and the archive goes on with it.
					if idx, oerr := openSQLite(dbPath, false); oerr == nil {
						a.index = idx
					}
				}
			}()
		}
	}
	if damage != "" {
		aside, err := a.setAsideIndex(dbPath)
		if err != nil {
			return err
		}
		rep.IndexDamage, rep.IndexSetAside = damage, aside
		a.log.Warn("damaged index set aside", "file", aside, "err", damage)
		if a.damage == nil {
			// Until the new index is in place, the archive has none.
			a.damage = &IndexError{Path: dbPath, Err: errors.New(damage)}
		}
	}
	for _, f := range []string{dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("archive: remove %s: %w", f, err)
		}
	}
	if err := os.Rename(tmpPath, dbPath); err != nil {
		return fmt.Errorf("archive: move the rebuilt index into place: %w", err)
	}
	if err := syncDir(a.dir); err != nil {
		return fmt.Errorf("archive: move the rebuilt index into place: %w", err)
	}
	idx, err := openSQLite(dbPath, false)
	if err != nil {
		return err
	}
	a.index, a.damage = idx, nil
	a.log.Info("index rebuilt", "documents", rep.DocumentsIndexed, "versions", rep.VersionsIndexed, "runs", rep.RunsIndexed,
		"unreadable_files", len(rep.Files))
	return nil
}

// oldIndex is the database to carry state over from: the open index, or a
// damaged one opened to read what can still be read. damage says what is
// wrong with it ("" if nothing), and close releases what oldIndex opened.
func (a *Archive) oldIndex(ctx context.Context) (db *sql.DB, damage string, close func()) {
	dbPath := filepath.Join(a.dir, IndexFile)
	if sx, ok := a.index.(*sqliteIndex); ok {
		msg, err := sx.quickCheck(ctx)
		if err != nil {
			a.log.Warn("cannot check the index", "file", dbPath, "err", err)
		}
		return sx.db, msg, func() {}
	}
	if a.damage == nil {
		return nil, "", nil
	}
	damage = a.damage.Cause()
	if fi, err := os.Stat(dbPath); err != nil || !fi.Mode().IsRegular() {
		return nil, damage, nil
	}
	// writable_schema lets SQLite read the pages that are there of a file
	// that was cut short; mode=ro keeps it from writing anything.
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "writable_schema(1)")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?"+q.Encode())
	if err != nil {
		return nil, damage, nil
	}
	db.SetMaxOpenConns(1)
	return db, damage, func() { db.Close() }
}

// setAsideIndex moves a damaged index, and its write-ahead log, to
// index.db.corrupt-<time> and returns that name.
func (a *Archive) setAsideIndex(dbPath string) (string, error) {
	stamp := a.now().UTC().Format("20060102T150405Z")
	name := IndexFile + corruptMarker + stamp
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(a.dir, name)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s%s%s-%d", IndexFile, corruptMarker, stamp, i)
	}
	aside := filepath.Join(a.dir, name)
	if err := os.Rename(dbPath, aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("archive: set aside %s: %w", dbPath, err)
	}
	if err := os.Rename(dbPath+"-wal", aside+"-wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("archive: set aside %s-wal: %w", dbPath, err)
	}
	if err := syncDir(a.dir); err != nil {
		return "", fmt.Errorf("archive: set aside %s: %w", dbPath, err)
	}
	return name, nil
}

// builder fills a new index.
type builder struct {
	a   *Archive
	nx  *sqliteIndex
	rep *Repaired

	docs, versions, runs int
	dirOf                map[string]string // document id → directory, of the documents indexed
	lostDirs             map[string]bool   // document directories nothing could be read from
	badMeta              map[string]string // "doc@vN" whose metadata file exists and cannot be read → its directory
	carriedVersions      map[string]bool   // those of them taken from the old index
	rewriteDoc           map[string]bool   // directories whose doc.json is rewritten; true: set the old one aside
	badRuns              map[string]bool   // run record files that cannot be read
	hadOld               bool              // an old index was read

	notes    map[string]string // file → what is wrong with it
	outcomes map[string]string // file → what became of it
}

func (b *builder) note(file, msg string) { b.notes[file] = msg }

func (b *builder) outcome(file, what string) { b.outcomes[file] = what }

// fromFiles indexes every document directory and run record.
func (b *builder) fromFiles(ctx context.Context) error {
	a := b.a
	dirs, err := fs.Glob(a.files, "*/*/*")
	if err != nil {
		return err
	}
	for _, dir := range dirs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(dir, "_") {
			continue
		}
		if fi, err := fs.Stat(a.files, dir); err != nil || !fi.IsDir() {
			continue
		}
		df, err := a.readDoc(dir)
		if err != nil {
			b.note(dir, "cannot be read: "+innerErr(err))
			b.outcome(dir, "not indexed")
			continue
		}
		if df == nil {
			continue
		}
		_, _, id := docDirParts(dir)
		for _, p := range df.problems() {
			b.note(p.File, p.Msg)
		}
		for n := range df.badVersions {
			b.badMeta[fmt.Sprintf("%s@v%d", id, n)] = dir
		}
		if df.badDoc != "" || df.synthesized {
			if df.badDoc == "" {
				b.note(path.Join(dir, "doc.json"), "missing")
			}
			b.rewriteDoc[dir] = df.badDoc != ""
		}
		if !df.ok {
			b.lostDirs[dir] = true
			continue
		}
		if other, dup := b.dirOf[df.ID]; dup {
			b.note(dir, fmt.Sprintf("document %s is also at %s", df.ID, other))
			b.outcome(dir, "not indexed")
			delete(b.rewriteDoc, dir)
			continue
		}
		if err := indexDoc(ctx, b.nx, *df); err != nil {
			return err
		}
		b.dirOf[df.ID] = dir
		b.docs++
		b.versions += len(df.versions)
	}
	runs, err := fs.Glob(a.files, runsDir+"/*/*.json")
	if err != nil {
		return err
	}
	for _, name := range runs {
		r, err := a.readRun(name)
		if err != nil {
			b.note(name, "unreadable run record: "+innerErr(err))
			b.badRuns[name] = true
			continue
		}
		if err := b.nx.RecordRun(ctx, r); err != nil {
			return err
		}
		b.runs++
	}
	return nil
}

// readRun reads a run record and checks that it is the run its file name
// says.
func (a *Archive) readRun(name string) (Run, error) {
	var r Run
	data, err := fs.ReadFile(a.files, name)
	if err != nil {
		return r, fmt.Errorf("archive: read %s: %w", name, err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("archive: %s: %w", name, err)
	}
	id, site := strings.TrimSuffix(path.Base(name), ".json"), path.Base(path.Dir(name))
	if r.ID != id || r.Site != site {
		return r, fmt.Errorf("archive: %s: names run %q of site %q", name, r.ID, r.Site)
	}
	return r, nil
}

// carryOver copies into the new index what the old one holds and the files
// do not give.
func (b *builder) carryOver(ctx context.Context, odb *sql.DB) error {
	b.hadOld = true
	co := &b.rep.CarriedOver
	var err error
	if co.FetchStates, err = b.carry(ctx, odb, "fetch_state",
		`SELECT url, site, status, etag, last_modified, sha256, bytes, fetched_at FROM fetch_state`,
		`INSERT OR IGNORE INTO fetch_state (url, site, status, etag, last_modified, sha256, bytes, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, nil); err != nil {
		return err
	}
	if co.ListPages, err = b.carry(ctx, odb, "list_state",
		`SELECT url, site, etag, last_modified, links, fetched_at FROM list_state`,
		`INSERT OR IGNORE INTO list_state (url, site, etag, last_modified, links, fetched_at) VALUES (?, ?, ?, ?, ?, ?)`, nil); err != nil {
		return err
	}
	// Runs whose file is missing or unreadable; those whose file was read
	// are in already, and win.
	if co.Runs, err = b.carry(ctx, odb, "runs", `SELECT id, site, started_at, record FROM runs`,
		`INSERT OR IGNORE INTO runs (id, site, started_at, record) VALUES (?, ?, ?, ?)`, nil); err != nil {
		return err
	}
	// Documents nothing of which could be read from their directory.
	if co.Documents, err = b.carry(ctx, odb, "documents", `SELECT id, site, year, kind, title, dir, created_at FROM documents`,
		`INSERT OR IGNORE INTO documents (id, site, year, kind, title, dir, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		func(_ *sql.Tx, row []any) (bool, error) {
			id, dir := str(row[0]), str(row[5])
			if !b.lostDirs[dir] || path.Base(dir) != id {
				return false, nil
			}
			if _, dup := b.dirOf[id]; dup {
				return false, nil
			}
			b.dirOf[id] = dir
			b.outcome(dir, "document kept in the index from the old index's copy")
			return true, nil
		}); err != nil {
		return err
	}
	// Versions whose metadata file is unreadable, when the old index's copy
	// of it describes the text on disk.
	if co.Versions, err = b.carry(ctx, odb, "versions", `SELECT doc, version, sha256, meta FROM versions`,
		`INSERT OR IGNORE INTO versions (doc, version, sha256, meta) VALUES (?, ?, ?, ?)`,
		func(_ *sql.Tx, row []any) (bool, error) {
			doc, n := str(row[0]), num(row[1])
			key := fmt.Sprintf("%s@v%d", doc, n)
			dir, ok := b.dirOf[doc]
			if b.badMeta[key] != dir || !ok {
				return false, nil
			}
			var v Version
			if err := json.Unmarshal([]byte(str(row[3])), &v); err != nil || checkVersion(v, dir, n) != nil || v.key() != str(row[2]) {
				return false, nil
			}
			text, err := fs.ReadFile(b.a.files, v.Path)
			if err != nil {
				return false, nil
			}
			if sum := sha256.Sum256(text); hex.EncodeToString(sum[:]) != v.SHA256 || len(text) != v.Bytes {
				return false, nil
			}
			b.carriedVersions[key] = true
			return true, nil
		}); err != nil {
		return err
	}
	// Sources of the documents indexed: the last-seen time and text the old
	// index recorded, and sources a damaged doc.json lost.
	if co.Sources, err = b.carry(ctx, odb, "sources", `SELECT url, doc, site, first_seen, last_seen, last_sha256 FROM sources`,
		`INSERT OR IGNORE INTO sources (url, doc, site, first_seen, last_seen, last_sha256) VALUES (?, ?, ?, ?, ?, ?)`,
		func(tx *sql.Tx, row []any) (bool, error) {
			u, doc, lastSeen, lastSHA := str(row[0]), str(row[1]), str(row[4]), str(row[5])
			if _, ok := b.dirOf[doc]; !ok {
				return false, nil
			}
			var known bool
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM versions WHERE doc = ? AND sha256 = ?`, doc, lastSHA).Scan(&known); err != nil {
				return false, fmt.Errorf("archive: rebuild index: source %s: %w", u, err)
			}
			if !known {
				row[5] = ""
			}
			var has bool
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM sources WHERE url = ?`, u).Scan(&has); err != nil {
				return false, fmt.Errorf("archive: rebuild index: source %s: %w", u, err)
			}
			if !has {
				return true, nil
			}
			q := `UPDATE sources SET last_seen = ? WHERE url = ? AND doc = ?`
			args := []any{lastSeen, u, doc}
			if known {
				q = `UPDATE sources SET last_seen = ?, last_sha256 = ? WHERE url = ? AND doc = ?`
				args = []any{lastSeen, lastSHA, u, doc}
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return false, fmt.Errorf("archive: rebuild index: source %s: %w", u, err)
			}
			return false, nil
		}); err != nil {
		return err
	}
	return ctx.Err()
}

// carry copies the rows query reads from the old index into the new one
// with insert, those keep accepts (keep may rewrite a row). A damaged old
// index is read as far as it can be: where reading stopped is noted, and
// what was read is kept. The error is for writing the new index.
func (b *builder) carry(ctx context.Context, odb *sql.DB, table, query, insert string, keep func(tx *sql.Tx, row []any) (bool, error)) (int, error) {
	n := 0
	stopped := func(read int, err error) {
		if ctx.Err() == nil {
			b.rep.CarriedOver.Stopped = append(b.rep.CarriedOver.Stopped, fmt.Sprintf("%s after %d row(s): %v", table, read, err))
			b.a.log.Warn("cannot read the rest of the old index", "table", table, "rows", read, "err", err)
		}
	}
	err := b.nx.inTx(ctx, false, func(tx *sql.Tx) error {
		rows, err := odb.QueryContext(ctx, query)
		if err != nil {
			stopped(0, err)
			return nil
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			stopped(0, err)
			return nil
		}
		read := 0
		for rows.Next() {
			row := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				stopped(read, err)
				return nil
			}
			read++
			if keep != nil {
				ok, err := keep(tx, row)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			res, err := tx.ExecContext(ctx, insert, row...)
			if err != nil {
				return fmt.Errorf("archive: rebuild index: %s: %w", table, err)
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
			}
		}
		if err := rows.Err(); err != nil {
			stopped(read, err)
		}
		return nil
	})
	return n, err
}

// str and num read a column scanned into an any.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

func num(v any) int {
	if n, ok := v.(int64); ok {
		return int(n)
	}
	return 0
}

// rewriteFiles rewrites what Repair may rewrite: a doc.json that is
// missing or unreadable, from the new index (the versions and the old
// index's sources), and an unreadable run record from the old index's copy.
// An unreadable file is set aside first, never lost.
func (b *builder) rewriteFiles(ctx context.Context) error {
	dirs := make([]string, 0, len(b.rewriteDoc))
	for dir := range b.rewriteDoc {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		name := path.Join(dir, "doc.json")
		id := path.Base(dir)
		if b.dirOf[id] != dir {
			b.outcome(name, "not rewritten: the document could not be indexed")
			continue
		}
		d, ok, err := b.nx.Doc(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		d.Dir = dir
		what := "rewritten from the versions"
		if b.hadOld {
			what = "rewritten from the versions and the old index"
		}
		if b.rewriteDoc[dir] {
			aside, err := b.a.setAsideFile(name)
			if err != nil {
				return err
			}
			if aside != "" {
				what += ", the unreadable file kept as " + aside
			}
		}
		if err := b.a.writeDocFile(d); err != nil {
			return err
		}
		b.outcome(name, what)
	}
	runs := make([]string, 0, len(b.badRuns))
	for name := range b.badRuns {
		runs = append(runs, name)
	}
	sort.Strings(runs)
	for _, name := range runs {
		id, site := strings.TrimSuffix(path.Base(name), ".json"), path.Base(path.Dir(name))
		var rec string
		err := b.nx.db.QueryRowContext(ctx, `SELECT record FROM runs WHERE id = ? AND site = ?`, id, site).Scan(&rec)
		if errors.Is(err, sql.ErrNoRows) {
			b.outcome(name, "not indexed: the old index has no copy of it")
			continue
		}
		if err != nil {
			return fmt.Errorf("archive: rebuild index: run %s: %w", id, err)
		}
		var r Run
		if err := json.Unmarshal([]byte(rec), &r); err != nil {
			b.outcome(name, "not rewritten: the old index's copy is unreadable too")
			continue
		}
		data, err := encodeJSON(r)
		if err != nil {
			return err
		}
		what := "rewritten from the old index's copy"
		aside, err := b.a.setAsideFile(name)
		if err != nil {
			return err
		}
		if aside != "" {
			what += ", the unreadable file kept as " + aside
		}
		if err := b.a.files.Replace(name, data); err != nil {
			return err
		}
		b.outcome(name, what)
	}
	return nil
}

// report fills the counts and the list of files in Repaired.
func (b *builder) report() {
	co := b.rep.CarriedOver
	b.rep.DocumentsIndexed = b.docs + co.Documents
	b.rep.VersionsIndexed = b.versions + co.Versions
	b.rep.RunsIndexed = b.runs + co.Runs
	for key, dir := range b.badMeta {
		_, ver, _ := strings.Cut(key, "@")
		if b.carriedVersions[key] {
			b.outcome(path.Join(dir, ver+".json"), "the version is kept in the index from the old index's copy, whose text matches "+ver+".txt")
		} else {
			b.outcome(path.Join(dir, ver+".json"), "the version is not indexed: no copy of it in the old index matches "+ver+
				".txt; the next crawl stores the text again, as a new version, if the page still has it")
		}
	}
	for dir := range b.lostDirs {
		b.note(dir, "no metadata of this document can be read (doc.json and every vN.json)")
		if _, ok := b.outcomes[dir]; !ok {
			b.outcome(dir, "not indexed: the old index has no copy of it")
		}
	}
	b.rep.Files = b.rep.Files[:0]
	for file, msg := range b.notes {
		if o := b.outcomes[file]; o != "" {
			msg += "; " + o
		}
		b.rep.Files = append(b.rep.Files, Problem{File: file, Msg: msg})
	}
	sort.Slice(b.rep.Files, func(i, j int) bool { return b.rep.Files[i].File < b.rep.Files[j].File })
}

// setAsideFile keeps an unreadable file that is about to be rewritten, as
// <name>.corrupt-<time> (read-only), and returns that file's base name; ""
// if the file cannot be read at all.
func (a *Archive) setAsideFile(name string) (string, error) {
	data, err := fs.ReadFile(a.files, name)
	if err != nil {
		return "", nil
	}
	stamp := a.now().UTC().Format("20060102T150405Z")
	aside := name + corruptMarker + stamp
	for i := 2; ; i++ {
		err := a.files.Create(aside, data)
		if err == nil {
			return path.Base(aside), nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		aside = fmt.Sprintf("%s%s%s-%d", name, corruptMarker, stamp, i)
	}
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// syncFile fsyncs a file's data.
func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
