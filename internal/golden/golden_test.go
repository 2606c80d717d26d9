package golden

import "testing"

func TestLineDiff(t *testing.T) {
	tests := []struct{ want, got, diff string }{
		{"a\nb\nc", "a\nc\nd", "- b\n+ d\n"},
		{"a\na\nb", "a\nb", "- a\n"},
		{"a\nb", "b\na", "(same lines, different order)"},
		{"甲\t1", "甲\t\t1", "- 甲\t1\n+ 甲\t\t1\n"},
	}
	for _, tc := range tests {
		if got := LineDiff(tc.want, tc.got); got != tc.diff {
			t.Errorf("LineDiff(%q, %q) = %q, want %q", tc.want, tc.got, got, tc.diff)
		}
	}
}
