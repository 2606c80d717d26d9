package archive

import (
	"os"

	"golang.org/x/sys/unix"
)

// haveSyncFS: Linux flushes a whole file system with one syncfs(2), which
// since 5.8 also reports write-back errors seen since the descriptor was
// opened.
const haveSyncFS = true

func syncFS(f *os.File) error { return unix.Syncfs(int(f.Fd())) }
