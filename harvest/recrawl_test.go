package harvest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

// chrome is navigation and footer of the size real portal pages carry
// (about 40 KB), so byte counts are realistic.
var chrome = "<div class=\"nav\">" + strings.Repeat(`<a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a> <a href="/hdjl/">互动交流</a> `, 150) +
	"</div><div class=\"footer\">" + strings.Repeat("主办单位:天津市津南区人民政府办公室 网站标识码:1201120001 津ICP备05004418号 ", 120) + "</div>"

// reportTitle is the title of the i'th generated report.
func reportTitle(i int) string {
	return fmt.Sprintf("第%d街道%d年法治政府建设年度报告", i, 2000+i%25)
}

// reportPage is the i'th generated report page; rev changes its text.
func reportPage(i, rev int) []byte {
	body := strings.Repeat(fmt.Sprintf("<p>第%d街道本年度法治政府建设取得积极成效,第%d稿,各项工作稳步推进。</p>", i, rev), 40)
	return []byte(`<html><head><meta name="ArticleTitle" content="` + reportTitle(i) + `"><title>` + reportTitle(i) + `</title></head><body>` +
		chrome + `<h1>` + reportTitle(i) + `</h1><div class="TRS_Editor">` + body + `</div>` + chrome + `</body></html>`)
}

// genPortal is a column of n reports, 20 to a list page, with portal-sized
// pages: the shape whose re-crawl cost the conditional requests cut.
func genPortal(n int) fstest.MapFS {
	fs := fstest.MapFS{}
	lists := (n + 19) / 20
	for l := range lists {
		var b strings.Builder
		b.WriteString("<html><body>" + chrome + "<ul>")
		for i := l * 20; i < min(n, (l+1)*20); i++ {
			fmt.Fprintf(&b, `<li><a href="/c/t%d.html">%s</a></li>`+"\n", i, reportTitle(i))
			fmt.Fprintf(&b, `<li><a href="/c/n%d.html">区政府召开第%d次常务会议</a></li>`+"\n", i, i)
		}
		b.WriteString("</ul>")
		if l+1 < lists {
			fmt.Fprintf(&b, `<a href="/c/index_%d.html">下一页</a>`, l+1)
		}
		b.WriteString(chrome + "</body></html>")
		name := "c/index.html"
		if l > 0 {
			name = fmt.Sprintf("c/index_%d.html", l)
		}
		fs[name] = &fstest.MapFile{Data: []byte(b.String())}
	}
	for i := range n {
		fs[fmt.Sprintf("c/t%d.html", i)] = &fstest.MapFile{Data: reportPage(i, 1)}
	}
	return fs
}

// countingTransport is a transport that counts every byte read from the
// network: headers, bodies, robots.txt — what a crawl really moves.
func countingTransport() (*http.Transport, *atomic.Int64) {
	var n atomic.Int64
	d := &net.Dialer{}
	return &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: c, n: &n}, nil
		},
	}, &n
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	k, err := c.Conn.Read(p)
	c.n.Add(int64(k))
	return k, err
}

func testSite(t testing.TB, srv *portaltest.Server, extra string) *sites.Site {
	t.Helper()
	return parseSite(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n"+extra)
}

// parseSite is a site file's text as the tests' site: 10 s timeouts, at
// most 20 list pages.
func parseSite(t testing.TB, text string) *sites.Site {
	t.Helper()
	s, probs := sites.Parse([]byte(text), "t.yaml", sites.Defaults{Timeout: 10e9, MaxPages: 20})
	if probs != nil {
		t.Fatal(probs)
	}
	return s
}

func openArchive(t testing.TB, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// TestRecrawl: a portal that serves validators is re-crawled with
// conditional requests for its reports (never its list pages); a 304 adds
// nothing, and a changed report adds exactly one version.
func TestRecrawl(t *testing.T) {
	const n = 5
	tests := []struct {
		name   string
		change func(srv *portaltest.Server)
		want   harvest.Summary // the counts checked of the second run
	}{
		{
			name: "unchanged",
			want: harvest.Summary{ReportsFound: n, NotModified: n},
		},
		{
			name:   "one report changed",
			change: func(srv *portaltest.Server) { srv.Set("/c/t2.html", reportPage(2, 2)) },
			want:   harvest.Summary{ReportsFound: n, NotModified: n - 1, NewVersions: 1},
		},
		{
			name: "view counter changed only",
			change: func(srv *portaltest.Server) {
				srv.Set("/c/t3.html", append(reportPage(3, 1), "<!-- 点击数:2 -->"...))
			},
			// A new ETag, a full download, the same text: unchanged.
			want: harvest.Summary{ReportsFound: n, NotModified: n - 1, Unchanged: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := portaltest.NewServer(t, genPortal(n))
			srv.SetConditional(true)
			dir := t.TempDir()
			a := openArchive(t, dir)
			site := testSite(t, srv, "")
			deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}}
			first, err := harvest.RunSite(context.Background(), site, deps)
			if err != nil || first.NewDocuments != n {
				t.Fatalf("first run: %+v, %v", first, err)
			}
			before := len(srv.Requests())
			if tt.change != nil {
				tt.change(srv)
			}
			sum, err := harvest.RunSite(context.Background(), site, deps)
			if err != nil {
				t.Fatal(err)
			}
			got := harvest.Summary{ReportsFound: sum.ReportsFound, NotModified: sum.NotModified, NewVersions: sum.NewVersions,
				NewDocuments: sum.NewDocuments, Unchanged: sum.Unchanged, NewSources: sum.NewSources}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) || sum.ErrorCount() != 0 {
				t.Errorf("second run %+v, want %+v (errors %v)", got, tt.want, sum.Errors)
			}
			for _, r := range srv.Requests()[before:] {
				cond := r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != ""
				switch {
				case strings.HasPrefix(r.Path, "/c/index"):
					// The links of an unchanged list are known from the
					// first run.
					if !cond {
						t.Errorf("list page %s asked for without validators", r.Path)
					}
				case strings.HasPrefix(r.Path, "/c/t"):
					if !cond {
						t.Errorf("report %s asked for without validators", r.Path)
					}
				}
			}
			vers, _ := a.Versions(context.Background(), archive.Filter{})
			if len(vers) != n+tt.want.NewVersions {
				t.Errorf("%d versions, want %d", len(vers), n+tt.want.NewVersions)
			}
			a.Close()
			archivetest.Check(t, dir)
		})
	}
}

// A report split over parts is always re-read whole (no validators are
// kept for it), so a changed part is never hidden behind a 304 on its first
// page.
func TestRecrawlPartsReadWhole(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	pager := `<script>createPageHTML(2, 0, "t20240301_7", "html");</script>`
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html":         {Data: []byte(`<html><body><ul><li><a href="t20240301_7.html">` + title + `</a></li></ul></body></html>`)},
		"c/t20240301_7.html":   {Data: articlePage(title, "一、推进依法行政的主要举措和成效。", pager)},
		"c/t20240301_7_1.html": {Data: articlePage(title, "二、存在的不足和原因。", pager)},
	})
	srv.SetConditional(true)
	a := openArchive(t, t.TempDir())
	deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}}
	site := testSite(t, srv, "")
	if sum, err := harvest.RunSite(context.Background(), site, deps); err != nil || sum.NewDocuments != 1 {
		t.Fatalf("first run %+v, %v", sum, err)
	}
	srv.Set("/c/t20240301_7_1.html", articlePage(title, "二、存在的不足和原因,已经整改。", pager))
	sum, err := harvest.RunSite(context.Background(), site, deps)
	if err != nil || sum.NewVersions != 1 || sum.NotModified != 0 {
		t.Errorf("second run %+v, %v", sum, err)
	}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/c/t") && r.Header.Get("If-None-Match") != "" {
			t.Errorf("%s asked for conditionally", r.Path)
		}
	}
}

// A crawl killed mid-run resumes on the next run without downloading again
// what the first archived: those reports are asked for conditionally and
// answered 304.
func TestRecrawlResumesAfterCancel(t *testing.T) {
	const n, killAfter = 6, 3
	srv := portaltest.NewServer(t, genPortal(n))
	srv.SetConditional(true)
	dir := t.TempDir()
	a := openArchive(t, dir)
	site := testSite(t, srv, "")
	ctx, cancel := context.WithCancel(context.Background())
	deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}, Progress: func(p harvest.Progress) {
		if p.NewDocuments >= killAfter {
			cancel()
		}
	}}
	first, err := harvest.RunSite(ctx, site, deps)
	if err == nil || first.Status != "cancelled" || first.NewDocuments != killAfter {
		t.Fatalf("killed run: %+v, %v", first, err)
	}
	deps.Progress = nil
	second, err := harvest.RunSite(context.Background(), site, deps)
	if err != nil || second.NotModified != killAfter || second.NewDocuments != n-killAfter {
		t.Fatalf("resumed run: %+v, %v", second, err)
	}
	// Every report was downloaded in full exactly once over both runs.
	full := map[string]int{}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/c/t") && r.Header.Get("If-None-Match") == "" {
			full[r.Path]++
		}
	}
	for i := range n {
		if p := fmt.Sprintf("/c/t%d.html", i); full[p] != 1 {
			t.Errorf("%s downloaded in full %d times", p, full[p])
		}
	}
	runs, _ := a.Runs(context.Background(), "t", 10)
	if len(runs) != 2 || runs[1].Status != "cancelled" {
		t.Errorf("runs %+v", runs)
	}
	a.Close()
	if vers := archivetest.Check(t, dir); len(vers) != n {
		t.Errorf("%d versions, want %d", len(vers), n)
	}
}

// An anti-bot page titled like a report is never archived; the site's run
// reports it as blocked, names the URL, and goes on with the host's other reports.
func TestRunSiteBlocked(t *testing.T) {
	fs := genPortal(3)
	fs["c/t1.html"] = &fstest.MapFile{Data: []byte("<!-- portaltest: status=412 -->\n<html><head><title>" + reportTitle(1) +
		"</title><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84;</script></head><body></body></html>")}
	srv := portaltest.NewServer(t, fs)
	dir := t.TempDir()
	a := openArchive(t, dir)
	sum, err := harvest.RunSite(context.Background(), testSite(t, srv, ""), harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	// One challenged URL does not make the host's other reports wait for
	// another run: they are fetched, and the challenged URL is named.
	if sum.Errors[crawler.ErrBlocked] != 1 || len(sum.BlockedHosts) != 0 || sum.NewDocuments != 2 || sum.Skipped[crawler.SkipBlocked] != 0 ||
		len(sum.BlockedURLs) != 1 || !strings.HasSuffix(sum.BlockedURLs[0], "/c/t1.html") {
		t.Errorf("summary %+v", sum)
	}
	if srv.Count("/c/t2.html") != 1 {
		t.Errorf("the host's other report was asked %d times, want 1", srv.Count("/c/t2.html"))
	}
	vers, _ := a.Versions(context.Background(), archive.Filter{})
	for _, v := range vers {
		if strings.HasSuffix(v.URL, "/c/t1.html") {
			t.Errorf("challenge archived: %+v", v)
		}
	}
}
