package archive_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

func TestParseLockHolder(t *testing.T) {
	since := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		line string
		want archive.LockHolder
	}{
		{"pid 1234: nianbao crawl --all, since 2026-11-22T10:00:00Z\n",
			archive.LockHolder{PID: 1234, Command: "nianbao crawl --all", Since: since}},
		{"pid 7: nianbao serve, listen 127.0.0.1:8427, since 2026-11-22T10:00:00Z",
			archive.LockHolder{PID: 7, Command: "nianbao serve", Listen: "127.0.0.1:8427", Since: since}},
		{"pid 7: nianbao serve, listen [::1]:8427, since 2026-11-22T10:00:00Z",
			archive.LockHolder{PID: 7, Command: "nianbao serve", Listen: "[::1]:8427", Since: since}},
		{"something else entirely", archive.LockHolder{Command: "something else entirely"}},
		{"", archive.LockHolder{}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := archive.ParseLockHolder(tt.line); got != tt.want {
				t.Errorf("ParseLockHolder(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}

func TestSetLockHolder(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	defer a.Close()
	if err := a.SetLockHolder("nianbao serve, listen 127.0.0.1:9999"); err != nil {
		t.Fatal(err)
	}
	_, err := archive.Open(dir, archive.Options{})
	var le *archive.LockError
	if !errors.As(err, &le) {
		t.Fatalf("second writer: err = %v, want a LockError", err)
	}
	h := le.Holding()
	if h.PID != os.Getpid() || h.Command != "nianbao serve" || h.Listen != "127.0.0.1:9999" || h.Since.IsZero() {
		t.Errorf("holder %+v from %q", h, le.Holder)
	}
	if !strings.Contains(le.Error(), "(pid ") || !strings.Contains(le.Error(), "nianbao serve, listen 127.0.0.1:9999") {
		t.Errorf("message does not name the holder: %v", le)
	}
	// A shorter description leaves no tail of the longer one.
	if err := a.SetLockHolder("x"); err != nil {
		t.Fatal(err)
	}
	_, err = archive.Open(dir, archive.Options{})
	if !errors.As(err, &le) || le.Holding().Command != "x" || le.Holding().Listen != "" {
		t.Errorf("after a shorter description: %v", err)
	}
	r, err := archive.Open(dir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.SetLockHolder("y"); err == nil {
		t.Error("a read-only archive accepted a lock holder")
	}
}
