package sites_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/sites"
)

// BenchmarkLoadMany loads 10,000 site files, as a daemon for a whole
// country would, and reports the heap the loaded sites hold.
func BenchmarkLoadMany(b *testing.B) {
	const n = 10000
	fsys := fstest.MapFS{}
	for i := range n {
		fsys[fmt.Sprintf("s%05d.yaml", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"name: s%05d\nstart: http://127.1.%d.%d:8080/fzzf/\nschedule: \"0 3 1 1 *\"\n", i, i/250, i%250+1)}
	}
	d := sites.Defaults{Schedule: "0 3 * * *", Timeout: 30e9, MaxPages: 100, Encoding: "gb18030"}
	var held []*sites.Site
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		all, err := sites.Load(context.Background(), fsys, "sites", d)
		if err != nil || len(all) != n {
			b.Fatal(len(all), err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/site")
		held = all
	}
	runtime.KeepAlive(held)
}
