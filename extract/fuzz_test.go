package extract

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract checks that no input makes Extract or Title panic, and that
// whatever Text comes out keeps the Text format.
func FuzzExtract(f *testing.F) {
	for _, tc := range goldenPages {
		f.Add(fuzzSeed(readTestdata(f, tc.name+".html")))
	}
	f.Add([]byte(`<table><tr><td rowspan=3><table><tr><td>a<td>b</table><p>x<br>y</table>`))
	f.Add([]byte(strings.Repeat("<div>", 600) + "正文"))
	f.Add([]byte("<pre>\n\n</pre><p>\u00a8\u3000</p>"))
	u, _ := url.Parse("http://example.gov.cn/a/202103/t20210326_1.html")
	f.Fuzz(func(t *testing.T, page []byte) {
		doc, err := Extract(page, u, Options{})
		Title(page)
		if err != nil {
			return
		}
		if doc.Text == "" {
			return
		}
		if !utf8.ValidString(doc.Text) || !strings.HasSuffix(doc.Text, "\n") {
			t.Fatalf("bad text %q", doc.Text)
		}
		for _, l := range strings.Split(strings.TrimSuffix(doc.Text, "\n"), "\n") {
			if l == "" || l != normalizeLine(l) {
				t.Fatalf("line %q is not normalised (%q)", l, normalizeLine(l))
			}
		}
	})
}

// longRun is a run of text long enough to be shortened in a fuzz seed.
var longRun = regexp.MustCompile(`[^<>]{40,}`)

// fuzzSeed shrinks a test page for the fuzzer, which minimises every new
// input it finds: long runs of text are cut to 40 bytes and the page to
// 16 KB, keeping the markup that matters.
func fuzzSeed(page []byte) []byte {
	page = longRun.ReplaceAllFunc(page, func(b []byte) []byte {
		return []byte(strings.ToValidUTF8(string(b[:40]), ""))
	})
	if len(page) > 16<<10 {
		page = page[:16<<10]
	}
	return page
}
