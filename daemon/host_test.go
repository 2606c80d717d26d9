package daemon

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHostPolicy(t *testing.T) {
	tcp := func(s string) net.Addr {
		ap, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return ap
	}
	type listener struct {
		listen  string   // config.yaml's listen
		bound   string   // the listener's address
		allowed []string // allowed_hosts
	}
	loop4 := listener{"127.0.0.1:8427", "127.0.0.1:8427", nil}
	loop6 := listener{"[::1]:8427", "[::1]:8427", nil}
	any4 := listener{"0.0.0.0:8427", "0.0.0.0:8427", []string{"nianbao.lan", "203.0.113.5"}}
	anyEmpty := listener{":8427", "[::]:8427", nil}
	lan := listener{"192.168.1.10:8427", "192.168.1.10:8427", []string{"203.0.113.5"}}
	named := listener{"nianbao.lan:8427", "192.168.1.10:8427", nil}
	tests := []struct {
		l     listener
		host  string
		allow bool
	}{
		{loop4, "127.0.0.1:8427", true},
		{loop4, "localhost:8427", true},
		{loop4, "localhost", true},
		{loop4, "LocalHost.:9000", true}, // an SSH tunnel's port, a fully qualified spelling
		{loop4, "[::1]:8427", true},
		{loop4, "127.0.0.2:8427", true},
		{loop4, "testbox:8427", true}, // the machine's name
		{loop4, "", true},             // HTTP/1.0 without Host: no browser sends that
		{loop4, "evil.example:8427", false},
		{loop4, "evil.example", false},
		{loop4, "127.0.0.1.nip.io:8427", false},
		{loop4, "localhost.evil.example:8427", false},
		{loop4, "testbox.evil.example:8427", false},
		{loop4, "192.168.1.10:8427", false},
		{loop4, "nianbao.lan:8427", false},
		{loop6, "[::1]:8427", true},
		{loop6, "localhost:8427", true},
		{loop6, "[::ffff:127.0.0.1]:8427", true},
		{loop6, "evil.example:8427", false},
		{any4, "192.168.1.10:8427", true}, // any address of the machine's
		{any4, "[fe80::1%25eth0]:8427", true},
		{any4, "testbox:8427", true},
		{any4, "nianbao.lan", true},      // allowed_hosts, behind a proxy on port 80
		{any4, "NIANBAO.LAN:8427", true}, // names are not case-sensitive
		{any4, "testbox.lan:8427", false},
		{any4, "evil.example:8427", false},
		{anyEmpty, "10.1.2.3:8427", true},
		{anyEmpty, "evil.example:8427", false},
		{lan, "192.168.1.10:8427", true},
		{lan, "127.0.0.1:8427", true},   // an SSH tunnel to the LAN address
		{lan, "203.0.113.5:8427", true}, // allowed_hosts: the router's public address
		{lan, "10.0.0.1:8427", false},
		{lan, "evil.example:8427", false},
		{named, "nianbao.lan:8427", true}, // the listen address's own name
		{named, "192.168.1.10:8427", true},
		{named, "evil.example:8427", false},
	}
	for _, tt := range tests {
		t.Run(tt.l.listen+" Host "+tt.host, func(t *testing.T) {
			p := newHostPolicy(tt.l.listen, tcp(tt.l.bound), "TestBox", tt.l.allowed)
			if got := p.allows(tt.host); got != tt.allow {
				t.Errorf("allows(%q) = %v, want %v", tt.host, got, tt.allow)
			}
		})
	}
}

// do sends a request with the given Host header to the daemon.
func (e *testEnv) do(method, path, host string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHostCheck(t *testing.T) {
	e := newEnv(t, envOptions{
		config: "allowed_hosts: [nianbao.lan]\n",
		sites:  map[string]string{"tiny.yaml": siteFile("tiny", "http://127.0.0.1:1/list/")},
	})
	e.start()
	port := e.url[strings.LastIndex(e.url, ":")+1:]
	paths := []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/sites/tiny"}, {"GET", "/api/sites"}, {"GET", "/api/sites/tiny"},
		{"GET", "/api/runs"}, {"GET", "/metrics"}, {"GET", "/healthz"},
		{"POST", "/api/sites/tiny/crawl"}, {"POST", "/sites/tiny/crawl"},
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.nip.io:" + port,
		"testbox.evil.example:" + port, "192.0.2.7:" + port} {
		for _, p := range paths {
			t.Run("refused "+host+" "+p.method+" "+p.path, func(t *testing.T) {
				code, body := e.do(p.method, p.path, host)
				if code != http.StatusMisdirectedRequest {
					t.Fatalf("%d, want 421\n%s", code, body)
				}
				if !strings.Contains(body, "allowed_hosts") || !strings.Contains(body, "does not answer to the host name") {
					t.Errorf("the refusal does not say how to allow the name:\n%s", body)
				}
				// The rebinding page can read this answer: it must not
				// tell it the names allowed or where the config is.
				for _, leak := range []string{"testbox\"", "nianbao.lan", e.dir, "tiny"} {
					if strings.Contains(body, leak) {
						t.Errorf("the refusal tells %q:\n%s", leak, body)
					}
				}
			})
		}
	}
	if n := len(e.d.runs.recent("", 10)); n != 0 {
		t.Errorf("a refused POST started %d run(s)", n)
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "localhost", "LOCALHOST.:" + port,
		"[::1]:" + port, "testbox:" + port, "nianbao.lan", "nianbao.lan:443"} {
		for _, p := range paths {
			if p.method != "GET" {
				continue
			}
			t.Run("allowed "+host+" "+p.method+" "+p.path, func(t *testing.T) {
				if code, body := e.do(p.method, p.path, host); code != http.StatusOK {
					t.Errorf("%d, want 200\n%s", code, body)
				}
			})
		}
		// A POST with an allowed name reaches the API (here: no such site).
		if code, body := e.do("POST", "/api/sites/nope/crawl", host); code != http.StatusNotFound {
			t.Errorf("POST with Host %s: %d, want 404\n%s", host, code, body)
		}
	}
	if !strings.Contains(e.logs.String(), `host=evil.example:`+port) {
		t.Errorf("the first refusal of a name is not logged:\n%s", e.logs.String())
	}
}

// TestHostCheckIPv6 listens on ::1, as listen: "[::1]:8427" does.
func TestHostCheckIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	e := newEnv(t, envOptions{config: "listen: \"[::1]:8427\"\n"})
	e.serve(ln)
	port := e.url[strings.LastIndex(e.url, ":")+1:]
	for _, tt := range []struct {
		host string
		want int
	}{
		{"[::1]:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"evil.example:" + port, http.StatusMisdirectedRequest},
	} {
		if code, body := e.do("GET", "/api/sites", tt.host); code != tt.want {
			t.Errorf("Host %s: %d, want %d\n%s", tt.host, code, tt.want, body)
		}
	}
}

// TestIdleConnectionClosed: a keep-alive connection that sends nothing
// after its request is closed by the server once IdleTimeout has passed
// (here set short). The bound on the wait is for liveness only.
func TestIdleConnectionClosed(t *testing.T) {
	e := newEnv(t, envOptions{http: HTTPLimits{IdleTimeout: 200 * time.Millisecond}})
	e.start()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("the first answer: %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	n, err := br.Read(make([]byte, 1))
	if !errors.Is(err, io.EOF) {
		t.Fatalf("reading an idle keep-alive connection: %d bytes, %v; want EOF (closed by the server)", n, err)
	}
}

// TestHeaderTooLarge: a request whose header is larger than
// MaxHeaderBytes (64 KiB by default) is refused before it reaches a
// handler; Go's own default would take a megabyte.
func TestHeaderTooLarge(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.start()
	req, _ := http.NewRequest("GET", e.url+"/healthz", nil)
	req.Header.Set("Cookie", "c="+strings.Repeat("x", 200<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 200 KiB header: %d, want 431", resp.StatusCode)
	}
	// A header of a browser's usual size still passes.
	req.Header.Set("Cookie", "c="+strings.Repeat("x", 8<<10))
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("an 8 KiB header: %d, want 200", resp.StatusCode)
	}
}

// reloadGuarded runs Reload with a bound: a reload that blocks (opening a
// FIFO) fails the test instead of hanging it.
func reloadGuarded(t *testing.T, d *Daemon) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- d.Reload(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Reload did not return within 60 s: it blocks on a site file (opened the FIFO?)")
	}
}

// TestSpecialSiteFilesShown: a FIFO and a directory named *.yaml in
// sites_dir are shown as problems of their files, never opened, and the
// good site keeps loading.
func TestSpecialSiteFilesShown(t *testing.T) {
	e := newEnv(t, envOptions{sites: map[string]string{"tiny.yaml": siteFile("tiny", "http://127.0.0.1:1/list/")}})
	e.start()
	sitesDir := filepath.Join(e.dir, "sites")
	fifo := filepath.Join(sitesDir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // release a reader stuck in open(2), if any
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	if err := os.Mkdir(filepath.Join(sitesDir, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	reloadGuarded(t, e.d)

	var sr SitesResponse
	if code, body := e.get("/api/sites", &sr); code != http.StatusOK {
		t.Fatalf("GET /api/sites: %d %s", code, body)
	}
	if len(sr.Sites) != 1 || sr.Sites[0].Name != "tiny" {
		t.Errorf("sites: %+v, want tiny alone", sr.Sites)
	}
	got := map[string]string{}
	for _, p := range sr.Problems {
		got[p.File] = strings.Join(p.Errors, "\n")
	}
	want := map[string]string{
		"fifo.yaml": "fifo.yaml: a named pipe (FIFO), not a regular file: skipped without reading it",
		"dir.yaml":  "dir.yaml: a directory, not a regular file",
	}
	for name, w := range want {
		var found bool
		for file, errs := range got {
			if strings.HasSuffix(file, "/"+name) && strings.Contains(errs, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %q for %s in %v", w, name, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems: %v", got)
	}
}

// TestSymlinkOutsideNotShown: a site file that is a symlink to a file
// outside sites_dir is reported as such, and no line of that file appears
// in the API, on the status page or in the metrics, which anyone who can
// reach the daemon reads without a token.
func TestSymlinkOutsideNotShown(t *testing.T) {
	const secret = "root:$6$SECRETHASHxyz:19000:0:99999:7:::"
	e := newEnv(t, envOptions{sites: map[string]string{"tiny.yaml": siteFile("tiny", "http://127.0.0.1:1/list/")}})
	e.start()
	outside := filepath.Join(t.TempDir(), "shadow")
	writeFile(t, outside, secret+"\n")
	if err := os.Symlink(outside, filepath.Join(e.dir, "sites", "leak.yaml")); err != nil {
		t.Fatal(err)
	}
	reloadGuarded(t, e.d)

	var sr SitesResponse
	e.get("/api/sites", &sr)
	if len(sr.Problems) != 1 || !strings.HasSuffix(sr.Problems[0].File, "/leak.yaml") ||
		!strings.Contains(strings.Join(sr.Problems[0].Errors, "\n"), "symlink to outside sites_dir: not read") {
		t.Errorf("problems: %+v, want leak.yaml's symlink to outside sites_dir", sr.Problems)
	}
	for _, path := range []string{"/api/sites", "/", "/sites/tiny", "/metrics"} {
		if code, body := e.get(path, nil); code != http.StatusOK || strings.Contains(body, "SECRETHASH") || strings.Contains(body, outside) {
			t.Errorf("GET %s: %d, and it shows the outside file's content or path:\n%s", path, code, body)
		}
	}
	if strings.Contains(e.logs.String(), "SECRETHASH") {
		t.Errorf("the log quotes the outside file:\n%s", e.logs.String())
	}
}
