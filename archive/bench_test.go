package archive_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// benchEntry is a report as harvest puts it: a 70 KB page from the fake
// portal as raw bytes and an ~8 KB text unique to i.
func benchEntry(b *testing.B, i int) archive.Entry {
	b.Helper()
	raw, err := benchPage()
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	fmt.Fprintf(&text, "第%d号报告\n", i)
	for text.Len() < 8<<10 {
		text.WriteString("一、主要工作情况。全面贯彻落实党中央、国务院关于法治政府建设的决策部署，依法全面履行政府职能。\n")
	}
	u := fmt.Sprintf("https://sf.tj.gov.cn/fzzfjs/202103/t20210326_%d.html", i)
	return archive.Entry{
		Site: "demo", URL: u, Title: "天津市司法局2020年度法治政府建设情况报告", Kind: "fzzf", Year: 2020,
		Text: []byte(text.String()), Extractor: "test", FetchedAt: t0.Add(time.Duration(i) * time.Second),
		Raw: raw, Status: 200, ContentType: "text/html; charset=utf-8", Encoding: "utf-8",
	}
}

var benchPage = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile("../internal/portaltest/portal/fzzfjs/202103/t20210304_1006.html") // 68 KB
})

// cpuTime is the process's user+system CPU time so far: most of a Put's
// wall time is waiting for fsync, which ns/op mixes in.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func benchFetch(e archive.Entry) archive.FetchState {
	return archive.FetchState{URL: e.URL, Site: e.Site, Status: 200, ETag: `"5f2a-61c"`,
		LastModified: "Fri, 26 Mar 2021 08:00:00 GMT", SHA256: strings.Repeat("ab", 32), Bytes: len(e.Raw), FetchedAt: e.FetchedAt}
}

// putReport archives e and records its fetch, as harvest does for a report
// page: the fetch state with the text, in one index transaction.
func putReport(b *testing.B, a *archive.Archive, e archive.Entry, want archive.Outcome) {
	e.Fetched = []archive.FetchState{benchFetch(e)}
	r, err := a.Put(context.Background(), e)
	if err != nil {
		b.Fatal(err)
	}
	if r.Outcome != want {
		b.Fatalf("outcome %s, want %s", r.Outcome, want)
	}
}

// BenchmarkPut is a new document per iteration: files, fsyncs and the index.
func BenchmarkPut(b *testing.B) {
	a, err := archive.Open(b.TempDir(), archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	i := 0
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		putReport(b, a, benchEntry(b, i), archive.NewDocument)
		i++
	}
	reportCPU(b, start)
}

// BenchmarkPutUnchanged is a re-crawl's report fetched in full whose text is
// already archived: no file written, the index touched.
func BenchmarkPutUnchanged(b *testing.B) {
	a, err := archive.Open(b.TempDir(), archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	e := benchEntry(b, 0)
	putReport(b, a, e, archive.NewDocument)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		e.FetchedAt = e.FetchedAt.Add(time.Second)
		putReport(b, a, e, archive.Unchanged)
	}
	reportCPU(b, start)
}

// BenchmarkRepair is `archive verify --repair`'s rebuild of the index of an
// archive of 1,000 reports (each a 70 KB page and an 8 KB text, with its
// fetch state): every document directory read, the new index built aside,
// the fetch state carried over, the swap.
func BenchmarkRepair(b *testing.B) {
	a, err := archive.Open(b.TempDir(), archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	for i := range 1000 {
		putReport(b, a, benchEntry(b, i), archive.NewDocument)
	}
	start := cpuTime()
	for b.Loop() {
		r, err := a.Repair(context.Background())
		if err != nil || r.VersionsIndexed != 1000 || r.CarriedOver.FetchStates != 1000 {
			b.Fatalf("%+v, %v", r, err)
		}
	}
	reportCPU(b, start)
}

// realisticEntry is a report as a national round puts it: a 50–100 KB text
// (varying with i), the 68 KB page it came from (gzip-compressed on
// write), and every eighth entry a file version instead (a 150 KB "PDF"
// kept as received).
func realisticEntry(b *testing.B, i int) archive.Entry {
	b.Helper()
	e := benchEntry(b, i)
	var text strings.Builder
	fmt.Fprintf(&text, "第%d号报告\n", i)
	for text.Len() < 50<<10+(i*7919)%(50<<10) {
		text.WriteString("一、主要工作情况。全面贯彻落实党中央、国务院关于法治政府建设的决策部署，依法全面履行政府职能。\n")
	}
	e.Text = []byte(text.String())
	if i%8 == 7 {
		pdf := make([]byte, 150<<10)
		copy(pdf, "%PDF-1.7\n")
		copy(pdf[16:], fmt.Sprintf("report %d", i))
		e.URL = fmt.Sprintf("https://sf.tj.gov.cn/fzzfjs/202103/P020210326_%d.pdf", i)
		e.Raw, e.ContentType, e.Encoding = pdf, "application/pdf", ""
		e.File = &archive.File{Name: fmt.Sprintf("报告%d.pdf", i), Type: "pdf", TextStatus: archive.TextOK, Pages: 12}
	}
	return e
}

// BenchmarkPutConcurrent is new documents put by 1 and by 32 goroutines at
// once, as a crawl of many sites does: entries are made before the clock
// starts, so ns/op, cpu-ns/op and docs/s are the archive's alone.
func BenchmarkPutConcurrent(b *testing.B) {
	for _, g := range []int{1, 32} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			a, err := archive.Open(b.TempDir(), archive.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			entries := make([]archive.Entry, b.N)
			for i := range entries {
				entries[i] = realisticEntry(b, i)
			}
			var next atomic.Int64
			work := func() {
				i := int(next.Add(1) - 1)
				putReport(b, a, entries[i], archive.NewDocument)
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := cpuTime()
			if g == 1 {
				for range b.N {
					work()
				}
			} else {
				b.SetParallelism((g + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						work()
					}
				})
			}
			b.StopTimer()
			reportCPU(b, start)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
