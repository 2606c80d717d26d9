package crawler

import (
	"net/url"
	"reflect"
	"testing"
)

func TestFileLinks(t *testing.T) {
	base, _ := url.Parse("http://www.example.gov.cn/fzzf/202403/t20240301_1.html")
	tests := []struct {
		name string
		html string
		want []string // url|text
	}{
		{"by extension", `<div class="fj">附件：<a href="./P0202403.pdf">2023年度报告.pdf</a></div>`,
			[]string{"http://www.example.gov.cn/fzzf/202403/P0202403.pdf|2023年度报告.pdf"}},
		{"a longer title attribute names the file", `<a href="/u/a.docx" title="2023年统计表.docx"><span>附件1</span></a>`,
			[]string{"http://www.example.gov.cn/u/a.docx|2023年统计表.docx"}},
		{"a shorter title attribute does not", `<a href="/u/b.docx" title="附件"><span>2023年统计表</span>.docx</a>`,
			[]string{"http://www.example.gov.cn/u/b.docx|2023年统计表.docx"}},
		{"download endpoint with the name in the text", `<a href="/down/downfile.jsp?fileid=7">附件：报告.ofd</a>`,
			[]string{"http://www.example.gov.cn/down/downfile.jsp?fileid=7|附件:报告.ofd"}},
		{"pages, scripts and mail are not files",
			`<a href="t20240302_2.html">下一篇</a><a href="javascript:void(0)">打印</a><a href="mailto:a@b.cn">信箱</a><a href="#top">顶部</a>`,
			nil},
		{"an embedded viewer", `<iframe src="/pdfjs/web/viewer.html?file=/fj/2023.pdf"></iframe><embed src="/fj/b.pdf">`,
			[]string{"http://www.example.gov.cn/fj/2023.pdf|", "http://www.example.gov.cn/fj/b.pdf|"}},
		{"an unclosed link at the end", `<a href="x.wps">表`, []string{"http://www.example.gov.cn/fzzf/202403/x.wps|表"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range fileLinks([]byte(tt.html), base) {
				got = append(got, l.url+"|"+l.text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fileLinks:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
