package archive

import "testing"

func TestKernelAtLeast(t *testing.T) {
	for _, tt := range []struct {
		release string
		want    bool
	}{{"5.8.0", true}, {"6.1.0-18-amd64", true}, {"5.4.0-150-generic", false}, {"4.18.0-513.el8.x86_64", false}, {"5.10", true}, {"5.8-rc1", true}, {"weird", false}} {
		if got := kernelAtLeast(tt.release, 5, 8); got != tt.want {
			t.Errorf("kernelAtLeast(%q, 5, 8) = %v, want %v", tt.release, got, tt.want)
		}
	}
}
