package archive_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// Sources added after a document was made are lines of its sources.jsonl,
// which every reader merges with doc.json: a rebuild of the index from the
// files finds them, a torn last line (an append a crash cut short) is
// ignored by readers, reported by verify as a leftover and cut off by the
// next append, and a whole line that is not a source is a problem.
func TestSourcesLog(t *testing.T) {
	const u1 = "https://a.gov.cn/1.html"
	repost := func(i int) string { return fmt.Sprintf("https://b.gov.cn/%d.html", i) }
	tests := []struct {
		name    string
		damage  string // appended to sources.jsonl after two reposts
		problem bool   // verify reports sources.jsonl as a problem
		sources int    // after a rebuild, and one more repost
	}{
		{"whole lines", "", false, 4},
		{"torn last line", `{"url":"https://c.gov.cn/torn.html","si`, false, 4},
		{"a line that is not a source", "{\"url\":\n", true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			a := open(t, dir)
			r := put(t, a, entry(u1, "正文。\n", t0), archive.NewDocument)
			for i := range 2 {
				put(t, a, entry(repost(i), "正文。\n", t0.Add(time.Duration(i+1)*time.Hour)), archive.NewSource)
			}
			a.Close()
			docDir := filepath.Join(dir, "demo", "2020", r.Doc)
			log := filepath.Join(docDir, "sources.jsonl")
			if tt.damage != "" {
				f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.WriteString(tt.damage)
				f.Close()
			}
			b, err := archive.Open(dir, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := b.Verify(ctx, nil)
			b.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got := hasFile(rep.Problems, "sources.jsonl"); got != tt.problem {
				t.Errorf("verify reports sources.jsonl as a problem: %v, want %v (%v)", got, tt.problem, rep.Problems)
			}
			if !tt.problem {
				archivetest.Check(t, dir)
			}

			// The index rebuilt from the files has doc.json's source and
			// the log's.
			c := open(t, dir)
			if _, err := c.Repair(ctx); err != nil {
				t.Fatal(err)
			}
			d, err := c.Doc(ctx, r.Doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Sources) != 3 {
				t.Errorf("after a rebuild: %d sources, want 3: %+v", len(d.Sources), d.Sources)
			}
			put(t, c, entry(repost(2), "正文。\n", t0.Add(3*time.Hour)), archive.NewSource)
			c.Close()
			data, _ := os.ReadFile(log)
			if strings.Contains(string(data), "torn.html") {
				t.Errorf("the torn line was not cut off:\n%s", data)
			}
			if !strings.HasSuffix(string(data), "\n") || !strings.Contains(string(data), repost(2)) {
				t.Errorf("sources.jsonl does not end with the new source:\n%s", data)
			}
			if err := os.Remove(filepath.Join(dir, archive.IndexFile)); err != nil {
				t.Fatal(err)
			}
			e := open(t, dir) // rebuilds the missing index from the files
			d, err = e.Doc(ctx, r.Doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Sources) != tt.sources {
				t.Errorf("after the last repost and a rebuild: %d sources, want %d: %+v", len(d.Sources), tt.sources, d.Sources)
			}
		})
	}
}

func hasFile(ps []archive.Problem, base string) bool {
	for _, p := range ps {
		if path.Base(p.File) == base {
			return true
		}
	}
	return false
}

// docFileBytes counts the bytes written to doc.json and sources.jsonl.
type docFileBytes struct {
	archive.Files
	n int
}

func (c *docFileBytes) count(name string, data []byte) {
	if b := path.Base(name); b == "doc.json" || b == "sources.jsonl" {
		c.n += len(data)
	}
}

func (c *docFileBytes) Create(name string, data []byte) error {
	c.count(name, data)
	return c.Files.Create(name, data)
}

func (c *docFileBytes) Replace(name string, data []byte) error {
	c.count(name, data)
	return c.Files.Replace(name, data)
}

func (c *docFileBytes) Stage(name string, data []byte, once bool) error {
	c.count(name, data)
	return c.Files.Stage(name, data, once)
}

func (c *docFileBytes) Append(name string, data []byte) error {
	c.count(name, data)
	if ap, ok := c.Files.(interface{ Append(string, []byte) error }); ok {
		return ap.Append(name, data)
	}
	return fs.ErrInvalid
}

// BenchmarkRepostSources is one report found at 3,000 URLs: what writing
// its sources costs, in bytes written to doc.json and sources.jsonl
// (doc-bytes/op is for the 3,000).
func BenchmarkRepostSources(b *testing.B) {
	const n = 3000
	for b.Loop() {
		cf := &docFileBytes{}
		a, err := archive.Open(b.TempDir(), archive.Options{WrapFiles: func(f archive.Files) archive.Files { cf.Files = f; return cf }})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			e := entry(fmt.Sprintf("https://p%d.gov.cn/zwgk/202103/t20210326_%d.html", i%31, i), "同一份报告。\n", t0.Add(time.Duration(i)*time.Second))
			if _, err := a.Put(context.Background(), e); err != nil {
				b.Fatal(err)
			}
		}
		a.Close()
		b.ReportMetric(float64(cf.n), "doc-bytes/op")
	}
}
