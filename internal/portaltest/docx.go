package portaltest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"strings"
)

// DOCX returns a Word document (Office Open XML, as Word and LibreOffice
// write it, in its smallest complete form: content types, package
// relationships, the main document part) holding paragraphs, one a line of
// text. A portal's DOCX of a report whose PDF a test has: the same text in
// a second file type, made from it.
func DOCX(text string) []byte {
	var body strings.Builder
	for _, p := range strings.Split(strings.TrimSpace(text), "\n") {
		body.WriteString("<w:p><w:r><w:t xml:space=\"preserve\">")
		xml.EscapeText(&body, []byte(p))
		body.WriteString("</w:t></w:r></w:p>")
	}
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`},
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := z.Create(p.name)
		if err != nil {
			panic("portaltest: " + err.Error()) // a bytes.Buffer does not fail
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			panic("portaltest: " + err.Error())
		}
	}
	if err := z.Close(); err != nil {
		panic("portaltest: " + err.Error())
	}
	return b.Bytes()
}
