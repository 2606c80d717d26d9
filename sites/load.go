package sites

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
	"golang.org/x/net/html/charset"

	"github.com/nianbao/nianbao/internal/strictyaml"
)

// Problem is one error in one file, shown as "file:line: field: message",
// or as "file: message" for a problem of the file as a whole (Line 0): one
// that is not a regular file, is too large, or cannot be read.
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	switch {
	case p.File == "" && p.Line == 0: // a value of Defaults: the caller places it
		return fmt.Sprintf("%s: %s", p.Field, p.Msg)
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	case p.Field == "":
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
// with the same parser, so what `sites check` accepts is what runs. It has no
// seconds field. It checks syntax only: CheckSchedule also applies the
// floor on intervals.
var ScheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// MinScheduleInterval is the shortest interval between two scheduled runs of
// a site unless config.yaml's min_schedule_interval lowers it: "@every 0s"
// (which cron turns into every second) or "@every 30s" would crawl a portal
// again and again, usually by a slip of the pen. Five cron fields cannot
// ask for less than a minute, so only @every can fall below it.
const MinScheduleInterval = time.Minute

// CheckSchedule parses spec with ScheduleParser and rejects an @every
// interval shorter than floor (0 means MinScheduleInterval). The error
// quotes spec; the caller adds the file, line and field. floor is meant to
// be at most a minute: five cron fields are not measured against it.
func CheckSchedule(spec string, floor time.Duration) error {
	sched, err := ScheduleParser.Parse(spec)
	if err != nil {
		return fmt.Errorf("invalid cron schedule %q: %w", spec, err)
	}
	if floor <= 0 {
		floor = MinScheduleInterval
	}
	if i := strings.Index(spec, "@every"); i >= 0 {
		if d, err := time.ParseDuration(strings.TrimSpace(spec[i+len("@every"):])); err == nil && d < 0 {
			return fmt.Errorf("%q is a negative interval: write how often, such as @every 6h", spec)
		}
	}
	// cron rounds @every down to whole seconds, and up to 1s: "@every 0s"
	// is a Delay of 1s here, and is caught like "@every 1s".
	if every, ok := sched.(cron.ConstantDelaySchedule); ok && every.Delay < floor {
		return fmt.Errorf("%q is more often than every %s, the shortest interval allowed (min_schedule_interval in config.yaml)", spec, shortDuration(floor))
	}
	return nil
}

// shortDuration writes d as people write it: "1m", not "1m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Validate checks the values of d that no site file should be blamed for,
// once: a bad default would otherwise be reported in every file that
// inherits it. Each Problem has only Field ("encoding", the key under
// defaults:) and Msg; the caller adds where the value was written (as
// config.Parse does with config.yaml's lines). Zero values are valid (no
// schedule, no request timeout given, DefaultMaxReports); config.Parse
// asks more of the values config.yaml gives.
func (d Defaults) Validate() Problems {
	var probs Problems
	add := func(field, msg string) { probs = append(probs, Problem{Field: field, Msg: msg}) }
	if d.Schedule != "" {
		if err := CheckSchedule(d.Schedule, d.ScheduleFloor); err != nil {
			add("schedule", err.Error())
		}
	}
	for _, v := range []struct {
		field string
		neg   bool
	}{
		{"delay", d.Delay < 0},
		{"timeout", d.Timeout < 0},
		{"max_pages", d.MaxPages < 0},
		{"max_reports", d.MaxReports < 0},
		{"discover_pages", d.DiscoverPages < 0},
		{"rediscover_after", d.RediscoverAfter < 0},
	} {
		if v.neg {
			add(v.field, "must not be negative")
		}
	}
	if d.Encoding != "" {
		if msg := checkEncoding(d.Encoding); msg != "" {
			add("encoding", msg)
		}
	}
	return probs
}

func checkEncoding(name string) string {
	if _, canonical := charset.Lookup(name); canonical == "" {
		return fmt.Sprintf("unknown encoding %q: use a name such as gb18030, gbk, big5 or utf-8", name)
	}
	return ""
}

var nameRe = regexp.MustCompile(`^[a-z0-9-]+$`)

// MaxFileSize is the largest site file Load reads, in bytes. A site file is
// a few hundred bytes; a larger one is reported as too large and not parsed,
// so that a huge or endless file named *.yaml costs at most this much.
const MaxFileSize = 1 << 20

// IsSiteFile reports whether a directory entry's name makes it a site file:
// *.yaml or *.yml, not hidden. Whatever it is on disk, such an entry is
// loaded or reported; every other entry is ignored.
func IsSiteFile(name string) bool {
	ext := path.Ext(name)
	return (ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(name, ".")
}

// LoadDir loads the site files of the directory dir on disk, as Load does,
// through an os.Root: no file outside dir is ever opened, even through a
// symlink or a chain of them, and a file is opened only after it was seen
// to be a regular file (and opened without blocking, so that one swapped
// for a FIFO in between cannot hang the loader either). label is the
// directory as the user knows it, for messages.
func LoadDir(ctx context.Context, dir, label string, d Defaults) ([]*Site, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("read sites directory %s: %w", label, err)
	}
	defer root.Close()
	return Load(ctx, rootFS{root: root, fsys: root.FS()}, label, d)
}

// Load reads every *.yaml and *.yml file in fsys (non-recursively), applies d,
// and validates. label is the directory as the user knows it ("sites"); it
// prefixes every file name in messages. Sites come back sorted by name. When
// any file has problems, Load still returns the sites of the good files along
// with a Problems error.
//
// What is read, and what is only reported:
//   - an entry that is not a regular file (a directory, a FIFO, a device, a
//     socket) is reported and never opened: opening a FIFO for reading
//     would block until something writes to it;
//   - a symlink is followed only when it stays inside the directory; one
//     that leads outside is reported as "symlink to outside sites_dir" and
//     not read, so that no message (the daemon shows them to anyone who can
//     reach its API) can quote a line of a file elsewhere on the machine;
//   - a file larger than MaxFileSize is reported as too large and not parsed.
//
// Load checks ctx before each file: cancelling it makes Load return ctx's
// error (wrapped) promptly, with no sites.
//
// d is checked once, before any file (Defaults.Validate): bad defaults are
// an error of their own, not a Problems, and no file is blamed for them.
func Load(ctx context.Context, fsys fs.FS, label string, d Defaults) ([]*Site, error) {
	if ps := d.Validate(); len(ps) > 0 {
		// Not wrapped: the problems are of the defaults, not of a file in label.
		return nil, fmt.Errorf("defaults for the site files of %s: %s", label, strings.ReplaceAll(ps.Error(), "\n", "; "))
	}
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
		if !IsSiteFile(e.Name()) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("interrupted while loading the site files of %s: %w", label, err)
		}
		file := path.Join(label, e.Name())
		data, msg := readSiteFile(fsys, e)
		if msg != "" {
			probs = append(probs, Problem{File: file, Msg: msg})
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

// readSiteFile reads the site file of a directory entry, or says why it
// does not: the message never quotes the file's content, and names no path
// outside the directory.
func readSiteFile(fsys fs.FS, e fs.DirEntry) (data []byte, problem string) {
	name := e.Name()
	mode := e.Type()
	if mode&fs.ModeSymlink != 0 {
		if msg := symlinkOutside(fsys, name); msg != "" {
			return nil, msg
		}
		fi, err := fs.Stat(fsys, name) // the link's target, inside the directory
		if err != nil {
			if escapes(err) {
				return nil, outsideMsg
			}
			return nil, "symlink: " + pathErrMsg(err)
		}
		mode = fi.Mode().Type()
	}
	if !mode.IsRegular() {
		return nil, notRegular(mode)
	}
	f, err := fsys.Open(name)
	if err != nil {
		if escapes(err) {
			return nil, outsideMsg
		}
		return nil, "cannot read: " + pathErrMsg(err)
	}
	defer f.Close()
	// The entry may have changed since it was listed: look at what was opened.
	fi, err := f.Stat()
	if err != nil {
		return nil, "cannot read: " + pathErrMsg(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(fi.Mode().Type())
	}
	if fi.Size() > MaxFileSize {
		return nil, tooLarge(fi.Size())
	}
	data, err = io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, "cannot read: " + pathErrMsg(err)
	}
	if len(data) > MaxFileSize { // it grew since the stat
		return nil, tooLarge(int64(len(data)))
	}
	return data, ""
}

const outsideMsg = "symlink to outside sites_dir: not read (a site file must be inside sites_dir; copy it in, or set sites_dir to the directory that holds it)"

// symlinkOutside reports, without reading anything, a symlink whose target
// is absolute or climbs out of the directory. A chain of links that
// leaves the directory further on is caught by the os.Root of LoadDir
// when the first link is followed (see escapes).
func symlinkOutside(fsys fs.FS, name string) string {
	target, err := fs.ReadLink(fsys, name)
	if err != nil {
		return "symlink: " + pathErrMsg(err)
	}
	target = path.Clean(target)
	if path.IsAbs(target) || target == ".." || strings.HasPrefix(target, "../") {
		return outsideMsg
	}
	return ""
}

// escapes reports whether err is os.Root's refusal to follow a path out of
// the root. The os package does not export that error, only its text.
func escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}

// pathErrMsg is an error without the operation and path that an
// *fs.PathError adds (the file is named by the Problem already).
func pathErrMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func notRegular(mode fs.FileMode) string {
	kind := "not a regular file"
	switch {
	case mode.IsDir():
		kind = "a directory"
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case mode&fs.ModeCharDevice != 0:
		kind = "a character device"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	case mode&fs.ModeSymlink != 0:
		kind = "a symlink"
	}
	return kind + ", not a regular file: skipped without reading it (a site file must be a regular file)"
}

func tooLarge(size int64) string {
	return fmt.Sprintf("too large: %d bytes, and a site file is at most %d (1 MiB): not read", size, MaxFileSize)
}

// rootFS is a directory on disk seen through an os.Root: the fs.FS of
// Root.FS, except that Open does not block on a FIFO or a device
// (openFlags). Load opens only entries it saw to be regular files; this is
// for an entry swapped in between.
type rootFS struct {
	root *os.Root
	fsys fs.FS // root.FS(): ReadDir, Stat, ReadLink and Lstat
}

func (r rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err // not a nil *os.File in an interface
	}
	return f, nil
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.fsys, name) }
func (r rootFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(r.fsys, name) }
func (r rootFS) ReadLink(name string) (string, error)       { return fs.ReadLink(r.fsys, name) }
func (r rootFS) Lstat(name string) (fs.FileInfo, error)     { return fs.Lstat(r.fsys, name) }

// Parse decodes and validates one site file. file names it in problems.
// Only what the file writes is checked: the values it inherits from d are
// the caller's to check (Defaults.Validate; Load does it once).
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

	switch {
	case !pos.Has("schedule"):
		s.Schedule = d.Schedule
	case s.Schedule == "":
		add(pos.Line("schedule", 1), "schedule", "empty: leave the key out to use defaults.schedule")
	default:
		if err := CheckSchedule(s.Schedule, d.ScheduleFloor); err != nil {
			add(pos.Line("schedule", 1), "schedule", err.Error())
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
	if !pos.Has("max_reports") {
		s.MaxReports = d.MaxReports
		if s.MaxReports <= 0 {
			s.MaxReports = DefaultMaxReports
		}
	}
	if s.MaxReports < 1 && pos.Has("max_reports") {
		add(pos.Line("max_reports", 1), "max_reports", "must be at least 1 (it caps the report links fetched per run)")
	}
	if !pos.Has("discover_pages") {
		s.DiscoverPages = d.DiscoverPages
		if s.DiscoverPages <= 0 && !d.DiscoveryOff {
			s.DiscoverPages = DefaultDiscoverPages
		}
	}
	if s.DiscoverPages < 0 {
		add(pos.Line("discover_pages", 1), "discover_pages", "must not be negative (0 turns discovery off)")
	}
	if !pos.Has("rediscover_after") {
		s.RediscoverAfter = d.RediscoverAfter
		if s.RediscoverAfter <= 0 {
			s.RediscoverAfter = strictyaml.Duration(DefaultRediscoverAfter)
		}
	}
	if s.RediscoverAfter < strictyaml.Duration(time.Hour) && pos.Has("rediscover_after") {
		add(pos.Line("rediscover_after", 1), "rediscover_after", "must be at least 1h (it is how long found report columns are read before discovering again)")
	}
	if !pos.Has("encoding") {
		s.Encoding = d.Encoding
	} else if s.Encoding != "" {
		if msg := checkEncoding(s.Encoding); msg != "" {
			add(pos.Line("encoding", 1), "encoding", msg)
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
