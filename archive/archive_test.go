package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func entry(url, text string, at time.Time) archive.Entry {
	return archive.Entry{
		Site: "demo", URL: url, Title: "天津市司法局2020年度法治政府建设情况报告", Kind: "fzzf", Year: 2020,
		Text: []byte(text), Extractor: "test", FetchedAt: at,
		Raw: []byte("<html>" + text + "</html>"), Status: 200, ContentType: "text/html", Encoding: "utf-8",
	}
}

func open(t *testing.T, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func put(t *testing.T, a *archive.Archive, e archive.Entry, want archive.Outcome) archive.Result {
	t.Helper()
	r, err := a.Put(context.Background(), e)
	if err != nil {
		t.Fatalf("Put %s: %v", e.URL, err)
	}
	if r.Outcome != want {
		t.Fatalf("Put %s: outcome %s, want %s", e.URL, r.Outcome, want)
	}
	return r
}

func TestPutVersionsAndSources(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	const u1 = "https://sf.tj.gov.cn/tzgg/202103/t20210326_1.html"
	const u2 = "https://sf.tj.gov.cn/fzzfjs/202103/t20210326_2.html"
	text1, text2 := "第一段。\n第二段。\n", "第一段。\n第二段,改过了。\n"

	r1 := put(t, a, entry(u1, text1, t0), archive.NewDocument)
	if r1.Version != 1 || r1.Path != filepath.ToSlash(filepath.Join("demo", "2020", r1.Doc, "v1.txt")) {
		t.Fatalf("first put: %+v", r1)
	}
	v1Path := filepath.Join(dir, r1.Path)
	v1Before, _ := os.ReadFile(v1Path)

	put(t, a, entry(u1, text1, t0.Add(time.Hour)), archive.Unchanged)
	r2 := put(t, a, entry(u1, text2, t0.Add(2*time.Hour)), archive.NewVersion)
	if r2.Doc != r1.Doc || r2.Version != 2 {
		t.Fatalf("changed text: %+v, want v2 of %s", r2, r1.Doc)
	}
	// A repost of the old text at another URL is a source of the same document.
	r3 := put(t, a, entry(u2, text1, t0.Add(3*time.Hour)), archive.NewSource)
	if r3.Doc != r1.Doc {
		t.Fatalf("repost went to %s, want %s", r3.Doc, r1.Doc)
	}
	// The two URLs now serve different known texts: no version flip-flops.
	put(t, a, entry(u1, text2, t0.Add(4*time.Hour)), archive.Unchanged)
	put(t, a, entry(u2, text1, t0.Add(4*time.Hour)), archive.Unchanged)

	v1After, _ := os.ReadFile(v1Path)
	if !bytes.Equal(v1Before, v1After) || string(v1After) != text1 {
		t.Errorf("v1 changed: %q", v1After)
	}
	d, err := a.Doc(context.Background(), r1.Doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sources) != 2 {
		t.Errorf("sources = %+v, want two", d.Sources)
	}
	// The repost is a line appended to sources.jsonl; doc.json, written
	// with the document, is not rewritten for it.
	docJSON, _ := os.ReadFile(filepath.Join(dir, d.Dir, "doc.json"))
	if strings.Contains(string(docJSON), u2) {
		t.Errorf("doc.json was rewritten for the repost:\n%s", docJSON)
	}
	srcLog, _ := os.ReadFile(filepath.Join(dir, d.Dir, "sources.jsonl"))
	if !strings.Contains(string(srcLog), u2) || strings.Count(string(srcLog), "\n") != 1 {
		t.Errorf("sources.jsonl does not list the repost, alone:\n%s", srcLog)
	}
	raw, err := a.ReadRaw(mustResolve(t, a, r1.Doc+"@v1"))
	if err != nil || string(raw) != "<html>"+text1+"</html>" {
		t.Errorf("raw bytes = %q, %v", raw, err)
	}
	a.Close()
	if vers := archivetest.Check(t, dir); len(vers) != 2 {
		t.Errorf("archive holds %d versions, want 2", len(vers))
	}
}

func mustResolve(t *testing.T, a *archive.Archive, ref string) archive.Version {
	t.Helper()
	v, err := a.Resolve(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRebuildFromFiles(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	put(t, a, entry("http://a.gov.cn/1.html", "甲\n", t0), archive.NewDocument)
	put(t, a, entry("http://a.gov.cn/1.html", "甲乙\n", t0.Add(time.Hour)), archive.NewVersion)
	put(t, a, entry("http://a.gov.cn/2.html", "甲\n", t0), archive.NewSource)
	put(t, a, entry("http://a.gov.cn/3.html", "丙\n", t0), archive.NewDocument)
	before, _ := a.Versions(context.Background(), archive.Filter{})
	a.Close()

	for _, f := range []string{"index.db", "index.db-wal", "index.db-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	b := open(t, dir) // rebuilds
	after, _ := b.Versions(context.Background(), archive.Filter{})
	if !reflect.DeepEqual(before, after) {
		t.Errorf("rebuilt index differs:\nbefore %+v\nafter  %+v", before, after)
	}
	// Sources and their last texts survive: nothing is new.
	put(t, b, entry("http://a.gov.cn/1.html", "甲乙\n", t0.Add(2*time.Hour)), archive.Unchanged)
	put(t, b, entry("http://a.gov.cn/2.html", "甲\n", t0.Add(2*time.Hour)), archive.Unchanged)
}

// Deleting only index.db, as a user might, leaves its write-ahead log
// behind: the next writer still rebuilds a complete index from the files.
// (Open removes the orphaned log before SQLite could replay it into the new
// database.)
func TestRebuildAfterIndexDeleted(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	put(t, a, entry("http://a.gov.cn/1.html", "甲\n", t0), archive.NewDocument)
	put(t, a, entry("http://a.gov.cn/2.html", "乙\n", t0), archive.NewDocument)
	// A copy of the live WAL, as a crash would leave it.
	wal, _ := os.ReadFile(filepath.Join(dir, "index.db-wal"))
	a.Close()
	os.Remove(filepath.Join(dir, "index.db"))
	if len(wal) > 0 {
		os.WriteFile(filepath.Join(dir, "index.db-wal"), wal, 0o644)
	}
	b := open(t, dir)
	vers, err := b.Versions(context.Background(), archive.Filter{})
	if err != nil || len(vers) != 2 {
		t.Fatalf("rebuilt index: %d versions, %v", len(vers), err)
	}
	b.Close()
	archivetest.Check(t, dir)
}

func TestCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	const u = "http://a.gov.cn/1.html"
	r := put(t, a, entry(u, "v1\n", t0), archive.NewDocument)
	docDir := filepath.Join(dir, filepath.Dir(r.Path))
	a.Close()

	// A crash after writing v2.txt and before v2.json: the text is not a version.
	if err := os.WriteFile(filepath.Join(docDir, "v2.txt"), []byte("half\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	// and a temporary file from an interrupted write.
	tmp := filepath.Join(docDir, ".v2.json-tmp-0123")
	os.WriteFile(tmp, []byte("{"), 0o644)

	b := open(t, dir)
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary file not removed on open: %v", err)
	}
	r2 := put(t, b, entry(u, "v2 for real\n", t0.Add(time.Hour)), archive.NewVersion)
	if r2.Version != 2 {
		t.Fatalf("got v%d, want v2", r2.Version)
	}
	got, _ := os.ReadFile(filepath.Join(docDir, "v2.txt"))
	if string(got) != "v2 for real\n" {
		t.Errorf("v2.txt = %q", got)
	}

	// A crash after v3's files and before the index commit: keep the index
	// as it was before v3, then the next put must index v3 and write v4.
	b.Close()
	saved := copyIndex(t, dir)
	c := open(t, dir)
	put(t, c, entry(u, "v3\n", t0.Add(2*time.Hour)), archive.NewVersion)
	c.Close()
	restoreIndex(t, dir, saved)
	d := open(t, dir)
	r4 := put(t, d, entry(u, "v4\n", t0.Add(3*time.Hour)), archive.NewVersion)
	if r4.Version != 4 {
		t.Fatalf("got v%d, want v4 after indexing the unindexed v3", r4.Version)
	}
	d.Close()
	archivetest.Check(t, dir)
}

func copyIndex(t *testing.T, dir string) map[string][]byte {
	saved := map[string][]byte{}
	for _, f := range []string{"index.db", "index.db-wal", "index.db-shm"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			saved[f] = b
		}
	}
	return saved
}

func restoreIndex(t *testing.T, dir string, saved map[string][]byte) {
	for _, f := range []string{"index.db", "index.db-wal", "index.db-shm"} {
		os.Remove(filepath.Join(dir, f))
		if b, ok := saved[f]; ok {
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	_, err := archive.Open(dir, archive.Options{})
	var le *archive.LockError
	if !errors.As(err, &le) || !errors.Is(err, archive.ErrLocked) {
		t.Fatalf("second writer: err = %v, want a LockError", err)
	}
	if !strings.Contains(le.Error(), "pid ") {
		t.Errorf("lock error does not name the holder: %v", le)
	}
	// Readers do not need the lock.
	r, err := archive.Open(dir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reader while locked: %v", err)
	}
	r.Close()
	a.Close()
	b, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	b.Close()
}

// Resolve's refusals are one line each, saying what the archive has, and
// match the sentinel a command maps to its exit code.
func TestResolve(t *testing.T) {
	a := open(t, t.TempDir())
	r := put(t, a, entry("http://a.gov.cn/1.html", "一\n", t0), archive.NewDocument)
	put(t, a, entry("http://a.gov.cn/1.html", "二\n", t0.Add(time.Hour)), archive.NewVersion)
	// More documents, until two share a first digit: an ambiguous prefix.
	byFirst := map[byte][]string{}
	byFirst[r.Doc[0]] = []string{r.Doc}
	var amb []string
	for i := 2; amb == nil; i++ {
		d := put(t, a, entry(fmt.Sprintf("http://a.gov.cn/%d.html", i), fmt.Sprintf("文%d\n", i), t0), archive.NewDocument).Doc
		byFirst[d[0]] = append(byFirst[d[0]], d)
		if l := byFirst[d[0]]; len(l) == 2 {
			amb = l
		}
	}
	sort.Strings(amb)
	prefix := amb[0][:1]
	tests := []struct {
		ref     string
		version int
		err     string
		is      error
	}{
		{r.Doc, 2, "", nil},
		{r.Doc[:4], 2, "", nil},
		{r.Doc + "@v1", 1, "", nil},
		{r.Doc + "@1", 1, "", nil},
		{r.Doc + "@v3", 0, r.Doc + " has versions v1 to v2; no v3", archive.ErrNotFound},
		{r.Doc + "@vx", 0, `"` + r.Doc + `@vx": a version is written @vN, as in ` + r.Doc + "@v2", archive.ErrBadRef},
		{r.Doc + "@", 0, `"` + r.Doc + `@": a version is written @vN, as in ` + r.Doc + "@v2", archive.ErrBadRef},
		{"ffffffffff", 0, "no document ffffffffff", archive.ErrNotFound},
		{prefix, 0, "prefix " + prefix + " matches 2 documents: " + amb[0] + ", " + amb[1] + "; give more of the id", archive.ErrAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			v, err := a.Resolve(context.Background(), tt.ref)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !errors.Is(err, tt.is) {
					t.Fatalf("err = %v, want %q (%v)", err, tt.err, tt.is)
				}
				return
			}
			if err != nil || v.Version != tt.version {
				t.Fatalf("got v%d, %v; want v%d", v.Version, err, tt.version)
			}
		})
	}
}

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://WWW.Beijing.gov.cn:443/a/b.html#top", "https://www.beijing.gov.cn/a/b.html"},
		{"https://www.beijing.gov.cn/gate/big5/www.beijing.gov.cn/gongkai/t1.html", "https://www.beijing.gov.cn/gongkai/t1.html"},
		{"http://127.0.0.1:8080/x?page=2", "http://127.0.0.1:8080/x?page=2"},
		{"http://a.gov.cn", "http://a.gov.cn/"},
	}
	for _, tt := range tests {
		if got := archive.CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
