package daemon

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// listEnv is a daemon with 2,000 site files: fail-000 and fail-001 failed
// (against a closed port), stale-000 succeeded 100 h (of its clock) ago
// with stale_after 72h, ok-000 succeeded just now, and site-0000 to
// site-1995 never ran.
func listEnv(t *testing.T) *testEnv {
	t.Helper()
	srv := tinyPortal(t)
	dead := deadURL(t) // after srv, which could take a port closed before it
	files := map[string]string{
		"fail-000.yaml":  siteFile("fail-000", dead+"list/"),
		"fail-001.yaml":  siteFile("fail-001", dead+"list/", "title: 坏<门户>&"),
		"stale-000.yaml": siteFile("stale-000", srv.URL+"/list/"),
		"ok-000.yaml":    siteFile("ok-000", srv.URL+"/list/"),
	}
	for i := range 1996 {
		name := fmt.Sprintf("site-%04d", i)
		files[name+".yaml"] = siteFile(name, srv.URL+"/list/", "title: 某县人民政府"+name[5:])
	}
	clock := &fakeClock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	e := newEnv(t, envOptions{now: clock.Now, config: "stale_after: 72h\n", sites: files, discardLogs: true})
	e.start()
	for _, s := range []string{"fail-000", "fail-001", "stale-000"} {
		e.runToEnd(s)
	}
	clock.Add(100 * time.Hour)
	e.runToEnd("ok-000")
	return e
}

// TestStatusPagePaged pages the status page: failing and stale sites
// first, the classes counted over every site, the query kept (escaped) in
// the links, and every page under 300 KB.
func TestStatusPagePaged(t *testing.T) {
	e := listEnv(t)
	rows := func(page string) []string {
		var names []string
		for _, part := range strings.Split(page, `<tr id="site-`)[1:] {
			names = append(names, part[:strings.IndexByte(part, '"')])
		}
		return names
	}
	tests := []struct {
		query     string
		wantRows  int
		wantFirst []string // the first rows, in order
		want      []string // in the page
		notWant   []string
	}{
		{"", DefaultPageSize, []string{"fail-000", "fail-001", "stale-000", "ok-000", "site-0000"},
			[]string{"2000</b> sites", "failing <b>2</b>", "stale <b>1</b>", "ok <b>1</b>", "never ran <b>1996</b>", "page 1 of 20", `href="/?page=2"`},
			[]string{`rel="prev"`}},
		{"?page=2", DefaultPageSize, []string{"site-0096", "site-0097"},
			[]string{"page 2 of 20", `href="/"`, `href="/?page=3"`}, nil},
		{"?page=20", 100, []string{"site-1896"}, []string{`href="/?page=19"`}, []string{`rel="next"`}},
		{"?status=failed", 2, []string{"fail-000", "fail-001"}, []string{"2 sites"}, []string{"page 1 of"}},
		{"?status=stale", 1, []string{"stale-000"}, nil, nil},
		{"?status=ok", 1, []string{"ok-000"}, nil, nil},
		{"?status=never&q=SITE-019", 10, []string{"site-0190"}, []string{`value="SITE-019"`, "10 sites"}, nil},
		{"?q=" + url.QueryEscape("政府0123"), 1, []string{"site-0123"}, nil, nil},
		{"?status=never&q=1&page=2", 100, nil, []string{`href="/?page=3&amp;q=1&amp;status=never"`, `href="/?q=1&amp;status=never"`}, nil},
		{"?q=" + url.QueryEscape(`<b>"&`), 0, nil, []string{"No site matches", "&lt;b&gt;"}, []string{`<b>"&`}},
		{"?q=" + url.QueryEscape("门户>&"), 1, []string{"fail-001"}, []string{`value="门户&gt;&amp;"`}, nil},
		{"?page=99", 0, nil, []string{"No site matches", "on page 99"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, page := e.get("/"+tt.query, nil)
			if code != http.StatusOK {
				t.Fatalf("GET /%s: %d %s", tt.query, code, page)
			}
			if len(page) > 300_000 {
				t.Errorf("the page is %d bytes, want < 300 KB", len(page))
			}
			got := rows(page)
			if len(got) != tt.wantRows {
				t.Errorf("%d rows, want %d", len(got), tt.wantRows)
			}
			for i, name := range tt.wantFirst {
				if i >= len(got) || got[i] != name {
					t.Errorf("rows %v…, want %v first", got[:min(len(got), len(tt.wantFirst))], tt.wantFirst)
					break
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(page, w) {
					t.Errorf("the page has %q", w)
				}
			}
		})
	}
	for _, bad := range []string{"?status=broken", "?page=0", "?page=x"} {
		if code, _ := e.get("/"+bad, nil); code != http.StatusBadRequest {
			t.Errorf("GET /%s: %d, want 400", bad, code)
		}
	}
}

// TestAPISitesPaged pages /api/sites, ordered by name as it always was.
func TestAPISitesPaged(t *testing.T) {
	e := listEnv(t)
	tests := []struct {
		query      string
		wantTotal  int
		wantLen    int
		wantFirst  string
		wantOffset int
		wantLimit  int
	}{
		{"", 2000, DefaultPageSize, "fail-000", 0, DefaultPageSize},
		{"?limit=10&offset=4", 2000, 10, "site-0001", 4, 10},
		{"?limit=10&page=3", 2000, 10, "site-0017", 20, 10},
		{"?limit=5000", 2000, MaxPageSize, "fail-000", 0, MaxPageSize},
		{"?offset=1995", 2000, 5, "site-1992", 1995, DefaultPageSize},
		{"?offset=5000", 2000, 0, "", 5000, DefaultPageSize},
		// Pages and offsets past every site are empty, whatever their size.
		{"?page=9223372036854775807", 2000, 0, "", math.MaxInt32 * DefaultPageSize, DefaultPageSize},
		{"?offset=9223372036854775807", 2000, 0, "", math.MaxInt32 * MaxPageSize, DefaultPageSize},
		{"?status=failed", 2, 2, "fail-000", 0, DefaultPageSize},
		{"?status=stale", 1, 1, "stale-000", 0, DefaultPageSize},
		{"?status=never&q=site-19", 96, 96, "site-1900", 0, DefaultPageSize},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var sr SitesResponse
			if code, body := e.get("/api/sites"+tt.query, &sr); code != http.StatusOK {
				t.Fatalf("%d %s", code, body)
			}
			if sr.Total != tt.wantTotal || len(sr.Sites) != tt.wantLen || sr.Offset != tt.wantOffset || sr.Limit != tt.wantLimit {
				t.Errorf("total %d, %d sites, offset %d, limit %d; want %d, %d, %d, %d",
					sr.Total, len(sr.Sites), sr.Offset, sr.Limit, tt.wantTotal, tt.wantLen, tt.wantOffset, tt.wantLimit)
			}
			if tt.wantFirst != "" && (len(sr.Sites) == 0 || sr.Sites[0].Name != tt.wantFirst) {
				t.Errorf("first site of %d is not %s", len(sr.Sites), tt.wantFirst)
			}
			want := map[string]int{ClassFailed: 2, ClassStale: 1, ClassOK: 1, ClassNever: 1996}
			for c, n := range want {
				if sr.Counts[c] != n {
					t.Errorf("counts %v, want %v", sr.Counts, want)
					break
				}
			}
		})
	}
	// The fields a site had before paging are all there.
	_, raw := e.get("/api/sites?status=failed&limit=1", nil)
	for _, field := range []string{`"name": "fail-000"`, `"file"`, `"start"`, `"schedule"`, `"next_run"`, `"status": "failed"`,
		`"last_run"`, `"consecutive_failures": 1`, `"failing_since"`, `"stale"`, `"documents"`, `"problems"`, `"total": 2`} {
		if !strings.Contains(raw, field) {
			t.Errorf("/api/sites lacks %s:\n%s", field, raw)
		}
	}
	for _, bad := range []string{"?status=broken", "?limit=0", "?offset=-1", "?page=x"} {
		if code, _ := e.get("/api/sites"+bad, nil); code != http.StatusBadRequest {
			t.Errorf("GET /api/sites%s: %d, want 400", bad, code)
		}
	}
}
