package pdf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
)

// manyPages returns a PDF of n pages made with pdfium from the pages of
// src repeated (FPDF_ImportPages), so the benchmark's long document needs
// no file in testdata. It starts e's runtime.
func manyPages(tb testing.TB, e *Engine, src []byte, n int) []byte {
	tb.Helper()
	e.slot <- struct{}{}
	defer e.release()
	rt, err := e.runtime()
	if err != nil {
		tb.Fatal(err)
	}
	inst, err := rt.pool.GetInstance(time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	defer inst.Close()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &src})
	if err != nil {
		tb.Fatal(err)
	}
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		tb.Fatal(err)
	}
	dst, err := inst.FPDF_CreateNewDocument(&requests.FPDF_CreateNewDocument{})
	if err != nil {
		tb.Fatal(err)
	}
	for have := 0; have < n; have += pc.PageCount {
		pages := fmt.Sprintf("1-%d", min(pc.PageCount, n-have))
		if _, err := inst.FPDF_ImportPages(&requests.FPDF_ImportPages{
			Source: doc.Document, Destination: dst.Document, PageRange: &pages, Index: have,
		}); err != nil {
			tb.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: dst.Document, FileWriter: &out}); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// procStatus returns a field of /proc/self/status in MB ("VmRSS",
// "VmHWM"), or -1 where there is no /proc.
func procStatus(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return -1
			}
			return kb / 1024
		}
	}
	return -1
}

// resetPeak resets VmHWM to the current RSS (Linux clear_refs 5).
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// coldStartEnv makes the test binary a helper process for
// BenchmarkColdStart: it runs TestColdStartHelper alone, in a process that
// has not touched pdfium yet, with the compilation cache directory named
// by the variable ("" for none).
const coldStartEnv = "NIANBAO_PDF_COLDSTART"

// TestColdStartHelper is BenchmarkColdStart's helper process: New, one
// 1-page document, Close. It prints "coldstart <ms> <rss> <peak> <after>":
// the time to the first text, the growth of the resident set (MB) with the
// runtime running, of its high-water mark, and what is left after Close
// and a GC returning memory to the OS.
func TestColdStartHelper(t *testing.T) {
	dir, ok := os.LookupEnv(coldStartEnv)
	if !ok {
		t.Skip("helper process of BenchmarkColdStart")
	}
	data := readTestdata(t, "stsong_cmap.pdf")
	debug.FreeOSMemory()
	before := procStatus("VmRSS")
	resetPeak()
	start := time.Now()
	e := New(Config{CacheDir: dir})
	if _, err := e.Text(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	rss, peak := procStatus("VmRSS")-before, procStatus("VmHWM")-before
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	debug.FreeOSMemory()
	fmt.Printf("coldstart %.1f %.1f %.1f %.1f\n", float64(elapsed.Microseconds())/1000, rss, peak, procStatus("VmRSS")-before)
}

// BenchmarkColdStart measures what the first PDF costs a process: New,
// the runtime's start and one 1-page document, each op in a fresh
// process (the test binary running TestColdStartHelper). "cache" has a
// compilation cache filled beforehand, "nocache" compiles pdfium. Metrics:
// first-text-ms, the time from New to the first Text's result; rss-MB,
// the growth of the resident set with the runtime running; peak-MB, the
// growth of its high-water mark; closed-MB, what is left after Close.
// ns/op includes starting the process.
func BenchmarkColdStart(b *testing.B) {
	for _, withCache := range []bool{true, false} {
		name := "nocache"
		if withCache {
			name = "cache"
		}
		b.Run(name, func(b *testing.B) {
			dir := ""
			if withCache {
				dir = filepath.Join(b.TempDir(), "wazero")
				coldStart(b, dir) // fill the cache
			}
			var sum [4]float64
			for b.Loop() {
				m := coldStart(b, dir)
				for i := range sum {
					sum[i] += m[i]
				}
			}
			for i, unit := range []string{"first-text-ms", "rss-MB", "peak-MB", "closed-MB"} {
				b.ReportMetric(sum[i]/float64(b.N), unit)
			}
		})
	}
}

func coldStart(b *testing.B, dir string) [4]float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestColdStartHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), coldStartEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("helper: %v\n%s", err, out)
	}
	var m [4]float64
	for l := range strings.SplitSeq(string(out), "\n") {
		if _, err := fmt.Sscanf(l, "coldstart %f %f %f %f", &m[0], &m[1], &m[2], &m[3]); err == nil {
			return m
		}
	}
	b.Fatalf("helper printed no figures:\n%s", out)
	return m
}

// BenchmarkText reads a 20-page document (lo_table.pdf's 2 pages ten
// times) on a started Engine.
func BenchmarkText(b *testing.B) {
	e := New(Config{CacheDir: shared.cacheDir})
	defer e.Close()
	data := manyPages(b, e, readTestdata(b, "lo_table.pdf"), 20)
	res, err := e.Text(context.Background(), data)
	if err != nil || res.Pages != 20 || res.Status != StatusOK {
		b.Fatalf("20-page document: %v, %d pages, %s", err, res.Pages, res.Status)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := e.Text(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/20, "ns/page")
}
