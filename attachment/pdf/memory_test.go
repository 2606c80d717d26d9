package pdf

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
)

// A linear memory grows, zeroed, up to the gauge's limit, and refuses to
// grow past it; the gauge records its size and the refusal. The
// platform's memory (a reservation on Linux and macOS) never moves.
func TestLinearMemory(t *testing.T) {
	for _, tc := range []struct {
		name    string
		new     func(g *memoryGauge) experimental.LinearMemory
		inPlace bool
	}{
		{"platform", func(g *memoryGauge) experimental.LinearMemory {
			return g.allocator().Allocate(wasmPage, 16*wasmPage)
		}, runtime.GOOS == "linux" || runtime.GOOS == "darwin"},
		{"go slice", func(g *memoryGauge) experimental.LinearMemory {
			return &goMemory{gauge: g, max: g.limit}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newMemoryGauge(4*wasmPage + 100) // the limit is 4 pages
			m := tc.new(g)
			defer m.Free()
			b := m.Reallocate(wasmPage)
			if len(b) != wasmPage {
				t.Fatalf("Reallocate(1 page) = %d bytes", len(b))
			}
			b[0], b[len(b)-1] = 1, 2
			grown := m.Reallocate(3 * wasmPage)
			if len(grown) != 3*wasmPage || grown[0] != 1 || grown[wasmPage-1] != 2 {
				t.Fatalf("Reallocate(3 pages) = %d bytes, lost what was written", len(grown))
			}
			for i, c := range grown[wasmPage:] {
				if c != 0 {
					t.Fatalf("byte %d of the grown memory is %d, want 0", wasmPage+i, c)
				}
			}
			grown[len(grown)-1] = 3
			// A reservation never moves: growing copies nothing, and no
			// old array is left to the garbage collector.
			if tc.inPlace && unsafe.SliceData(grown) != unsafe.SliceData(b) {
				t.Error("the memory moved when it grew")
			}
			if g.refused.Load() || g.peak.Load() != 3*wasmPage {
				t.Errorf("gauge: refused %v, peak %d; want false, %d", g.refused.Load(), g.peak.Load(), 3*wasmPage)
			}
			if m.Reallocate(4*wasmPage) == nil || g.refused.Load() {
				t.Error("Reallocate(4 pages) refused, the limit is 4 pages")
			}
			if m.Reallocate(5*wasmPage) != nil || !g.refused.Load() {
				t.Errorf("Reallocate(5 pages) not nil or not recorded (refused %v), want nil past the limit", g.refused.Load())
			}
			g.reset()
			if g.refused.Load() || g.peak.Load() != 0 {
				t.Error("reset left the gauge as it was")
			}
		})
	}
}

// A limit below the module's minimum still gives it its minimum: pdfium
// cannot start in less.
func TestLinearMemoryMinimum(t *testing.T) {
	g := newMemoryGauge(1 << 20)
	m := g.allocator().Allocate(4<<20, 16<<20)
	defer m.Free()
	if b := m.Reallocate(4 << 20); len(b) != 4<<20 {
		t.Errorf("Reallocate(minimum) = %d bytes, want %d", len(b), 4<<20)
	}
	if m.Reallocate(4<<20+wasmPage) != nil {
		t.Error("grew past the minimum, which is the limit")
	}
}
