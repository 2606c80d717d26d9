//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/nianbao/nianbao/internal/portaltest"
)

// openPTY opens a pseudo-terminal of cols×rows: the master end, to read
// what is written to the terminal, and the slave end, to give a process as
// its stdout and stderr. Only the standard library: /dev/ptmx and ioctls.
func openPTY(t *testing.T, cols, rows uint16) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	ioctl := func(f *os.File, req uintptr, arg unsafe.Pointer) {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); e != 0 {
			t.Fatalf("ioctl %#x on %s: %v", req, f.Name(), e)
		}
	}
	var unlock int32
	ioctl(m, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(m, syscall.TIOCGPTN, unsafe.Pointer(&n))
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	ws := struct{ Row, Col, X, Y uint16 }{Row: rows, Col: cols}
	ioctl(s, syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

var (
	viewLine  = regexp.MustCompile(`^(\S+): (\d+) pages, .*\b(\d+) errors, `)
	logRecord = regexp.MustCompile(`^time=\S+ level=(DEBUG|INFO|WARN|ERROR) msg=`)
)

// TestCrawlOnTerminal runs a real nianbao process with its stdout and
// stderr on a pseudo-terminal, against a fake portal with failing pages,
// and replays what it wrote: no log record shares a line with the
// progress view, the summary comes after the view's last redraw and is
// never drawn over, and the view's last error count per site is the
// summary's. A wide terminal, and one narrower than the view's long line.
func TestCrawlOnTerminal(t *testing.T) {
	for _, cols := range []int{200, 72} {
		t.Run(strconv.Itoa(cols)+" columns", func(t *testing.T) { crawlOnTerminal(t, cols) })
	}
}

func crawlOnTerminal(t *testing.T, cols int) {
	srv := portaltest.NewPortal(t)
	reports := portaltest.Reports()
	srv.Set(reports[2].Paths[0], []byte("<!-- portaltest: status=500 -->\n<html><body>服务器错误</body></html>"))
	srv.Remove(reports[3].Paths[0])
	cfg, _ := portalSetup(t, srv, map[string]string{
		"sites/trap.yaml": "name: trap\nstart: " + srv.URL + "/trap/?page=1\nmax_pages: 7\n",
	})
	master, slave := openPTY(t, uint16(cols), 50)

	args, _ := json.Marshal([]string{"--config", cfg, "--log-level", "info", "crawl", "--all"})
	c := exec.Command(os.Args[0], "-test.run=^$")
	c.Env = append(os.Environ(), runMainEnv+"="+string(args))
	c.Stdout, c.Stderr = slave, slave
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the child holds it; reading the master ends when the child is gone
	var raw bytes.Buffer
	done := make(chan error, 1)
	go func() { _, err := io.Copy(&raw, master); done <- err }()
	werr := c.Wait()
	<-done // EIO once the last holder of the slave end closed it
	if werr != nil {
		t.Fatalf("crawl: %v\n%s", werr, raw.String())
	}
	out := raw.Bytes()
	screen := replay(t, out, cols)
	text := strings.Join(screen, "\n")

	// Every log record starts a line of its own, and no line of the view
	// holds one.
	records := 0
	for _, l := range screen {
		if i := strings.Index(l, "time=20"); i >= 0 {
			records++
			if i > 0 || !logRecord.MatchString(l) {
				t.Errorf("a log record shares its line:\n%q", l)
			}
		}
	}
	if records < 4 {
		t.Fatalf("only %d log records on the terminal:\n%s", records, text)
	}

	// The summary comes last: nothing is drawn after it starts, and the
	// screen ends with it, as it was written.
	at := bytes.Index(out, []byte("SITE "))
	if at < 0 {
		t.Fatalf("no summary on the terminal:\n%s", text)
	}
	if i := bytes.IndexByte(out[at:], 0x1b); i >= 0 {
		t.Errorf("the terminal is redrawn after the summary began: %q", out[at+max(0, i-40):min(len(out), at+i+40)])
	}
	summary := replay(t, out[at:], cols)
	trim := func(l []string) []string {
		for len(l) > 0 && l[len(l)-1] == "" {
			l = l[:len(l)-1]
		}
		return l
	}
	summary, tail := trim(summary), trim(screen)
	if len(tail) < len(summary) || strings.Join(tail[len(tail)-len(summary):], "\n") != strings.Join(summary, "\n") {
		t.Fatalf("the summary on the screen is not the summary written:\nscreen:\n%s\nwritten:\n%s", text, strings.Join(summary, "\n"))
	}

	// The view's last state is just above the summary, a line per site,
	// each no wider than the terminal, and its error counts are the summary's.
	head := len(tail) - len(summary)
	live := map[string]string{}
	for i := head - 1; i >= 0 && viewLine.MatchString(screen[i]); i-- {
		m := viewLine.FindStringSubmatch(screen[i])
		if !strings.HasSuffix(screen[i], " — done") {
			t.Errorf("the view's last line for %s is not its end: %q", m[1], screen[i])
		}
		live[m[1]] = m[3]
	}
	final := map[string]string{}
	rows := strings.Split(strings.ReplaceAll(string(out[at:]), "\r\n", "\n"), "\n")
	for _, l := range rows[1:] {
		f := strings.Fields(l)
		if len(f) == 12 && (f[0] == "jinnan" || f[0] == "trap") {
			final[f[0]] = f[10]
		}
	}
	if len(final) != 2 || final["jinnan"] == "0" {
		t.Fatalf("summary rows: %v, want jinnan with errors (a 500, a 404) and trap:\n%s", final, strings.Join(rows, "\n"))
	}
	for site, n := range final {
		if live[site] != n {
			t.Errorf("%s: the live view ended with %q errors, the summary says %s:\n%s", site, live[site], n, text)
		}
	}
}
