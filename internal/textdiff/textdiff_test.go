package textdiff

import (
	"os"
	"os/exec"
	"path/filepath"
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

// hunkCases are pairs of texts with the hunk headers GNU diff 3.8 writes
// for them with -U0 (no context), recorded from `diff -U0 a b`: a pure
// insertion is placed after a line of the old text ("-2,0"), a pure
// deletion after a line of the new one ("+1,0"), 0 meaning the top.
var hunkCases = []struct {
	name, a, b string
	want       []string
}{
	{"insertion in the middle", "1\n2\n3\n", "1\n2\nx\n3\n", []string{"@@ -2,0 +3 @@"}},
	{"insertion at the top", "1\n2\n3\n", "x\n1\n2\n3\n", []string{"@@ -0,0 +1 @@"}},
	{"insertion at the end", "1\n2\n3\n", "1\n2\n3\nx\n", []string{"@@ -3,0 +4 @@"}},
	{"two lines inserted", "1\n2\n3\n", "1\nx\ny\n2\n3\n", []string{"@@ -1,0 +2,2 @@"}},
	{"deletion in the middle", "1\n2\n3\n", "1\n3\n", []string{"@@ -2 +1,0 @@"}},
	{"deletion at the top", "1\n2\n3\n", "2\n3\n", []string{"@@ -1 +0,0 @@"}},
	{"deletion at the end", "1\n2\n3\n", "1\n2\n", []string{"@@ -3 +2,0 @@"}},
	{"a changed line", "1\n2\n3\n", "1\nx\n3\n", []string{"@@ -2 +2 @@"}},
	{"two lines become three", "1\n2\n3\n4\n", "1\nx\ny\nz\n4\n", []string{"@@ -2,2 +2,3 @@"}},
	{"three hunks", "1\n2\n3\n4\n5\n", "x\n1\n2\n4\n5\ny\n", []string{"@@ -0,0 +1 @@", "@@ -3 +3,0 @@", "@@ -5,0 +6 @@"}},
	{"empty to text", "", "x\ny\n", []string{"@@ -0,0 +1,2 @@"}},
	{"text to empty", "x\ny\n", "", []string{"@@ -1,2 +0,0 @@"}},
	{"the same", "1\n2\n", "1\n2\n", nil},
}

func TestHunkHeaders(t *testing.T) {
	for _, tt := range hunkCases {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range Hunks(Lines(tt.a, tt.b)) {
				got = append(got, h.Header())
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("headers %q, want %q", got, tt.want)
			}
		})
	}
}

// The recorded headers are what GNU diff writes, where there is one to
// ask: the table cannot drift from the convention it claims.
func TestHunkHeadersAgreeWithGNUDiff(t *testing.T) {
	diff, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("no diff on PATH")
	}
	if out, err := exec.Command(diff, "--version").Output(); err != nil || !strings.Contains(string(out), "GNU diffutils") {
		t.Skip("diff is not GNU diff")
	}
	dir := t.TempDir()
	for _, tt := range hunkCases {
		t.Run(tt.name, func(t *testing.T) {
			a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
			if err := os.WriteFile(a, []byte(tt.a), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(b, []byte(tt.b), 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(diff, "-U0", a, b).Output() // exit 1: the files differ
			var got []string
			for _, l := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(l, "@@") {
					got = append(got, l)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("GNU diff -U0 writes %q, the table says %q", got, tt.want)
			}
		})
	}
}
