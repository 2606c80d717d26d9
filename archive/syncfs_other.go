//go:build !linux

package archive

import (
	"errors"
	"os"
)

// haveSyncFS: elsewhere a Sync fsyncs each staged file and directory.
func haveSyncFS() bool { return false }

func syncFS(*os.File) error { return errors.New("syncfs is Linux's") }
