package attachment

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"mime"
	"strings"
	"unicode/utf16"
)

// Kind is the format of an attachment, as far as this package reads it.
type Kind string

// The kinds of attachment. Formats the package does not read (spreadsheets,
// archives) are KindUnknown.
const (
	KindUnknown Kind = ""
	KindPDF     Kind = "pdf"
	KindDOCX    Kind = "docx"
	KindDOC     Kind = "doc" // MS-Word 97-2003 binary (OLE2)
	KindWPS     Kind = "wps" // Kingsoft WPS: the DOC binary format; told apart only by name/type
	KindOFD     Kind = "ofd"
	// KindImage is a picture (JPEG, PNG, GIF, WebP, BMP, TIFF), such as a
	// page of a report posted as scans. It is told by its magic bytes only,
	// never by a name or a type, and LinkKind never gives it: a link to
	// x.jpg is not an attachment, so the crawler does not fetch every
	// picture of every page. Reader.Text reads no text from it
	// (StatusImage).
	KindImage Kind = "image"
)

// sniffLen is the least body that lets the magic bytes decide: a longer
// body without known magic is not an attachment this package reads,
// whatever its name says (an HTML error page served as 报告.pdf).
const sniffLen = 8

// Sniff says what a downloaded file is. The body decides first: %PDF
// (within the first 1 KiB), a zip holding word/… (DOCX) or OFD.xml (OFD),
// an OLE2 compound file holding a WordDocument stream (DOC, or WPS when the
// Content-Type, the file name in the Content-Disposition or the URL says
// wps), the magic bytes of a picture (KindImage: see isImage). A body of 8
// bytes or more with none of these is KindUnknown.
//
// The type and names are used only when the body cannot decide: when it
// is shorter than 8 bytes (say, a HEAD request), or when it is only the
// head of a zip or OLE2 file whose directory was cut off. Then the
// Content-Type counts first, then the file name from Content-Disposition,
// then the URL's extension (or a file name in its query string).
//
// body may be the whole file or its head. A zip's central directory is at
// its end, so with a head only Sniff reads the local file headers it holds
// (a DOCX normally starts with [Content_Types].xml, which it inflates); an
// OLE2 head is searched for the names of its streams. Pass the whole body
// for a certain answer.
func Sniff(body []byte, contentType, disposition, rawURL string) Kind {
	h := newHints(contentType, disposition, rawURL)
	switch {
	case isPDF(body):
		return KindPDF
	case bytes.HasPrefix(body, []byte("PK\x03\x04")):
		return sniffZip(body, h)
	case isOLE2(body):
		return sniffOLE(body, h)
	case isImage(body):
		return KindImage
	case len(body) >= sniffLen:
		return KindUnknown
	}
	return h.kind()
}

// isImage recognises the picture formats by their magic bytes: JPEG (FF D8
// FF), PNG, GIF87a/GIF89a, WebP (a RIFF container of type WEBP), BMP ("BM"
// with a known DIB header size, as "BM" alone could begin a text) and TIFF
// (II*\0 or MM\0*).
func isImage(b []byte) bool {
	switch {
	case bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")),
		bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")),
		bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return true
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP":
		return true
	case len(b) >= 18 && bytes.HasPrefix(b, []byte("BM")):
		switch binary.LittleEndian.Uint32(b[14:18]) {
		case 12, 16, 40, 52, 56, 64, 108, 124: // BITMAPCOREHEADER … BITMAPV5HEADER
			return true
		}
	}
	return false
}

// isPDF looks for "%PDF-" in the first KiB, as PDF readers do.
func isPDF(b []byte) bool {
	return bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-"))
}

// hints are the extensions that the Content-Type, the Content-Disposition
// file name and the URL give, lower case without the dot ("" when they say
// nothing).
type hints struct {
	typ, name, url string
}

func newHints(contentType, disposition, rawURL string) hints {
	var h hints
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		h.typ = typeExt[mt]
	} else if mt, _, _ := strings.Cut(contentType, ";"); mt != "" {
		h.typ = typeExt[strings.ToLower(strings.TrimSpace(mt))]
	}
	h.name = extOf(dispositionName(disposition))
	h.url = extOf(urlFileName(rawURL))
	return h
}

// first is the first hint that says something.
func (h hints) first() string {
	for _, e := range []string{h.typ, h.name, h.url} {
		if e != "" {
			return e
		}
	}
	return ""
}

// wps says whether any hint says wps.
func (h hints) wps() bool { return h.typ == "wps" || h.name == "wps" || h.url == "wps" }

// kind is the hints' verdict alone.
func (h hints) kind() Kind {
	k := extKind[h.first()]
	if k == KindDOC && h.wps() {
		return KindWPS
	}
	return k
}

// typeExt maps Content-Types to extensions. Generic types
// (application/octet-stream, application/x-download …) say nothing.
var typeExt = map[string]string{
	"application/pdf":            "pdf",
	"application/x-pdf":          "pdf",
	"application/acrobat":        "pdf",
	"applications/vnd.pdf":       "pdf",
	"text/pdf":                   "pdf",
	"application/msword":         "doc",
	"application/x-msword":       "doc",
	"application/vnd.ms-word":    "doc",
	"application/doc":            "doc",
	"application/vnd.ms-works":   "wps", // what IIS and mime.types map .wps to
	"application/kswps":          "wps",
	"application/wps-office.wps": "wps",
	"application/x-wps":          "wps",
	"application/wps":            "wps",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
	"application/ofd":          "ofd",
	"application/x-ofd":        "ofd",
	"application/vnd.ofd":      "ofd",
	"application/vnd.ms-excel": "xls",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "xlsx",
	"application/vnd.ms-powerpoint":                                             "ppt",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
	"application/zip":              "zip",
	"application/x-zip-compressed": "zip",
	"application/x-rar-compressed": "rar",
	"application/vnd.rar":          "rar",
	"text/html":                    "html",
	"application/xhtml+xml":        "html",
	"text/plain":                   "txt",
	"image/jpeg":                   "jpg",
	"image/png":                    "png",
}

// extKind maps the extensions of the formats read here to their kind.
var extKind = map[string]Kind{
	"pdf":  KindPDF,
	"docx": KindDOCX,
	"doc":  KindDOC,
	"wps":  KindWPS,
	"ofd":  KindOFD,
}

// sniffZip tells DOCX from OFD by the zip's entry names.
func sniffZip(body []byte, h hints) Kind {
	if zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err == nil {
		names := make([]string, 0, len(zr.File))
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if k, ok := zipNamesKind(names); ok {
			return k
		}
		return KindUnknown
	}
	// Only the head: walk the local file headers it holds.
	var names []string
	for off := 0; off+30 <= len(body) && len(names) < 64; {
		if !bytes.Equal(body[off:off+4], []byte("PK\x03\x04")) {
			break
		}
		flags := binary.LittleEndian.Uint16(body[off+6:])
		method := binary.LittleEndian.Uint16(body[off+8:])
		csize := int(min(binary.LittleEndian.Uint32(body[off+18:]), 1<<30))
		nlen := int(binary.LittleEndian.Uint16(body[off+26:]))
		xlen := int(binary.LittleEndian.Uint16(body[off+28:]))
		start := off + 30 + nlen + xlen
		if start > len(body) {
			break
		}
		name := string(body[off+30 : off+30+nlen])
		names = append(names, name)
		if k, ok := zipNamesKind(names); ok {
			return k
		}
		end := min(len(body), start+csize)
		if flags&0x8 != 0 {
			// Sizes follow the data (streamed zips, LibreOffice's):
			// the data runs to the next header. Deflate ends itself.
			end = len(body)
			if i := bytes.Index(body[start:], []byte("PK\x03\x04")); i >= 0 {
				end = start + i
			}
		}
		if name == "[Content_Types].xml" {
			if k, ok := contentTypesKind(body[start:end], method); ok {
				return k
			}
		}
		off = end
	}
	if k := extKind[h.first()]; k == KindDOCX || k == KindOFD {
		return k
	}
	return KindUnknown
}

// zipNamesKind decides by entry names; ok is false while they do not tell.
func zipNamesKind(names []string) (Kind, bool) {
	for _, n := range names {
		n = strings.TrimPrefix(strings.ReplaceAll(n, "\\", "/"), "/")
		l := strings.ToLower(n)
		switch {
		case strings.HasPrefix(n, "word/"):
			return KindDOCX, true
		case l == "ofd.xml":
			return KindOFD, true
		case strings.HasPrefix(n, "xl/"), strings.HasPrefix(n, "ppt/"), n == "mimetype":
			return KindUnknown, true // xlsx, pptx, OpenDocument
		}
	}
	return KindUnknown, false
}

// contentTypesKind reads an OOXML [Content_Types].xml (stored or deflated)
// for the main part's type.
func contentTypesKind(data []byte, method uint16) (Kind, bool) {
	var r io.Reader = bytes.NewReader(data)
	switch method {
	case zip.Store:
	case zip.Deflate:
		r = flate.NewReader(r)
	default:
		return KindUnknown, false
	}
	b, _ := io.ReadAll(io.LimitReader(r, 64<<10)) // a cut-off head still gives its start
	s := string(b)
	switch {
	case strings.Contains(s, "wordprocessingml.document"), strings.Contains(s, "ms-word.document"):
		return KindDOCX, true
	case strings.Contains(s, "spreadsheetml"), strings.Contains(s, "presentationml"):
		return KindUnknown, true
	}
	return KindUnknown, false
}

// sniffOLE tells a Word document (DOC or WPS) from the other compound
// files by their stream names.
func sniffOLE(body []byte, h hints) Kind {
	word := func() Kind {
		if h.wps() {
			return KindWPS
		}
		return KindDOC
	}
	f, err := openOLE(body)
	whole := err == nil
	has := func(name string) bool {
		if whole {
			return f.has(name)
		}
		// Only the head: look for the directory entries' UTF-16 names.
		return bytes.Contains(body, utf16LE(name))
	}
	switch {
	case has("WordDocument"):
		return word()
	case has("EncryptedPackage"):
		// An encrypted OOXML file (DOCXText says ErrEncrypted), unless
		// the names say spreadsheet or presentation.
		if otherFileExt[h.typ] || otherFileExt[h.name] || otherFileExt[h.url] {
			return KindUnknown
		}
		return KindDOCX
	case whole, has("Workbook"), has("Book"), has("PowerPoint Document"):
		return KindUnknown // a spreadsheet, a presentation …
	}
	switch e := h.first(); {
	case e == "", extKind[e] == KindDOC, extKind[e] == KindWPS:
		return word()
	}
	return KindUnknown
}

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
