package attachment

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestSniff(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	docx := readTestdata(t, "report.docx")
	doc := readTestdata(t, "report.doc")
	ofd := readTestdata(t, "report.ofd")
	xlsx := zipOf(t, "[Content_Types].xml", `<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`, "xl/workbook.xml", "<workbook/>")
	wordHead := zipOf(t, "[Content_Types].xml", `<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`, "word/document.xml", "<w:document/>")
	const (
		octet = "application/octet-stream"
		html  = "text/html; charset=utf-8"
	)
	tests := []struct {
		name           string
		body           []byte
		typ, disp, url string
		want           Kind
	}{
		{"pdf", pdf, "application/pdf", "", "http://x.gov.cn/a.pdf", KindPDF},
		{"pdf named doc", pdf, octet, `attachment; filename="报告.doc"`, "http://x.gov.cn/down.jsp?id=1", KindPDF},
		{"pdf after junk", append([]byte("\r\n\r\n   "), pdf...), "", "", "", KindPDF},
		{"docx as html", docx, html, "", "http://x.gov.cn/a.html", KindDOCX},
		{"docx named pdf", docx, "application/pdf", `attachment; filename=a.pdf`, "", KindDOCX},
		{"docx head", docx[:1500], octet, "", "", KindDOCX},
		{"docx content types head", wordHead[:200], octet, "", "", KindDOCX},
		{"docx head too short, named", docx[:40], octet, `attachment; filename="报告.docx"`, "", KindDOCX},
		{"docx head too short, unnamed", docx[:40], octet, "", "", KindUnknown},
		{"ofd", ofd, octet, "", "", KindOFD},
		{"ofd named docx", ofd, "", `attachment; filename="a.docx"`, "", KindOFD},
		{"ofd head", ofd[:64], octet, "", "", KindOFD},
		{"xlsx named docx", xlsx, octet, `attachment; filename="a.docx"`, "", KindUnknown},
		{"doc", doc, "application/msword", "", "", KindDOC},
		{"doc as octet", doc, octet, "", "http://x.gov.cn/P0.doc", KindDOC},
		{"wps by name", doc, octet, `attachment; filename="报告.wps"`, "", KindWPS},
		{"wps by url", doc, "", "", "http://x.gov.cn/upload/a.wps", KindWPS},
		{"wps as kswps", doc, "application/kswps", "", "", KindWPS},
		{"wps as ms-works", doc, "application/vnd.ms-works", "", "", KindWPS},
		{"doc head", doc[:4096], octet, "", "", KindDOC},
		{"ole head named xls", doc[:512], octet, `attachment; filename="统计表.xls"`, "", KindUnknown},
		{"encrypted doc", readTestdata(t, "encrypted.doc"), octet, "", "", KindDOC},
		{"encrypted docx", readTestdata(t, "encrypted.docx"), octet, `attachment; filename="a.docx"`, "", KindDOCX},
		{"encrypted xlsx", readTestdata(t, "encrypted.docx"), octet, `attachment; filename="a.xlsx"`, "", KindUnknown},
		{"html named pdf", []byte("<!DOCTYPE html><html><body>404</body></html>"), "application/pdf", `attachment; filename="a.pdf"`, "http://x/a.pdf", KindUnknown},
		{"image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), octet, "", "http://x/a.doc", KindImage},
		{"no body: type", nil, "application/pdf", "", "", KindPDF},
		{"no body: type with params", nil, "application/vnd.openxmlformats-officedocument.wordprocessingml.document; charset=binary", "", "", KindDOCX},
		{"no body: disposition", nil, octet, `attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.ofd`, "", KindOFD},
		{"no body: url", nil, "", "", "http://x.gov.cn/P020240301.PDF", KindPDF},
		{"no body: url query", nil, octet, "", "http://x.gov.cn/downfile.jsp?filename=a.wps", KindWPS},
		{"no body: html wins over url", nil, "text/html", "", "http://x.gov.cn/a.pdf", KindUnknown},
		{"no body: doc type, wps name", nil, "application/msword", `attachment; filename="a.wps"`, "", KindWPS},
		{"no body: nothing", nil, "", "", "", KindUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.body, tc.typ, tc.disp, tc.url); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLinkKind(t *testing.T) {
	tests := []struct {
		url, text string
		want      Kind
		maybe     bool
	}{
		{"http://gks.mof.gov.cn/zhengfuxinxi/202402/P020240202506411419197.pdf", "", KindPDF, false},
		{"./P020240301123456789.PDF", "附件", KindPDF, false},
		{"/upload/2024/报告.docx?v=2", "", KindDOCX, false},
		{"/upload/%E6%8A%A5%E5%91%8A.doc;jsessionid=ABC123", "", KindDOC, false},
		{"/files/a.wps", "", KindWPS, false},
		{"/files/a.ofd#page=2", "", KindOFD, false},
		{"downfile.jsp?filename=报告.pdf", "下载", KindPDF, false},
		{"/DownLoad.aspx?fileName=x.docx&id=3", "", KindDOCX, false},
		{"/downfile.jsp?filename=%E6%8A%A5%E5%91%8A.pdf", "", KindPDF, false},
		{"/servlet/Get?file=/upload/2024/a.ofd", "", KindOFD, false},
		{"downfile.jsp?fileid=123", "附件：2023年度法治政府建设情况报告.pdf", KindPDF, true},
		{"downfile.jsp?fileid=123", "附件：统计表.xls", KindUnknown, false},
		{"/download.jsp?id=5", "点击下载", KindUnknown, true},
		{"/common/DownLoad.aspx?id=5", "", KindUnknown, true},
		{"/attachment/1234567", "附件1", KindUnknown, true},
		{"/xxgk/view?fileId=88", "", KindUnknown, true},
		{"/servlet/Show?x=1", "附件1", KindUnknown, true},
		{"/node/123", "附件：报告.docx（35KB）", KindDOCX, true},
		{"t20240301_123.html", "XX市2023年度法治政府建设情况报告", KindUnknown, false},
		{"./t20240301_123.html", "附件：xx.pdf", KindUnknown, false},
		{"javascript:void(0)", "下载", KindUnknown, false},
		{"JavaScript:download('a.pdf')", "附件", KindUnknown, false},
		{"#", "附件", KindUnknown, false},
		{"mailto:sfj@xx.gov.cn", "", KindUnknown, false},
		{"", "附件", KindUnknown, false},
		{"/files/a.zip", "附件：报告.zip", KindUnknown, false},
		{"/files/a.rar", "附件：报告.pdf", KindUnknown, false},
		{"/files/stats.xlsx", "", KindUnknown, false},
		{"/downfile.jsp?filename=统计表.xls", "", KindUnknown, false},
		{"/xxgk/index.html", "下载中心", KindUnknown, false},
		{"/xxgk/", "下载中心", KindUnknown, false},
		{"/uploadfiles/abc", "", KindUnknown, false},
		{"http://www.xx.gov.cn/", "首页", KindUnknown, false},
	}
	for _, tc := range tests {
		t.Run(tc.url+" "+tc.text, func(t *testing.T) {
			k, maybe := LinkKind(tc.url, tc.text)
			if k != tc.want || maybe != tc.maybe {
				t.Errorf("LinkKind = %q, %v; want %q, %v", k, maybe, tc.want, tc.maybe)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1 := func(s string) string { // UTF-8 bytes read as Latin-1
		var r []rune
		for _, b := range []byte(s) {
			r = append(r, rune(b))
		}
		return string(r)
	}
	tests := []struct{ name, disp, url, want string }{
		{"rfc 5987", `attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`, "", "报告.pdf"},
		{"rfc 5987 wins", `attachment; filename="report.pdf"; filename*=utf-8'zh-CN'%E6%8A%A5%E5%91%8A.pdf`, "", "报告.pdf"},
		{"rfc 5987 gbk", `attachment; filename*=GBK''%B1%A8%B8%E6.doc`, "", "报告.doc"},
		{"rfc 2231 continuation", `attachment; filename*0*=UTF-8''%E6%8A%A5; filename*1*=%E5%91%8A.pdf`, "", "报告.pdf"},
		{"raw gbk quoted", `attachment; filename="` + gbk("2023年度报告.doc") + `"`, "", "2023年度报告.doc"},
		{"raw gbk unquoted", "attachment;filename=" + gbk("法治政府建设情况报告.wps"), "", "法治政府建设情况报告.wps"},
		{"raw utf-8 unquoted", "attachment;filename=2023年度报告.docx", "", "2023年度报告.docx"},
		{"raw utf-8 with spaces", `attachment; filename="2023 年度 报告.pdf"`, "", "2023 年度 报告.pdf"},
		{"percent utf-8 quoted", `attachment; filename="%E6%8A%A5%E5%91%8A.pdf"`, "", "报告.pdf"},
		{"percent gbk", `attachment; filename=%B1%A8%B8%E6.pdf`, "", "报告.pdf"},
		{"java urlencoder", `attachment; filename=2023%E5%B9%B4+%E6%8A%A5%E5%91%8A.pdf`, "", "2023年 报告.pdf"},
		{"rfc 2047", `attachment; filename="=?UTF-8?B?5oql5ZGKLnBkZg==?="`, "", "报告.pdf"},
		{"rfc 2047 gbk", `attachment; filename="=?GBK?B?sai45i5wZGY=?="`, "", "报告.pdf"},
		{"latin-1 mojibake", `attachment; filename="` + latin1("报告.pdf") + `"`, "", "报告.pdf"},
		{"latin-1 name", "attachment; filename=\"caf\xe9.pdf\"", "", "café.pdf"},
		{"escaped quote", `attachment; filename="a \"b\".pdf"`, "", `a "b".pdf`},
		{"unclosed quote", `attachment; filename="报告.pdf`, "", "报告.pdf"},
		{"no type", `filename=报告.pdf`, "", "报告.pdf"},
		{"path stripped", `attachment; filename="../../etc/报告.pdf"`, "", "报告.pdf"},
		{"windows path stripped", `attachment; filename="C:\\upload\\报告.pdf"`, "", "报告.pdf"},
		{"dot dot: url", `attachment; filename=".."`, "http://x/a.pdf", "a.pdf"},
		{"inline only: url", `inline`, "http://x.gov.cn/a/P020240301.pdf", "P020240301.pdf"},
		{"url percent utf-8", "", "http://x.gov.cn/upload/%E6%8A%A5%E5%91%8A.pdf", "报告.pdf"},
		{"url percent gbk", "", "http://x.gov.cn/upload/%B1%A8%B8%E6.pdf", "报告.pdf"},
		{"url raw utf-8", "", "http://x.gov.cn/upload/报告.pdf?t=1", "报告.pdf"},
		{"url query name", "", "http://x.gov.cn/downfile.jsp?fileid=3&filename=%E6%8A%A5%E5%91%8A.pdf", "报告.pdf"},
		{"url query gbk", "", "http://x.gov.cn/downfile.jsp?filename=%B1%A8%B8%E6.docx", "报告.docx"},
		{"url endpoint", "", "http://x.gov.cn/download.jsp?id=3", "download.jsp"},
		{"url directory", "", "http://x.gov.cn/dir/", ""},
		{"nothing", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FileName(tc.disp, tc.url); got != tc.want {
				t.Errorf("FileName = %q, want %q", got, tc.want)
			}
		})
	}
}
