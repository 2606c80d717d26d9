//go:build linux || darwin

package pdf

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// mappedMemory is a linear memory in a mapping of its maximum size,
// reserved inaccessible and committed (made readable and writable) as
// it grows. Growing never copies or moves it, so a memory of n bytes
// costs at most n bytes resident (only the pages pdfium touched), not
// the two or three times n of a Go slice grown by copying with the old
// arrays left to the garbage collector; and Free returns it to the OS at
// once.
type mappedMemory struct {
	gauge     *memoryGauge
	buf       []byte // the reservation
	committed int    // the first committed bytes of buf are accessible
}

// newLinearMemory returns a memory of at most maximum bytes: a
// mappedMemory, or a goMemory if the OS refuses the reservation.
func newLinearMemory(g *memoryGauge, maximum uint64) experimental.LinearMemory {
	buf, err := syscall.Mmap(-1, 0, int(maximum), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return &goMemory{gauge: g, max: maximum}
	}
	return &mappedMemory{gauge: g, buf: buf}
}

// Reallocate implements experimental.LinearMemory. Sizes are whole wasm
// pages, so the range committed is aligned to the OS's pages.
func (m *mappedMemory) Reallocate(size uint64) []byte {
	if !m.gauge.grow(size, uint64(len(m.buf))) {
		return nil // memory.grow fails: pdfium's malloc returns NULL
	}
	if n := int(size); n > m.committed {
		if err := syscall.Mprotect(m.buf[m.committed:n], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			m.gauge.refused.Store(true) // the OS will not commit more
			return nil
		}
		m.committed = n
	}
	return m.buf[:size:size]
}

// Free implements experimental.LinearMemory.
func (m *mappedMemory) Free() {
	if m.buf != nil {
		_ = syscall.Munmap(m.buf)
		m.buf, m.committed = nil, 0
	}
}
