package extract

import (
	"strings"
	"testing"
)

// render extracts the text of a snippet placed in a known container.
func render(t *testing.T, snippet string) string {
	t.Helper()
	doc, err := Extract([]byte(`<div id="zoom">`+snippet+`</div>`), nil, Options{ContentSelector: "#zoom"})
	if err != nil {
		t.Fatal(err)
	}
	return doc.Text
}

func TestTextFormat(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", `<p>第一段。</p><p>第二段。</p>`, "第一段。\n第二段。\n"},
		{"inline flows", `<p>依法<b>行政</b><span>制度</span><a href="/x">建设</a>。</p>`, "依法行政制度建设。\n"},
		{"br breaks", `第一行<br>第二行<br/><br>第三行`, "第一行\n第二行\n第三行\n"},
		{"div in span", `<span>前<div>甲乙</div>后</span>`, "前\n甲乙\n后\n"},
		{"spaces collapse", "<p>  a \t\n b\u3000\u3000c\u00a0\u00a0d  </p>", "a b c d\n"},
		{"indent removed", "<p>\u3000\u30002020年，全区。</p>", "2020年,全区。\n"},
		{"NFKC", `<p>（一）２０２０年：ＡＢＣ①</p>`, "(一)2020年:ABC1\n"},
		{"zero width", "<p>法\u200b治\ufeff政府</p>", "法治政府\n"},
		{"empty lines dropped", `<p></p><p>&nbsp;</p><div> </div><p>正文</p>`, "正文\n"},
		{"pre keeps lines", "<pre>第一行\n  第二行\n\n第三行</pre>", "第一行\n第二行\n第三行\n"},
		{"list items", `<ul><li>一是</li><li>二是</li></ul>`, "一是\n二是\n"},
		{"headings", `<h3>一、总体情况</h3>正文`, "一、总体情况\n正文\n"},
		{"comments and scripts", `<p>a<!-- 注释 -->b<script>var x="c"</script></p>`, "ab\n"},
		{"hidden", `<p>a</p><p hidden>b</p><p style="DISPLAY: NONE">c</p><p style="visibility:hidden">d</p>`, "a\n"},
		{"images", `<p>a<img alt="图片说明" src="x.png">b</p>`, "ab\n"},
		{"invalid utf8", "<p>a\xffb</p>", "a\ufffdb\n"},
		{"control chars", "<p>a\x01b\x7fc</p>", "abc\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTables(t *testing.T) {
	long := strings.Repeat("这是一段很长的正文。", 20)
	tests := []struct {
		name, in, want string
	}{
		{"data table",
			`<table><tr><th>类别</th><th>收案数</th></tr><tr><td>行政复议</td><td>312</td></tr></table>`,
			"类别\t收案数\n行政复议\t312\n"},
		{"thead tbody tfoot caption",
			`<table><caption>附表</caption><thead><tr><td>a</td><td>b</td></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody><tfoot><tr><td>合计</td><td>3</td></tr></tfoot></table>`,
			"附表\na\tb\n1\t2\n合计\t3\n"},
		{"paragraphs in cells join",
			`<table><tr><td><p>本年</p><p>新收</p></td><td><p>&nbsp;5 </p></td></tr></table>`,
			"本年 新收\t5\n"},
		{"empty cells keep their tabs",
			`<table><tr><td>a</td><td></td><td>&nbsp;</td><td>d</td></tr><tr><td></td><td>乙</td></tr><tr><td> </td><td></td></tr></table>`,
			"a\t\t\td\n\t乙\n"},
		{"rowspan and colspan laid out on the grid",
			`<table><tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">(一)予以公开</td><td>20</td></tr><tr><td>1.属于国家秘密</td><td>0</td></tr></table>`,
			"三、本年度办理结果\t(一)予以公开\t\t20\n\t1.属于国家秘密\t0\n"},
		{"a header spanning columns writes no trailing tabs",
			`<table><tr><td colspan="2" rowspan="2">项目</td><td colspan="3">申请人情况</td></tr><tr><td>自然人</td><td>法人</td><td>总计</td></tr><tr><td colspan="2">一、新收</td><td>4</td><td>1</td><td>5</td></tr></table>`,
			"项目\t\t申请人情况\n\t\t自然人\t法人\t总计\n一、新收\t\t4\t1\t5\n"},
		{"a rowspan in the middle of a row",
			`<table><tr><td>a</td><td rowspan="3">中</td><td>c</td></tr><tr><td>d</td><td>f</td></tr><tr><td>g</td><td>i</td></tr><tr><td>j</td><td>k</td><td>l</td></tr></table>`,
			"a\t中\tc\nd\t\tf\ng\t\ti\nj\tk\tl\n"},
		{"rowspan 0 runs to the end of the table, a larger one stops there",
			`<table><tr><td rowspan="0">甲</td><td>1</td></tr><tr><td>2</td></tr><tr><td rowspan="9">乙</td></tr></table>`,
			"甲\t1\n\t2\n\t乙\n"},
		{"span values read as a browser reads them",
			`<table><tr><td colspan=" 2px">a</td><td colspan="x">b</td><td colspan="0">c</td><td>d</td></tr></table>`,
			"a\t\tb\tc\td\n"},
		{"a grid wider than 64 columns is not laid out",
			`<table><tr><td colspan="1000">a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`,
			"a\tb\nc\td\n"},
		{"layout: one cell",
			`<table><tr><td><p>第一段。</p><p>第二段。</p></td></tr></table>`,
			"第一段。\n第二段。\n"},
		{"layout: long cell",
			`<table><tr><td width="20"></td><td>` + long + `<br>第二段。</td></tr></table>`,
			long + "\n第二段。\n"},
		{"layout wraps a data table",
			`<table><tr><td>前言。</td><td><table><tr><td>a</td><td>b</td></tr></table>后记。</td></tr></table>`,
			"前言。\na\tb\n后记。\n"},
		{"nested data table in layout cell",
			`<table><tr><td><p>正文。</p><table><tr><td>项目</td><td>数量</td></tr><tr><td>规章</td><td>0</td></tr></table><p>结尾。</p></td></tr></table>`,
			"正文。\n项目\t数量\n规章\t0\n结尾。\n"},
		{"tab in cell text",
			"<table><tr><td>a\tb</td><td>c</td></tr></table>",
			"a b\tc\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNormalizeLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"  a  b  ", "a b"},
		{"a \t b", "a\tb"},
		{"\ta\t", "\ta\t"}, // empty edge cells keep their tabs
		{"\t\t", "\t\t"},
		{"a\t\tb", "a\t\tb"},
		{"ＡＢＣ　１２３", "ABC 123"},
		{"a\u00a0b", "a b"},
		{"a\u200bb", "ab"},
		{"\u00a8", "\u0308"}, // NFKC gives a space and a combining mark
	}
	for _, tc := range tests {
		if got := normalizeLine(tc.in); got != tc.want {
			t.Errorf("normalizeLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := normalizeLine(tc.want); got != tc.want {
			t.Errorf("normalizeLine is not idempotent on %q: %q", tc.want, got)
		}
	}
}
