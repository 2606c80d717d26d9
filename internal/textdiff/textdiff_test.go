package textdiff

import (
	"strings"
	"testing"
)

// render shows a diff compactly: "=x", "-y", "+z", with [-…-] and {+…+}
// around changed characters of paired lines.
func render(edits []Edit) string {
	var b strings.Builder
	for _, e := range edits {
		b.WriteByte(byte(e.Kind))
		if e.Spans == nil {
			b.WriteString(e.Text)
		}
		for _, s := range e.Spans {
			switch {
			case !s.Changed:
				b.WriteString(s.Text)
			case e.Kind == Delete:
				b.WriteString("[-" + s.Text + "-]")
			default:
				b.WriteString("{+" + s.Text + "+}")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestLines(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"same", "甲\n乙\n", "甲\n乙\n", "=甲\n=乙\n"},
		{"empty to text", "", "甲\n", "+甲\n"},
		{"a changed paragraph marks its changed characters",
			"一、主要举措\n全年办理案件358件,挽回损失473万元。\n二、不足\n",
			"一、主要举措\n全年办理案件368件,挽回经济损失473万元。\n二、不足\n",
			"=一、主要举措\n-全年办理案件3[-5-]8件,挽回损失473万元。\n+全年办理案件3{+6+}8件,挽回{+经济+}损失473万元。\n=二、不足\n"},
		{"inserted and deleted lines",
			"甲\n乙\n丙\n", "甲\n丙\n丁\n",
			"=甲\n-乙\n=丙\n+丁\n"},
		{"two changed lines pair in order",
			"标题\n一甲\n二乙\n", "标题\n一甲甲\n二乙乙\n",
			"=标题\n-一甲\n-二乙\n+一甲{+甲+}\n+二乙{+乙+}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(Lines(tt.a, tt.b)); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestLineNumbers(t *testing.T) {
	edits := Lines("甲\n乙\n丙\n", "甲\n丙\n丁\n")
	want := []struct{ a, b int }{{1, 1}, {2, 0}, {3, 2}, {0, 3}}
	for i, e := range edits {
		if e.ALine != want[i].a || e.BLine != want[i].b {
			t.Errorf("edit %d (%c%s): lines %d,%d, want %d,%d", i, e.Kind, e.Text, e.ALine, e.BLine, want[i].a, want[i].b)
		}
	}
}

// A text too large for the table is still diffed, as a replaced middle.
func TestLargeTexts(t *testing.T) {
	var a, b strings.Builder
	for i := range 5000 {
		a.WriteString("甲" + strings.Repeat("乙", i%7) + "\n")
		b.WriteString("丙" + strings.Repeat("乙", i%5) + "\n")
	}
	edits := Lines(a.String(), b.String())
	if len(edits) != 10000 {
		t.Errorf("%d edits, want 10000", len(edits))
	}
}
