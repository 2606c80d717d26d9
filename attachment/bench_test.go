package attachment

import "testing"

// The benchmarks read the test report (testdata/README.md): about 1,100
// characters, 16 paragraphs and a 4×4 table.

func benchReader(b *testing.B, file string, read reader) {
	data := readTestdata(b, file)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := read(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDOCXText(b *testing.B) { benchReader(b, "report.docx", DOCXText) }
func BenchmarkWordText(b *testing.B) { benchReader(b, "report.doc", WordText) }
func BenchmarkOFDText(b *testing.B)  { benchReader(b, "report.ofd", OFDText) }

func BenchmarkSniff(b *testing.B) {
	files := map[string][]byte{}
	for _, name := range []string{"report.docx", "report.doc", "report.ofd"} {
		files[name] = readTestdata(b, name)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			Sniff(data, "application/octet-stream", `attachment; filename="报告.wps"`, "http://x.gov.cn/downfile.jsp?fileid=1")
		}
	}
}

func BenchmarkLinkKind(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		LinkKind("/downfile.jsp?fileid=123", "附件：2023年度法治政府建设情况报告.pdf")
		LinkKind("./t20240301_123.html", "XX市2023年度法治政府建设情况报告")
	}
}
