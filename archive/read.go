package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// readVersion reads and parses a version's metadata file.
func (a *Archive) readVersion(name string) (Version, error) {
	var v Version
	data, err := fs.ReadFile(a.files, name)
	if err != nil {
		return v, fmt.Errorf("archive: read %s: %w", name, err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("archive: %s: %w", name, err)
	}
	return v, nil
}

// docDirParts splits a document directory <site>/<year>/<doc>.
func docDirParts(dir string) (site, year, id string) {
	site, rest, _ := strings.Cut(dir, "/")
	year, id, _ = strings.Cut(rest, "/")
	return site, year, id
}

// checkVersion says what is wrong with version n's metadata in document
// directory dir: metadata naming another document, version or text file
// (a copy of another version's file, say) must not be indexed as this one.
func checkVersion(v Version, dir string, n int) error {
	site, _, id := docDirParts(dir)
	want := path.Join(dir, fmt.Sprintf("v%d.txt", n))
	switch {
	case v.Version != n || v.Path != want:
		return fmt.Errorf("metadata names version %d at %s, not v%d at %s", v.Version, v.Path, n, want)
	case v.Doc != id:
		return fmt.Errorf("metadata names document %q, not %s", v.Doc, id)
	case v.Site != site:
		return fmt.Errorf("metadata names site %q, not %s", v.Site, site)
	case len(v.SHA256) != 64:
		return fmt.Errorf("metadata has no sha256")
	}
	return nil
}

// checkDoc says what is wrong with a parsed doc.json in dir.
func checkDoc(d Doc, dir string) error {
	site, year, id := docDirParts(dir)
	switch {
	case d.ID != id:
		return fmt.Errorf("names document %q, not %s", d.ID, id)
	case d.Site != site:
		return fmt.Errorf("names site %q, not %s", d.Site, site)
	case yearDir(d.Year) != year:
		return fmt.Errorf("names year %d, not %s", d.Year, year)
	}
	return nil
}

// readVersionIn reads version n's metadata in dir and checks that it is
// that version's.
func (a *Archive) readVersionIn(dir string, n int) (Version, error) {
	name := path.Join(dir, fmt.Sprintf("v%d.json", n))
	v, err := a.readVersion(name)
	if err != nil {
		return v, err
	}
	if err := checkVersion(v, dir, n); err != nil {
		return v, fmt.Errorf("archive: %s: %w", name, err)
	}
	return v, nil
}

// docFiles is a document directory as its files give it.
type docFiles struct {
	Doc
	versions []Version // the readable ones, in order
	// synthesized: doc.json was missing or unreadable, and Doc was rebuilt
	// from the versions.
	synthesized bool
	// ok: Doc is known (from doc.json or the versions). A directory whose
	// doc.json and every vN.json are unreadable is not.
	ok bool
	// badDoc holds why an existing doc.json could not be used ("" if it
	// could); badVersions why each unreadable vN.json could not, by N.
	badDoc      string
	badVersions map[int]string
	// badSources is why lines of sources.jsonl could not be read ("" if
	// they could): its sources are skipped, the others kept.
	badSources string
	// committed is the highest N with a vN.json, readable or not.
	committed int
}

// problems are the files of the directory that could not be read.
func (df *docFiles) problems() []Problem {
	var out []Problem
	if df.badDoc != "" {
		out = append(out, Problem{File: path.Join(df.Dir, "doc.json"), Msg: df.badDoc})
	}
	nums := make([]int, 0, len(df.badVersions))
	for n := range df.badVersions {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		out = append(out, Problem{File: path.Join(df.Dir, fmt.Sprintf("v%d.json", n)), Msg: df.badVersions[n]})
	}
	if df.badSources != "" {
		out = append(out, Problem{File: path.Join(df.Dir, sourcesLog), Msg: df.badSources})
	}
	return out
}

// sourcesLog is the file, beside doc.json, of the sources added to a
// document after its doc.json was last written: one JSON Source a line,
// appended (see Files.Append), so a new source costs one line written, not
// the whole doc.json. A document's sources are doc.json's and the log's.
const sourcesLog = "sources.jsonl"

// sourcesLogFile is a document's sources.jsonl as read.
type sourcesLogFile struct {
	sources []Source
	bad     []string // "line N: why" for each whole line that is not a source
	// torn: the last line has no "\n", an append a crash interrupted. It is
	// not read; the next append cuts it off.
	torn bool
}

// readSourcesLog reads dir's sources.jsonl; a missing file (a document
// with no source added since its doc.json was written) reads as empty.
func readSourcesLog(fsys fs.FS, dir string) (sourcesLogFile, error) {
	var lf sourcesLogFile
	data, err := fs.ReadFile(fsys, path.Join(dir, sourcesLog))
	if errors.Is(err, fs.ErrNotExist) {
		return lf, nil
	}
	if err != nil {
		return lf, err
	}
	lines := bytes.Split(data, []byte("\n"))
	lf.torn = len(lines[len(lines)-1]) > 0
	for i, line := range lines[:len(lines)-1] {
		var s Source
		err := json.Unmarshal(line, &s)
		switch {
		case err != nil:
			lf.bad = append(lf.bad, fmt.Sprintf("line %d: %v", i+1, err))
		case s.URL == "":
			lf.bad = append(lf.bad, fmt.Sprintf("line %d: a source without a url", i+1))
		default:
			lf.sources = append(lf.sources, s)
		}
	}
	return lf, nil
}

// mergeSources adds to srcs those of more whose URL it lacks; a URL in
// both keeps the earlier first-seen time.
func mergeSources(srcs, more []Source) []Source {
	at := make(map[string]int, len(srcs))
	for i, s := range srcs {
		at[s.URL] = i
	}
	for _, s := range more {
		i, ok := at[s.URL]
		if !ok {
			at[s.URL] = len(srcs)
			srcs = append(srcs, s)
			continue
		}
		if s.FirstSeen.Before(srcs[i].FirstSeen) {
			srcs[i].FirstSeen = s.FirstSeen
		}
	}
	return srcs
}

// readDoc reads a document directory: doc.json and every committed
// version. It gives nil for a directory without any version's metadata (a
// crash before the first one was written), or none at all. A file that
// cannot be read or parsed, or that names another document, is recorded in
// docFiles and skipped, never an error: one bad file must not stop a
// rebuild, a recovery or a crawl. A missing or unreadable doc.json is
// rebuilt from the versions; the error is for a directory that cannot be
// listed.
func (a *Archive) readDoc(dir string) (*docFiles, error) {
	entries, err := fs.ReadDir(a.files, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a crash before the directory was made
	}
	if err != nil {
		return nil, fmt.Errorf("archive: read %s: %w", dir, err)
	}
	df := &docFiles{}
	df.Dir = dir
	for _, en := range entries {
		m := versionFileRe.FindStringSubmatch(en.Name())
		if m == nil || m[2] != "json" {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		df.committed = max(df.committed, n)
		v, err := a.readVersionIn(dir, n)
		if err != nil {
			if df.badVersions == nil {
				df.badVersions = map[int]string{}
			}
			df.badVersions[n] = "unreadable metadata: " + innerErr(err)
			a.log.Warn("skipping a version whose metadata cannot be read", "file", path.Join(dir, en.Name()), "err", innerErr(err))
			continue
		}
		df.versions = append(df.versions, v)
	}
	if df.committed == 0 {
		return nil, nil
	}
	sort.Slice(df.versions, func(i, j int) bool { return df.versions[i].Version < df.versions[j].Version })
	name := path.Join(dir, "doc.json")
	data, err := fs.ReadFile(a.files, name)
	switch {
	case err == nil:
		var d Doc
		if err := json.Unmarshal(data, &d); err != nil {
			df.badDoc = "unreadable: " + err.Error()
		} else if err := checkDoc(d, dir); err != nil {
			df.badDoc = err.Error()
		} else {
			df.Doc, df.ok = d, true
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		df.badDoc = "unreadable: " + innerErr(err)
	}
	if df.badDoc != "" {
		a.log.Warn("document file cannot be used: rebuilding it from the versions", "file", name, "err", df.badDoc)
	}
	df.Dir = dir
	if !df.ok && len(df.versions) > 0 {
		df.Doc = synthesizeDoc(df.versions)
		df.Dir = dir
		df.synthesized, df.ok = true, true
	}
	if df.ok {
		lf, err := readSourcesLog(a.files, dir)
		switch {
		case err != nil:
			df.badSources = "unreadable: " + innerErr(err)
		case len(lf.bad) > 0:
			df.badSources = "lines that are not sources (skipped): " + strings.Join(lf.bad, "; ")
		}
		if df.badSources != "" {
			a.log.Warn("sources of a document cannot be read", "file", path.Join(dir, sourcesLog), "err", df.badSources)
		}
		df.Sources = mergeSources(slices.Clone(df.Sources), lf.sources)
	}
	if n := len(df.versions); n > 0 && df.versions[n-1].Title != "" {
		df.Title = df.versions[n-1].Title
	}
	return df, nil
}

// synthesizeDoc rebuilds a document from its versions, for a doc.json that
// is missing (a crash before it was first written) or unreadable: every URL
// a version was fetched from is a source, first seen when it first was; its
// report and role are the latest version's.
func synthesizeDoc(vers []Version) Doc {
	v := vers[0]
	last := vers[len(vers)-1]
	d := Doc{ID: v.Doc, Site: v.Site, Year: v.Year, Kind: v.Kind, Title: v.Title, CreatedAt: v.FetchedAt,
		Report: last.Report, Role: last.Role, Grouped: last.Report != "" || last.Role != ""}
	seen := map[string]int{}
	for _, v := range vers {
		if i, ok := seen[v.URL]; ok {
			if v.FetchedAt.Before(d.Sources[i].FirstSeen) {
				d.Sources[i].FirstSeen = v.FetchedAt
			}
			continue
		}
		seen[v.URL] = len(d.Sources)
		d.Sources = append(d.Sources, Source{URL: v.URL, Site: v.Site, FirstSeen: v.FetchedAt})
		if v.FetchedAt.Before(d.CreatedAt) {
			d.CreatedAt = v.FetchedAt
		}
	}
	return d
}

// innerErr is an error's message without the path that the file
// problem it goes with already names.
func innerErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ".json: "); i >= 0 {
		return msg[i+len(".json: "):]
	}
	return msg
}

// indexDoc adds a document read from its files to idx. Each source's
// last-seen text is taken to be the latest version fetched from it; a
// document none of whose versions could be read is indexed without them,
// its sources with no last-seen text, so that the next crawl stores the
// text again as the next version.
func indexDoc(ctx context.Context, idx Index, df docFiles) error {
	d := df.Doc
	if err := idx.Commit(ctx, Change{Doc: &d, Sources: d.Sources}); err != nil {
		return err
	}
	if len(df.versions) == 0 {
		return nil
	}
	lastAt := map[string]string{}
	for i := range df.versions {
		v := df.versions[i]
		if err := idx.Commit(ctx, Change{Version: &v}); err != nil {
			return err
		}
		lastAt[v.URL] = v.key()
	}
	var seen []SeenURL
	for _, s := range d.Sources {
		sha, ok := lastAt[s.URL]
		if !ok {
			sha = df.versions[len(df.versions)-1].key()
		}
		seen = append(seen, SeenURL{URL: s.URL, Doc: d.ID, SHA: sha, Time: s.FirstSeen})
	}
	return idx.Commit(ctx, Change{Seen: seen})
}
