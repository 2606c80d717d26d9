package archive

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkQuickCheck measures what verify's check of index.db costs (and
// verify --repair's of the index it replaces): SQLite's quick_check reads
// every page. The index is the size of 40,000 reports' — a version's
// metadata row, a source, two fetch states, a list page per four reports.
func BenchmarkQuickCheck(b *testing.B) {
	ctx := context.Background()
	p := filepath.Join(b.TempDir(), IndexFile)
	x, err := openSQLite(p, false)
	if err != nil {
		b.Fatal(err)
	}
	meta := strings.Repeat("x", 1500) // a version's metadata is 1–2 KB of JSON
	now := time.Now().UTC().Format(timeFmt)
	err = x.inTx(ctx, false, func(tx *sql.Tx) error {
		for i := range 40000 {
			doc := fmt.Sprintf("%010x", i*7919)
			u := fmt.Sprintf("https://p%d.gov.cn/report/%d.html", i/40, i)
			sha := fmt.Sprintf("%064x", i)
			for _, s := range []struct {
				q    string
				args []any
			}{
				{`INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)`, []any{doc, "site", 2020, "fzzf", "某某区2020年度法治政府建设情况报告", "site/2020/" + doc, now}},
				{`INSERT INTO versions VALUES (?, ?, ?, ?)`, []any{doc, 1, sha, meta}},
				{`INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)`, []any{u, doc, "site", now, now, sha}},
				{`INSERT INTO fetch_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, []any{u, "site", 200, `"5f2a-61c"`, "Fri, 26 Mar 2021 08:00:00 GMT", sha, 70000, now}},
				{`INSERT INTO fetch_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, []any{u + ".pdf", "site", 200, `"5f2a-61d"`, "Fri, 26 Mar 2021 08:00:00 GMT", sha, 700000, now}},
			} {
				if _, err := tx.Exec(s.q, s.args...); err != nil {
					return err
				}
			}
			if i%4 == 0 {
				if _, err := tx.Exec(`INSERT INTO list_state VALUES (?, ?, ?, ?, ?, ?)`, u+"?list", "site", `"e"`, "", []byte(strings.Repeat("l", 5000)), now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	x.Close()
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	x, err = openSQLite(p, true)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for b.Loop() {
		if msg, err := x.quickCheck(ctx); err != nil || msg != "" {
			b.Fatal(msg, err)
		}
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "index-MB")
}
