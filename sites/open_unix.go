//go:build unix

package sites

import (
	"os"
	"syscall"
)

// openFlags open a site file for reading without blocking: opening a FIFO
// for reading would otherwise wait for a writer, forever. Reading a regular
// file is unaffected.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
