package crawler

import (
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// utf16LE encodes s as UTF-16LE.
func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestDecode(t *testing.T) {
	// 堃 and 镕 are in GBK but not in GB2312: a page that declares gb2312
	// and uses them must still decode.
	const title = "王堃2020年度法治政府建设情况报告"
	body := func(head string) string {
		return "<html><head>" + head + "<title>" + title + "</title></head><body><p>朱镕基</p></body></html>"
	}
	long := strings.Repeat("<!-- 注释 comment -->", 80) // pushes <meta> past x/net's 1024-byte prescan
	tests := []struct {
		name        string
		raw         []byte
		contentType string
		fallback    string
		wantEnc     string
	}{
		{"header gbk", gbk(t, body("")), "text/html; charset=GBK", "", "gb18030"},
		{"meta charset gb2312 only", gbk(t, body(`<meta charset="gb2312">`)), "text/html", "", "gb18030"},
		{"meta http-equiv gb2312", gbk(t, body(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`)), "text/html", "", "gb18030"},
		{"meta after 1 KB of comments", gbk(t, long+body(`<meta charset="gbk">`)), "", "", "gb18030"},
		{"nothing declared: site fallback", gbk(t, body("")), "text/html", "gb18030", "gb18030"},
		{"nothing declared, no fallback: GB18030", gbk(t, body("")), "", "", "gb18030"},
		{"utf-8 undeclared", []byte(body("")), "text/html", "gb18030", "utf-8"},
		{"utf-8 with BOM", []byte("\xef\xbb\xbf" + body("")), "", "", "utf-8"},
		{"header says utf-8, body is GBK with meta", gbk(t, body(`<meta charset="gbk">`)), "text/html; charset=utf-8", "", "gb18030"},
		{"header says iso-8859-1 (Java default), meta gbk", gbk(t, body(`<meta charset="gbk">`)), "text/html;charset=ISO-8859-1", "", "gb18030"},
		{"meta says utf-8 but bytes are GBK", gbk(t, body(`<meta charset="utf-8">`)), "", "gbk", "gb18030"},
		// A header may name any charset; what it gives must read as a page.
		{"header says utf-16 over GBK bytes", gbk(t, body(`<meta charset="gbk">`)), "text/html; charset=utf-16", "", "gb18030"},
		{"header says utf-16le over UTF-8 bytes", []byte(body("")), "text/html; charset=UTF-16LE", "", "utf-8"},
		{"header says utf-16be over GBK, nothing else", gbk(t, body("")), "text/html; charset=utf-16be", "gb18030", "gb18030"},
		{"header says big5 over GBK bytes", gbk(t, body(`<meta charset="gbk">`)), "text/html; charset=big5", "", "gb18030"},
		{"header says shift_jis over GBK bytes", gbk(t, body("")), "text/html; charset=shift_jis", "", "gb18030"},
		{"meta says utf-16 over GBK bytes", gbk(t, body(`<meta charset="utf-16">`)), "", "", "gb18030"},
		{"real UTF-16LE with BOM, header says gbk", utf16LE("\ufeff" + body("")), "text/html; charset=gbk", "", "utf-16le"},
		{"real UTF-16LE, header says so", utf16LE(body("")), "text/html; charset=utf-16le", "", "utf-16le"},
		{"a UTF-8 page with one broken byte, header utf-8", []byte(body("") + strings.Repeat("<p>本年度法治政府建设取得积极成效。</p>", 20) + "\xe5"), "text/html; charset=utf-8", "gb18030", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, enc, err := Decode(tt.raw, tt.contentType, tt.fallback)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.wantEnc {
				t.Errorf("encoding = %q, want %q", enc, tt.wantEnc)
			}
			if !strings.Contains(string(out), title) || !strings.Contains(string(out), "朱镕基") {
				t.Errorf("decoded text lacks the title: %.200q", out)
			}
			if strings.HasPrefix(string(out), "\uFEFF") {
				t.Error("BOM kept")
			}
		})
	}
}

func TestDecodeUnknownEncoding(t *testing.T) {
	_, _, err := Decode([]byte{0xb9, 0xd8}, "", "klingon")
	if err == nil || !strings.Contains(err.Error(), `unknown encoding "klingon"`) {
		t.Fatalf("err = %v", err)
	}
}
