package harvest_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

// TestRunSiteNothingRead: a run that could read none of its site's start
// pages has failed, whatever stopped it, and its summary names the cause;
// the run record says so too. A run that read its list and failed on a
// report page is ok.
func TestRunSiteNothingRead(t *testing.T) {
	handler := func(status int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(status)
		})
	}
	serve := func(t *testing.T, h http.Handler) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	noHost := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}}
	tests := []struct {
		name      string
		start     func(t *testing.T) string
		transport http.RoundTripper
		want      []string // in the summary's error
	}{
		{"connection refused", func(t *testing.T) string { return "http://" + portaltest.ClosedAddr(t) + "/c/index.html" }, nil,
			[]string{"no start page could be read", "/c/index.html", "connection refused"}},
		{"no such host", func(t *testing.T) string { return "http://portal.example.gov.cn/c/index.html" }, noHost,
			[]string{"no start page could be read", "portal.example.gov.cn", "no such host"}},
		{"404", func(t *testing.T) string { return serve(t, handler(http.StatusNotFound)) + "/c/index.html" }, nil,
			[]string{"no start page could be read", "http_4xx", "404"}},
		{"503", func(t *testing.T) string { return serve(t, handler(http.StatusServiceUnavailable)) + "/c/index.html" }, nil,
			[]string{"no start page could be read", "http_5xx", "503"}},
		{"timeout", func(t *testing.T) string {
			return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				select {
				case <-hang:
				case <-r.Context().Done():
				}
			})) + "/c/index.html"
		}, nil, []string{"no start page could be read", "timeout"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := tc.start(t)
			site, probs := sites.Parse([]byte("name: t\nstart: "+start+"\ndelay: 0s\ntimeout: 300ms\n"), "t.yaml",
				sites.Defaults{Timeout: 10e9, MaxPages: 20})
			if probs != nil {
				t.Fatal(probs)
			}
			a := openArchive(t, t.TempDir())
			var final harvest.Progress
			deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t", Backoff: time.Millisecond, Transport: tc.transport},
				Progress: func(p harvest.Progress) { final = p }}
			sum, err := harvest.RunSite(context.Background(), site, deps)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Status != "failed" {
				t.Errorf("status %q, want failed (summary %+v)", sum.Status, sum)
			}
			for _, w := range tc.want {
				if !strings.Contains(sum.Error, w) {
					t.Errorf("error %q does not say %q", sum.Error, w)
				}
			}
			if !final.Done || final.Status != "failed" || final.Errors != sum.ErrorCount() {
				t.Errorf("last progress %+v: errors %d, summary's %d", final, final.Errors, sum.ErrorCount())
			}
			runs, err := a.Runs(context.Background(), "t", 1)
			if err != nil || len(runs) != 1 || runs[0].Status != "failed" || runs[0].Error != sum.Error {
				t.Errorf("run record %+v, %v", runs, err)
			}
		})
	}
}

// TestRunSiteReportFailuresStayOK: report pages that fail do not fail a
// run that read its list; the last progress counts each error once.
func TestRunSiteReportFailuresStayOK(t *testing.T) {
	fs := genPortal(3)
	fs["c/t1.html"] = &fstest.MapFile{Data: []byte("<!-- portaltest: status=404 -->\nnot here")}
	srv := portaltest.NewServer(t, fs)
	a := openArchive(t, t.TempDir())
	var final harvest.Progress
	sum, err := harvest.RunSite(context.Background(), testSite(t, srv, ""), harvest.Deps{Archive: a,
		Crawl: crawler.Options{UserAgent: "t"}, Progress: func(p harvest.Progress) { final = p }})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != "ok" || sum.Error != "" || sum.Errors[crawler.ErrHTTP4xx] != 1 {
		t.Errorf("summary %+v", sum)
	}
	if final.Errors != 1 || sum.ErrorCount() != 1 {
		t.Errorf("last progress counts %d errors, summary %d; want 1", final.Errors, sum.ErrorCount())
	}
	runs, _ := a.Runs(context.Background(), "t", 1)
	if len(runs) != 1 || runs[0].Status != "ok" {
		t.Errorf("run record %+v", runs)
	}
}
