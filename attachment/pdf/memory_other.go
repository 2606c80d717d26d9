//go:build !(linux || darwin)

package pdf

import "github.com/tetratelabs/wazero/experimental"

// newLinearMemory returns a memory of at most maximum bytes in a Go
// slice: on this OS the process may hold two or three times
// Config.MemoryLimit at peak.
func newLinearMemory(g *memoryGauge, maximum uint64) experimental.LinearMemory {
	return &goMemory{gauge: g, max: maximum}
}
