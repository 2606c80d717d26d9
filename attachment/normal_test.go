package attachment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract"
)

// TestFileTextsNormalisedAsPages checks that the text of a file reads as
// the text of a page does: a quote grepped in the archive finds the page
// and its file. report.html and the files made from it (testdata/README.md)
// give the same lines, read as the crawler reads them (Reader.Text); a PDF
// read so has the page's normal form too.
func TestFileTextsNormalisedAsPages(t *testing.T) {
	page, err := extract.Extract(readTestdata(t, "report.html"), nil, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const quote = "全面贯彻落实《法治政府建设实施纲要(2021—2025年)》"
	if !strings.Contains(page.Text, quote) {
		t.Fatalf("the page's text lacks %q:\n%s", quote, page.Text)
	}
	r := NewReader(ReaderConfig{CacheDir: t.TempDir()})
	t.Cleanup(func() { r.Close() })
	read := func(t *testing.T, path string) string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Text(context.Background(), Sniff(data, "", "", path), data)
		if err != nil || got.Status != StatusOK {
			t.Fatalf("%s: %v, %s", path, err, got.Status)
		}
		if n := extract.NormalizeText(got.Text); n != got.Text {
			t.Errorf("%s: the text is not in the normal form of a page's text; normalised it would read:\n%s", path, n)
		}
		return got.Text
	}
	for _, name := range []string{"report.docx", "report.doc", "report.wps", "report.ofd"} {
		t.Run(name, func(t *testing.T) {
			text := read(t, filepath.Join("testdata", name))
			lines := map[string]bool{}
			for l := range strings.Lines(text) {
				lines[l] = true
			}
			// The page's lines, the title and the table rows included.
			for l := range strings.Lines(page.Text) {
				if !lines[l] {
					t.Errorf("the page's line %q is not a line of the file's text", strings.TrimSuffix(l, "\n"))
				}
			}
		})
	}
	// Another report (东湖市) citing the same 纲要, as a PDF.
	t.Run("lo_table.pdf", func(t *testing.T) {
		text := read(t, filepath.Join("pdf", "testdata", "lo_table.pdf"))
		if q := "认真落实《法治政府建设实施纲要(2021—2025年)》"; !strings.Contains(text, q) {
			t.Errorf("the PDF's text lacks %q:\n%s", q, text)
		}
	})
}
