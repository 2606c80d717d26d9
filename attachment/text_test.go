package attachment

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/internal/golden"
	"golang.org/x/text/unicode/norm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// reader is one of the package's text readers.
type reader func([]byte) (string, error)

// goldenFiles are the test files with a golden text:
// testdata/<file> gives testdata/<file>.golden.txt. testdata/README.md
// says how each was made.
var goldenFiles = []struct {
	file string
	read reader
}{
	{"report.docx", DOCXText},
	{"report.doc", WordText},
	{"report.wps", WordText},
	{"report.ofd", OFDText},
	{"revisions.docx", DOCXText},
	{"revisions.doc", WordText},
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkTextFormat asserts the text conventions of doc.go.
func checkTextFormat(t testing.TB, text string) {
	t.Helper()
	if text == "" {
		return
	}
	if !strings.HasSuffix(text, "\n") {
		t.Errorf("text does not end with a newline: %q", text)
	}
	if strings.HasPrefix(text, "\n") || strings.Contains(text, "\n\n") {
		t.Errorf("blank lines: %q", text)
	}
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if l+"\n" != extract.NormalizeText(l) {
			t.Errorf("line %d is not normalised as a page's text: %q", i+1, l)
		}
		for _, r := range l {
			if r < 0x20 && r != '\t' {
				t.Errorf("line %d has control character %U", i+1, r)
			}
		}
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenFiles {
		t.Run(tc.file, func(t *testing.T) {
			text, err := tc.read(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tc.file+".golden.txt", []byte(text), *update)
			checkTextFormat(t, text)
		})
	}
}

// TestSameReport checks that the one report gives the same text from
// every format it was made in (testdata/README.md).
func TestSameReport(t *testing.T) {
	want, err := DOCXText(readTestdata(t, "report.docx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range goldenFiles[1:4] {
		got, err := tc.read(readTestdata(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s and report.docx differ:\n%s", tc.file, golden.LineDiff(want, got))
		}
	}
}

// TestRevisions checks the parts of revisions.fodt that must not appear
// (a tracked deletion, field codes, a footnote, a header) and those that
// must (the insertion, field results, the text box once).
func TestRevisions(t *testing.T) {
	for _, tc := range goldenFiles[4:] {
		t.Run(tc.file, func(t *testing.T) {
			text, err := tc.read(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"初稿误写为", "35件", "DATE", "NUMPAGES", "PAGE", "HYPERLINK", "脚注", "页眉", "http://"} {
				if strings.Contains(text, s) {
					t.Errorf("text holds %q", s)
				}
			}
			for _, s := range []string{"申请42件,均已按期答复。", "编制日期:2024年3月1日,共1页。", "第1页", "县政府门户网站", "联系电话\t0000-12345678\n地址"} {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			if n := strings.Count(text, "文本框:本报告已经局务会审议通过"); n != 1 {
				t.Errorf("the text box's text appears %d times", n)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	report := readTestdata(t, "report.doc")
	word6 := bytes.Clone(report)
	fib := wordDocumentOffset(t, word6)
	word6[fib], word6[fib+1] = 0xDC, 0xA5
	obfuscated := bytes.Clone(report)
	obfuscated[fib+0x0B] |= 0x80
	tests := []struct {
		name string
		read reader
		data []byte
		want error // nil: any error
	}{
		{"encrypted doc", WordText, readTestdata(t, "encrypted.doc"), ErrEncrypted},
		{"obfuscated doc", WordText, obfuscated, ErrEncrypted},
		{"encrypted docx", DOCXText, readTestdata(t, "encrypted.docx"), ErrEncrypted},
		{"encrypted docx as doc", WordText, readTestdata(t, "encrypted.docx"), ErrEncrypted},
		{"word 6", WordText, word6, ErrUnsupported},
		{"glyph indices", OFDText, readTestdata(t, "glyphs.ofd"), ErrUnsupported},
		{"private use", OFDText, ofdWith(t, textObject("\ue11e\ue236\ue28a\ue0c0浏览\ueb06")), ErrUnsupported},
		{"docx given a doc", DOCXText, report, nil},
		{"doc given a docx", WordText, readTestdata(t, "report.docx"), nil},
		{"ofd given a docx", OFDText, readTestdata(t, "report.docx"), nil},
		{"docx given an ofd", DOCXText, readTestdata(t, "report.ofd"), nil},
		{"empty docx", DOCXText, nil, nil},
		{"empty ofd", OFDText, nil, nil},
		{"empty doc", WordText, nil, nil},
		{"truncated doc", WordText, report[:len(report)/2], nil},
		{"truncated docx", DOCXText, readTestdata(t, "report.docx")[:3000], nil},
		{"deep docx", DOCXText, zipOf(t, "word/document.xml", strings.Repeat("<w:p>", 1000)), errTooLarge},
		{"deep ofd", OFDText, ofdWith(t, strings.Repeat("<PageBlock>", 1000)), errTooLarge},
		{"declared too large", DOCXText, zipClaiming(t, "word/document.xml", 1<<40), errTooLarge},
		{"encrypted zip entry", DOCXText, zipFlagged(t, "word/document.xml", 0x1), ErrEncrypted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, err := tc.read(tc.data)
			if err == nil {
				t.Fatalf("no error; text %q", text)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %q is not %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "attachment: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			t.Log(err)
		})
	}
}

// TestZipBomb checks the inflation limits, scaled down to 1 MiB a part
// and 2 MiB a file: a part over the part limit, and pages that pass it
// but not the total.
func TestZipBomb(t *testing.T) {
	lim := limits{entry: 1 << 20, total: 2 << 20}
	big := func(name, head string, size int, tail string) func(*zip.Writer) {
		return func(zw *zip.Writer) {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(head))
			w.Write(bytes.Repeat([]byte(" "), size))
			w.Write([]byte(tail))
		}
	}
	small := func(name, data string) func(*zip.Writer) {
		return func(zw *zip.Writer) {
			w, _ := zw.Create(name)
			w.Write([]byte(data))
		}
	}
	build := func(parts ...func(*zip.Writer)) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range parts {
			p(zw)
		}
		zw.Close()
		return buf.Bytes()
	}
	const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`
	page := `<ofd:Page ` + ns + `><ofd:Content>`
	tests := []struct {
		name string
		read func([]byte, limits) (string, error)
		data []byte
	}{
		{"docx part", docxText, build(big("word/document.xml", `<w:document><w:body>`, 3<<19, `</w:body></w:document>`))},
		{"ofd total", ofdText, build(
			small("OFD.xml", `<ofd:OFD `+ns+`><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`),
			small("Doc_0/Document.xml", `<ofd:Document `+ns+`><ofd:Pages><ofd:Page BaseLoc="P1.xml"/><ofd:Page BaseLoc="P2.xml"/><ofd:Page BaseLoc="P3.xml"/></ofd:Pages></ofd:Document>`),
			big("Doc_0/P1.xml", page, 7<<17, `</ofd:Content></ofd:Page>`),
			big("Doc_0/P2.xml", page, 7<<17, `</ofd:Content></ofd:Page>`),
			big("Doc_0/P3.xml", page, 7<<17, `</ofd:Content></ofd:Page>`),
		)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.read(tc.data, lim)
			if !errors.Is(err, errTooLarge) {
				t.Fatalf("got %v, want a size error", err)
			}
			t.Logf("%d-byte zip: %v", len(tc.data), err)
		})
	}
}

// TestDOCXStructure covers WordprocessingML the LibreOffice files do not
// hold.
func TestDOCXStructure(t *testing.T) {
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`
	tests := []struct{ name, body, want string }{
		{"nested table", `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>y</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
			"a x y\tb\n"},
		{"empty cells", `<w:tbl><w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
			"\t1\t\n2\n"},
		{"alternate content", `<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>选</w:t></mc:Choice><mc:Fallback><w:t>备</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
			"前选\n"},
		{"moved text", `<w:p><w:moveFrom><w:r><w:t>旧处</w:t></w:r></w:moveFrom><w:r><w:t>正文</w:t></w:r><w:moveTo><w:r><w:t>新处</w:t></w:r></w:moveTo></w:p>`,
			"正文新处\n"},
		{"blank lines", `<w:p/><w:p><w:r><w:t>一</w:t></w:r></w:p><w:p/><w:p/><w:p/><w:p><w:r><w:t xml:space="preserve">二  </w:t></w:r></w:p><w:p/>`,
			"一\n二\n"},
		{"breaks and tabs", `<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t><w:noBreakHyphen/><w:t>丁</w:t></w:r></w:p>`,
			"甲\t乙\n丙-丁\n"},
		{"field", `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>9</w:t></w:r></w:fldSimple></w:p>`,
			"39\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := zipOf(t, "word/document.xml", `<w:document `+ns+`><w:body>`+tc.body+`</w:body></w:document>`)
			got, err := DOCXText(doc)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOFDVariants reads report.ofd rewritten the ways other producers
// write: no namespace prefix, an absolute DocRoot, backslashes.
func TestOFDVariants(t *testing.T) {
	want, err := OFDText(readTestdata(t, "report.ofd"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(name, data string) (string, string)
	}{
		{"no prefix", func(n, d string) (string, string) {
			d = strings.ReplaceAll(d, "xmlns:ofd=", "xmlns=")
			return n, strings.ReplaceAll(strings.ReplaceAll(d, "<ofd:", "<"), "</ofd:", "</")
		}},
		{"absolute doc root", func(n, d string) (string, string) {
			return n, strings.ReplaceAll(d, "<ofd:DocRoot>Doc_0/", "<ofd:DocRoot>/Doc_0/")
		}},
		{"backslashes", func(n, d string) (string, string) {
			return n, strings.ReplaceAll(d, `BaseLoc="Pages/`, `BaseLoc="Pages\`)
		}},
		{"page directory", func(n, d string) (string, string) {
			return n, strings.ReplaceAll(d, `/Content.xml"/>`, `"/>`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OFDText(rewriteZip(t, readTestdata(t, "report.ofd"), tc.edit))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("differs from report.ofd:\n%s", golden.LineDiff(want, got))
			}
		})
	}
}

// TestOFDLayout covers line building on hand-placed text.
func TestOFDLayout(t *testing.T) {
	tests := []struct{ name, objects, want string }{
		{"order by y then x",
			textAt(60, 30, 5, "乙") + textAt(20, 30, 5, "甲") + textAt(20, 20, 5, "标题"),
			"标题\n甲\t乙\n"},
		{"pieces of one line", textAt(20, 30, 5, "第一") + textAt(30, 30.5, 5, "部分"), "第一部分\n"},
		{"latin words", textAt(20, 30, 4, "Annual") + textAt(35, 30, 4, "report"), "Annual report\n"},
		{"ctm", `<ofd:TextObject ID="5" Boundary="0 0 210 297" CTM="0.5 0 0 0.5 20 30" Size="10"><ofd:TextCode X="0" Y="0">第一</ofd:TextCode></ofd:TextObject>` + textAt(30, 30, 5, "部分"),
			"第一部分\n"},
		{"text codes going on", `<ofd:TextObject ID="6" Boundary="20 25 150 7" Size="5"><ofd:TextCode X="0" Y="5">第一</ofd:TextCode><ofd:TextCode>部分</ofd:TextCode></ofd:TextObject>` + textAt(60, 30, 5, "表格"),
			"第一部分\t表格\n"},
		{"template text skipped", `<ofd:Template TemplateID="1"/>` + textAt(20, 30, 5, "正文"), "正文\n"},
		{"page number dropped", textAt(20, 30, 5, "正文") + textAt(100, 280, 5, "- 1 -"), "正文\n"},
		{"glyphs beside text", textAt(20, 30, 5, "正文") + `<ofd:TextObject ID="9" Boundary="0 0 1 1"><ofd:CGTransform CodePosition="0" CodeCount="1" GlyphCount="1"><ofd:Glyphs>5</ofd:Glyphs></ofd:CGTransform></ofd:TextObject>` + textAt(20, 40, 5, "续"),
			"正文\n续\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OFDText(ofdWith(t, tc.objects))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseDeltas(t *testing.T) {
	got := parseDeltas("1 g 3 2.5 x 4 g 2")
	want := []float64{1, 2.5, 2.5, 2.5, 4}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if n := len(parseDeltas("g 999999999 1")); n > 1<<16 {
		t.Errorf("%d deltas from one repeat", n)
	}
}

func TestTidy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"\n\n", ""},
		{"a  \n\n\n\nb\n", "a\nb\n"},
		{"\u3000\u3000正文\u3000 \n", "正文\n"},
		{"a \t b\t\t \n", "a\tb\t\t\n"},
		{"\t\t\nx\x01y\x7f\n", "xy\n"},
		{"\ufeff标题", "标题\n"},
		// The normal form of a page's text (extract.NormalizeText).
		{"（一）依法行政，“三项制度”：１００％。\n", "(一)依法行政,“三项制度”:100%。\n"},
		{"甲\u00a0\u00a0乙\r\n\u200b丙\n", "甲 乙\n丙\n"},
		{"第１页\t\u3000合计\u3000\t\n", "第1页\t合计\t\n"},
		{"bad \xff byte\n", "bad \ufffd byte\n"},
	}
	for _, tc := range tests {
		if got := tidy(tc.in); got != tc.want {
			t.Errorf("tidy(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// wordDocumentOffset finds the WordDocument stream (the FIB) in a .doc
// file: the sector starting with the Word 97 identifier.
func wordDocumentOffset(t testing.TB, doc []byte) int {
	t.Helper()
	for off := 512; off+4 < len(doc); off += 512 {
		if doc[off] == 0xEC && doc[off+1] == 0xA5 {
			return off
		}
	}
	t.Fatal("no FIB")
	return 0
}

// zipOf is a zip of name → data pairs.
func zipOf(t testing.TB, nameData ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(nameData); i += 2 {
		w, err := zw.Create(nameData[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(nameData[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipClaiming is a zip whose one entry claims an inflated size.
func zipClaiming(t testing.TB, name string, size uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, UncompressedSize64: size, CompressedSize64: 3})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<a>"))
	zw.Close()
	return buf.Bytes()
}

// zipFlagged is a zip whose one entry has the flags set.
func zipFlagged(t testing.TB, name string, flags uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, Flags: flags, UncompressedSize64: 3, CompressedSize64: 3})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<a>"))
	zw.Close()
	return buf.Bytes()
}

// rewriteZip rewrites every entry of a zip through edit.
func rewriteZip(t testing.TB, data []byte, edit func(name, data string) (string, string)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		n, d := edit(f.Name, b.String())
		pairs = append(pairs, n, d)
	}
	return zipOf(t, pairs...)
}

// ofdWith is a one-page OFD whose layer holds objects.
func ofdWith(t testing.TB, objects string) []byte {
	t.Helper()
	const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`
	return zipOf(t,
		"OFD.xml", `<ofd:OFD `+ns+`><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
		"Doc_0/Document.xml", `<ofd:Document `+ns+`><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>`,
		"Doc_0/Pages/Page_0/Content.xml", `<ofd:Page `+ns+`><ofd:Content><ofd:Layer ID="2">`+objects+`</ofd:Layer></ofd:Content></ofd:Page>`,
	)
}

// textObject is a TextObject holding s.
func textObject(s string) string { return textAt(20, 30, 5, s) }

// textAt is a TextObject with s on the baseline y from x, in size.
func textAt(x, y, size float64, s string) string {
	return `<ofd:TextObject ID="3" Boundary="` + ftoa(x) + ` ` + ftoa(y-size) + ` 150 ` + ftoa(size*1.3) + `" Font="1" Size="` + ftoa(size) + `">` +
		`<ofd:TextCode X="0" Y="` + ftoa(size) + `">` + s + `</ofd:TextCode></ofd:TextObject>`
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestConcurrent reads every test file from several goroutines at once;
// with -race it shows the readers share no state.
func TestConcurrent(t *testing.T) {
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, tc := range goldenFiles {
				if _, err := tc.read(readTestdata(t, tc.file)); err != nil {
					t.Error(err)
				}
				Sniff(readTestdata(t, tc.file), "", "", "")
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// TestMergedCells checks that a DOCX table with merged cells (w:gridSpan,
// w:vMerge) is laid out on its grid exactly as the HTML extractor lays out
// the HTML table it was converted from (testdata/README.md): the same
// rows, the same empty cells, every figure in its header's column.
func TestMergedCells(t *testing.T) {
	text, err := DOCXText(readTestdata(t, "merged.docx"))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "merged.docx.golden.txt", []byte(text), *update)
	checkTextFormat(t, text)
	doc, err := extract.Extract(readTestdata(t, "merged.html"), nil, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := func(s string) []string {
		var out []string
		for l := range strings.Lines(norm.NFKC.String(s)) {
			if strings.Contains(l, "\t") {
				out = append(out, strings.TrimSuffix(l, "\n"))
			}
		}
		return out
	}
	got, want := rows(text), rows(doc.Text)
	if len(want) != 11 {
		t.Fatalf("the HTML extractor gives %d table rows, want 11:\n%s", len(want), doc.Text)
	}
	if !slices.Equal(got, want) {
		t.Errorf("DOCX table rows differ from the HTML's:\n%s", golden.LineDiff(strings.Join(want, "\n"), strings.Join(got, "\n")))
	}
}
