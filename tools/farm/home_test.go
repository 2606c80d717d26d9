package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var articlePathRe = regexp.MustCompile(`/t\d{8}_\d+\.\w+$`)

var hrefRe = regexp.MustCompile(`<a href="(/[^"]*)"[^>]*>([^<]*)</a>`)

// startFarm serves portals 0..n-1 of f on real loopback listeners
// (127.1.0.x, a free port), as `farm serve` does.
func startFarm(t *testing.T, f *Farm) {
	t.Helper()
	ln0, err := net.Listen("tcp", Addr(0).String()+":0")
	if err != nil {
		t.Skipf("127.1.0.1 is not routed to lo: %v", err)
	}
	f.Port = ln0.Addr().(*net.TCPAddr).Port
	lns := []net.Listener{ln0}
	for i := 1; i < f.Portals; i++ {
		ln, err := net.Listen("tcp", net.JoinHostPort(Addr(i).String(), strconv.Itoa(f.Port)))
		if err != nil {
			t.Fatalf("portal %d: %v", i, err)
		}
		lns = append(lns, ln)
	}
	srv := &http.Server{Handler: &server{f: f}, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go srv.Serve(ln)
	}
	t.Cleanup(func() { srv.Close() })
}

// get fetches a page of portal i, decoded to UTF-8.
func get(t *testing.T, f *Farm, i int, p string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(f.BaseURL(i) + p)
	if err != nil {
		t.Fatalf("GET %s%s: %v", f.BaseURL(i), p, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s%s: %v", f.BaseURL(i), p, err)
	}
	if f.encoding(i) != encUTF8 && resp.StatusCode == http.StatusOK {
		if b, err = simplifiedchinese.GBK.NewDecoder().Bytes(b); err != nil {
			t.Fatalf("GET %s%s: GBK: %v", f.BaseURL(i), p, err)
		}
	}
	return resp.StatusCode, string(b)
}

// TestHomeColumnDepth walks each portal's pages from its home page
// (breadth first, over the HTML's links to pages other than articles, as
// discovery does: an article's chrome links the nav's columns) and checks that its report column
// is first reached after ColumnDepth clicks, by a link named ColumnName,
// for every pair of pagination style and depth (portals 0–8).
func TestHomeColumnDepth(t *testing.T) {
	f := &Farm{Portals: 9, Pages: 20, ListSize: 20, ReportShare: 0.2, GBKShare: 0.3, Attachments: 2, Home: true}
	f.tpl = loadTemplates()
	startFarm(t, f)
	seen := map[[2]int]bool{}
	for i := range f.Portals {
		t.Run(fmt.Sprintf("portal%d", i), func(t *testing.T) {
			want := f.ListURL(i, 0)
			depth := map[string]int{"/": 0}
			queue := []string{"/"}
			found, name := -1, ""
			for len(queue) > 0 && found < 0 {
				p := queue[0]
				queue = queue[1:]
				if depth[p] >= 3 {
					continue
				}
				code, body := get(t, f, i, p)
				if code != http.StatusOK {
					continue
				}
				for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
					if _, ok := depth[m[1]]; ok {
						continue
					}
					depth[m[1]] = depth[p] + 1
					if m[1] == want {
						found, name = depth[m[1]], m[2]
						break
					}
					if !articlePathRe.MatchString(m[1]) {
						queue = append(queue, m[1])
					}
				}
			}
			if found != f.ColumnDepth(i) || name != f.ColumnName(i) {
				t.Errorf("report column %s reached after %d clicks by %q, want %d by %q", want, found, name, f.ColumnDepth(i), f.ColumnName(i))
			}
			if code, body := get(t, f, i, want); code != http.StatusOK || !isRepRe.MatchString(body) {
				t.Errorf("report column %s: status %d, reports listed %v", want, code, isRepRe.MatchString(body))
			}
			seen[[2]int{f.style(i), f.ColumnDepth(i)}] = true
		})
	}
	if len(seen) != 9 {
		t.Errorf("portals 0–8 hold %d pairs of style and depth, want 9", len(seen))
	}
}

// TestListModeUnchanged checks that without -home a portal has no home
// page, hub or news column (today's farm), and that its list pages are
// served in both modes.
func TestListModeUnchanged(t *testing.T) {
	for _, home := range []bool{false, true} {
		f := &Farm{Portals: 3, Pages: 20, ListSize: 20, ReportShare: 0.2, GBKShare: 0.3, Attachments: 2, Home: home}
		f.tpl = loadTemplates()
		startFarm(t, f)
		for i := range f.Portals {
			for _, tc := range []struct {
				path string
				want int
			}{
				{"/", http.StatusNotFound},
				{"/zwgk/", http.StatusNotFound},
				{"/xwdt/index_1.html", http.StatusNotFound},
				{f.ListURL(i, 0), http.StatusOK},
				{f.ListURL(i, 1), http.StatusOK},
			} {
				want := tc.want
				if home {
					want = http.StatusOK
				}
				if code, _ := get(t, f, i, tc.path); code != want {
					t.Errorf("home=%v portal %d %s: status %d, want %d", home, i, tc.path, code, want)
				}
			}
		}
	}
}
