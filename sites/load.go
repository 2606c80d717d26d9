package sites

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
	"golang.org/x/net/html/charset"

	"github.com/nianbao/nianbao/internal/strictyaml"
)

// Problem is one error in one file, shown as "file:line: field: message".
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	if p.Field == "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Msg)
}

// Problems is every error found while loading; it is returned as an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Err is the problems as an error, or nil when there are none (a nil
// Problems converted to error would not be nil).
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// Files lists the problems per file name, for callers that keep the good sites
// of a directory while reporting the bad ones.
func (ps Problems) Files() map[string]Problems {
	m := map[string]Problems{}
	for _, p := range ps {
		m[p.File] = append(m[p.File], p)
	}
	return m
}

// ScheduleParser parses site schedules: five cron fields or a descriptor
// (@daily, @every 6h), with an optional CRON_TZ= prefix. The daemon schedules
// with the same parser, so what `sites check` accepts is what runs.
var ScheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

var nameRe = regexp.MustCompile(`^[a-z0-9-]+$`)

// Load reads every *.yaml and *.yml file in fsys (non-recursively), applies d,
// and validates. label is the directory as the user knows it ("sites"); it
// prefixes every file name in messages. Sites come back sorted by name. When
// any file has problems, Load still returns the sites of the good files along
// with a Problems error.
func Load(fsys fs.FS, label string, d Defaults) ([]*Site, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read sites directory %s: %w", label, err)
	}
	var (
		out   []*Site
		probs Problems
		names = map[string]*Site{}
		res   = regexps{} // thousands of site files share a few patterns
	)
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		file := path.Join(label, e.Name())
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			probs = append(probs, Problem{File: file, Line: 1, Msg: err.Error()})
			continue
		}
		s, ps := parse(data, file, d, res)
		if len(ps) > 0 {
			probs = append(probs, ps...)
			continue
		}
		if first, dup := names[s.Name]; dup {
			probs = append(probs, Problem{File: file, Line: s.nameLine, Field: "name",
				Msg: fmt.Sprintf("duplicate site name %q: also used by %s:%d", s.Name, first.File, first.nameLine)})
			continue
		}
		names[s.Name] = s
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].File != probs[j].File {
			return probs[i].File < probs[j].File
		}
		return probs[i].Line < probs[j].Line
	})
	if len(probs) > 0 {
		return out, probs
	}
	return out, nil
}

// Parse decodes and validates one site file. file names it in problems.
func Parse(data []byte, file string, d Defaults) (*Site, Problems) {
	return parse(data, file, d, regexps{})
}

// regexps shares compiled patterns between the sites of one Load: a
// compiled regexp is safe for concurrent use, and a daemon with ten
// thousand site files that keep the default match would otherwise hold ten
// thousand copies of it (about 6 KB each).
type regexps map[string]*regexp.Regexp

func (r regexps) compile(expr string) (*regexp.Regexp, error) {
	if re, ok := r[expr]; ok {
		return re, nil
	}
	re, err := regexp.Compile(expr)
	if err == nil {
		r[expr] = re
	}
	return re, err
}

func parse(data []byte, file string, d Defaults, res regexps) (*Site, Problems) {
	s := &Site{File: file}
	pos, yprobs := strictyaml.Decode(data, s)
	var probs Problems
	add := func(line int, field, msg string) {
		probs = append(probs, Problem{File: file, Line: line, Field: field, Msg: msg})
	}
	for _, p := range yprobs {
		add(p.Line, p.Field, p.Msg)
		if p.Field == "" {
			return nil, probs // the file does not parse: nothing else can be checked
		}
	}
	if len(data) == 0 || (len(yprobs) == 0 && len(pos) == 0) {
		add(1, "", "empty site file: write at least name and start")
		return nil, probs
	}
	s.nameLine = pos.Line("name", 1)

	switch {
	case !pos.Has("name"):
		if !hasField(yprobs, "name") {
			add(1, "name", "missing: every site needs a name such as tianjin-sfj")
		}
	case !nameRe.MatchString(s.Name):
		add(pos.Line("name", 1), "name", fmt.Sprintf("%q is not a valid name: use lowercase letters, digits and '-'", s.Name))
	}
	if !pos.Has("start") {
		if !hasField(yprobs, "start") {
			add(1, "start", "missing: list the portal pages where the reports are linked")
		}
	} else if len(s.Start) == 0 {
		add(pos.Line("start", 1), "start", "empty: list at least one start page")
	}
	for i, raw := range s.Start {
		if msg := checkURL(raw); msg != "" {
			add(pos.Line(fmt.Sprintf("start[%d]", i), pos.Line("start", 1)), "start", msg)
		}
	}
	if s.Match == "" {
		s.Match = DefaultMatch
		if !pos.Has("exclude") {
			s.Exclude = DefaultExclude
		}
	}
	var err error
	if s.match, err = res.compile(s.Match); err != nil {
		add(pos.Line("match", 1), "match", "invalid regular expression: "+strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	if s.Exclude != "" {
		if s.exclude, err = res.compile(s.Exclude); err != nil {
			add(pos.Line("exclude", 1), "exclude", "invalid regular expression: "+strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}

	if !pos.Has("schedule") {
		s.Schedule = d.Schedule
	}
	if s.Schedule != "" {
		if _, err := ScheduleParser.Parse(s.Schedule); err != nil {
			add(pos.Line("schedule", 1), "schedule", fmt.Sprintf("invalid cron schedule %q: %v", s.Schedule, err))
		}
	}
	if !pos.Has("delay") {
		s.Delay = d.Delay
	}
	if !pos.Has("timeout") {
		s.Timeout = d.Timeout
	}
	if s.Timeout <= 0 && pos.Has("timeout") {
		add(pos.Line("timeout", 1), "timeout", "must be more than 0")
	}
	if !pos.Has("max_pages") {
		s.MaxPages = d.MaxPages
	}
	if s.MaxPages < 1 && pos.Has("max_pages") {
		add(pos.Line("max_pages", 1), "max_pages", "must be at least 1")
	}
	if !pos.Has("encoding") {
		s.Encoding = d.Encoding
	}
	if s.Encoding != "" {
		if _, name := charset.Lookup(s.Encoding); name == "" {
			add(pos.Line("encoding", 1), "encoding", fmt.Sprintf("unknown encoding %q: use a name such as gb18030, gbk, big5 or utf-8", s.Encoding))
		}
	}
	for i, h := range s.AllowHosts {
		if !validHostPort(h) {
			add(pos.Line(fmt.Sprintf("allow_hosts[%d]", i), pos.Line("allow_hosts", 1)), "allow_hosts", fmt.Sprintf("%q is not a host name (write example.gov.cn, not a URL)", h))
		}
	}
	if s.TLS != "" && s.TLS != TLSLegacy {
		add(pos.Line("tls", 1), "tls", fmt.Sprintf("%q: the only value is %q (leave it out for Go's secure defaults)", s.TLS, TLSLegacy))
	}
	checkSelector := func(field, sel string) {
		if sel == "" {
			return
		}
		if _, err := cascadia.ParseGroup(sel); err != nil {
			add(pos.Line(field, pos.Line("selectors", 1)), field, fmt.Sprintf("invalid CSS selector %q: %v", sel, err))
		}
	}
	checkSelector("selectors.links", s.Selectors.Links)
	checkSelector("selectors.content", s.Selectors.Content)
	for i, sel := range s.Selectors.Remove {
		checkSelector(fmt.Sprintf("selectors.remove[%d]", i), sel)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return s, nil
}

func hasField(ps []strictyaml.Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

func checkURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("%q is not a URL: %v", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http(s) URL", raw)
	}
	return ""
}

// validHostPort accepts "host" and "host:port" (tests and intranet portals use
// ports), and rejects URLs and empty names.
func validHostPort(h string) bool {
	u, err := url.Parse("http://" + h)
	return h != "" && err == nil && u.Host == h && u.Path == "" && u.RawQuery == "" && u.Fragment == ""
}
