package crawler_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// memLists keeps list pages in memory, as the archive's index does on disk.
type memLists struct {
	mu sync.Mutex
	m  map[string][3]string
}

func (l *memLists) List(_ context.Context, u string) (string, string, []byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[u]
	return v[0], v[1], []byte(v[2]), ok
}

func (l *memLists) SetList(_ context.Context, u, etag, lastModified string, links []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string][3]string{}
	}
	l.m[u] = [3]string{etag, lastModified, string(links)}
	return nil
}

func TestCrawlRemembersListPages(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html":   {Data: []byte(list(`<li><a href="a.html">`+title+`</a></li>`, `<li><a href="index_1.html">下一页</a></li>`))},
		"c/index_1.html": {Data: []byte(list(`<li><a href="b.html">2022年法治政府建设年度报告</a></li>`))},
		"c/a.html":       {Data: []byte(report(title))},
		"c/b.html":       {Data: []byte(report("2022年法治政府建设年度报告"))},
	})
	srv.SetConditional(true)
	lists := &memLists{}
	crawl := func(yaml string) (crawler.Stats, []string) {
		t.Helper()
		s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n"+yaml)
		var got collected
		st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Lists: lists}, got.handle)
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		for _, p := range got.pages {
			urls = append(urls, p.URL[len(srv.URL):])
		}
		return st, urls
	}
	first, urls := crawl("")
	if first.ListPages != 2 || first.ListNotModified != 0 || len(urls) != 2 {
		t.Fatalf("first crawl: %+v %v", first, urls)
	}
	// Unchanged lists answer 304 and their links are followed all the same,
	// the next page's included.
	second, urls := crawl("")
	if second.ListPages != 2 || second.ListNotModified != 2 || len(urls) != 2 || second.Pages != first.Pages-2 || second.Bytes >= first.Bytes {
		t.Fatalf("second crawl: %+v %v (first moved %d bytes)", second, urls, first.Bytes)
	}
	// A changed list is read again.
	srv.Set("/c/index.html", []byte(list(`<li><a href="a.html">`+title+`</a></li>`, `<li><a href="c.html">2021年法治政府建设年度报告</a></li>`,
		`<li><a href="index_1.html">下一页</a></li>`)))
	srv.Set("/c/c.html", []byte(report("2021年法治政府建设年度报告")))
	third, urls := crawl("")
	if third.ListNotModified != 1 || len(urls) != 3 {
		t.Fatalf("third crawl: %+v %v", third, urls)
	}
	// Links read with another scope (a changed selectors.links) are not
	// trusted: the page is read in full.
	fourth, _ := crawl("selectors:\n  links: ul\n")
	if fourth.ListNotModified != 0 || fourth.ListPages != 2 {
		t.Fatalf("after a selector change: %+v", fourth)
	}
}

// A dead attachment link does not keep its page from being complete; one
// that may work next time does.
func TestAttachmentFailures(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	page := strings.Replace(report(title), "</div>", `</div><p>附件1：<a href="gone.pdf">已删除.pdf</a></p><p>附件2：<a href="busy.pdf">忙.pdf</a></p><p>附件3：<a href="ok.pdf">报告.pdf</a></p>`, 1)
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(list(`<li><a href="a.html">` + title + `</a></li>`))},
		"c/a.html":     {Data: []byte(page)},
		"c/busy.pdf":   {Data: []byte("<!-- portaltest: status=503 content-type=\"text/html\" -->\n<html>busy</html>")},
		"c/ok.pdf":     {Data: []byte("%PDF-1.7 a report")},
	})
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t", Backoff: time.Millisecond}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.pages) != 1 {
		t.Fatalf("pages %d, stats %+v", len(got.pages), st)
	}
	p := got.pages[0]
	if len(p.Attachments) != 1 || !strings.HasSuffix(p.Attachments[0].URL, "/ok.pdf") || p.AttachmentsFailed != 1 ||
		st.Errors[crawler.ErrHTTP4xx] != 1 || st.Errors[crawler.ErrHTTP5xx] != 1 {
		t.Errorf("attachments %d, failed %d, errors %v", len(p.Attachments), p.AttachmentsFailed, st.Errors)
	}
}

// A file in the page chrome, linked from the list pages too, is the site's,
// not the report's attachment.
func TestSiteFilesAreNotAttachments(t *testing.T) {
	const title = "2023年法治政府建设年度报告"
	footer := `<div class="footer"><a href="/guide.pdf">网站使用指南.pdf</a></div>`
	page := strings.Replace(report(title), "</div>", `</div><p>附件：<a href="r.pdf">报告全文.pdf</a></p>`+footer, 1)
	srv := portaltest.NewServer(t, fstest.MapFS{
		"c/index.html": {Data: []byte(list(`<li><a href="a.html">`+title+`</a></li>`) + footer)},
		"c/a.html":     {Data: []byte(page)},
		"c/r.pdf":      {Data: []byte("%PDF-1.7 the report")},
		"guide.pdf":    {Data: []byte("%PDF-1.7 a guide to the site")},
	})
	s := site(t, "name: t\nstart: "+srv.URL+"/c/index.html\ndelay: 0s\n")
	var got collected
	st, err := crawler.Crawl(context.Background(), s, crawler.Options{UserAgent: "t"}, got.handle)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.pages) != 1 || len(got.pages[0].Attachments) != 1 || !strings.HasSuffix(got.pages[0].Attachments[0].URL, "/c/r.pdf") ||
		st.Skipped[crawler.SkipSiteFile] != 1 || srv.Count("/guide.pdf") != 0 {
		t.Errorf("pages %d, stats %+v, guide requested %d times", len(got.pages), st, srv.Count("/guide.pdf"))
	}
}
