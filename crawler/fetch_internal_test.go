package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"-5", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestChallengeAndSniff(t *testing.T) {
	long := "<html><body><div>" + strings.Repeat("本年度法治政府建设取得积极成效。", 30) + "</div></body></html>"
	tests := []struct {
		name    string
		status  int
		body    string
		blocked bool
		binary  bool
	}{
		{"ruishu 412", 412, `<html><head><script>$_ts=window['$_ts'];</script></head><body></body></html>`, true, false},
		{"bare 412", 412, ``, true, false},
		{"jiasule 521", 521, `<script>document.cookie=('__jsl_clearance_s=1')</script>`, true, false},
		{"wzws 200", 200, `<html><script>var wzwsquestion="x";var wzwsfactor="1";</script></html>`, true, false},
		{"waf phrase", 200, `<html><body>安全验证</body></html>`, true, false},
		{"empty 200", 200, " \n ", true, false},
		{"cookie script only", 200, `<html><head><script>document.cookie="a=1";location.reload()</script></head><body></body></html>`, true, false},
		{"pager script only is a list page", 200, `<html><body><script>createPageHTML(3,0,"index","html")</script></body></html>`, false, false},
		{"long report mentioning 安全验证", 200, strings.Replace(long, "<div>", "<div>安全验证", 1), false, false},
		{"long report with $_ts in text", 200, strings.Replace(long, "<div>", "<div>$_ts", 1), false, false},
		{"plain 403", 403, `<html><body>Forbidden</body></html>`, false, false},
		{"short list page", 200, `<ul><li><a href="a.html">2023年法治政府建设年度报告</a></li></ul>`, false, false},
		{"pdf", 200, "%PDF-1.7\n...", false, true},
		{"zip", 200, "PK\x03\x04...", false, true},
		{"ole", 200, "\xd0\xcf\x11\xe0...", false, true},
		{"nul bytes", 200, "<html>\x00\x00", false, true},
		{"utf-16 with bom", 200, "\xff\xfe<\x00h\x00", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := challenge(tt.status, []byte(tt.body)) != ""; got != tt.blocked && !tt.binary {
				t.Errorf("challenge = %v, want %v", got, tt.blocked)
			}
			if got := sniffBinary([]byte(tt.body)) != ""; got != tt.binary {
				t.Errorf("sniffBinary = %v, want %v", got, tt.binary)
			}
		})
	}
}
