package daemon

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// The counts the page, the API and the metrics show are of reports: a
// report's page and its PDF count once, a listing (a stub page) not at all.
func TestDocCountsCountReports(t *testing.T) {
	a, err := archive.Open(filepath.Join(t.TempDir(), "archive"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	put := func(e archive.Entry) archive.Result {
		t.Helper()
		e.Kind, e.Extractor, e.FetchedAt, e.Status = "fzzf", "test", at, 200
		if e.Raw == nil {
			e.Raw = []byte("<html>" + string(e.Text) + "</html>")
		}
		res, err := a.Put(ctx, e)
		if err != nil {
			t.Fatalf("Put %s: %v", e.URL, err)
		}
		return res
	}
	page := put(archive.Entry{Site: "s", URL: "http://a.gov.cn/1.html", Year: 2023, Title: "报告", Text: []byte("报告\n正文。\n")})
	put(archive.Entry{Site: "s", URL: "http://a.gov.cn/1.pdf", Year: 2023, Title: "报告", Text: []byte("报告 第1页\n正文。\n"),
		Raw: []byte("%PDF-1.4"), File: &archive.File{Name: "1.pdf", Type: "pdf", TextStatus: archive.TextOK}, Report: page.Doc})
	put(archive.Entry{Site: "s", URL: "http://a.gov.cn/2.html", Year: 2023, Title: "公告", Text: []byte("公告\n附件：2.pdf\n"),
		Role: archive.RoleListing})
	put(archive.Entry{Site: "s", URL: "http://a.gov.cn/3.html", Title: "另一份", Text: []byte("另一份\n正文。\n")})
	put(archive.Entry{Site: "t", URL: "http://b.gov.cn/1.html", Year: 2022, Title: "报告", Text: []byte("报告\n别的正文。\n")})

	tests := []struct {
		name    string
		refresh func(c *docCounts) error
		site    string
		years   map[int]int
	}{
		{"all sites", func(c *docCounts) error { return c.refreshAll(ctx) }, "s", map[int]int{2023: 1, 0: 1}},
		{"one site", func(c *docCounts) error { return c.refresh(ctx, "s") }, "s", map[int]int{2023: 1, 0: 1}},
		{"another site", func(c *docCounts) error { return c.refreshAll(ctx) }, "t", map[int]int{2022: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newDocCounts(a)
			if err := tt.refresh(c); err != nil {
				t.Fatal(err)
			}
			got, total := c.years(tt.site), 0
			for _, n := range tt.years {
				total += n
			}
			if len(got) != len(tt.years) || c.total(tt.site) != total {
				t.Fatalf("years %v (total %d), want %v (total %d)", got, c.total(tt.site), tt.years, total)
			}
			for y, n := range tt.years {
				if got[y] != n {
					t.Errorf("year %d: %d reports, want %d", y, got[y], n)
				}
			}
		})
	}
}
