package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong in an archive, naming the file.
type Problem struct {
	File string
	Msg  string
}

func (p Problem) String() string { return p.File + ": " + p.Msg }

// VerifyReport is what Verify found.
type VerifyReport struct {
	Documents int // document directories read
	Versions  int // versions checked
	Runs      int // run records read
	// Problems are damage: a text or raw file that does not hash to its
	// metadata, a metadata file that cannot be read, a missing or
	// unexpected file, a gap in the versions, a damaged index or one that
	// disagrees with the files.
	Problems []Problem
	// Leftovers are what an interrupted write left behind — temporary
	// files, files of a version whose metadata was never written, a write
	// marked in progress. They are not damage: the next writer (or verify
	// --repair) finishes or removes them.
	Leftovers []Problem
	// SetAside are the unreadable files verify --repair replaced and kept
	// (index.db.corrupt-…, doc.json.corrupt-…): not damage, and read by
	// nothing; a person deletes them once they are no longer wanted.
	SetAside []Problem
	// Ungrouped counts the documents Regroup would change: an archive
	// written before reports were (every page and every file its own
	// document), not yet upgraded by `nianbao archive migrate`.
	Ungrouped int
}

// Verify checks the archive against itself: every metadata file (doc.json,
// vN.json, run records) parses and names the document, version or run its
// place says; every version's text hashes to the sha256 its metadata
// records, its raw bytes (and each raw part) to theirs; versions are
// numbered 1…N without gaps; no text lacks its metadata; the index is a
// sound SQLite file (quick_check) and lists exactly the versions the files
// hold. It reads every file. progress, if not nil, is called after each
// document directory with the count done and the total. An archive opened
// with a damaged index (Options.DamagedIndexOK) is verified all the same,
// the damage reported as a problem of index.db.
func (a *Archive) Verify(ctx context.Context, progress func(done, total int)) (*VerifyReport, error) {
	rep := &VerifyReport{}
	var probs, leftovers, aside []Problem
	add := func(file, format string, args ...any) {
		probs = append(probs, Problem{File: file, Msg: fmt.Sprintf(format, args...)})
	}
	leftover := func(file, format string, args ...any) {
		leftovers = append(leftovers, Problem{File: file, Msg: fmt.Sprintf(format, args...)})
	}
	setAside := func(file string) {
		aside = append(aside, Problem{File: file, Msg: "an unreadable file set aside by verify --repair or by the recovery of an interrupted write; nothing reads it (delete it once it is no longer wanted)"})
	}
	onDisk := map[string]string{} // "doc@vN" → sha256
	// "doc@vN" whose metadata file exists and cannot be read: reported
	// once, as that file's problem.
	unreadable := map[string]bool{}
	// Documents whose write a crash interrupted: the next writer finishes
	// them, so the index lagging behind their files is not damage.
	interrupted := map[string]bool{}
	if entries, err := fs.ReadDir(a.files, pendingDir); err == nil {
		for _, en := range entries {
			name := path.Join(pendingDir, en.Name())
			if strings.Contains(en.Name(), tempMarker) {
				leftover(name, "temporary file of an interrupted write")
				continue
			}
			interrupted[en.Name()] = true
			leftover(name, "a write of document %s was interrupted; the next writer finishes it", en.Name())
		}
	}
	if top, err := fs.ReadDir(a.files, "."); err == nil {
		for _, en := range top {
			if strings.HasPrefix(en.Name(), IndexFile+corruptMarker) && !strings.HasSuffix(en.Name(), "-wal") && !strings.HasSuffix(en.Name(), "-shm") {
				setAside(en.Name())
			}
		}
	}
	if tmps, _ := fs.Glob(a.files, runsDir+"/*/.*"); len(tmps) > 0 {
		for _, t := range tmps {
			leftover(t, "temporary file of an interrupted write")
		}
	}
	if runs, err := fs.Glob(a.files, runsDir+"/*/*"); err == nil {
		for _, name := range runs {
			base := path.Base(name)
			switch {
			case strings.HasPrefix(base, "."):
			case strings.Contains(base, ".json"+corruptMarker):
				setAside(name)
			case !strings.HasSuffix(base, ".json"):
				add(name, "unexpected file among the run records")
			default:
				if _, err := a.readRun(name); err != nil {
					add(name, "unreadable run record: %s; verify --repair rewrites it from the index's copy, if the index has one", innerErr(err))
					continue
				}
				rep.Runs++
			}
		}
	}
	dirs, err := fs.Glob(a.files, "*/*/*")
	if err != nil {
		return nil, err
	}
	for i, dir := range dirs {
		if progress != nil {
			progress(i, len(dirs))
		}
		if strings.HasPrefix(dir, "_") {
			continue
		}
		if fi, err := fs.Stat(a.files, dir); err != nil || !fi.IsDir() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		entries, err := fs.ReadDir(a.files, dir)
		if err != nil {
			add(dir, "cannot read: %v", err)
			continue
		}
		meta := map[int]bool{}
		other := map[int][]string{}
		hasDoc := false
		for _, en := range entries {
			if en.Name() == "doc.json" {
				hasDoc = true
				continue
			}
			if en.Name() == sourcesLog {
				name := path.Join(dir, sourcesLog)
				lf, err := readSourcesLog(a.files, dir)
				switch {
				case err != nil:
					add(name, "unreadable: %s", innerErr(err))
				case len(lf.bad) > 0:
					add(name, "lines that are not sources: %s", strings.Join(lf.bad, "; "))
				}
				if lf.torn {
					leftover(name, "its last line is an append a crash interrupted; the next source added cuts it off")
				}
				continue
			}
			if strings.Contains(en.Name(), tempMarker) {
				leftover(path.Join(dir, en.Name()), "temporary file of an interrupted write")
				continue
			}
			if strings.HasPrefix(en.Name(), "doc.json"+corruptMarker) || setAsideMarkRe.MatchString(en.Name()) {
				setAside(path.Join(dir, en.Name()))
				continue
			}
			m := versionFileRe.FindStringSubmatch(en.Name())
			if m == nil {
				add(path.Join(dir, en.Name()), "unexpected file in a document directory")
				continue
			}
			n, _ := strconv.Atoi(m[1])
			if m[2] == "json" {
				meta[n] = true
			} else {
				other[n] = append(other[n], en.Name())
			}
		}
		nums := make([]int, 0, len(meta))
		for n := range meta {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		for i, n := range nums {
			if n != i+1 {
				add(dir, "versions are not numbered 1…%d: v%d is missing", len(nums), i+1)
				break
			}
		}
		committed := 0
		if len(nums) > 0 {
			committed = nums[len(nums)-1]
		}
		for n, names := range other {
			switch {
			case meta[n]:
			case n < committed:
				add(path.Join(dir, names[0]), "no v%d.json: the metadata of this version is missing", n)
			default:
				// Above the last committed version: the files of a write a
				// crash interrupted, which the next write removes.
				for _, name := range names {
					leftover(path.Join(dir, name), "part of version %d, whose write was interrupted before its metadata", n)
				}
			}
		}
		rep.Documents++
		switch {
		case hasDoc:
			name := path.Join(dir, "doc.json")
			const fix = "verify --repair rewrites it from the versions and the index"
			var d Doc
			data, err := fs.ReadFile(a.files, name)
			if err == nil {
				err = json.Unmarshal(data, &d)
			}
			_, _, id := docDirParts(dir)
			switch {
			case err != nil && interrupted[id]:
				leftover(name, "unreadable (%s): written by a write a crash interrupted; the next writer rewrites it", innerErr(err))
			case err != nil:
				add(name, "unreadable: %s; %s", innerErr(err), fix)
			default:
				if err := checkDoc(d, dir); err != nil {
					add(name, "%v; %s", err, fix)
				}
			}
		case len(nums) > 0 && interrupted[docID(dir)]:
			leftover(path.Join(dir, "doc.json"), "missing: a write a crash interrupted had not made it durable; the next writer rewrites it from the versions")
		case len(nums) > 0:
			add(path.Join(dir, "doc.json"), "missing; verify --repair rewrites it from the versions and the index")
		}
		for _, n := range nums {
			name := path.Join(dir, fmt.Sprintf("v%d.json", n))
			v, err := a.readVersionIn(dir, n)
			if id := docID(dir); err != nil && interrupted[id] && n == committed && !a.indexHas(ctx, id, n) {
				// The commit mark a power failure cut while it was being
				// made durable: the next writer removes it and its version.
				leftover(name, "unreadable (%s): the commit mark of a write a crash interrupted; the next writer removes it and its version", innerErr(err))
				continue
			}
			if err != nil {
				_, _, id := docDirParts(dir)
				unreadable[fmt.Sprintf("%s@v%d", id, n)] = true
				add(name, "unreadable metadata: %s; version files are never rewritten: restore it from a backup (the index may still hold a copy: `nianbao archive show %s@v%d --meta`)",
					innerErr(err), id, n)
				continue
			}
			onDisk[fmt.Sprintf("%s@v%d", v.Doc, v.Version)] = v.SHA256
			text, err := fs.ReadFile(a.files, v.Path)
			if err != nil {
				add(v.Path, "missing: %v", unwrapPathErr(err))
				continue
			}
			sum := sha256.Sum256(text)
			if got := hex.EncodeToString(sum[:]); got != v.SHA256 || len(text) != v.Bytes {
				add(v.Path, "sha256 %s (%d bytes) does not match its metadata %s (%d bytes)", got, len(text), v.SHA256, v.Bytes)
			}
			rep.Versions++
			if v.Raw != nil {
				if err := checkRaw(a.files, v.Raw); err != nil {
					add(v.Raw.Path, "%v", err)
				}
			}
		}
	}
	if progress != nil {
		progress(len(dirs), len(dirs))
	}
	sortProblems := func() {
		for _, l := range []*[]Problem{&probs, &leftovers, &aside} {
			sort.Slice(*l, func(i, j int) bool { return (*l)[i].File < (*l)[j].File })
		}
		rep.Problems, rep.Leftovers, rep.SetAside = probs, leftovers, aside
	}
	const repairHint = "`nianbao archive verify --repair` sets it aside and rebuilds the index from the files"
	if a.damage != nil {
		add(IndexFile, "damaged: %s; %s", a.damage.Cause(), repairHint)
		sortProblems()
		return rep, nil
	}
	if a.index == nil {
		if len(onDisk) > 0 {
			add(IndexFile, "missing")
		}
		sortProblems()
		return rep, nil
	}
	if sx, ok := a.index.(*sqliteIndex); ok {
		msg, err := sx.quickCheck(ctx)
		if err != nil {
			return nil, err
		}
		if msg != "" {
			add(IndexFile, "damaged: %s; %s", msg, repairHint)
			sortProblems()
			return rep, nil
		}
	}
	indexed, err := a.index.Versions(ctx, Filter{})
	var ie *IndexError
	if errors.As(err, &ie) {
		add(IndexFile, "damaged: %s; %s", ie.Cause(), repairHint)
		sortProblems()
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	inIndex := map[string]bool{}
	for _, v := range indexed {
		key := fmt.Sprintf("%s@v%d", v.Doc, v.Version)
		inIndex[key] = true
		sha, ok := onDisk[key]
		switch {
		case !ok && unreadable[key]:
			// Kept in the index from its copy; the file is reported.
		case !ok:
			add(v.Path, "listed in the index but not in the files")
		case sha != v.SHA256:
			add(v.Path, "index records sha256 %s, metadata %s", v.SHA256, sha)
		}
	}
	for key := range onDisk {
		doc, ver, _ := strings.Cut(key, "@")
		if !inIndex[key] && !interrupted[doc] {
			add(IndexFile, "does not list %s %s", doc, ver)
		}
	}
	if err := a.verifyReports(ctx, rep, add, leftover); err != nil {
		return nil, err
	}
	sortProblems()
	return rep, nil
}

// verifyReports checks the documents' reports: each names a report of its
// own site that is one (not a listing, not a rendition of another), and
// the index agrees with doc.json — or a regrouping was interrupted, which
// is a leftover. It counts what Regroup would change.
func (a *Archive) verifyReports(ctx context.Context, rep *VerifyReport, add, leftover func(file, format string, args ...any)) error {
	g, docs, onDisk, err := a.planRegroup(ctx)
	if err != nil {
		return err
	}
	rep.Ungrouped = len(g.Changes)
	byID := map[string]Doc{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	for _, d := range docs {
		name := path.Join(d.Dir, "doc.json")
		f, ok := onDisk[d.ID]
		if !ok {
			continue // reported with the document's files
		}
		if f.Report != d.Report || f.Role != d.Role {
			leftover(name, "names report %q, role %q; the index %q, %q: an interrupted regrouping (`nianbao archive migrate` finishes it)", f.Report, f.Role, d.Report, d.Role)
			continue
		}
		if d.Report == "" {
			continue
		}
		r, ok := byID[d.Report]
		switch {
		case d.Role == RoleListing:
			add(name, "a listing cannot be a rendition of report %s", d.Report)
		case d.Report == d.ID:
			add(name, "names itself as its report")
		case !ok:
			add(name, "names report %s, which the archive does not have", d.Report)
		case r.Site != d.Site:
			add(name, "names report %s of site %s, not %s", d.Report, r.Site, d.Site)
		case r.Role == RoleListing || r.Report != "":
			add(name, "names %s as its report, which is a listing or a rendition itself", d.Report)
		}
	}
	return nil
}

func checkRaw(fsys fs.FS, r *Raw) error {
	data, err := fs.ReadFile(fsys, r.Path)
	if err != nil {
		return fmt.Errorf("missing: %v", unwrapPathErr(err))
	}
	raw, err := rawBytes(r.Path, data)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != r.SHA256 || len(raw) != r.Bytes {
		return fmt.Errorf("raw bytes hash to %s (%d bytes), metadata says %s (%d bytes)", got, len(raw), r.SHA256, r.Bytes)
	}
	for i, p := range r.Parts {
		if p.Offset < 0 || p.Offset+p.Bytes > len(raw) {
			return fmt.Errorf("part %d (%s) lies outside the raw bytes", i+1, p.URL)
		}
		ps := sha256.Sum256(raw[p.Offset : p.Offset+p.Bytes])
		if got := hex.EncodeToString(ps[:]); got != p.SHA256 {
			return fmt.Errorf("part %d (%s) hashes to %s, metadata says %s", i+1, p.URL, got, p.SHA256)
		}
	}
	return nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// ReadRaw returns the raw response bytes a version was extracted from.
func (a *Archive) ReadRaw(v Version) ([]byte, error) {
	if v.Raw == nil {
		return nil, fmt.Errorf("archive: %s@v%d has no raw bytes", v.Doc, v.Version)
	}
	data, err := fs.ReadFile(a.files, v.Raw.Path)
	if err != nil {
		return nil, fmt.Errorf("archive: read %s: %w", v.Raw.Path, err)
	}
	raw, err := rawBytes(v.Raw.Path, data)
	if err != nil {
		return nil, fmt.Errorf("archive: %s: %w", v.Raw.Path, err)
	}
	return raw, nil
}

// rawBytes undoes the compression of a raw file: a page's body is kept
// gzip-compressed (.raw.gz), a file as it was received.
func rawBytes(name string, data []byte) ([]byte, error) {
	if !strings.HasSuffix(name, ".raw.gz") {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not gzip: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("corrupt gzip: %v", err)
	}
	return raw, nil
}

// encodeJSON is how the archive writes metadata: indented, UTF-8 as is, one
// trailing newline, so files diff and grep well.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// setAsideMarkRe names a commit mark a crash tore, kept aside by the next
// Open (dropUnsyncedMark): vN.json.corrupt-<time>.
var setAsideMarkRe = regexp.MustCompile(`^v\d+\.json` + regexp.QuoteMeta(corruptMarker))

func docID(dir string) string {
	_, _, id := docDirParts(dir)
	return id
}

// indexHas reports whether the index lists version n of a document (false
// without an index).
func (a *Archive) indexHas(ctx context.Context, id string, n int) bool {
	if a.index == nil {
		return false
	}
	latest, err := a.index.LatestVersion(ctx, id)
	return err == nil && latest >= n
}
