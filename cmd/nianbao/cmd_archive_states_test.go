package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// nobody is the user a root test runs a reader as, for file permissions
// to apply to it.
const nobody = 65534

// runner runs the nianbao command line and returns its exit code and output.
type runner func(t *testing.T, args ...string) (code int, stdout, stderr string)

// permissionedRunner returns a runner to which file permissions apply: the
// command in-process when this process is not root; as root, whom
// permissions do not stop, a copy of this test binary (see runMainEnv) run
// as the user nobody. dirs are made searchable by nobody (the temporary
// directories the test's files are in). It returns "" and why when neither
// can be had.
func permissionedRunner(t *testing.T, dirs ...string) (runner, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return runCmd, ""
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Sprintf("running as root, and the test binary cannot be found to run as nobody: %v", err)
	}
	binDir := t.TempDir()
	for _, d := range append(dirs, binDir) {
		for ; d != "/" && d != os.TempDir() && d != "."; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	bin := filepath.Join(binDir, "nianbao.test")
	copyFile(t, exe, bin, 0o755)
	run := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		argv, _ := json.Marshal(args)
		c := exec.Command(bin, "-test.run=^$")
		c.Env = append(os.Environ(), runMainEnv+"="+string(argv), "HOME="+binDir)
		c.Dir = binDir
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		var out, errOut strings.Builder
		c.Stdout, c.Stderr = &out, &errOut
		err := c.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("run %v as nobody: %v", args, err)
		}
		return c.ProcessState.ExitCode(), out.String(), errOut.String()
	}
	// Can this process start another as nobody at all (a container may
	// forbid it)?
	c := exec.Command(bin, "-test.run=^$")
	c.Env = append(os.Environ(), runMainEnv+`=["--version"]`)
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	if out, err := c.CombinedOutput(); err != nil {
		return nil, fmt.Sprintf("running as root, which file permissions do not stop, and cannot run a process as nobody: %v %s", err, out)
	}
	return run, ""
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// chmodTree sets every directory under root to dirMode and every file to
// fileMode, as chmod -R does.
func chmodTree(t *testing.T, root string, dirMode, fileMode os.FileMode) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, dirMode)
		}
		return os.Chmod(p, fileMode)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot describes every file under root (mode, size, sha256 and
// modification time), to tell whether anything changed.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d %v", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		m[p] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Every archive command on an archive that does not exist yet, on an empty
// directory, on an archive a crawl made without archiving anything, and on
// a real archive that cannot be written: reads say "0 reports" (or show
// what there is) and exit 0, never panic and never create the directory;
// on the read-only archive the writes (reextract, verify --repair) fail
// with one line naming the directory, exit 1, and change nothing.
func TestArchiveStates(t *testing.T) {
	srv := portaltest.NewPortal(t)
	cfg, full := portalSetup(t, srv, map[string]string{
		"sites/gone.yaml": "name: gone\nstart: " + srv.URL + "/no-such-column/\n",
	})
	base := filepath.Dir(cfg)
	crawlJSON(t, cfg, "jinnan")
	vers := lsJSON(t, cfg)
	if len(vers) == 0 {
		t.Fatal("the crawl archived nothing")
	}
	doc := vers[0].Doc
	writeFiles(t, base, map[string]string{
		"missing.yaml": "sites_dir: sites\narchive_dir: missing\n",
		"empty.yaml":   "sites_dir: sites\narchive_dir: empty\n",
		"nothing.yaml": "sites_dir: sites\narchive_dir: nothing\nuser_agent: \"" + testUA + "\"\ndefaults:\n  delay: 0s\n  timeout: 10s\n",
	})
	if err := os.Mkdir(filepath.Join(base, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A crawl of a site whose only list page is gone: a run, no document.
	runCmd(t, "--config", filepath.Join(base, "nothing.yaml"), "--log-level", "error", "crawl", "gone")
	if _, err := os.Stat(filepath.Join(base, "nothing", "index.db")); err != nil {
		t.Fatalf("the crawl that archived nothing left no index: %v", err)
	}

	// expect is what a command does in one state: its exit code, and
	// what stdout and stderr contain (DIR stands for the archive's
	// directory, DOC for a document of the full archive). quiet: stdout
	// holds nothing (machine output with no record). oneLine: stderr is
	// one line.
	type expect struct {
		code           int
		stdout, stderr string
		quiet, oneLine bool
	}
	reads := []struct {
		name string
		args []string
		// missing, empty (an empty directory), nothing (a crawl archived
		// nothing) and readOnly (the full archive, chmod -R a-w)
		missing, empty, nothing, readOnly expect
	}{
		{"ls", []string{"archive", "ls"},
			expect{stdout: "no archive at DIR yet: 0 reports\n"},
			expect{stdout: "0 reports in DIR\n"},
			expect{stdout: "0 reports in DIR\n"},
			expect{stdout: "DOC"}},
		{"ls --json", []string{"archive", "ls", "--json"},
			expect{quiet: true, stderr: "no archive at DIR yet: 0 reports"},
			expect{quiet: true, stderr: "0 reports in DIR"},
			expect{quiet: true, stderr: "0 reports in DIR"},
			expect{stdout: `"doc":"DOC"`}},
		{"ls --site", []string{"archive", "ls", "--site", "jinnan"},
			expect{stdout: "no archive at DIR yet: 0 reports\n"},
			expect{stdout: "0 reports (site jinnan) in DIR\n"},
			expect{stdout: "0 reports (site jinnan) in DIR\n"},
			expect{stdout: "DOC"}},
		{"ls --versions", []string{"archive", "ls", "--versions"},
			expect{stdout: "no archive at DIR yet: 0 documents\n"},
			expect{stdout: "0 documents in DIR\n"},
			expect{stdout: "0 documents in DIR\n"},
			expect{stdout: "DOC"}},
		{"show", []string{"archive", "show", "DOC"},
			expect{code: exitConfig, stderr: "nianbao: no document DOC: no archive at DIR yet: 0 documents\n"},
			expect{code: exitConfig, stderr: "nianbao: no document DOC in DIR ("},
			expect{code: exitConfig, stderr: "nianbao: no document DOC in DIR ("},
			expect{stdout: "\n"}},
		{"show --meta", []string{"archive", "show", "--meta", "DOC"},
			expect{code: exitConfig, stderr: "no archive at DIR yet"},
			expect{code: exitConfig, stderr: "no document DOC in DIR"},
			expect{code: exitConfig, stderr: "no document DOC in DIR"},
			expect{stdout: `"sources"`}},
		{"diff", []string{"archive", "diff", "DOC"},
			expect{code: exitConfig, stderr: "nianbao: no document DOC: no archive at DIR yet: 0 documents\n"},
			expect{code: exitConfig, stderr: "no document DOC in DIR"},
			expect{code: exitConfig, stderr: "no document DOC in DIR"},
			expect{stdout: "DOC has one version: nothing to compare\n"}},
		{"export", []string{"archive", "export"},
			expect{quiet: true, stderr: "no archive at DIR yet: 0 reports"},
			expect{quiet: true, stderr: "0 reports in DIR"},
			expect{quiet: true, stderr: "0 reports in DIR"},
			expect{stdout: `"doc":"DOC"`}},
		{"export csv", []string{"archive", "export", "--format", "csv", "--site", "jinnan"},
			expect{stdout: "site,doc,", stderr: "no archive at DIR yet: 0 reports"},
			expect{stdout: "site,doc,", stderr: "0 reports (site jinnan) in DIR"},
			expect{stdout: "site,doc,", stderr: "0 reports (site jinnan) in DIR"},
			expect{stdout: "DOC"}},
		{"runs", []string{"runs"},
			expect{stdout: "no archive at DIR yet: 0 runs\n"},
			expect{stdout: "0 runs in DIR\n"},
			expect{stdout: "gone"},
			expect{stdout: "jinnan"}},
		{"runs --json", []string{"runs", "--json", "--site", "jinnan"},
			expect{quiet: true, stderr: "no archive at DIR yet: 0 runs"},
			expect{quiet: true, stderr: "0 runs (site jinnan) in DIR"},
			expect{quiet: true, stderr: "0 runs (site jinnan) in DIR"},
			expect{stdout: `"site":"jinnan"`}},
		{"verify", []string{"archive", "verify"},
			expect{stdout: "no archive at DIR yet: 0 documents\n"},
			expect{stdout: "verified 0 document(s), 0 version(s), 0 run record(s) in DIR: 0 problem(s)\n"},
			expect{stdout: "verified 0 document(s), 0 version(s), 1 run record(s) in DIR: 0 problem(s)\n"},
			expect{stdout: fmt.Sprintf("verified %d document(s), %d version(s), 1 run record(s) in DIR: 0 problem(s)\n", len(vers), len(vers))}},
		{"reextract", []string{"archive", "reextract"},
			expect{stdout: "no archive at DIR yet: 0 documents; nothing to re-extract\n"},
			expect{stdout: "re-extracted 0 document(s)"},
			expect{stdout: "re-extracted 0 document(s)"},
			expect{code: exitError, quiet: true, oneLine: true, stderr: "nianbao: the archive in DIR/ cannot be written"}},
		{"verify --repair", []string{"archive", "verify", "--repair"},
			expect{stdout: "no archive at DIR yet: 0 documents; nothing to repair\n"},
			expect{stdout: "repaired DIR"},
			expect{stdout: "repaired DIR"},
			expect{code: exitError, quiet: true, oneLine: true, stderr: "nianbao: the archive in DIR/ cannot be written"}},
	}

	check := func(t *testing.T, run runner, config, dir string, args []string, want expect) {
		t.Helper()
		args = append([]string{"--config", config, "--log-level", "warn"}, args...)
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "DOC", doc)
		}
		code, out, errOut := run(t, args...)
		sub := func(s string) string { return strings.NewReplacer("DIR", dir, "DOC", doc).Replace(s) }
		if code != want.code || !strings.Contains(out, sub(want.stdout)) || !strings.Contains(errOut, sub(want.stderr)) ||
			(want.quiet && out != "") || (want.oneLine && strings.Count(errOut, "\n") != 1) || strings.Contains(errOut, "panic") {
			t.Errorf("%v: exit %d, want %d\nstdout: %q (want %q, quiet %v)\nstderr: %q (want %q, one line %v)",
				args[4:], code, want.code, out, sub(want.stdout), want.quiet, errOut, sub(want.stderr), want.oneLine)
		}
	}
	states := []struct {
		name, config, dir string
		pick              func(missing, empty, nothing, readOnly expect) expect
	}{
		{"missing", "missing.yaml", "missing", func(e, _, _, _ expect) expect { return e }},
		{"empty directory", "empty.yaml", "empty", func(_, e, _, _ expect) expect { return e }},
		{"a crawl archived nothing", "nothing.yaml", "nothing", func(_, _, e, _ expect) expect { return e }},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			dir := filepath.Join(base, st.dir)
			for _, c := range reads {
				t.Run(c.name, func(t *testing.T) {
					check(t, runCmd, filepath.Join(base, st.config), dir, c.args, st.pick(c.missing, c.empty, c.nothing, c.readOnly))
					if _, err := os.Stat(dir); st.name == "missing" && !errors.Is(err, fs.ErrNotExist) {
						t.Fatalf("%s created the archive directory (%v)", c.name, err)
					}
				})
			}
		})
	}

	t.Run("read-only", func(t *testing.T) {
		chmodTree(t, full, 0o555, 0o444)
		t.Cleanup(func() { chmodTree(t, full, 0o755, 0o644) })
		run, skip := permissionedRunner(t, base)
		if skip != "" {
			t.Skip(skip)
		}
		before := snapshot(t, full)
		for _, c := range reads {
			t.Run(c.name, func(t *testing.T) {
				check(t, run, cfg, full, c.args, c.readOnly)
			})
		}
		after := snapshot(t, full)
		for p, d := range before {
			if after[p] != d {
				t.Errorf("%s changed: %s → %s", p, d, after[p])
			}
		}
		for p := range after {
			if _, ok := before[p]; !ok {
				t.Errorf("%s appeared", p)
			}
		}
	})
}

// archiveEntry is a page's text to Put into a test archive.
func archiveEntry(site, url, text string, at time.Time) archive.Entry {
	return archive.Entry{
		Site: site, URL: url, Title: "2023年度法治政府建设情况报告", Kind: "fzzf", Year: 2023,
		Text: []byte(text), Extractor: "test", FetchedAt: at,
		Raw: []byte("<html>" + text + "</html>"), Status: 200, ContentType: "text/html", Encoding: "utf-8",
	}
}

// putAll writes entries into the archive at dir, in order, and returns
// what each Put did.
func putAll(t *testing.T, dir string, entries ...archive.Entry) []archive.Result {
	t.Helper()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var out []archive.Result
	for _, e := range entries {
		r, err := a.Put(context.Background(), e)
		if err != nil {
			t.Fatalf("Put %s: %v", e.URL, err)
		}
		out = append(out, r)
	}
	return out
}

// archiveConfig writes a config whose archive is dir/archive and whose
// site files are files, and returns the config's path and the archive's.
func archiveConfig(t *testing.T, files map[string]string) (cfg, archiveDir string) {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"config.yaml": "sites_dir: sites\narchive_dir: archive\n", "sites/.keep": ""}
	for k, v := range files {
		all[k] = v
	}
	writeFiles(t, dir, all)
	return filepath.Join(dir, "config.yaml"), filepath.Join(dir, "archive")
}

// `archive show` and `archive diff` refuse a reference that names no
// version in one line each, exit 2; a version read from a file without text
// prints nothing and says why, naming the file, exit 0.
func TestArchiveShowRefusals(t *testing.T) {
	cfg, dir := archiveConfig(t, nil)
	t0 := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	res := putAll(t, dir,
		archiveEntry("demo", "http://a.gov.cn/r.html", "第一版。\n", t0),
		archiveEntry("demo", "http://a.gov.cn/r.html", "第二版。\n", t0.Add(time.Hour)),
		archiveEntry("demo", "http://a.gov.cn/r.html", "第三版。\n", t0.Add(2*time.Hour)))
	three := res[0].Doc
	scan := archiveEntry("demo", "http://a.gov.cn/scan.pdf", "", t0)
	scan.Raw, scan.ContentType = []byte("%PDF-1.4 a scanned report"), "application/pdf"
	scan.File = &archive.File{Name: "scan.pdf", Type: "pdf", TextStatus: "no_text_layer", Pages: 2}
	scanDoc := putAll(t, dir, scan)[0].Doc
	// More documents, until two share a first digit: an ambiguous prefix.
	byFirst := map[byte][]string{three[0]: {three}, scanDoc[0]: {scanDoc}}
	if three[0] == scanDoc[0] {
		byFirst[three[0]] = []string{three, scanDoc}
	}
	var amb []string
	for i := 0; len(byFirst[three[0]]) < 2 && amb == nil; i++ {
		d := putAll(t, dir, archiveEntry("demo", fmt.Sprintf("http://a.gov.cn/%d.html", i), fmt.Sprintf("文%d。\n", i), t0))[0].Doc
		byFirst[d[0]] = append(byFirst[d[0]], d)
		if len(byFirst[d[0]]) == 2 {
			amb = byFirst[d[0]]
		}
	}
	if amb == nil {
		amb = byFirst[three[0]]
	}
	sort.Strings(amb)
	prefix := amb[0][:1]

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // its first line, exactly
	}{
		{"a version the document lacks", []string{"archive", "show", three + "@v7"}, exitConfig, "",
			"nianbao: " + three + " has versions v1 to v3; no v7"},
		{"diff: a version the document lacks", []string{"archive", "diff", three, "v7"}, exitConfig, "",
			"nianbao: " + three + " has versions v1 to v3; no v7"},
		{"a version badly written", []string{"archive", "show", three + "@vx"}, exitConfig, "",
			`nianbao: "` + three + `@vx": a version is written @vN, as in ` + three + "@v2"},
		{"an ambiguous prefix", []string{"archive", "show", prefix}, exitConfig, "",
			"nianbao: prefix " + prefix + " matches 2 documents: " + amb[0] + ", " + amb[1] + "; give more of the id"},
		{"diff: an ambiguous prefix", []string{"archive", "diff", prefix}, exitConfig, "",
			"nianbao: prefix " + prefix + " matches 2 documents: " + amb[0] + ", " + amb[1] + "; give more of the id"},
		{"no such document", []string{"archive", "show", "ffffffffff"}, exitConfig, "",
			"nianbao: no document ffffffffff in " + dir + " (`nianbao archive ls` lists the reports, `ls --versions` every document)"},
		{"a file without text", []string{"archive", "show", scanDoc}, exitOK, "",
			"nianbao: " + scanDoc + "@v1: no text: no_text_layer (a scan, with no text layer); the file is at " +
				filepath.Join(dir, "demo", "2023", scanDoc, "v1.pdf")},
		{"a version there is", []string{"archive", "show", three[:6] + "@v2"}, exitOK, "第二版。\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", cfg}, tt.args...)...)
			first, _, _ := strings.Cut(errOut, "\n")
			if code != tt.code || out != tt.stdout || first != tt.stderr {
				t.Errorf("exit %d, want %d\nstdout %q, want %q\nstderr %q\nwant   %q", code, tt.code, out, tt.stdout, errOut, tt.stderr)
			}
		})
	}
}

// `archive diff` heads each change with the lines a unified diff without
// context gives it, the pure insertions and deletions included: the same
// as GNU diff -U0 of the two versions' files, where there is one to ask.
func TestArchiveDiffHunkHeaders(t *testing.T) {
	cfg, dir := archiveConfig(t, nil)
	t0 := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	texts := []string{
		"一\n二\n三\n",
		"一\n二\n新\n三\n",
		"一\n新\n三\n",
		"首\n一\n新\n三\n",
		"首\n一\n新\n",
		"首\n改\n新\n",
		"首\n改\n新\n尾一\n尾二\n",
	}
	var entries []archive.Entry
	for i, text := range texts {
		entries = append(entries, archiveEntry("demo", "http://a.gov.cn/r.html", text, t0.Add(time.Duration(i)*time.Hour)))
	}
	res := putAll(t, dir, entries...)
	doc := res[0].Doc
	tests := []struct {
		name   string
		from   int
		hunks  []string
		change string // a changed line as printed
	}{
		{"a line inserted", 1, []string{"@@ -2,0 +3 @@"}, "+ 新"},
		{"a line deleted", 2, []string{"@@ -2 +1,0 @@"}, "- 二"},
		{"a line inserted at the top", 3, []string{"@@ -0,0 +1 @@"}, "+ 首"},
		{"the last line deleted", 4, []string{"@@ -4 +3,0 @@"}, "- 三"},
		{"a line changed", 5, []string{"@@ -2 +2 @@"}, "+ {+改+}"},
		{"two lines appended", 6, []string{"@@ -3,0 +4,2 @@"}, "+ 尾二"},
	}
	gnu, _ := exec.LookPath("diff")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "--config", cfg, "archive", "diff", doc, fmt.Sprintf("v%d", tt.from), fmt.Sprintf("v%d", tt.from+1))
			var got []string
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "@@") {
					got = append(got, l)
				}
			}
			if code != 0 || strings.Join(got, "|") != strings.Join(tt.hunks, "|") || !strings.Contains(out, "\n"+tt.change+"\n") {
				t.Errorf("exit %d %s; hunks %q, want %q\n%s", code, errOut, got, tt.hunks, out)
			}
			if gnu == "" {
				return
			}
			a := filepath.Join(dir, res[tt.from-1].Path)
			b := filepath.Join(dir, res[tt.from].Path)
			gout, _ := exec.Command(gnu, "-U0", a, b).Output()
			var want []string
			for _, l := range strings.Split(string(gout), "\n") {
				if strings.HasPrefix(l, "@@") {
					want = append(want, l)
				}
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("hunks %q; %s -U0 gives %q", got, gnu, want)
			}
		})
	}
}

// jsonFields lists the JSON names of a struct type's fields, and of the
// structs they hold (pointers, slices), depth first.
func jsonFields(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(time.Time{}) {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		out = append(out, name)
		out = append(out, jsonFields(f.Type)...)
	}
	return out
}

// The archive command's help describes every subcommand, and the field
// lists of `archive ls --help` and `archive export --help` name every field
// and column the commands print: checked against the types they print, so
// that they cannot drift apart.
func TestArchiveHelp(t *testing.T) {
	g := &globalOptions{stdout: io.Discard, stderr: io.Discard}
	cmd := newArchiveCommand(g)
	sub := map[string]*cobra.Command{}
	for _, c := range cmd.Commands() {
		sub[c.Name()] = c
		if !regexp.MustCompile(`(?m)^  ` + c.Name() + ` +\S`).MatchString(cmd.Long) {
			t.Errorf("archive --help does not describe %s:\n%s", c.Name(), cmd.Long)
		}
	}
	mentions := func(text, word string) bool {
		return regexp.MustCompile(`(^|[^\w])` + regexp.QuoteMeta(word) + `($|[^\w])`).MatchString(text)
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(archive.Report{}), reflect.TypeOf(archive.Version{})} {
		for _, f := range jsonFields(typ) {
			if !mentions(sub["ls"].Long, f) {
				t.Errorf("archive ls --help does not name the JSON field %s (of %s)", f, typ)
			}
		}
	}
	for _, c := range append(lsColumns, lsVersionColumns...) {
		if !mentions(sub["ls"].Long, c) {
			t.Errorf("archive ls --help does not name the column %s", c)
		}
	}
	// Each record's JSON fields are its CSV columns, in order (a nested
	// field is one CSV cell), and the help names every field, nested ones
	// too.
	records := []struct {
		typ     reflect.Type
		columns []string
		row     []string
	}{
		{reflect.TypeOf(exportRecord{}), exportColumns, exportRecord{}.row()},
		{reflect.TypeOf(renditionRecord{}), renditionColumns, renditionRecord{}.row()},
	}
	for _, r := range records {
		if fields := topJSONFields(r.typ); strings.Join(fields, ",") != strings.Join(r.columns, ",") {
			t.Errorf("%s: JSON fields %v and CSV columns %v differ", r.typ, fields, r.columns)
		}
		if len(r.row) != len(r.columns) {
			t.Errorf("%s: a CSV row has %d cells, the header %d", r.typ, len(r.row), len(r.columns))
		}
		for _, f := range jsonFields(r.typ) {
			if !mentions(sub["export"].Long, f) {
				t.Errorf("archive export --help does not name the field %s (of %s)", f, r.typ)
			}
		}
	}
}

// topJSONFields lists the JSON names of a struct type's own fields.
func topJSONFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if t.Field(i).IsExported() && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// `--site NAME` that names no site is a usage error listing the sites
// known from the site files and the archive, as `crawl NAME` is, and
// changes nothing; a site of either is accepted, even with nothing to show.
func TestArchiveUnknownSite(t *testing.T) {
	cfg, dir := archiveConfig(t, map[string]string{
		"sites/filed.yaml":   "name: filed\nstart: http://127.0.0.1:1/\n",
		"archived-only.yaml": "sites_dir: nosites\narchive_dir: archive\n",
		"nosites/.keep":      "",
	})
	t0 := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	putAll(t, dir, archiveEntry("archived", "http://a.gov.cn/r.html", "一份报告。\n", t0))
	before := snapshot(t, dir)
	only := filepath.Join(filepath.Dir(cfg), "archived-only.yaml")
	tests := []struct {
		config string
		args   []string
		code   int
		stderr string // the first line of stderr, exactly
		stdout string // contained in stdout
	}{
		{cfg, []string{"archive", "ls", "--site", "nope"}, exitConfig, "nianbao: unknown site: nope (known: archived, filed)", ""},
		{cfg, []string{"runs", "--site", "nope"}, exitConfig, "nianbao: unknown site: nope (known: archived, filed)", ""},
		{cfg, []string{"archive", "export", "--site", "nope"}, exitConfig, "nianbao: unknown site: nope (known: archived, filed)", ""},
		{cfg, []string{"archive", "reextract", "--site", "nope"}, exitConfig, "nianbao: unknown site: nope (known: archived, filed)", ""},
		{only, []string{"archive", "ls", "--site", "nope"}, exitConfig, "nianbao: unknown site: nope (known: archived)", ""},
		{cfg, []string{"archive", "ls", "--site", "filed"}, exitOK, "", "0 reports (site filed) in " + dir},
		{cfg, []string{"runs", "--site", "filed"}, exitOK, "", "0 runs (site filed) in " + dir},
		{only, []string{"archive", "ls", "--site", "archived"}, exitOK, "", "archived"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.config)+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", tt.config, "--log-level", "warn"}, tt.args...)...)
			first, _, _ := strings.Cut(errOut, "\n")
			if code != tt.code || first != tt.stderr || !strings.Contains(out, tt.stdout) {
				t.Errorf("exit %d, want %d\nstderr %q\nwant   %q\nstdout %q, want %q", code, tt.code, errOut, tt.stderr, out, tt.stdout)
			}
		})
	}
	// Readers leave SQLite's -wal and -shm files (and so a new mtime on
	// the directory); nothing else may change.
	after := snapshot(t, dir)
	for p, d := range after {
		if before[p] != d && p != dir && !strings.HasSuffix(p, "-wal") && !strings.HasSuffix(p, "-shm") {
			t.Errorf("%s changed: %q → %q", p, before[p], d)
		}
	}
}

// The message of a locked archive names its directory once, as a
// directory, whichever command met the lock — also with the default
// archive_dir, "archive", where it used to read "archive archive is
// locked".
func TestArchiveLockedMessage(t *testing.T) {
	cfg, dir := archiveConfig(t, map[string]string{"sites/filed.yaml": "name: filed\nstart: http://127.0.0.1:1/\n"})
	putAll(t, dir, archiveEntry("filed", "http://a.gov.cn/r.html", "一份报告。\n", time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)))
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	t.Chdir(filepath.Dir(cfg)) // --config config.yaml: the archive is "archive", as by default
	want := "nianbao: the archive in archive" + string(filepath.Separator) + " is locked by another nianbao process (pid "
	for _, args := range [][]string{
		{"archive", "reextract"},
		{"archive", "verify", "--repair"},
		{"crawl", "filed"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, append([]string{"--config", "config.yaml", "--log-level", "error"}, args...)...)
			first, _, _ := strings.Cut(errOut, "\n")
			if code != exitLocked || !strings.HasPrefix(first, want) || strings.Count(first, "archive"+string(filepath.Separator)) != 1 {
				t.Errorf("exit %d, want %d\nstderr %q\nwant   %q…", code, exitLocked, errOut, want)
			}
		})
	}
}
