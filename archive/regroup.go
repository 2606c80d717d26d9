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
// (Similarity at least SameReport, the same kind and year) joins that
// report; a file without text joins its page's one report of its kind and
// year; a file no page lists joins the report of its site and year whose
// text is the same. What is grouped already stays so (see planGroups). With apply false nothing is written (verify reports
// the plan); with apply it rewrites each changed doc.json (a durable
// replace, one at a time) and then the document's index row, so that a
// kill at any moment leaves an archive that verifies, and running it again
// finishes the rest: it is idempotent. Version files are never touched.
func (a *Archive) Regroup(ctx context.Context, apply bool) (Regrouping, error) {
	if err := a.noIndex(); err != nil {
		return Regrouping{}, err
	}
	if a.index == nil {
		return Regrouping{}, nil // a reader of an archive that does not exist yet
	}
	if apply && a.ro {
		return Regrouping{}, ErrReadOnly
	}
	g, _, _, err := a.planRegroup(ctx)
	if err != nil || !apply {
		return g, err
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

// planRegroup is Regroup's plan, with the documents the index lists and
// their doc.json files as read (the documents whose doc.json could not be
// read are not among them: they are g.Skipped).
func (a *Archive) planRegroup(ctx context.Context) (g Regrouping, docs []Doc, onDisk map[string]Doc, err error) {
	docs, err = a.index.Docs(ctx, Filter{})
	if err != nil {
		return g, nil, nil, err
	}
	all, err := a.index.Versions(ctx, Filter{})
	if err != nil {
		return g, nil, nil, err
	}
	vers := map[string][]Version{}
	for _, v := range all {
		vers[v.Doc] = append(vers[v.Doc], v)
	}
	// The files are the truth: a doc.json an interrupted regrouping
	// rewrote is ahead of its index row.
	onDisk = map[string]Doc{}
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
		return g, nil, nil, err
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
	return g, docs, onDisk, nil
}

// applyMembership rewrites a document's doc.json (when it differs) and
// then its index row, under the document's lock.
func (a *Archive) applyMembership(ctx context.Context, m Membership) error {
	defer a.lockDoc(m.Doc)()
	d, err := a.readDocJSON(m.Dir)
	if err != nil {
		return err
	}
	d.Report, d.Role, d.Grouped = m.Report, m.Role, true
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
// A document whose membership was decided (Doc.Grouped: by the crawl that
// archived it, or by an earlier regrouping) keeps it, and two reports that
// hold such documents are never merged; a page that a document names as
// its report is never made a listing. So every change is a document of an
// earlier release becoming a listing that nothing names, or joining a
// report that stays one: each valid alone, in any order, which is what
// makes a killed regrouping leave an archive that verifies.
func (a *Archive) planGroups(docs []Doc, onDisk map[string]Doc, vers map[string][]Version) (map[string]Membership, error) {
	byID := map[string]Doc{}
	for _, d := range docs {
		if f, ok := onDisk[d.ID]; ok {
			d.Report, d.Role, d.Grouped = f.Report, f.Role, f.Grouped || f.Report != "" || f.Role != ""
			byID[d.ID] = d
		}
	}
	named := map[string]bool{}
	for _, d := range byID {
		if d.Report != "" {
			named[d.Report] = true
		}
	}
	latest := func(id string) (Version, bool) {
		vs := vers[id]
		if len(vs) == 0 {
			return Version{}, false
		}
		return vs[len(vs)-1], true
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
	// Union-find over the renditions, seeded with the reports there are.
	parent := map[string]string{}
	decided := map[string]bool{} // a root's group holds a decided document
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
	link := func(x, y string) {
		if rx, ry := find(x), find(y); rx != ry {
			parent[rx] = ry
			decided[ry] = decided[ry] || decided[rx]
		}
	}
	for id, d := range byID {
		decided[id] = d.Grouped
	}
	for id, d := range byID {
		if d.Report != "" && role[id] != RoleListing {
			if r, ok := byID[d.Report]; ok && r.Site == d.Site && r.Role != RoleListing {
				link(id, d.Report)
			}
		}
	}
	union := func(x, y string) {
		rx, ry := find(x), find(y)
		switch {
		case rx == ry, role[x] == RoleListing, role[y] == RoleListing:
		case decided[rx] && decided[ry]:
			// Two reports a crawl (or a regrouping) decided stay two.
		default:
			link(x, y)
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
	// Each page with files, as a crawl reads it: is it a stub, which of
	// its files are one report. Texts are read a page at a time.
	for _, page := range slices.Sorted(maps.Keys(listed)) {
		if err := a.planPage(page, listed[page], byID, latest, role, named, find, union); err != nil {
			return nil, err
		}
	}
	// Files no page lists (linked straight from a list): each joins the
	// report of its site and year whose text is the same report's, as a
	// crawl's does. Texts are read a site and year at a time.
	if err := a.planListed(byID, listed, latest, role, find, union); err != nil {
		return nil, err
	}
	// Each group's report is the one its decided documents belong to, else
	// the document others name, else its page, else its first archived.
	groups := map[string][]Doc{}
	for _, d := range sortedDocs(byID) {
		if role[d.ID] != RoleListing {
			groups[find(d.ID)] = append(groups[find(d.ID)], d)
		}
	}
	out := map[string]Membership{}
	for _, g := range groups {
		head := slices.MinFunc(g, func(x, y Doc) int {
			return cmp.Or(cmp.Compare(headRank(x, named, latest), headRank(y, named, latest)),
				x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.ID, y.ID))
		})
		if i := slices.IndexFunc(g, func(d Doc) bool { return d.Grouped }); i >= 0 {
			head = byID[g[i].ReportID()]
		}
		for _, d := range g {
			m := Membership{Doc: d.ID, Dir: d.Dir}
			if d.ID != head.ID {
				m.Report = head.ID
			}
			if d.Grouped {
				m.Report = d.Report // decided: kept
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

// planPage decides, for one page and the files it lists, as a crawl does
// (harvest): whether the page, if no decision was made about it, is a
// stub — its text only announces its files (IsStub), none of its files
// holds its text, and no document names it as its report — and which of
// its files are one report: a file with text joins the page's report or
// an earlier file's whose text is the same (Similarity at least
// SameReport, the same kind and year), a file without text the page's one
// report of its kind and year.
func (a *Archive) planPage(page string, files []string, byID map[string]Doc, latest func(string) (Version, bool),
	role map[string]string, named map[string]bool, find func(string) string, union func(x, y string)) error {
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
	pv, pageOK := latest(page)
	pageText := ""
	if pageOK && pv.File == nil && pv.TextStatus == "" {
		t, err := text(pv)
		if err != nil {
			return err
		}
		pageText = t
	}
	if pageText != "" && !byID[page].Grouped && !named[page] && role[page] != RoleListing {
		var names []string
		carries := false
		for _, f := range files {
			fv, ok := latest(f)
			if !ok || fv.File == nil {
				continue
			}
			names = append(names, fv.File.LinkText, fv.File.Name)
			if fv.File.SameTextAs != nil && fv.File.SameTextAs.Doc == page {
				carries = true
			} else if t, err := text(fv); err != nil {
				return err
			} else if t != "" && Similarity(pageText, t) >= SameReport {
				carries = true
			}
		}
		if !carries && IsStub(pageText, names) {
			role[page] = RoleListing
		}
	}
	type cand struct {
		id, text, kind string
		year           int
	}
	var cands []cand
	if pageOK && role[page] != RoleListing {
		t := pageText
		cands = append(cands, cand{page, t, pv.Kind, pv.Year})
	}
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
			return err
		}
		m := NewMatch(t, fv.Kind, fv.Year)
		for _, c := range cands {
			if find(c.id) != find(f) {
				m.Try(c.id, c.text, c.kind, c.year)
			}
		}
		if m.ID != "" {
			union(f, m.ID)
		}
		cands = append(cands, cand{f, t, fv.Kind, fv.Year})
	}
	for _, f := range scans {
		fv, _ := latest(f)
		var match []string
		for _, c := range cands {
			if r := find(c.id); SameKindAndYear(c.kind, c.year, fv.Kind, fv.Year) && !slices.Contains(match, r) {
				match = append(match, r)
			}
		}
		if len(match) == 1 {
			union(f, match[0])
		}
	}
	return nil
}

// planListed groups the files of an earlier release that no page lists
// (linked straight from a list) with the documents of their site and
// year: a file whose text is another's (Similarity at least SameReport,
// the same kind) joins its report.
func (a *Archive) planListed(byID map[string]Doc, listed map[string][]string, latest func(string) (Version, bool),
	role map[string]string, find func(string) string, union func(x, y string)) error {
	onPage := map[string]bool{}
	for _, files := range listed {
		for _, f := range files {
			onPage[f] = true
		}
	}
	type siteYear struct {
		site string
		year int
	}
	batches := map[siteYear][]Doc{}
	for _, d := range sortedDocs(byID) {
		if v, ok := latest(d.ID); ok && v.HasText() && v.Year != 0 && role[d.ID] != RoleListing {
			k := siteYear{d.Site, v.Year}
			batches[k] = append(batches[k], d)
		}
	}
	keys := slices.Collect(maps.Keys(batches))
	slices.SortFunc(keys, func(x, y siteYear) int { return cmp.Or(cmp.Compare(x.site, y.site), cmp.Compare(x.year, y.year)) })
	for _, k := range keys {
		docs := batches[k]
		var loose []Doc
		for _, d := range docs {
			if v, _ := latest(d.ID); v.File != nil && !d.Grouped && !onPage[d.ID] {
				loose = append(loose, d)
			}
		}
		if len(loose) == 0 || len(docs) < 2 {
			continue
		}
		texts := map[string]string{}
		for _, d := range docs {
			v, _ := latest(d.ID)
			b, err := a.ReadText(v)
			if err != nil {
				return err
			}
			texts[d.ID] = string(b)
		}
		for _, f := range loose {
			fv, _ := latest(f.ID)
			m := NewMatch(texts[f.ID], fv.Kind, fv.Year)
			for _, c := range docs {
				if cv, _ := latest(c.ID); c.ID != f.ID && find(c.ID) != find(f.ID) {
					m.Try(c.ID, texts[c.ID], cv.Kind, cv.Year)
				}
			}
			if m.ID != "" {
				union(f.ID, m.ID)
			}
		}
	}
	return nil
}

// headRank orders a group's documents for its report's id: one others
// already name, then a page, then files.
func headRank(d Doc, named map[string]bool, latest func(string) (Version, bool)) int {
	if named[d.ID] {
		return 0
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
