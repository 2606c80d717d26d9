package daemon

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nianbao/nianbao/sites"
)

// FileProblems are the problems of one site file, each as
// "sites/<file>.yaml:<line>: <field>: <problem>", or as
// "sites/<file>.yaml: <problem>" for a file that was not read (not a
// regular file, a symlink to outside sites_dir, too large).
type FileProblems struct {
	File   string   `json:"file"`
	Errors []string `json:"errors"`
	// Site names the site whose last good version keeps running while the
	// file is broken; empty when the file never loaded.
	Site string `json:"site,omitempty"`
}

// siteState is one site in the registry.
type siteState struct {
	site *sites.Site // the last good version
	key  string      // the site's exported fields as JSON, to tell a changed file from an untouched one
	// problems of the site's file as it is now; nil when it loaded.
	problems []string
}

// registry is the set of sites the daemon knows, as of the last load of
// sites_dir. It is safe for concurrent use.
type registry struct {
	mu      sync.RWMutex
	sites   map[string]*siteState
	orphans map[string][]string // file → problems, for broken files whose site is not known
	dirErr  string              // the sites directory could not be read at the last load
	// sorted is sites in name order, built by apply: the status page and
	// the metrics read it on every request.
	sorted []registeredSite
}

func newRegistry() *registry {
	return &registry{sites: map[string]*siteState{}, orphans: map[string][]string{}}
}

// changeKind says what a load did to a site.
type changeKind string

const (
	siteAdded   changeKind = "added"
	siteChanged changeKind = "changed"
	siteRemoved changeKind = "removed"
	siteBroken  changeKind = "broken" // its file has problems now; the last good version is kept
	siteFixed   changeKind = "fixed"  // its file loads again (and may have changed too)
)

type change struct {
	kind changeKind
	name string
	site *sites.Site // the current version; nil when removed
	old  *sites.Site // the previous version; nil when added
}

// apply replaces the registry's contents with a load of the sites
// directory: loaded are the sites of the good files, probs the problems of
// the others. A site whose file is broken now keeps its last good version.
// It returns what changed, sorted by site name.
func (r *registry) apply(loaded []*sites.Site, probs sites.Problems) []change {
	byFile := probs.Files()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dirErr = ""
	next := make(map[string]*siteState, len(loaded))
	var changes []change
	for _, s := range loaded {
		st := &siteState{site: s, key: siteKey(s)}
		next[s.Name] = st
		old, ok := r.sites[s.Name]
		switch {
		case !ok:
			changes = append(changes, change{kind: siteAdded, name: s.Name, site: s})
		case old.problems != nil:
			changes = append(changes, change{kind: siteFixed, name: s.Name, site: s, old: old.site})
		case old.key != st.key:
			changes = append(changes, change{kind: siteChanged, name: s.Name, site: s, old: old.site})
		}
	}
	attached := map[string]bool{}
	for name, old := range r.sites {
		if _, ok := next[name]; ok {
			continue
		}
		if ps, broken := byFile[old.site.File]; broken {
			// The file that defined this site is there but broken: keep the
			// last good version running and show why the file is not used.
			errs := problemStrings(ps)
			if old.problems == nil {
				changes = append(changes, change{kind: siteBroken, name: name, site: old.site, old: old.site})
			}
			next[name] = &siteState{site: old.site, key: old.key, problems: errs}
			attached[old.site.File] = true
			continue
		}
		changes = append(changes, change{kind: siteRemoved, name: name, old: old.site})
	}
	orphans := map[string][]string{}
	for file, ps := range byFile {
		if !attached[file] {
			orphans[file] = problemStrings(ps)
		}
	}
	r.sites, r.orphans = next, orphans
	r.sorted = make([]registeredSite, 0, len(next))
	for _, st := range next {
		r.sorted = append(r.sorted, registeredSite{site: st.site, problems: st.problems})
	}
	slices.SortFunc(r.sorted, func(a, b registeredSite) int { return strings.Compare(a.site.Name, b.site.Name) })
	sort.Slice(changes, func(i, j int) bool { return changes[i].name < changes[j].name })
	return changes
}

// empty reports whether no load has found a site or a problem yet.
func (r *registry) empty() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.sites) == 0 && len(r.orphans) == 0
}

// failDir records that the sites directory could not be read; the sites
// already known keep running.
func (r *registry) failDir(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dirErr = err.Error()
}

// site returns the current version of a site.
func (r *registry) site(name string) (*sites.Site, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	st, ok := r.sites[name]
	if !ok {
		return nil, false
	}
	return st.site, true
}

// get returns a site with the problems of its file.
func (r *registry) get(name string) (registeredSite, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	st, ok := r.sites[name]
	if !ok {
		return registeredSite{}, false
	}
	return registeredSite{site: st.site, problems: st.problems}, true
}

// registeredSite is a site with the problems of its file.
type registeredSite struct {
	site     *sites.Site
	problems []string
}

// list returns every site, sorted by name.
func (r *registry) list() []registeredSite {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.sorted)
}

// problems returns every broken file, sorted by file name, and the error
// reading the directory if the last load could not.
func (r *registry) problems() ([]FileProblems, string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []FileProblems
	for _, st := range r.sites {
		if st.problems != nil {
			out = append(out, FileProblems{File: st.site.File, Errors: st.problems, Site: st.site.Name})
		}
	}
	for file, errs := range r.orphans {
		out = append(out, FileProblems{File: file, Errors: errs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, r.dirErr
}

func problemStrings(ps sites.Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Error()
	}
	return out
}

// siteKey is what tells two versions of a site apart: every field a site
// file can set, with defaults applied.
func siteKey(s *sites.Site) string {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%p", s) // cannot happen: a Site is plain data
	}
	return string(b)
}

// dirStamp is a fingerprint of the site files in dir: a hash of their names,
// sizes and modification times, and how many there are. Comparing stamps is
// how the daemon notices a file added, removed or edited.
func dirStamp(dir string) (stamp uint64, files int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		h := fnv.New64a()
		h.Write([]byte("error: " + err.Error()))
		return h.Sum64(), 0
	}
	h := fnv.New64a()
	var buf [8]byte
	for _, e := range entries {
		if !sites.IsSiteFile(e.Name()) { // a directory named x.yaml too: it is reported
			continue
		}
		files++
		h.Write([]byte(e.Name()))
		h.Write([]byte{0})
		fi, err := e.Info()
		if err != nil {
			h.Write([]byte{'?'})
			continue
		}
		binary.LittleEndian.PutUint64(buf[:], uint64(fi.Size()))
		h.Write(buf[:])
		binary.LittleEndian.PutUint64(buf[:], uint64(fi.ModTime().UnixNano()))
		h.Write(buf[:])
	}
	return h.Sum64(), files
}

// dirModTime is the modification time of dir itself, which changes when a
// file is added, removed or renamed into it (editors that save by renaming
// a temporary file included), but not when a file is rewritten in place.
func dirModTime(dir string) time.Time {
	fi, err := os.Stat(dir)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}
