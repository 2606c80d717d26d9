//go:build !unix

package sites

import "os"

// openFlags open a site file for reading; where there are no FIFOs to
// block on, nothing more is needed.
const openFlags = os.O_RDONLY
