package extract

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/golden"
)

// TestStability fetches the same page "again" with only counters, clocks
// and today lines changed: Text (what the archive hashes) and the metadata
// must be byte-identical.
func TestStability(t *testing.T) {
	tests := []struct {
		page     string
		variants [][]string // old, new, old, new …
	}{
		{"clock_counter", [][]string{
			{`<span id="hits">12</span>`, `<span id="hits">13</span>`, "阅读次数：12", "阅读次数：13"},
			{`<span id="hits">12</span>`, `<span id="hits"></span>`, "阅读次数：12", "阅读次数："},
			{"今天是2026年11月22日 星期日", "今天是2027年1月5日 星期二", "2026年11月22日 星期日 农历十月初三", "2027年1月5日 星期二 农历十一月十八"},
			{"今天是2026年11月22日 星期日", "今天是：2026年11月23日　星期一", "2026年11月22日 星期日 农历十月初三", "2026年11月23日 星期一"},
			{`<span id="cmt">0</span>`, `<span id="cmt">27</span>`, "已有0位网友发言", "已有5位网友发言", "点赞(0票)", "点赞(3票)"},
		}},
		{"layout_table_oldcms", [][]string{
			{`<span id="count">1024</span>`, `<span id="count">1025</span>`},
			{`<span id="count">1024</span>`, `<span id="count">0</span>`},
		}},
		{"xxgk_infotable_tongchuan", [][]string{
			{`<span id="hits">358</span>`, `<span id="hits">359</span>`},
			{`<span id="hits">358</span>`, ``},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.page, func(t *testing.T) {
			base := readTestdata(t, tc.page+".html")
			want, err := Extract(base, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want.Text == "" {
				t.Fatal("empty text")
			}
			for i, v := range tc.variants {
				page := string(base)
				for j := 0; j < len(v); j += 2 {
					if !strings.Contains(page, v[j]) {
						t.Fatalf("variant %d: %q not in the page", i, v[j])
					}
					page = strings.ReplaceAll(page, v[j], v[j+1])
				}
				got, err := Extract([]byte(page), nil, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if got.Text != want.Text {
					t.Errorf("variant %d: text differs:\n%s", i, golden.LineDiff(want.Text, got.Text))
				}
				if got.Title != want.Title || got.Published != want.Published || got.Source != want.Source || got.Year != want.Year {
					t.Errorf("variant %d: metadata differs: %+v vs %+v", i, got, want)
				}
			}
		})
	}
}

// TestDeterministic extracts every golden page twice from fresh bytes.
func TestDeterministic(t *testing.T) {
	for _, tc := range goldenPages {
		page := readTestdata(t, tc.name+".html")
		a, err := Extract(bytes.Clone(page), nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Extract(bytes.Clone(page), nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two extractions differ", tc.name)
		}
	}
}

// TestConcurrent runs extractions in parallel (go test -race): the package
// keeps no mutable state between calls.
func TestConcurrent(t *testing.T) {
	var pages [][]byte
	for _, tc := range goldenPages {
		pages = append(pages, readTestdata(t, tc.name+".html"))
	}
	want := make([]string, len(pages))
	for i, p := range pages {
		d, err := Extract(p, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = d.Text
	}
	done := make(chan error)
	for w := 0; w < 4; w++ {
		go func() {
			for i, p := range pages {
				d, err := Extract(p, nil, Options{})
				if err == nil && d.Text != want[i] {
					err = fmt.Errorf("page %d: text differs", i)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
