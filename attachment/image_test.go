package attachment

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// scanImage is a small grey picture standing for a scanned page.
func scanImage() image.Image {
	m := image.NewGray(image.Rect(0, 0, 32, 16))
	for x := range 32 {
		for y := range 16 {
			m.SetGray(x, y, color.Gray{Y: uint8(255 - 4*x - y)})
		}
	}
	return m
}

// encodeImage writes scanImage with one of the standard library's encoders.
func encodeImage(t *testing.T, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, scanImage())
	case "jpeg":
		err = jpeg.Encode(&b, scanImage(), nil)
	case "gif":
		err = gif.Encode(&b, scanImage(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bmpFile is a 2×2 24-bit BMP with a BITMAPINFOHEADER, as Windows writes it.
func bmpFile() []byte {
	const pixels = 2 * 8 // two rows of 2 pixels, each row padded to 8 bytes
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, 14+40+pixels) // file size
	b = binary.LittleEndian.AppendUint32(b, 0)            // reserved
	b = binary.LittleEndian.AppendUint32(b, 14+40)        // pixel data offset
	b = binary.LittleEndian.AppendUint32(b, 40)           // BITMAPINFOHEADER
	b = binary.LittleEndian.AppendUint32(b, 2)            // width
	b = binary.LittleEndian.AppendUint32(b, 2)            // height
	b = binary.LittleEndian.AppendUint16(b, 1)            // planes
	b = binary.LittleEndian.AppendUint16(b, 24)           // bits per pixel
	b = binary.LittleEndian.AppendUint32(b, 0)            // BI_RGB
	b = binary.LittleEndian.AppendUint32(b, pixels)
	b = append(b, make([]byte, 16)...) // resolution, palette counts
	return append(b, bytes.Repeat([]byte{0xff}, pixels)...)
}

// tiffFile is a 1×1 8-bit grey baseline TIFF in the given byte order.
func tiffFile(order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}) []byte {
	var b []byte
	if order.String() == binary.LittleEndian.String() {
		b = []byte("II")
	} else {
		b = []byte("MM")
	}
	b = order.AppendUint16(b, 42)
	b = order.AppendUint32(b, 8) // first IFD
	entries := [][3]uint32{      // tag, type (3 SHORT, 4 LONG), value
		{256, 3, 1}, {257, 3, 1}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
		{273, 4, 8 + 2 + 8*12 + 4}, {277, 3, 1}, {278, 3, 1}, {279, 4, 1},
	}
	b = order.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = order.AppendUint16(b, uint16(e[0]))
		b = order.AppendUint16(b, uint16(e[1]))
		b = order.AppendUint32(b, 1)
		if e[1] == 3 {
			b = order.AppendUint16(b, uint16(e[2]))
			b = order.AppendUint16(b, 0)
		} else {
			b = order.AppendUint32(b, e[2])
		}
	}
	b = order.AppendUint32(b, 0) // no next IFD
	return append(b, 0x80)       // the pixel
}

// webpFile is a 1×1 lossless WebP (a RIFF container holding a VP8L chunk).
var webpFile = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

func TestSniffImages(t *testing.T) {
	const octet = "application/octet-stream"
	tests := []struct {
		name           string
		body           []byte
		typ, disp, url string
		want           Kind
	}{
		{"png", encodeImage(t, "png"), "image/png", "", "http://x.gov.cn/W0202403.png", KindImage},
		{"png named doc", encodeImage(t, "png"), octet, "", "http://x/a.doc", KindImage},
		{"jpeg", encodeImage(t, "jpeg"), "image/jpeg", "", "", KindImage},
		{"jpeg named pdf", encodeImage(t, "jpeg"), "application/pdf", `attachment; filename="报告.pdf"`, "http://x/a.pdf", KindImage},
		{"gif", encodeImage(t, "gif"), octet, "", "", KindImage},
		{"webp", webpFile, octet, "", "", KindImage},
		{"bmp", bmpFile(), octet, "", "", KindImage},
		{"tiff little-endian", tiffFile(binary.LittleEndian), octet, "", "", KindImage},
		{"tiff big-endian", tiffFile(binary.BigEndian), "image/tiff", "", "", KindImage},
		{"png head", encodeImage(t, "png")[:8], octet, "", "", KindImage},
		// Text that begins as a BMP does is not one: the DIB header
		// size at offset 14 must be one of the known headers.
		{"text beginning BM", []byte("BMW 2023年度报告 全文如下"), octet, "", "", KindUnknown},
		{"riff that is not webp", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), octet, "", "", KindUnknown},
		// Only the bytes say picture: a type or a name never does.
		{"no body: image type", nil, "image/jpeg", "", "http://x/a.jpg", KindUnknown},
		{"html named jpg", []byte("<!DOCTYPE html><html><body>404</body></html>"), "image/jpeg", "", "http://x/a.jpg", KindUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.body, tc.typ, tc.disp, tc.url); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestImageLinks checks that LinkKind does not call links to pictures
// attachments: the crawler fetches what LinkKind accepts, and every report
// page shows pictures.
func TestImageLinks(t *testing.T) {
	for _, tc := range []struct{ url, text string }{
		{"/upload/2024/W020240301_1.jpg", ""},
		{"./W020240301_1.JPEG", "附件1"},
		{"/u/cms/www/202403/01.png?v=2", "点击下载"},
		{"/images/scan.webp", ""},
		{"/download.jsp?filename=第1页.jpg", ""},
		{"/upload/a.tif", "下载"},
	} {
		if k, maybe := LinkKind(tc.url, tc.text); k != KindUnknown || maybe {
			t.Errorf("LinkKind(%q, %q) = %q, %v, want \"\", false", tc.url, tc.text, k, maybe)
		}
	}
}

// TestReadImage checks that Reader.Text reads no text from a picture,
// says so, and does not count it as a file read.
func TestReadImage(t *testing.T) {
	r := NewReader(ReaderConfig{CacheDir: t.TempDir()})
	t.Cleanup(func() { r.Close() })
	for _, format := range []string{"png", "jpeg", "gif"} {
		body := encodeImage(t, format)
		kind := Sniff(body, "", "", "")
		got, err := r.Text(context.Background(), kind, body)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if got != (Text{Status: StatusImage}) {
			t.Errorf("%s: Text = %+v, want only StatusImage", format, got)
		}
	}
	if n := r.FilesRead(); n != 0 {
		t.Errorf("FilesRead = %d after pictures only, want 0", n)
	}
	if r.PDFStarted() {
		t.Error("reading a picture started the PDF engine")
	}
}
