// Package archive is nianbao's write-once, versioned store of report texts.
// It knows nothing about HTTP.
//
// The nouns:
//
//   - A document is one report, whatever URLs it is published at. Its id is
//     derived from the first URL it was found at (10 hex digits of a SHA-256),
//     so it is stable and the same on every machine.
//   - A version is one text of a document. Versions are numbered 1, 2, …;
//     a changed text adds the next version and never touches earlier ones.
//   - A source is a URL a document was found at. The same text at another URL
//     (a repost) is another source of the same document, not a second copy.
//   - The index is an SQLite database of documents, versions, sources, runs
//     and per-URL fetch state. It is derived data: Rebuild recreates it from
//     the files, which are the truth.
//
// The layout under archive_dir, browsable and greppable by a person:
//
//	index.db                          the index (plus SQLite's -wal/-shm files)
//	lock                              held by the one process writing
//	<site>/<year>/<doc>/doc.json      the document: title, kind, sources
//	<site>/<year>/<doc>/v1.txt        the text of version 1, exactly as hashed
//	<site>/<year>/<doc>/v1.json       its metadata: url, title, published, fetched_at, sha256, bytes, extractor
//	<site>/<year>/<doc>/v1.raw.gz     the response body it was extracted from, gzip-compressed
//	_runs/<site>/<run>.json           one record per crawl run
//	_pending/<doc>                    a write in progress (a crash leaves it; the next writer finishes it)
//	_warc/<site>/<run>.warc.gz        with warc: true, each run's archived responses as WARC/1.1 records
//
// <year> is the year the report is about, or "undated". Each vN.json's
// sha256 is of vN.txt's bytes exactly, so `sha256sum v1.txt` verifies it.
//
// Crash safety: every file is written through one helper (temporary file,
// fsync, move into place, fsync of the directory); version files are moved
// with link(2), which refuses to overwrite, and are made read-only. A
// version's files are written text first and metadata last, then the
// index; whatever a crash interrupts, the next writer finds files that
// verify, indexes committed versions the index missed, and removes the files
// of a version whose metadata was never written.
//
// Files and Index are small interfaces so that a later deployment can put
// the files in object storage and the index in a shared database.
package archive
