package crawler

import (
	"reflect"
	"testing"
)

func TestArticleParts(t *testing.T) {
	tests := []struct {
		name, page, html string
		want             []string
	}{
		{"TRS script", "http://a.gov.cn/c/202403/t20240301_7.html",
			`<script>createPageHTML(3, 0, "t20240301_7", "html");</script>`,
			[]string{"http://a.gov.cn/c/202403/t20240301_7_1.html", "http://a.gov.cn/c/202403/t20240301_7_2.html"}},
		{"numbered links in a pager, out of order and repeated", "http://a.gov.cn/c/t1.shtml",
			`<a href="t1_2.shtml">3</a><a href="./t1_1.shtml">2</a><a href="t1_1.shtml">下一页</a>`,
			[]string{"http://a.gov.cn/c/t1_1.shtml", "http://a.gov.cn/c/t1_2.shtml"}},
		{"page parameter", "http://a.gov.cn/show.jsp?id=5",
			`<a href="show.jsp?id=5&amp;page=2">下一页</a><a href="show.jsp?id=6">下一篇</a>`,
			[]string{"http://a.gov.cn/show.jsp?id=5&page=2"}},
		{"not parts: other articles, list pages, other folders, other hosts", "http://a.gov.cn/c/t20240301_7.html",
			`<a href="t20240301_8.html">下一篇</a><a href="index_1.html">列表</a><a href="../d/t20240301_7_1.html">x</a>` +
				`<a href="http://b.gov.cn/c/t20240301_7_1.html">y</a><a href="t20240301_7_1.pdf">附件</a><script>createPageHTML(9, 0, "index", "html")</script>`,
			nil},
		{"a pager call about another stem", "http://a.gov.cn/c/t5.html", `createPageHTML(4, 0, "t6", "html")`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := articleParts([]byte(tt.html), mustURL(t, tt.page))
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
