package archive

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
)

// Regrouping is what Regroup changes, or would: the documents that become
// listings (stub pages) and the renditions that join another document's
// report, of an archive written before reports were (every page and every
// file its own document), or of documents a crawl could not group.
type Regrouping struct {
	Listings   int // documents that become listings
	Renditions int // documents that join another's report
	// Reports is how many reports the documents make once regrouped.
	Reports int
	// Changes are the documents whose doc.json or index row is to change,
	// in order.
	Changes []Membership
	// Skipped names documents left as they are, with why: a doc.json that
	// cannot be read (verify --repair rewrites it first).
	Skipped []Problem
}

// Membership is where a document belongs: the report it is a rendition
// of ("" for its own) and its role (RoleListing for a stub page).
type Membership struct {
	Doc    string `json:"doc"`
	Dir    string `json:"dir"`
	Report string `json:"report,omitempty"`
	Role   string `json:"role,omitempty"`
	// Files is set when doc.json must change, not only the index.
	Files bool `json:"-"`
}

// Regroup groups the archive's documents into reports, as a crawl of
// today groups what it finds (see the harvest package): a page that only
// announces its files (IsStub) becomes their listing; a file whose text is
// its page's (same_text_as) or another file's on the same page
// (Similarity at least SameReport) joins that report; a file without text
// joins its page's one report of its kind and year. What is grouped
// already stays so. With apply false nothing is written (verify reports
// the plan); with apply it rewrites each changed doc.json (a durable
// replace, one at a time) and then the document's index row, so that a
// kill at any moment leaves an archive that verifies, and running it again
// finishes the rest: it is idempotent. Version files are never touched.
func (a *Archive) Regroup(ctx context.Context, apply bool) (Regrouping, error) {
	var g Regrouping
	if err := a.noIndex(); err != nil {
		return g, err
	}
	if a.index == nil {
		return g, nil // a reader of an archive that does not exist yet
	}
	if apply && a.ro {
		return g, ErrReadOnly
	}
	docs, err := a.index.Docs(ctx, Filter{})
	if err != nil {
		return g, err
	}
	all, err := a.index.Versions(ctx, Filter{})
	if err != nil {
		return g, err
	}
	vers := map[string][]Version{}
	for _, v := range all {
		vers[v.Doc] = append(vers[v.Doc], v)
	}
	// The files are the truth: a doc.json an interrupted regrouping
	// rewrote is ahead of its index row.
	onDisk := map[string]Doc{}
	for _, d := range docs {
		f, err := a.readDocJSON(d.Dir)
		if err != nil {
			g.Skipped = append(g.Skipped, Problem{File: path.Join(d.Dir, "doc.json"), Msg: err.Error()})
			continue
		}
		onDisk[d.ID] = f
	}
	want, err := a.planGroups(docs, onDisk, vers)
	if err != nil {
		return g, err
	}
	heads := map[string]bool{}
	for _, d := range docs {
		m, ok := want[d.ID]
		f, read := onDisk[d.ID]
		if !ok || !read {
			continue
		}
		switch {
		case m.Role == RoleListing:
			if f.Role != RoleListing {
				g.Listings++
			}
		case m.Report != "":
			if f.Report != m.Report {
				g.Renditions++
			}
		default:
			heads[d.ID] = true
		}
		if f.Report != m.Report || f.Role != m.Role || d.Report != m.Report || d.Role != m.Role {
			m.Files = f.Report != m.Report || f.Role != m.Role
			g.Changes = append(g.Changes, m)
		}
	}
	g.Reports = len(heads)
	if !apply {
		return g, nil
	}
	for _, m := range g.Changes {
		if err := ctx.Err(); err != nil {
			return g, err
		}
		if err := a.applyMembership(ctx, m); err != nil {
			return g, err
		}
	}
	return g, nil
}

// applyMembership rewrites a document's doc.json (when it differs) and
// then its index row, under the document's lock.
func (a *Archive) applyMembership(ctx context.Context, m Membership) error {
	defer a.lockDoc(m.Doc)()
	d, err := a.readDocJSON(m.Dir)
	if err != nil {
		return err
	}
	d.Report, d.Role = m.Report, m.Role
	if m.Files {
		if err := a.writeDocFile(d); err != nil {
			return fmt.Errorf("archive: regroup %s: %w", m.Doc, err)
		}
	}
	row, ok, err := a.index.Doc(ctx, m.Doc)
	if err != nil || !ok {
		return err
	}
	row.Report, row.Role = m.Report, m.Role
	row.Sources = nil
	return a.index.Commit(ctx, Change{Doc: &row})
}

// readDocJSON reads and checks the doc.json in dir, as written (without
// the sources log's lines).
func (a *Archive) readDocJSON(dir string) (Doc, error) {
	var d Doc
	data, err := fs.ReadFile(a.files, path.Join(dir, "doc.json"))
	if err != nil {
		return d, fmt.Errorf("unreadable: %s", innerErr(err))
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("unreadable: %s", innerErr(err))
	}
	if err := checkDoc(d, dir); err != nil {
		return d, err
	}
	return d, nil
}

// planGroups decides every readable document's membership (see Regroup).
func (a *Archive) planGroups(docs []Doc, onDisk map[string]Doc, vers map[string][]Version) (map[string]Membership, error) {
	byID := map[string]Doc{}
	for _, d := range docs {
		if f, ok := onDisk[d.ID]; ok {
			d.Report, d.Role = f.Report, f.Role
			byID[d.ID] = d
		}
	}
	latest := func(id string) (Version, bool) {
		vs := vers[id]
		if len(vs) == 0 {
			return Version{}, false
		}
		return vs[len(vs)-1], true
	}
	texts := map[string]string{}
	text := func(v Version) (string, error) {
		if !v.HasText() {
			return "", nil
		}
		if t, ok := texts[v.Doc]; ok {
			return t, nil
		}
		b, err := a.ReadText(v)
		if err != nil {
			return "", err
		}
		texts[v.Doc] = string(b)
		return string(b), nil
	}
	// The files each page lists, in the order they were archived.
	listed := map[string][]string{}
	for _, d := range sortedDocs(byID) {
		for _, v := range vers[d.ID] {
			if v.File != nil && v.File.ListedOnDoc != "" && v.File.ListedOnDoc != d.ID {
				if _, ok := byID[v.File.ListedOnDoc]; ok && !slices.Contains(listed[v.File.ListedOnDoc], d.ID) {
					listed[v.File.ListedOnDoc] = append(listed[v.File.ListedOnDoc], d.ID)
				}
			}
		}
	}
	role := map[string]string{}
	for id, d := range byID {
		role[id] = d.Role
	}
	// Stub pages become listings.
	for page, files := range listed {
		v, ok := latest(page)
		if !ok || v.File != nil || v.TextStatus != "" || role[page] == RoleListing {
			continue
		}
		var names []string
		for _, f := range files {
			if fv, ok := latest(f); ok && fv.File != nil {
				names = append(names, fv.File.LinkText, fv.File.Name)
			}
		}
		t, err := text(v)
		if err != nil {
			return nil, err
		}
		if IsStub(t, names) {
			role[page] = RoleListing
		}
	}
	// Union-find over the renditions, seeded with the groups there are.
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	union := func(x, y string) {
		if role[x] == RoleListing || role[y] == RoleListing {
			return
		}
		if rx, ry := find(x), find(y); rx != ry {
			parent[rx] = ry
		}
	}
	for id, d := range byID {
		if d.Report != "" && role[id] != RoleListing {
			if r, ok := byID[d.Report]; ok && r.Site == d.Site {
				union(id, d.Report)
			}
		}
	}
	for _, d := range sortedDocs(byID) {
		for _, v := range vers[d.ID] {
			if v.File != nil && v.File.SameTextAs != nil {
				if p, ok := byID[v.File.SameTextAs.Doc]; ok && p.Site == d.Site {
					union(d.ID, p.ID)
				}
			}
		}
	}
	// The files on each page, as a crawl groups them: texts first.
	for _, page := range slices.Sorted(maps.Keys(listed)) {
		type cand struct {
			id, text, kind string
			year           int
		}
		var cands []cand
		if pv, ok := latest(page); ok && role[page] != RoleListing {
			t, err := text(pv)
			if err != nil {
				return nil, err
			}
			if pv.TextStatus != "" {
				t = ""
			}
			cands = append(cands, cand{page, t, pv.Kind, pv.Year})
		}
		files := listed[page]
		var scans []string
		for _, f := range files {
			fv, ok := latest(f)
			if !ok || role[f] == RoleListing {
				continue
			}
			if !fv.HasText() {
				scans = append(scans, f)
				continue
			}
			t, err := text(fv)
			if err != nil {
				return nil, err
			}
			best, bestSim := "", 0.0
			for _, c := range cands {
				if c.text == "" || find(c.id) == find(f) {
					continue
				}
				if sim := Similarity(c.text, t); sim >= SameReport && sim > bestSim {
					best, bestSim = c.id, sim
				}
			}
			if best != "" {
				union(f, best)
			}
			cands = append(cands, cand{f, t, fv.Kind, fv.Year})
		}
		for _, f := range scans {
			fv, _ := latest(f)
			var match []string
			for _, c := range cands {
				r := find(c.id)
				if (fv.Kind == "other" || c.kind == "other" || c.kind == fv.Kind) && (fv.Year == 0 || c.year == 0 || c.year == fv.Year) && !slices.Contains(match, r) {
					match = append(match, r)
				}
			}
			if len(match) == 1 {
				union(f, match[0])
			}
		}
	}
	// Each group's report is the document its members already name, else
	// its page, else its first archived.
	groups := map[string][]Doc{}
	for _, d := range sortedDocs(byID) {
		if role[d.ID] != RoleListing {
			groups[find(d.ID)] = append(groups[find(d.ID)], d)
		}
	}
	out := map[string]Membership{}
	for _, g := range groups {
		head := slices.MinFunc(g, func(x, y Doc) int {
			return cmp.Or(cmp.Compare(headRank(x, g, latest), headRank(y, g, latest)),
				x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.ID, y.ID))
		})
		for _, d := range g {
			m := Membership{Doc: d.ID, Dir: d.Dir}
			if d.ID != head.ID {
				m.Report = head.ID
			}
			out[d.ID] = m
		}
	}
	for id, d := range byID {
		if role[id] == RoleListing {
			out[id] = Membership{Doc: id, Dir: d.Dir, Role: RoleListing}
		}
	}
	return out, nil
}

// headRank orders a group's documents for its report's id: the one the
// others already name, then a page, then files.
func headRank(d Doc, g []Doc, latest func(string) (Version, bool)) int {
	for _, o := range g {
		if o.Report == d.ID {
			return 0
		}
	}
	if v, ok := latest(d.ID); ok && v.File == nil {
		return 1
	}
	return 2
}

// sortedDocs lists documents by creation, then id: the order a crawl
// archived them in.
func sortedDocs(m map[string]Doc) []Doc {
	out := make([]Doc, 0, len(m))
	for _, d := range m {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Doc) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)) })
	return out
}
