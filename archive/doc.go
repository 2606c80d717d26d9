// Package archive is nianbao's write-once, versioned store of report texts.
// It knows nothing about HTTP.
//
// The nouns:
//
//   - A report is one report a body published, whatever forms it came in:
//     its page, a PDF, a DOCX/DOC/WPS, an OFD, a scan. Each form is a
//     document of its own, a rendition of the report, kept as received;
//     the report is read from them (Reports), never stored twice. Its id
//     is its first rendition's; its text is its best rendition's (the
//     page's when the page carries the report, else a DOCX/OFD over a DOC
//     or WPS over a PDF's text layer over a scan; a whole text over one a
//     reader's budget cut short), with the choice and its reason (Choice).
//     Its versions are the times that text changed, the renditions'
//     versions taken in the order they came in (those archived within an
//     hour of each other as one publication): a rendition that changed
//     without changing the chosen text (a PDF re-saved: FileChanged) is
//     that rendition's next version, not the report's.
//   - A listing is a stub page: one that only announces its attachments
//     (现将…予以公开, 详见附件; IsStub), kept as a document with role
//     "listing" — where the renditions were found, not one of them, and no
//     report.
//   - A document is one form of a report (or a listing), whatever URLs it
//     is published at. Its id is derived from the first URL it was found
//     at (10 hex digits of a SHA-256), so it is stable and the same on
//     every machine. Its doc.json names the report it is a rendition of
//     ("report", absent for the report's first rendition, whose id is the
//     report's) or says it is a listing ("role"). A new document is given
//     its report when it is created (Entry.Report), and doc.json's
//     "grouped" says so; a page's role follows its form (a listing that
//     later carries its report becomes one). An archive written before
//     reports were — every page and every file a document of its own,
//     none grouped — is grouped by Regroup (`nianbao archive migrate`, or
//     verify --repair), which replaces doc.json files only and never
//     changes what was grouped. Each version's metadata keeps the
//     document's report and role as they were when it was written, so a
//     lost doc.json is rebuilt with them.
//   - A version is one text of a document. Versions are numbered 1, 2, …;
//     a changed text adds the next version and never touches earlier ones.
//   - A source is a URL a document was found at. The same text at another URL
//     (a repost) is another source of the same document, not a second copy;
//     the same text in another form (a DOCX of a PDF's text) is another
//     rendition of its report.
//     doc.json lists the sources it was written with; a source added later
//     is a line appended to the sources log beside it.
//   - The sources log (sources.jsonl) is one JSON source a line, appended
//     and fsynced, so that a document found at N URLs costs N lines written,
//     not N rewrites of a doc.json that grows with each. A document's
//     sources are doc.json's and its log's, merged by every reader of the
//     files (Rebuild, Repair, recovery, Verify); an archive written before
//     the log existed has none and reads as before. A last line without its
//     newline is an append a crash cut short: readers skip it, Verify lists
//     it as a leftover, and the next append cuts it off.
//   - A group commit is the index changes of concurrent Puts committed in
//     one index transaction, synced once: at most 64 changes, and a Put
//     alone commits at once, while one with company waits at most 2 ms for
//     Puts still writing their files. Puts of different documents write
//     their files in parallel; Puts that share a URL, a text or a document
//     take turns, so the same text put from two URLs at once is still one
//     document with two sources.
//   - A file version is a version whose text was read from a file (an
//     attachment) rather than a page. Its metadata's "file" says what the
//     file is and whether it had text; a file without text (a scan) has an
//     empty vN.txt and is told apart from other scans by its bytes.
//   - The index is an SQLite database of documents, versions, sources, runs
//     and per-URL fetch state. It is derived data: Rebuild recreates it from
//     the files, which are the truth — building the new index aside and
//     renaming it into place only when complete, and carrying over from the
//     old one what the files never held (fetch state, list pages: caches of
//     what portals answered) and what they can no longer give (a run record
//     or a version whose metadata file became unreadable).
//   - A damaged index is one SQLite cannot read (truncated, overwritten,
//     not a file): every use of it fails with ErrIndexDamaged, saying to run
//     `nianbao archive verify --repair`, which sets it aside and rebuilds.
//   - A set-aside file is an unreadable file that Repair replaced and kept,
//     as <name>.corrupt-<time> beside it: a damaged index.db, a doc.json or a
//     run record that does not parse. Nothing reads it again; a person
//     deletes it. Version files are never rewritten, so never set aside.
//   - A reference names a version, as a person types it: DOC (the latest
//     version) or DOC@vN, DOC any unique prefix of a document's id. Resolve
//     turns it into the version or a *RefError saying, in one line, why it
//     names none (no such document or version, an ambiguous prefix).
//   - A reader (Options.ReadOnly) writes nothing: it takes no lock, creates
//     no directory (an archive that does not exist yet reads as empty) and
//     opens the index in SQLite's read-only mode, so an archive that cannot
//     be written (chmod -R a-w, a read-only mount) can still be listed,
//     shown and verified. A writer that cannot take the lock of such an
//     archive fails with a *NotWritableError before changing anything.
//
// The layout under archive_dir, browsable and greppable by a person:
//
//	index.db                          the index (plus SQLite's -wal/-shm files)
//	index.db.corrupt-<time>           a damaged index, set aside by verify --repair
//	lock                              held by the one process writing
//	<site>/<year>/<doc>/doc.json      the document: title, kind, sources, and its report (or role: listing)
//	<site>/<year>/<doc>/sources.jsonl the sources added since doc.json was written, one a line (only once there is one)
//	<site>/<year>/<doc>/doc.json.corrupt-<time>  an unreadable doc.json, set aside when verify --repair rewrote it
//	<site>/<year>/<doc>/v1.txt        the text of version 1, exactly as hashed
//	<site>/<year>/<doc>/v1.json       its metadata: url, title, published, fetched_at, sha256, bytes, extractor
//	<site>/<year>/<doc>/v1.raw.gz     the response body it was extracted from, gzip-compressed
//	<site>/<year>/<doc>/v1.pdf        or, for a text read from a file (.pdf .docx .doc .wps .ofd), the file as received
//	_runs/<site>/<run>.json           one record per crawl run
//	_pending/<doc>                    a write in progress (a crash leaves it; the next writer finishes it)
//	_warc/<site>/<run>.warc.gz        with warc: true, each run's archived responses as WARC/1.1 records
//
// <year> is the year the report is about, or "undated". Each vN.json's
// sha256 is of vN.txt's bytes exactly, so `sha256sum v1.txt` verifies it.
//
// Crash safety: files that replace others (doc.json, run records, the
// _pending markers) are written through one helper (temporary file, fsync,
// move into place, fsync of the directory); version files are created
// under their own name with O_EXCL, which refuses to overwrite, and are
// read-only. A version's files are written text first and metadata last,
// then the index; whatever a crash interrupts, the next writer finds files
// that verify, indexes committed versions the index missed, and removes the
// files of a version whose metadata was never written.
//
// A Put's files are staged (Files.Stage: written without an fsync) and made
// durable together by Files.Sync, which on Linux (5.8 and later) is one
// syncfs(2) of the archive's file system for every Put writing at that
// moment; elsewhere each file's data is fsynced as it is staged and Sync
// fsyncs the directories given entries. Two flushes per version, shared by
// concurrent Puts, instead of about ten fsyncs each. syncfs tells a
// write-back error to one caller only and cannot say whose write it lost,
// so after a failed one every Sync fails until the archive is opened again.
// The order the argument needs on disk, after a power failure as well as a
// killed process, for a write of version N:
//
//  1. Staged: the document's _pending marker, vN.txt and vN.raw.gz (or
//     vN.pdf…). Then a Sync. Until it returns, a power failure may keep,
//     lose or tear (keep the name, lose the bytes) any of them: without
//     vN.json they are an uncommitted version, which the next writer
//     removes, and an empty marker is found by its name. After it, they are
//     all on disk, whole.
//  2. Staged: vN.json, the commit mark, and a new document's doc.json. Then
//     a Sync. So a vN.json or a new doc.json on disk implies its version's
//     files on disk, whole, and its marker durable. A power failure during
//     this Sync may tear vN.json, which the next Open finds through the
//     marker (the latest vN.json, unreadable and above the versions the
//     index has) and removes with its version's files (dropUnsyncedMark;
//     kept aside as vN.json.corrupt-<time> if it held bytes), or tear or
//     lose doc.json, which the next Open rewrites from the versions or, for
//     a document without a committed version, removes. Until then verify
//     lists them as leftovers of an interrupted write, not damage.
//  3. The index commit that adds the version is synced before Put returns
//     (synchronous FULL for that transaction; see openSQLite), so the index
//     never lists a version the files lack, and never lags the files once
//     the marker is gone. With concurrent Puts it is a group commit: each
//     Put's files (steps 1–2) are on disk before it queues its change, the
//     group's one transaction is synced, and only then does any of its Puts
//     go on to step 4 and return. A crash before the sync loses the whole
//     group from the index, never part of a change: every Put of it still
//     has its marker, so the next Open finishes it from the files.
//  4. The marker is removed (not synced: a marker that comes back only
//     makes the next Open re-check one document).
//
// Whatever indexes files a crashed or failed writer left (Open's recovery,
// reconcile, importLeftover) first Syncs: a killed process's last files may
// be in the page cache only, and must be durable before the index lists
// them. A doc.json that replaces another (a new title) is written durably
// after step 2, never staged: its old bytes must not be lost to a power
// failure. A new source commits by its line in sources.jsonl, appended and
// fsynced (and the log's directory synced when the append created it),
// after a durable marker and before the index commit.
//
// Syncs by concurrent writers are shared (Dir.Sync, Dir.syncDir): a writer
// needs a sync that starts after its own change, and one that another
// writer starts then does as well, so a burst of Puts costs a few flushes,
// not a few each.
//
// Index writes that record no files — last-seen times and fetch state, all
// a re-crawl writes — are committed without an fsync: a power failure can
// lose the last of them (a page fetched in full again next time), a killed
// process cannot.
//
// The index itself is only ever replaced whole. A rebuild — by Repair, or
// by Open when index.db is missing — fills a temporary file
// (.index.db-tmp-<hex>), fsyncs it, renames it over index.db and fsyncs the
// directory; until the rename there is the old index or none, never a
// partial one. A crash before it leaves a temporary file, which the next
// Open removes, and a missing index, which it rebuilds again. (An index that
// lists no document while the files hold some — what an interrupted
// open-time rebuild left before it was built aside — is rebuilt by the next
// writer's Open too.)
//
// Files and Index are small interfaces so that a later deployment can put
// the files in object storage and the index in a shared database.
package archive
