package archive_test

import (
	"context"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// A fetch recorded with its text (Entry.Fetched) is stored whatever Put's
// outcome, under the canonical URL.
func TestPutRecordsFetchState(t *testing.T) {
	ctx := context.Background()
	a := open(t, t.TempDir())
	const u1, u2 = "https://SF.tj.gov.cn:443/a/1.html", "https://sf.tj.gov.cn/b/2.html"
	withFetch := func(e archive.Entry, etag string) archive.Entry {
		e.Fetched = []archive.FetchState{{URL: e.URL, Site: e.Site, Status: 200, ETag: etag, FetchedAt: e.FetchedAt}}
		return e
	}
	steps := []struct {
		e    archive.Entry
		etag string
		want archive.Outcome
	}{
		{entry(u1, "第一版。\n", t0), `"1"`, archive.NewDocument},
		{entry(u1, "第一版。\n", t0.Add(time.Hour)), `"2"`, archive.Unchanged},
		{entry(u1, "第二版。\n", t0.Add(2*time.Hour)), `"3"`, archive.NewVersion},
		{entry(u2, "第一版。\n", t0.Add(3*time.Hour)), `"4"`, archive.NewSource},
	}
	for _, s := range steps {
		put(t, a, withFetch(s.e, s.etag), s.want)
		fs, ok, err := a.FetchState(ctx, s.e.URL)
		if err != nil || !ok || fs.ETag != s.etag || !fs.FetchedAt.Equal(s.e.FetchedAt) {
			t.Fatalf("after %s: fetch state %+v, %v, %v; want etag %s", s.want, fs, ok, err, s.etag)
		}
		if fs.URL != archive.CanonicalURL(s.e.URL) {
			t.Errorf("fetch state under %q, want the canonical URL", fs.URL)
		}
	}
	// A failed Put records nothing.
	bad := withFetch(entry("https://sf.tj.gov.cn/c/3.html", "", t0), `"5"`)
	if _, err := a.Put(ctx, bad); err == nil {
		t.Fatal("Put of an empty text succeeded")
	}
	if _, ok, _ := a.FetchState(ctx, bad.URL); ok {
		t.Error("a failed Put recorded its fetch state")
	}
	// Several states in one SetFetchState.
	if err := a.SetFetchState(ctx, archive.FetchState{URL: "https://x.gov.cn/1", ETag: "a"}, archive.FetchState{URL: "https://x.gov.cn/2", ETag: "b"}); err != nil {
		t.Fatal(err)
	}
	for u, etag := range map[string]string{"https://x.gov.cn/1": "a", "https://x.gov.cn/2": "b"} {
		if fs, ok, _ := a.FetchState(ctx, u); !ok || fs.ETag != etag {
			t.Errorf("%s: %+v, %v", u, fs, ok)
		}
	}
}

// Seen updates every URL given that is a source, and says whether any was.
func TestSeenURLs(t *testing.T) {
	ctx := context.Background()
	a := open(t, t.TempDir())
	const u1 = "https://sf.tj.gov.cn/a/1.html"
	put(t, a, entry(u1, "第一版。\n", t0), archive.NewDocument)
	at := t0.Add(time.Hour)
	for _, tt := range []struct {
		urls []string
		want bool
	}{
		{[]string{u1}, true},
		{[]string{"https://sf.tj.gov.cn/moved.html", u1}, true},
		{[]string{u1, ""}, true},
		{[]string{"https://SF.tj.gov.cn/a/1.html#top"}, true},
		{[]string{"https://sf.tj.gov.cn/other.html", ""}, false},
		{nil, false},
	} {
		ok, err := a.Seen(ctx, at, tt.urls...)
		if err != nil || ok != tt.want {
			t.Errorf("Seen(%q) = %v, %v; want %v", tt.urls, ok, err, tt.want)
		}
	}
}
