package harvest_test

import (
	"os"
	"testing"
)

// pdfCache is the PDF engine's cache of compiled code for this test binary
// alone: the tests that read PDFs share it (compiling pdfium takes a minute
// under the race detector), and it is removed when they are done.
var pdfCache string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nianbao-harvest-test-")
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	pdfCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
