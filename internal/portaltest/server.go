package portaltest

import (
	"embed"
	"io/fs"
	"net"
	"net/http/httptest"
	"testing"
	"time"
)

// fixtures holds the built-in portal (portal/), the page of the other site
// it links to (offsite/), and the portal of reports published as files
// (files/). It is read-only data, not state: every Server reads it
// through its own Handler.
//
//go:embed portal offsite files
var fixtures embed.FS

// Server is a fake portal on 127.0.0.1 serving fixture pages from an fs.FS.
// The embedded httptest.Server provides URL, Client and Close; the other
// methods forward to the Server's Handler.
type Server struct {
	*httptest.Server

	// Offsite is another site, on another port of 127.0.0.1, that the built-in
	// portal links to through {{OFFSITE}}. NewPortal starts it; NewServer leaves
	// it nil. A crawler scoped to the portal must never request it.
	Offsite *Server

	h *Handler
}

// NewServer starts a Server for fsys on 127.0.0.1 and closes it via t.Cleanup.
func NewServer(t testing.TB, fsys fs.FS) *Server {
	t.Helper()
	h := NewHandler(fsys)
	ts := httptest.NewUnstartedServer(h)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("portaltest: listen on 127.0.0.1: %v", err)
	}
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	s := &Server{Server: ts, h: h}
	t.Cleanup(s.Close)
	return s
}

// NewPortal starts a Server for the built-in portal (see Portal), plus its
// Offsite server, and sets {{OFFSITE}} to the Offsite server's URL. Both close
// via t.Cleanup.
func NewPortal(t testing.TB) *Server {
	t.Helper()
	off := NewServer(t, Offsite())
	s := NewServer(t, Portal())
	s.Offsite = off
	s.SetVar(OffsiteVar, off.URL)
	return s
}

// Portal returns the built-in fixture tree, the 津南区 portal described in the
// package documentation, as an fs.FS, so that a command can serve it too
// (with NewHandler). Remember to SetVar(OffsiteVar, …) when serving it.
func Portal() fs.FS {
	return mustSub("portal")
}

// Offsite returns the fixture tree of the other site the portal links to: one
// report page at OffsitePath.
func Offsite() fs.FS {
	return mustSub("offsite")
}

// Files returns the fixture tree of a portal that publishes its reports as
// files (see FileReports): a column at /fzzf/ whose links lead to report
// pages with attachments (PDF, DOCX, DOC, WPS, a ZIP, an off-site PDF, a
// PDF served as text/html), and straight to files (a PDF, a scanned PDF, an
// OFD behind downfile.jsp with a GBK file name in its Content-Disposition).
// The files were made with real tools; filesrc/make.sh says how.
func Files() fs.FS {
	return mustSub("files")
}

// NewFilesPortal starts a Server for Files, closed via t.Cleanup.
func NewFilesPortal(t testing.TB) *Server {
	t.Helper()
	return NewServer(t, Files())
}

// mustSub returns a subtree of fixtures; dir is a constant, so failure is a bug.
func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(fixtures, dir)
	if err != nil {
		panic("portaltest: " + err.Error())
	}
	return sub
}

// Handler returns the Handler behind s.
func (s *Server) Handler() *Handler { return s.h }

// Set adds or replaces the page at uri; see Handler.Set.
func (s *Server) Set(uri string, content []byte) { s.h.Set(uri, content) }

// Remove makes the page at uri answer 404; see Handler.Remove.
func (s *Server) Remove(uri string) { s.h.Remove(uri) }

// SetVar makes {{name}} in served pages expand to value; see Handler.SetVar.
func (s *Server) SetVar(name, value string) { s.h.SetVar(name, value) }

// SetClock replaces the clock behind {{NOW}} and {{TODAY}}; see Handler.SetClock.
func (s *Server) SetClock(now func() time.Time) { s.h.SetClock(now) }

// SetConditional turns ETag, Last-Modified and 304 answers on or off; see
// Handler.SetConditional.
func (s *Server) SetConditional(on bool) { s.h.SetConditional(on) }

// Requests returns every request received so far, in order; see Handler.Requests.
func (s *Server) Requests() []Request { return s.h.Requests() }

// Count returns how many requests had exactly this path and query; see
// Handler.Count.
func (s *Server) Count(uri string) int { return s.h.Count(uri) }

// ClosedAddr returns a loopback address ("127.0.0.1:PORT") that nothing
// listens on: it was free a moment ago. A connection to it is refused — a
// dead portal — and a server of the test's own may listen on it.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
