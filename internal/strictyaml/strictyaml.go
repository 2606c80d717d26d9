package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Problem is one error in a document.
type Problem struct {
	Line  int    // 1-based line of the offending key or value
	Field string // dotted field path, "" for the document itself
	Msg   string
}

func (p Problem) Error() string {
	if p.Field == "" {
		return fmt.Sprintf("%d: %s", p.Line, p.Msg)
	}
	return fmt.Sprintf("%d: %s: %s", p.Line, p.Field, p.Msg)
}

// Positions maps a dotted field path to the line of its key, and each item
// of a list to its own line as "field[i]". A path that is absent was not
// written in the document.
type Positions map[string]int

// Line returns the line of field, or def when the field was not written.
func (p Positions) Line(field string, def int) int {
	if l, ok := p[field]; ok {
		return l
	}
	return def
}

// Has reports whether field was written in the document.
func (p Positions) Has(field string) bool {
	_, ok := p[field]
	return ok
}

var lineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Decode parses data and decodes its single document into the struct that v
// points to. Fields are matched by their `yaml:"name"` tag; keys without a
// matching field are problems, and so is a key written twice in one mapping
// (at any depth), reported at its second line and naming the first: YAML
// requires unique keys, and letting the last one win would silently drop
// the first one's value. A nil or empty document decodes to nothing and
// is not a problem. Fields of struct type are decoded recursively, unless they
// implement yaml.Unmarshaler.
func Decode(data []byte, v any) (Positions, []Problem) {
	pos := Positions{}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return pos, nil // an empty file
		}
		return pos, []Problem{syntaxProblem(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return pos, []Problem{{Line: extra.Line, Msg: "more than one YAML document in the file"}}
	}
	n := &doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return pos, nil
		}
		n = n.Content[0]
	}
	var probs []Problem
	decodeStruct(n, reflect.ValueOf(v).Elem(), "", pos, &probs)
	return pos, probs
}

func syntaxProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return Problem{Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return Problem{Line: 1, Msg: "invalid YAML: " + msg}
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func decodeStruct(n *yaml.Node, rv reflect.Value, prefix string, pos Positions, probs *[]Problem) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		field := prefix
		*probs = append(*probs, Problem{Line: n.Line, Field: field, Msg: "must be a mapping of key: value lines, got " + kindName(n)})
		return
	}
	fields := map[string]int{}
	rt := rv.Type()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = i
		}
	}
	type occurrence struct{ first, times int }
	seen := make(map[string]occurrence, len(n.Content)/2) // key → its first line, and how often so far
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		// YAML says the keys of a mapping are unique; the YAML library
		// does not check them in a node tree, and the last one would win,
		// silently dropping (say) a whole start list.
		if o, dup := seen[k.Value]; dup {
			o.times++
			seen[k.Value] = o
			count := "twice"
			if o.times > 2 {
				count = fmt.Sprintf("%d times", o.times)
			}
			*probs = append(*probs, Problem{Line: k.Line, Field: path, Msg: fmt.Sprintf("given %s (first at line %d)", count, o.first)})
			continue
		}
		seen[k.Value] = occurrence{first: k.Line, times: 1}
		fi, ok := fields[k.Value]
		if !ok {
			*probs = append(*probs, Problem{Line: k.Line, Field: path, Msg: "unknown field" + suggest(k.Value, fields)})
			continue
		}
		pos[path] = k.Line
		if val.Kind == yaml.SequenceNode {
			for j, item := range val.Content {
				pos[fmt.Sprintf("%s[%d]", path, j)] = item.Line
			}
		}
		fv := rv.Field(fi)
		if fv.Kind() == reflect.Struct && !reflect.PointerTo(fv.Type()).Implements(unmarshalerType) {
			decodeStruct(val, fv, path, pos, probs)
			continue
		}
		if msg := checkKind(val, fv.Type()); msg != "" {
			*probs = append(*probs, Problem{Line: val.Line, Field: path, Msg: msg})
			continue
		}
		if err := val.Decode(fv.Addr().Interface()); err != nil {
			msg := err.Error()
			var te *yaml.TypeError
			if errors.As(err, &te) && len(te.Errors) > 0 {
				msg = te.Errors[0]
			}
			if m := lineRe.FindStringSubmatch(msg); m != nil {
				msg = m[2]
			}
			*probs = append(*probs, Problem{Line: val.Line, Field: path, Msg: msg})
		}
	}
}

// checkKind gives a plain-words message for the common type mistakes, which
// the YAML library would otherwise report as "cannot unmarshal !!str".
func checkKind(n *yaml.Node, t reflect.Type) string {
	if reflect.PointerTo(t).Implements(unmarshalerType) || t == reflect.TypeFor[time.Duration]() {
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return "must be a single value (a string), got " + kindName(n)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return fmt.Sprintf("must be a whole number, got %s", describe(n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return fmt.Sprintf("must be true or false, got %s", describe(n))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return "must be a list, got " + kindName(n)
		}
	}
	return ""
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q", n.Value)
	}
	return kindName(n)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "something else"
}

// suggest names a known field close to an unknown one ("schedul" → "schedule").
func suggest(name string, fields map[string]int) string {
	best, bestD := "", 3
	for f := range fields {
		if d := distance(name, f); d < bestD || (d == bestD && best != "" && f < best) {
			best, bestD = f, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Duration is a time.Duration written as "2s", "500ms" or "1m30s".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("must be a duration such as 2s or 500ms, got %s", kindName(n))
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("invalid duration %q: use a value such as 2s, 500ms or 1m", n.Value)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative: use a value such as 2s, 500ms or 1m", n.Value)
	}
	*d = Duration(v)
	return nil
}

// StringList is a list of strings that may also be written as one string.
type StringList []string

// UnmarshalYAML implements yaml.Unmarshaler.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringList, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: list items must be strings, got %s", c.Line, kindName(c))
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("must be a string or a list of strings, got %s", kindName(n))
}
