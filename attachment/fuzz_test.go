package attachment

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkFuzzText checks what a reader returned for any input: an error
// with the package prefix, or text in the form doc.go describes.
func checkFuzzText(t *testing.T, text string, err error) {
	t.Helper()
	if err != nil {
		if text != "" {
			t.Fatalf("text %q with error %v", text, err)
		}
		if !strings.HasPrefix(err.Error(), "attachment: ") {
			t.Fatalf("error %q lacks the package prefix", err)
		}
		return
	}
	if !utf8.ValidString(text) {
		t.Fatalf("invalid UTF-8: %q", text)
	}
	checkTextFormat(t, text)
}

// storedZip rewrites a zip with every part stored as it is, and no CRC
// (archive/zip checks none then), for seeds whose mutations reach the XML.
func storedZip(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Store, CompressedSize64: uint64(len(b)), UncompressedSize64: uint64(len(b))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// unzipPart returns one part of a zip test file, for seeds.
func unzipPart(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	a, err := openArchive(data, zipLimits())
	if err != nil {
		t.Fatal(err)
	}
	rc, err := a.open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fuzz targets start from the real test files, from those files
// rewritten with every part stored (not deflated) and no CRC, so that a
// mutation of the XML inside still makes a zip that opens, from the parts
// alone, and from small damaged and hostile files. Mutating a real file
// finds new inputs faster than they can be minimised in the default 60 s
// each, so a minute of fuzzing needs a short -fuzzminimizetime to go on
// fuzzing (doc.go gives the command).

// FuzzDOCX checks that no input makes DOCXText panic or break the text
// form. A zip is read as a DOCX; anything else is put in one as
// word/document.xml, so that the fuzzer reaches the XML walk (mutations
// of deflated data rarely do).
func FuzzDOCX(f *testing.F) {
	for _, name := range []string{"report.docx", "revisions.docx", "merged.docx"} {
		b := readTestdata(f, name)
		f.Add(b)
		f.Add(storedZip(f, b))
		f.Add(unzipPart(f, b, "word/document.xml"))
	}
	f.Add(readTestdata(f, "encrypted.docx"))
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	f.Add([]byte(`<w:document ` + ns + `><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t><w:tab/></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>`))
	f.Add([]byte(`<w:document ` + ns + `><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="70"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>`))
	f.Add([]byte(`<w:document ` + ns + `><w:body><w:p><w:r><w:t>` + strings.Repeat("\ue11e报", 12) + `</w:t></w:r></w:p></w:body></w:document>`))
	f.Add([]byte(strings.Repeat("<w:p>", 260)))
	f.Add(zipOf(f, "_rels/.rels", `<Relationships><Relationship Type="x/officeDocument" Target="/w/d.xml"/></Relationships>`, "w/d.xml", `<document><body><p><r><t>x</t></r></p></body></document>`))
	f.Add(zipOf(f, "_rels/.rels", `<Relationships><Relationship Type="x/officeDocument" Target="../../d.xml"/></Relationships>`, "d.xml", `<?xml version="1.0" encoding="GBK"?><document><body><p><r><t>`+"\xb1\xa8"+`</t></r></p></body></document>`))
	f.Add(zipClaiming(f, "word/document.xml", 1<<40))
	f.Add(zipEntries(f, 20))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK")) && !isOLE2(data) {
			data = zipOf(t, "word/document.xml", string(data))
		}
		text, err := DOCXText(data)
		checkFuzzText(t, text, err)
	})
}

// FuzzOFD checks that no input makes OFDText panic or break the text
// form. A zip is read as an OFD; anything else is put in one as the
// Content.xml of its only page.
func FuzzOFD(f *testing.F) {
	for _, name := range []string{"report.ofd", "glyphs.ofd"} {
		b := readTestdata(f, name)
		f.Add(b)
		f.Add(storedZip(f, b))
		f.Add(unzipPart(f, b, "Doc_0/Pages/Page_0/Content.xml"))
	}
	const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`
	page := func(objects string) []byte {
		return []byte(`<ofd:Page ` + ns + `><ofd:Content><ofd:Layer ID="2">` + objects + `</ofd:Layer></ofd:Content></ofd:Page>`)
	}
	f.Add(page(textAt(20, 30, 5, "甲") + textAt(60, 30, 5, "乙") + `<ofd:PathObject Boundary="10 20 100 0.2"/><ofd:PathObject Boundary="10 40 100 0.2"/><ofd:PathObject Boundary="50 20 0.2 20"/>`))
	f.Add(page(`<ofd:TextObject Boundary="1 2 3 4" CTM="2 0 0 2 0 0" Size="NaN"><ofd:TextCode DeltaX="g 3 1e308 g -1 2">abcd</ofd:TextCode><ofd:TextCode>e</ofd:TextCode></ofd:TextObject>`))
	f.Add(page(`<ofd:Template TemplateID="1"/>` + textAt(20, 30, 5, "正文") + textAt(100, 280, 5, "- 1 -") + `<ofd:PageBlock><ofd:TextObject ID="9" Boundary="0 0 1 1"><ofd:CGTransform CodePosition="0" CodeCount="1" GlyphCount="1"><ofd:Glyphs>5</ofd:Glyphs></ofd:CGTransform></ofd:TextObject></ofd:PageBlock>`))
	f.Add(page(textObject("\ue11e\ue236\u0378\ufdd0报")))
	f.Add(ofdPages(f, 3))
	f.Add(zipOf(f, "OFD.xml", `<OFD><DocBody><DocRoot>/a.xml</DocRoot></DocBody><DocBody><DocRoot>a.xml</DocRoot></DocBody></OFD>`,
		"a.xml", `<Document><Pages><Page BaseLoc="p"/><Page BaseLoc="/p/Content.xml"/></Pages></Document>`, "p/Content.xml", string(page(textObject("甲")))))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK")) {
			data = zipOf(t,
				"OFD.xml", `<ofd:OFD `+ns+`><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
				"Doc_0/Document.xml", `<ofd:Document `+ns+`><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>`,
				"Doc_0/Pages/Page_0/Content.xml", string(data))
		}
		text, err := OFDText(data)
		checkFuzzText(t, text, err)
	})
}

// FuzzWord checks that no input makes WordText panic or break the text
// form. Besides the real files, it starts from report.doc damaged in the
// ways TestWordDamage reads.
func FuzzWord(f *testing.F) {
	for _, name := range []string{"report.doc", "revisions.doc", "encrypted.doc", "encrypted.docx"} {
		f.Add(readTestdata(f, name))
	}
	for _, how := range []string{"fat-mid", "minifat", "dir", "size", "pieces-overlap", "piece-outside"} {
		f.Add(loopingDOC(f, how))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := WordText(data)
		checkFuzzText(t, text, err)
	})
}

// FuzzSniff checks that Sniff, LinkKind and FileName never panic, that
// Sniff answers a known kind, and that FileName gives valid UTF-8 without
// a path.
func FuzzSniff(f *testing.F) {
	for _, name := range []string{"report.docx", "report.doc", "report.ofd", "encrypted.docx"} {
		b := readTestdata(f, name)
		f.Add(b[:min(len(b), 4096)], "application/octet-stream", `attachment; filename="报告.wps"`, "http://x.gov.cn/downfile.jsp?filename=a.pdf")
	}
	f.Add([]byte("%PDF-1.4"), "application/pdf; q=", "attachment; filename*=GBK''%B1%A8.doc; filename*0*=x", "./P0.pdf;jsessionid=1#x")
	f.Add([]byte("PK\x03\x04\x14\x00\x08\x00\x08\x00"), "text/html", "filename=\"=?GBK?B?sai45i5wZGY=?=\"", "javascript:")
	f.Fuzz(func(t *testing.T, body []byte, typ, disp, rawURL string) {
		switch k := Sniff(body, typ, disp, rawURL); k {
		case KindUnknown, KindPDF, KindDOCX, KindDOC, KindWPS, KindOFD:
		default:
			t.Fatalf("Sniff = %q", k)
		}
		LinkKind(rawURL, disp)
		name := FileName(disp, rawURL)
		if !utf8.ValidString(name) || strings.ContainsAny(name, "/\\") || name == ".." {
			t.Fatalf("FileName = %q", name)
		}
	})
}
