package strictyaml

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type inner struct {
	Delay Duration `yaml:"delay"`
	Pages int      `yaml:"pages"`
}

type outer struct {
	Name  string     `yaml:"name"`
	Start StringList `yaml:"start"`
	On    bool       `yaml:"on"`
	Tags  []string   `yaml:"tags"`
	In    inner      `yaml:"in"`
	Skip  string     `yaml:"-"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		want  outer
		pos   Positions
		probs []string
	}{
		{"good", "name: a\nstart: http://x/\non: true\ntags: [p, q]\nin:\n  delay: 1m30s\n  pages: 3\n",
			outer{Name: "a", Start: StringList{"http://x/"}, On: true, Tags: []string{"p", "q"}, In: inner{Delay: Duration(90 * time.Second), Pages: 3}},
			Positions{"name": 1, "start": 2, "on": 3, "tags": 4, "tags[0]": 4, "tags[1]": 4, "in": 5, "in.delay": 6, "in.pages": 7}, nil},
		{"empty", "", outer{}, Positions{}, nil},
		{"comments only", "# nothing\n", outer{}, Positions{}, nil},
		{"every problem", "nmae: a\nstart: {x: 1}\non: yes please\ntags: p\nin:\n  delay: 5\n  pages: 1.5\n  extra: 1\nSkip: x\n",
			outer{}, nil, []string{
				`1: nmae: unknown field (did you mean "name"?)`,
				`2: start: must be a string or a list of strings, got a mapping`,
				`3: on: must be true or false, got "yes please"`,
				`4: tags: must be a list, got the value "p"`,
				`6: in.delay: invalid duration "5"`,
				`7: in.pages: must be a whole number, got "1.5"`,
				`8: in.extra: unknown field`,
				`9: Skip: unknown field`,
			}},
		{"key twice", "start: http://a/\nname: a\nstart: [http://b/, http://c/]\n", outer{}, nil, []string{
			`3: start: given twice (first at line 1)`,
		}},
		{"key twice in a nested mapping", "in:\n  delay: 1s\n  pages: 2\n  delay: 3s\n", outer{}, nil, []string{
			`4: in.delay: given twice (first at line 2)`,
		}},
		{"mapping twice", "in:\n  pages: 2\nname: a\nin:\n  delay: 3s\n", outer{}, nil, []string{
			`4: in: given twice (first at line 1)`,
		}},
		{"key three times", "on: true\non: false\non: true\n", outer{}, nil, []string{
			`2: on: given twice (first at line 1)`,
			`3: on: given 3 times (first at line 1)`,
		}},
		{"not a mapping", "- a\n- b\n", outer{}, nil, []string{"1: must be a mapping"}},
		{"two documents", "name: a\n---\nname: b\n", outer{}, nil, []string{"2: more than one YAML document"}},
		{"syntax", "name: a\n  b: c\n", outer{}, nil, []string{"2: invalid YAML: mapping values are not allowed in this context"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got outer
			pos, probs := Decode([]byte(tt.doc), &got)
			var msgs []string
			for _, p := range probs {
				msgs = append(msgs, p.Error())
			}
			if len(msgs) != len(tt.probs) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(tt.probs, "\n"))
			}
			for i := range msgs {
				if !strings.HasPrefix(msgs[i], tt.probs[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, msgs[i], tt.probs[i])
				}
			}
			if tt.probs != nil {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decoded %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(pos, tt.pos) {
				t.Errorf("positions %v, want %v", pos, tt.pos)
			}
		})
	}
}
