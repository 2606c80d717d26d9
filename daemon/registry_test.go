package daemon

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/sites"
)

// TestRegistryApply drives one registry through a sequence of sites
// directories, as a person editing files would, checking each step's
// changes, the sites kept, and the files reported.
func TestRegistryApply(t *testing.T) {
	good := func(name, sched string) string {
		return fmt.Sprintf("name: %s\nstart: https://%s.gov.cn/list/\nschedule: %q\n", name, name, sched)
	}
	steps := []struct {
		name        string
		files       map[string]string
		wantChanges []string // "kind name"
		wantSites   []string // "name schedule [broken]"
		wantProbs   []string // "file site"
	}{
		{"first load", map[string]string{"a.yaml": good("a", "@daily"), "b.yaml": good("b", "@daily")},
			[]string{"added a", "added b"}, []string{"a @daily", "b @daily"}, nil},
		{"nothing changed", map[string]string{"a.yaml": good("a", "@daily"), "b.yaml": good("b", "@daily")},
			nil, []string{"a @daily", "b @daily"}, nil},
		{"a's schedule changed", map[string]string{"a.yaml": good("a", "@every 6h"), "b.yaml": good("b", "@daily")},
			[]string{"changed a"}, []string{"a @every 6h", "b @daily"}, nil},
		{"a broken: its last good version stays", map[string]string{"a.yaml": "name: a\nstart: ftp://x\n", "b.yaml": good("b", "@daily")},
			[]string{"broken a"}, []string{"a @every 6h broken", "b @daily"}, []string{"sites/a.yaml a"}},
		{"still broken, differently", map[string]string{"a.yaml": "name: a\nstart: [\n", "b.yaml": good("b", "@daily")},
			nil, []string{"a @every 6h broken", "b @daily"}, []string{"sites/a.yaml a"}},
		{"a file that never loaded", map[string]string{"a.yaml": "name: a\nstart: [\n", "b.yaml": good("b", "@daily"), "c.yaml": "name: c\n"},
			nil, []string{"a @every 6h broken", "b @daily"}, []string{"sites/a.yaml a", "sites/c.yaml "}},
		{"a fixed with a new schedule", map[string]string{"a.yaml": good("a", "@hourly"), "b.yaml": good("b", "@daily"), "c.yaml": "name: c\n"},
			[]string{"fixed a"}, []string{"a @hourly", "b @daily"}, []string{"sites/c.yaml "}},
		{"a duplicate name is the second file's problem", map[string]string{"a.yaml": good("a", "@hourly"), "b.yaml": good("b", "@daily"), "d.yaml": good("a", "@daily")},
			nil, []string{"a @hourly", "b @daily"}, []string{"sites/d.yaml "}},
		{"b removed", map[string]string{"a.yaml": good("a", "@hourly")},
			[]string{"removed b"}, []string{"a @hourly"}, nil},
		{"a's file renamed, same site", map[string]string{"z.yaml": good("a", "@hourly")},
			[]string{"changed a"}, []string{"a @hourly"}, nil},
		{"a's broken file deleted", map[string]string{},
			[]string{"removed a"}, nil, nil},
	}
	r := newRegistry()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, content := range st.files {
				fsys[name] = &fstest.MapFile{Data: []byte(content)}
			}
			loaded, err := sites.Load(context.Background(), fsys, "sites", sites.Defaults{Schedule: "@daily", MaxPages: 1, Timeout: 1})
			var probs sites.Problems
			if err != nil && !errors.As(err, &probs) {
				t.Fatal(err)
			}
			var changes []string
			for _, c := range r.apply(loaded, probs) {
				changes = append(changes, string(c.kind)+" "+c.name)
			}
			if !reflect.DeepEqual(changes, st.wantChanges) {
				t.Errorf("changes %q, want %q", changes, st.wantChanges)
			}
			var got []string
			for _, rs := range r.list() {
				s := rs.site.Name + " " + rs.site.Schedule
				if rs.problems != nil {
					s += " broken"
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, st.wantSites) {
				t.Errorf("sites %q, want %q", got, st.wantSites)
			}
			fps, _ := r.problems()
			var gotProbs []string
			for _, p := range fps {
				gotProbs = append(gotProbs, p.File+" "+p.Site)
				for _, e := range p.Errors {
					if !strings.HasPrefix(e, p.File+":") {
						t.Errorf("problem %q does not start with its file:line", e)
					}
				}
			}
			sort.Strings(gotProbs)
			if !reflect.DeepEqual(gotProbs, st.wantProbs) {
				t.Errorf("problem files %q, want %q", gotProbs, st.wantProbs)
			}
		})
	}
}

func TestJitterOffset(t *testing.T) {
	tests := []struct {
		jitter time.Duration
	}{{0}, {time.Second}, {10 * time.Minute}}
	for _, tt := range tests {
		t.Run(tt.jitter.String(), func(t *testing.T) {
			distinct := map[time.Duration]bool{}
			for i := range 50 {
				name := fmt.Sprintf("site-%d", i)
				off := jitterOffset(name, tt.jitter)
				if off != jitterOffset(name, tt.jitter) {
					t.Fatalf("%s: offset not stable", name)
				}
				if off < 0 || (tt.jitter > 0 && off >= tt.jitter) || (tt.jitter == 0 && off != 0) {
					t.Fatalf("%s: offset %v outside [0, %v)", name, off, tt.jitter)
				}
				distinct[off] = true
			}
			if tt.jitter > 0 && len(distinct) < 40 {
				t.Errorf("50 sites got only %d distinct offsets: not spread", len(distinct))
			}
		})
	}
}
