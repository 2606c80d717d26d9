//go:build !unix

package crawler

// FileLimit is 0 where the limit on open files cannot be read: the limits
// are not cut to it.
func FileLimit() int { return 0 }
