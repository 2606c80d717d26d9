package pdf

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// wasmPage is the unit in which a WebAssembly memory grows.
const wasmPage = 64 << 10

// memoryGauge makes pdfium's linear memories (one per pdfium instance)
// and holds them to Config.MemoryLimit: wazero's own limit is left at the
// 4 GiB of wasm32 and the memory refuses to grow past the gauge's, so
// that a refusal is seen and the document's failure can be put down to
// the limit (ErrMemoryLimit) rather than to the file.
type memoryGauge struct {
	limit   uint64        // bytes, a multiple of wasmPage
	peak    atomic.Uint64 // the largest size of a memory since reset
	refused atomic.Bool   // a grow past limit was refused since reset
	made    atomic.Int64  // memories made (pdfium instances) since reset
}

func newMemoryGauge(limit int64) *memoryGauge {
	return &memoryGauge{limit: uint64(limit) &^ (wasmPage - 1)}
}

// reset starts the watch of a new document.
func (g *memoryGauge) reset() {
	g.peak.Store(0)
	g.refused.Store(false)
	g.made.Store(0)
}

// allocator returns the wazero allocator of the gauge's memories. A
// memory is never smaller than the module's minimum (pdfium needs 18 MiB
// to start), whatever the limit.
func (g *memoryGauge) allocator() experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(capacity, maximum uint64) experimental.LinearMemory {
		g.made.Add(1)
		return newLinearMemory(g, max(capacity, min(maximum, g.limit)))
	})
}

// grow reports whether a memory of at most maximum bytes may grow to
// size bytes, and records the size or the refusal.
func (g *memoryGauge) grow(size, maximum uint64) bool {
	if size > maximum {
		g.refused.Store(true)
		return false
	}
	for {
		p := g.peak.Load()
		if size <= p || g.peak.CompareAndSwap(p, size) {
			return true
		}
	}
}

// goMemory is a linear memory in a Go slice, grown by copying as wazero's
// own is (a grown memory costs two or three times its size until the
// garbage collector frees the old arrays): the fallback where the OS
// reserves no address space.
type goMemory struct {
	gauge *memoryGauge
	max   uint64
	buf   []byte
}

// Reallocate implements experimental.LinearMemory.
func (m *goMemory) Reallocate(size uint64) []byte {
	if !m.gauge.grow(size, m.max) {
		return nil
	}
	if n := int(size); n > len(m.buf) {
		m.buf = append(m.buf, make([]byte, n-len(m.buf))...)
	}
	return m.buf[:size]
}

// Free implements experimental.LinearMemory.
func (m *goMemory) Free() { m.buf = nil }
