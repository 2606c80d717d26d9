package pdf

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/nianbao/nianbao/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// shared is the Engine of the whole test binary: starting pdfium is the
// expensive part (seconds under -race), so tests share one runtime, and
// the engines a test needs for itself share its compilation cache.
var shared struct {
	engine   *Engine
	cacheDir string
}

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "nianbao-pdf-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	shared.cacheDir = filepath.Join(dir, "wazero")
	shared.engine = New(Config{CacheDir: shared.cacheDir, IdleClose: -1})
	code := m.Run()
	shared.engine.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// goldenFiles are the test PDFs (testdata/README.md says how each was
// made) with what Text must say about them. Those with StatusOK have
// their Text in testdata/<name>.golden.txt.
var goldenFiles = []struct {
	name           string
	status         Status
	pages          int
	noTextPages    int
	noUnicodePages int
}{
	{"lo_table", StatusOK, 2, 0, 0},
	{"cairo_cid", StatusOK, 1, 0, 0},
	{"stsong_cmap", StatusOK, 1, 0, 0},
	{"scanned", StatusNoText, 1, 1, 0},
	{"no_tounicode", StatusNoUnicode, 1, 0, 1},
	{"broken_xref", StatusOK, 1, 0, 0},
	{"encrypted", StatusEncrypted, 0, 0, 0},
	{"owner_password", StatusOK, 1, 0, 0},
	{"seal_last_page", StatusOK, 2, 1, 0},
	{"rotated_table", StatusOK, 1, 0, 0},
}

func TestGolden(t *testing.T) {
	for _, f := range goldenFiles {
		t.Run(f.name, func(t *testing.T) {
			res, err := shared.engine.Text(t.Context(), readTestdata(t, f.name+".pdf"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != f.status || res.Pages != f.pages || res.PagesRead != f.pages || res.NoTextPages != f.noTextPages ||
				res.NoUnicodePages != f.noUnicodePages || res.Truncated || res.Limit != "" {
				t.Errorf("got status %s, %d pages, %d without text, %d unreadable, truncated %v; want %s, %d, %d, %d, false",
					res.Status, res.Pages, res.NoTextPages, res.NoUnicodePages, res.Truncated,
					f.status, f.pages, f.noTextPages, f.noUnicodePages)
			}
			if f.status != StatusOK {
				if res.Text != "" {
					t.Errorf("status %s with text %q", res.Status, res.Text)
				}
				return
			}
			golden.Check(t, f.name+".golden.txt", []byte(res.Text), *update)
		})
	}
}

// newEngine returns an Engine of the test's own that shares the test
// binary's compilation cache, closed at the end of the test.
func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	cfg.CacheDir = shared.cacheDir
	e := New(cfg)
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

// A daemon that never sees a PDF must not pay for pdfium: New starts no
// runtime, goroutine or file, and neither does data that is not a PDF.
func TestNewStartsNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	e := New(Config{CacheDir: dir})
	if _, err := e.Text(t.Context(), []byte("<html><body>not found</body></html>")); !errors.Is(err, ErrNotPDF) {
		t.Errorf("Text(html) = %v, want ErrNotPDF", err)
	}
	runtime.ReadMemStats(&after)
	if e.Started() {
		t.Error("Started() after New and a non-PDF = true")
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after New, %d before", n, goroutines)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<10 {
		t.Errorf("New and a non-PDF allocated %d bytes", grown)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cache dir made before any PDF: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Text(t.Context(), readTestdata(t, "stsong_cmap.pdf")); !errors.Is(err, ErrClosed) {
		t.Errorf("Text after Close = %v, want ErrClosed", err)
	}
	if e.Started() {
		t.Error("Started() after Close = true")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		notPDF  bool
		wantErr string
	}{
		{"empty", nil, true, "not a PDF"},
		{"html", []byte("<!DOCTYPE html><title>404</title>"), true, "not a PDF"},
		{"docx", []byte("PK\x03\x04\x14\x00\x06\x00"), true, "not a PDF"},
		{"header only", []byte("%PDF-1.7\n"), false, "open"},
		{"garbage", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("\x00\xff garbage 1 0 obj"), 200)...), false, "open"},
		{"truncated", readTestdata(t, "lo_table.pdf")[:1000], false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := shared.engine.Text(t.Context(), tc.data)
			if tc.wantErr == "" && err == nil {
				// pdfium repairs what it can; a truncated file may open
				// with no text left, but must not claim any.
				if res.Status == StatusOK {
					t.Errorf("truncated PDF read as ok: %q", res.Text)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, got %+v", res)
			}
			if errors.Is(err, ErrNotPDF) != tc.notPDF || !strings.Contains(err.Error(), tc.wantErr) ||
				!strings.HasPrefix(err.Error(), "pdf: ") {
				t.Errorf("error %q, want one with %q (ErrNotPDF %v)", err, tc.wantErr, tc.notPDF)
			}
		})
	}
	// The engine still works after failed documents.
	if res, err := shared.engine.Text(t.Context(), readTestdata(t, "stsong_cmap.pdf")); err != nil || res.Status != StatusOK {
		t.Errorf("after errors: %v, %s", err, res.Status)
	}
}

func TestTable(t *testing.T) {
	want := []string{
		"申请人类型\t本年新收\t上年结转\t予以公开\t不予公开\t办理总计",
		"自然人\t126\t8\t97\t12\t121",
		"社会公益组织\t5\t1\t4\t1\t6",
	}
	for _, name := range []string{"lo_table", "cairo_cid", "stsong_cmap", "rotated_table"} {
		t.Run(name, func(t *testing.T) {
			res, err := shared.engine.Text(t.Context(), readTestdata(t, name+".pdf"))
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range want {
				if !strings.Contains(res.Text, "\n"+row+"\n") {
					t.Errorf("no row %q in\n%s", row, res.Text)
				}
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	e := newEngine(t, Config{MaxPages: 1})
	res, err := e.Text(t.Context(), readTestdata(t, "lo_table.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || res.Limit != LimitPages || res.Pages != 2 || res.PagesRead != 1 || res.Status != StatusOK {
		t.Errorf("got truncated %v by %q, %d pages, %d read, %s; want true, %q, 2, 1, ok",
			res.Truncated, res.Limit, res.Pages, res.PagesRead, res.Status, LimitPages)
	}
	if strings.Contains(res.Text, "东湖市司法局\n2024年3月15日") {
		t.Errorf("text of page 2 read:\n%s", res.Text)
	}
}

// A document read in a fresh pdfium instance after every page (as one
// with many page objects is, see objectsPerInstance) gives the text it
// gives in one instance.
func TestInstancePerPages(t *testing.T) {
	one := newEngine(t, Config{})
	many := newEngine(t, Config{objectsPerInstance: 1})
	data := manyPages(t, one, readTestdata(t, "lo_table.pdf"), 6)
	want, err := one.Text(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	if n := one.rt.gauge.made.Load(); n != 1 {
		t.Errorf("%d instances for 6 pages, want 1", n)
	}
	got, err := many.Text(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	if n := many.rt.gauge.made.Load(); n != 6 {
		t.Errorf("%d instances for 6 pages, want one a page", n)
	}
	if got != want {
		t.Errorf("one instance a page: %+v\nwant %+v", got, want)
	}
}

// Concurrent callers share the runtime and get the same text.
func TestConcurrent(t *testing.T) {
	want := make(map[string]string)
	for _, name := range []string{"lo_table", "stsong_cmap", "cairo_cid"} {
		want[name] = string(readTestdata(t, name+".golden.txt"))
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			for name, w := range want {
				res, err := shared.engine.Text(t.Context(), readTestdata(t, name+".pdf"))
				if err != nil {
					t.Errorf("goroutine %d, %s: %v", i, name, err)
					continue
				}
				if res.Text != w {
					t.Errorf("goroutine %d, %s: text differs", i, name)
				}
			}
		})
	}
	wg.Wait()
}

func TestCancel(t *testing.T) {
	data := readTestdata(t, "lo_table.pdf")
	e := newEngine(t, Config{IdleClose: -1})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := e.Text(ctx, data); !errors.Is(err, context.Canceled) {
		t.Errorf("Text(cancelled) = %v, want context.Canceled", err)
	}
	// A deadline that ends while pdfium works aborts the call; the
	// runtime is then stopped and the next document starts a new one.
	big := manyPages(t, e, data, 40)
	for _, d := range []time.Duration{time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		_, err := e.Text(ctx, big)
		cancel()
		if err == nil {
			t.Logf("read 40 pages within %v", d)
			continue
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Text with %v deadline = %v, want context.DeadlineExceeded", d, err)
		}
		t.Logf("%v deadline: %v; runtime running: %v", d, err, e.Started())
	}
	res, err := e.Text(t.Context(), data)
	if err != nil || res.Text != string(readTestdata(t, "lo_table.golden.txt")) {
		t.Errorf("after cancellation: %v, %q", err, res.Text)
	}
}

func TestIdleClose(t *testing.T) {
	e := newEngine(t, Config{IdleClose: 50 * time.Millisecond})
	data := readTestdata(t, "stsong_cmap.pdf")
	for round := range 2 {
		if _, err := e.Text(t.Context(), data); err != nil {
			t.Fatal(err)
		}
		if !e.Started() {
			t.Fatalf("round %d: not started after Text", round)
		}
		deadline := time.Now().Add(10 * time.Second)
		for e.Started() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if e.Started() {
			t.Fatalf("round %d: still started after IdleClose", round)
		}
	}
}

// Close abandons a document being read.
func TestCloseWhileReading(t *testing.T) {
	e := New(Config{CacheDir: shared.cacheDir})
	big := manyPages(t, e, readTestdata(t, "lo_table.pdf"), 40)
	errc := make(chan error, 1)
	go func() {
		_, err := e.Text(context.Background(), big)
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("Text during Close = %v, want nil or ErrClosed", err)
	}
	if e.Started() {
		t.Error("started after Close")
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// TestPdftotextAgreement compares each golden text with poppler's
// pdftotext -layout, when it is installed, ignoring white space (tabs, line
// joins and the spaces pdftotext puts between CJK and Latin runs): the
// share of characters in common, 2·LCS/(len a + len b), is logged and
// must be at least 0.98.
func TestPdftotextAgreement(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	for _, f := range goldenFiles {
		if f.status != StatusOK {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), "pdftotext", "-layout", "-enc", "UTF-8", filepath.Join("testdata", f.name+".pdf"), "-").Output()
			if err != nil {
				t.Skipf("pdftotext: %v", err)
			}
			theirs, ours := noSpace(string(out)), noSpace(string(readTestdata(t, f.name+".golden.txt")))
			if len(theirs) == 0 {
				t.Skip("pdftotext gives no text (poppler-data missing?)")
			}
			ratio := 2 * float64(lcs(theirs, ours)) / float64(len(theirs)+len(ours))
			t.Logf("agreement with pdftotext: %.4f (%d and %d runes)", ratio, len(theirs), len(ours))
			if ratio < 0.98 {
				t.Errorf("agreement with pdftotext %.4f < 0.98", ratio)
			}
		})
	}
}

func noSpace(s string) []rune {
	var rs []rune
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '\f' {
			rs = append(rs, r)
		}
	}
	return rs
}

// lcs is the length of the longest common subsequence of a and b.
func lcs(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
