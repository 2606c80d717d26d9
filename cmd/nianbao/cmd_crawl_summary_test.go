package main

import (
	"strings"
	"testing"

	"github.com/nianbao/nianbao/harvest"
)

// The text summary names the URLs that got an anti-bot answer (not only the
// hosts given up), and a run that read nothing gives its cause without the
// counts of what it did not move.
func TestPrintSummariesBlockedAndFailed(t *testing.T) {
	tests := []struct {
		name      string
		sum       harvest.Summary
		want, not []string
	}{
		{"a challenged URL, the host kept", harvest.Summary{Site: "a", Status: "ok", ListPages: 1, PagesFetched: 4,
			BlockedURLs: []string{"http://h/c/t1.html"}, Errors: map[string]int{"blocked": 1}},
			[]string{"a: anti-bot answer to 1 URL(s)\n", "  blocked: http://h/c/t1.html\n"}, []string{"not requested again"}},
		{"a host given up", harvest.Summary{Site: "b", Status: "ok", ListPages: 1, PagesFetched: 5,
			BlockedURLs: []string{"http://h/1", "http://h/2", "http://h/3", "http://h/4"}, BlockedHosts: []string{"h"}},
			[]string{"b: anti-bot answer to 4 URL(s); h not requested again this run\n", "  blocked: http://h/4\n"}, nil},
		{"nothing read", harvest.Summary{Site: "c", Status: "failed", Retries: 2, Error: "no start page could be read: http://h/: network: refused",
			Errors: map[string]int{"network": 1}},
			[]string{"c: run failed: no start page could be read"}, []string{"moved", "retries"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			printSummaries(&b, []harvest.Summary{tt.sum})
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("no %q in\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("%q in\n%s", n, b.String())
				}
			}
		})
	}
}
