package extract

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var defuseDir = flag.String("defuse-dir", "", "also check that defusing keeps the text of every *.html page under this directory (e.g. ../../shared/eval/daniel-zh)")

// Defusing a page (see defuse) changes nothing that Extract returns: not
// the text, not the metadata, with its formatting made inert or not.
// Checked on every HTML page in the repository's testdata, and on
// -defuse-dir.
func TestDefuseKeepsDocument(t *testing.T) {
	var pages []string
	for _, pattern := range []string{"testdata/*.html", "../internal/portaltest/testdata/*/*.html", "../internal/portaltest/portal/*/*.html", "../internal/portaltest/portal/*/*/*.html"} {
		m, _ := filepath.Glob(pattern)
		pages = append(pages, m...)
	}
	if *defuseDir != "" {
		m, _ := filepath.Glob(filepath.Join(*defuseDir, "*.html"))
		pages = append(pages, m...)
	}
	if len(pages) < 10 {
		t.Fatalf("only %d pages found", len(pages))
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		checkDefused(t, p, b)
	}
}

// Pages made to show what defuse does to <svg> and <math> (dropped up to
// their end, or up to the tag that ends them in the parser), to a
// frameset, to text around tables and after </body>: Extract returns the
// same Document.
func TestDefuseKeepsForeignContent(t *testing.T) {
	const p = "<p>2023年法治政府建设年度报告正文第一段，内容足够长。</p>"
	pages := map[string]string{
		"svg icon":          p + `<p>前<svg viewBox="0 0 1 1"><title>图标</title><style>a{}</style><path d="M0"/></svg>后</p>` + p,
		"svg breakout":      p + `<svg><circle r=1></circle><p>跳出的段落文字</p>` + p,
		"svg foreignObject": p + `<svg><foreignObject><div>对象内文字</div><p>还在里面</p></foreignObject><g></g></svg><p>之后</p>` + p,
		"svg unclosed":      p + `<div><svg><g><text>图</text></g></div><p>后面的正文</p>` + p,
		"font breakout":     p + `<svg><font color=red>红字</font></svg>` + p,
		"nested":            p + `<math><mi>x</mi><svg><g/></svg></math><p>公式后</p>` + p,
		"svg CDATA":         p + `<svg><![CDATA[</svg><p>图内文字]]></svg><p>图后</p>` + p,
		"svg in a cell":     `<table><tr><td>甲<svg><foreignObject><table><tr><td>内</td></tr></table></foreignObject></td><td>乙</td></tr></table>` + p,
		"foster":            `<table>表前&nbsp;文字<tr><td>甲</td><td>乙</td></tr>中间<tr><td>丙</td><td>丁</td></tr></table>` + p,
		"after body":        p + `</body>尾部文字<!-- c --></html> 再后 <p>最后</p>`,
		"frameset":          `<html><head><title>框架页</title></head><frameset><frame src=a></frameset><noframes>不支持框架</noframes></html> `,
		"pre":               "<pre>\n第一行\n第二行</pre><listing>\n清单</listing>" + p,
		"title and table":   `<html><head><title>标题</title></head><body><table><caption>说明</caption><tr><td>1</td></tr></table><textarea>` + "\n文本</textarea>" + p,
	}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) { checkDefused(t, name, []byte(page)) })
	}
}

// The html5lib tree-construction tests that golang.org/x/net/html ships
// (1,500 pages of the parser's corner cases: misnested tables, stray
// tags, foreign content …): defusing a page changes nothing that Extract
// returns (with its formatting made inert or not), nor the tree once
// comments, <wbr>, <svg> and <math> are taken out and adjacent text
// joined. The tree is not compared for broken SVG
// or MathML next to a <frameset> (SVG text that was dropped no longer
// keeps the frameset out), a <template> or an <annotation-xml>, which
// defuse follows less well (see inForeign).
func TestDefuseHTML5Lib(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/net").Output()
	if err != nil {
		t.Skipf("golang.org/x/net's source: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "html/testdata/html5lib-tests/tree-construction/*.dat"))
	if len(files) == 0 {
		t.Skip("no html5lib tests in golang.org/x/net")
	}
	pages := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range strings.Split(string(b), "#data\n")[1:] {
			page, _, _ := strings.Cut(c, "\n#errors")
			if strings.Contains(c, "#document-fragment") {
				continue
			}
			pages++
			name := fmt.Sprintf("%s #%d %.60q", filepath.Base(f), i+1, page)
			d := defuse([]byte(page), false)
			want, err1 := Extract([]byte(page), nil, Options{})
			got, err2 := Extract(d, nil, Options{})
			if (err1 == nil) != (err2 == nil) || err1 == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s: defusing changed the document:\n%+v %v\nwant\n%+v %v", name, got, err2, want, err1)
			}
			got, err2 = Extract(defuse([]byte(page), true), nil, Options{})
			if (err1 == nil) != (err2 == nil) || err1 == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s: making formatting inert changed the document:\n%+v %v\nwant\n%+v %v", name, got, err2, want, err1)
			}
			lower := strings.ToLower(page)
			if (strings.Contains(lower, "<svg") || strings.Contains(lower, "<math")) &&
				(strings.Contains(lower, "<frameset") || strings.Contains(lower, "<template") || strings.Contains(lower, "<annotation-xml")) {
				continue
			}
			if got, want := defusedTree(t, d), defusedTree(t, []byte(page)); got != want {
				t.Errorf("%s: defusing changed the tree:\n%s\nwant\n%s", name, got, want)
			}
		}
	}
	if pages < 1000 {
		t.Errorf("only %d pages in %d files", pages, len(files))
	}
}

// defusedTree parses a page and renders it without comments, <wbr>,
// <svg> and <math>, with adjacent text nodes joined: what defuse may not
// change.
func defusedTree(t *testing.T, page []byte) string {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return err.Error()
	}
	var clean func(n *html.Node)
	clean = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type == html.CommentNode, c.Type == html.ElementNode && (c.DataAtom == atom.Wbr || c.Data == "svg" || c.Data == "math"):
				n.RemoveChild(c)
			case c.Type == html.TextNode && c.PrevSibling != nil && c.PrevSibling.Type == html.TextNode:
				c.PrevSibling.Data += c.Data
				n.RemoveChild(c)
			default:
				clean(c)
			}
			c = next
		}
	}
	clean(root)
	var b strings.Builder
	if err := html.Render(&b, root); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkDefused checks that defusing page b changes neither what Extract
// returns nor, where nothing is dropped, any byte of b; and that defusing
// it with its formatting made inert does not change what Extract returns
// either.
func checkDefused(t *testing.T, name string, b []byte) {
	t.Helper()
	d := defuse(b, false)
	added := 0
	for _, s := range [][]byte{emptyComment, wbr, leave} {
		added += (bytes.Count(d, s) - bytes.Count(b, s)) * len(s)
	}
	lower := bytes.ToLower(b)
	drops := bytes.Contains(lower, []byte("<svg")) || bytes.Contains(lower, []byte("<math")) || bytes.Contains(lower, []byte("<frameset"))
	if added == 0 || !drops && len(d) != len(b)+added {
		t.Errorf("%s: %d bytes inserted, %d bytes more", name, added, len(d)-len(b))
	}
	want, err1 := Extract(b, nil, Options{})
	got, err2 := Extract(d, nil, Options{})
	if err1 != nil || err2 != nil {
		t.Errorf("%s: %v / %v", name, err1, err2)
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: defusing changed the document:\n%+v\nwant\n%+v", name, *got, *want)
	}
	got, err2 = Extract(defuse(b, true), nil, Options{})
	if err2 != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: making formatting inert changed the document: %v\n%+v\nwant\n%+v", name, err2, *got, *want)
	}
}

func TestParseBudget(t *testing.T) {
	over := minTags + 1
	tests := []struct {
		name    string
		page    string
		complex bool
	}{
		{"a plain page", "<html><body><p>2023年法治政府建设年度报告</p></body></html>", false},
		{"unclosed paragraphs, 4 bytes a tag", strings.Repeat("<p>a", over), true},
		{"empty divs, 5.5 bytes a tag", strings.Repeat("<div></div>", over/2+1), true},
		{"stray end tags", strings.Repeat("1</span>", over), true},
		{"comments count", strings.Repeat("<!---->", over), true},
		{"processing instructions count", strings.Repeat("<?>", over), true},
		{"xml declarations count", strings.Repeat("<?xml version=1?>", over), true},
		{"a large page of 39 bytes a tag", strings.Repeat("<p>"+strings.Repeat("a", 36), 5*minTags), true},
		{"a dense table within minTags", "<table>" + strings.Repeat("<tr><td>第一行数据</td><td>1,234</td><td>56.7%</td></tr>", minTags/8-1) + "</table>", false},
		{"small pages get minTags", strings.Repeat("<p>a", minTags), false},
		{"less-than signs in text are not tags", strings.Repeat("1 < 2 ", 2*minTags), false},
	}
	// One tag per 40 bytes is within the budget at any size.
	if p := strings.Repeat("<p>"+strings.Repeat("a", 37), 5*minTags); countTags([]byte(p)) > MaxTags(len(p)) {
		t.Errorf("a page of one tag per 40 bytes: %d tags, budget %d", countTags([]byte(p)), MaxTags(len(p)))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.page))
			if errors.Is(err, ErrTooComplex) != tt.complex || err != nil && !tt.complex {
				t.Errorf("%v, want too complex: %v", err, tt.complex)
			}
			if testing.Short() {
				return
			}
			_, err = Extract([]byte(tt.page), nil, Options{})
			if errors.Is(err, ErrTooComplex) != tt.complex {
				t.Errorf("Extract: %v, want too complex: %v", err, tt.complex)
			}
		})
	}
}

// splitShapes are pages on which golang.org/x/net/html joins runs of text
// into one node by repeated concatenation, which is quadratic: a prefix,
// then a unit repeated, where %s in the unit is a run of text. A unit's
// runs are numbered ("t00042"); in the shapes marked spaces, where the
// parser keeps only white space, they are runs of spaces.
var splitShapes = []struct {
	name, prefix, unit string
	spaces             bool
}{
	{name: "stray end tags", prefix: "<p>", unit: "%s</span>"},
	{name: "ignored table parts", prefix: "<p>", unit: "%s<td></caption>"},
	{name: "<head> in the body", prefix: "<body>", unit: "%s<head>"},
	{name: "<html> in the body", prefix: "<body>", unit: "%s<html lang=zh>"},
	{name: "<body> in the body", prefix: "<body>", unit: "%s<body>"},
	{name: "<frame> in the body", unit: "%s<frame>"},
	{name: "<frameset> in the body", prefix: "<p>", unit: "%s<frameset>"},
	{name: "doctype in the body", unit: "%s<!doctype html>"},
	{name: "in a select", prefix: "<select>", unit: "%s</x>"},
	{name: "in a caption", prefix: "<table><caption>", unit: "%s</td>"},
	{name: "in a template", prefix: "<template>", unit: "%s</x>"},
	{name: "foster-parented, end tags", prefix: "<table>", unit: "%s</span>"},
	{name: "foster-parented, in a row", prefix: "<table><tr><td>a</td>", unit: "%s</x>"},
	{name: "foster-parented, comments", prefix: "<table>", unit: "%s<!---->"},
	{name: "foster-parented, scripts", prefix: "<table>", unit: "%s<script></script>"},
	{name: "foster-parented, templates", prefix: "<table>", unit: "%s<template></template>"},
	{name: "foster-parented, hidden inputs", prefix: "<table>", unit: "%s<input type=hidden>"},
	{name: "foster-parented, formatting", prefix: "<table><b>", unit: "%s</b>"},
	{name: "foster-parented, nested table", prefix: "<table><tr><td><table>", unit: "%s</x>"},
	{name: "foster-parented, after a cell in a template", prefix: "<table><template><td></table></template>", unit: "%s</x>"},
	{name: "foster-parented, closed caption", prefix: "<table><caption>a</caption>", unit: "%s</td>"},
	{name: "foster-parented, in <svg><style>", prefix: "<svg><style><p><table>", unit: "%s</span>"},
	{name: "foster-parented, after a broken <svg>", prefix: "<svg><p></p><table>", unit: "%s</span>"},
	{name: "after </body>", prefix: "<body>", unit: "%s</body>"},
	{name: "after </html>", prefix: "<body>", unit: "%s</html>"},
	{name: "spaces after </body>", prefix: "<body>a", unit: "%s</body>", spaces: true},
	{name: "spaces after </html>", prefix: "<body>a", unit: "%s</html>", spaces: true},
	{name: "spaces after doctypes after </html>", prefix: "<body>a</html>", unit: "%s<!doctype html>", spaces: true},
	{name: "spaces in <head>", prefix: "<head>", unit: "%s</x>", spaces: true},
	{name: "spaces after </head>", prefix: "<head></head>", unit: "%s</x>", spaces: true},
	{name: "spaces in a table", prefix: "<table>", unit: "%s</x>", spaces: true},
	{name: "spaces in a frameset", prefix: "<frameset>", unit: "%s</x>", spaces: true},
	{name: "spaces in a frameset, <pre>", prefix: "<frameset>", unit: "%s<pre>", spaces: true},
	{name: "spaces in a frameset, raw text", prefix: "<frameset>", unit: "%[1]s<title>%[1]s</title>", spaces: true},
	{name: "spaces after a frameset", prefix: "<frameset></frameset>", unit: "%s</x>", spaces: true},
	{name: "spaces after a frameset and </html>", prefix: "<frameset></frameset></html>", unit: "%s</x>", spaces: true},
}

// defuse puts <wbr> after the text that the parser foster-parents out of
// a table, and nowhere else: not in cells, captions or templates.
func TestDefuseFosterOnly(t *testing.T) {
	tests := []struct {
		page string
		wbr  int
	}{
		{"<table><tr><td>a</td><td>b<th>c</table>d", 0},
		{"<table>a<tr>b<td>c</td>d</tr>e</table>", 4},
		{"<table><caption>a</caption>b<tr><td>c</table>", 1},
		{"<table><caption>a<td>b</td>c</table>", 1},
		{"<table><tr><td>a<table>b<tr><td>c</td></tr>d</table>e</td>f</tr></table>", 3},
		{"<table><td>a<table><td>b</table>c</table>d", 0},
		{"<table><td>a<tr>b<tbody>c<td>d</td>e</table>", 3},
		{"<table><template>a<td>b</td>c</template>d</table>", 1},
		{"<table><template></table>a</template>b</table>c", 1},
		{"<table>\n <tr>\n <td>a</td>\n </tr>\n</table>", 0},
		{"<table>&nbsp;<tr><td>a</table><table><table>b</table>", 2},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			if got := bytes.Count(defuse([]byte(tt.page), false), wbr); got != tt.wbr {
				t.Errorf("%q: %d <wbr>, want %d", tt.page, got, tt.wbr)
			}
		})
	}
}

// splitPage builds a page of a prefix and n units, and returns it with
// the longest run of text in it. Runs of spaces are 2 or 3 long, so that
// two joined are longer than any.
func splitPage(prefix, unit string, spaces bool, n int) (page string, longest int) {
	var b strings.Builder
	b.WriteString(prefix)
	for i := range n {
		run := fmt.Sprintf("t%05d", i)
		if spaces {
			run = strings.Repeat(" ", 2+i%2)
		}
		fmt.Fprintf(&b, unit, run)
		longest = max(longest, len(run))
	}
	return b.String(), longest
}

// joinedText returns the first text node of root that holds more than one
// run of text: more than one "t" of a numbered run, or, for spaces, more
// than longest bytes.
func joinedText(root *html.Node, spaces bool, longest int) (string, bool) {
	for n := range root.Descendants() {
		if n.Type != html.TextNode {
			continue
		}
		if spaces && len(n.Data) > longest || !spaces && strings.Count(n.Data, "t") > 1 {
			return n.Data, true
		}
	}
	return "", false
}

// Defusing gives every run of text a node of its own, in every shape in
// which the parser would join them (see splitShapes): no text node holds
// two runs. The pages are small, so defuse is called directly; the last
// check goes through Parse with a page over defuseCost.
func TestDefuseSplitsText(t *testing.T) {
	for _, s := range splitShapes {
		t.Run(s.name, func(t *testing.T) {
			page, longest := splitPage(s.prefix, s.unit, s.spaces, 300)
			// The shape is one: without defusing, the parser joins.
			root, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			if _, joined := joinedText(root, s.spaces, longest); !joined {
				t.Fatalf("the parser does not join text in %.80q…", page)
			}
			root, err = html.Parse(bytes.NewReader(defuse([]byte(page), false)))
			if err != nil {
				t.Fatal(err)
			}
			if text, joined := joinedText(root, s.spaces, longest); joined {
				t.Errorf("defused, one text node holds %d bytes: %.60q…", len(text), text)
			}
		})
	}
	page, longest := splitPage("<table>", "%s</span>", false, 30_000)
	if tags := countTags([]byte(page)); tags*len(page) <= defuseCost || tags > MaxTags(len(page)) {
		t.Fatalf("%d tags in %d bytes: not a page Parse defuses", tags, len(page))
	}
	root, err := Parse([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if text, joined := joinedText(root, false, longest); joined {
		t.Errorf("Parse: one text node holds %d bytes: %.60q…", len(text), text)
	}
}

// BenchmarkDefuse measures defuse alone, per byte of page: on a real
// page (a 67 KB report of tables, 16 copies of it) and on hostile text
// foster-parented out of a table.
func BenchmarkDefuse(b *testing.B) {
	page := readTestdata(b, "xxgk_annual_tables.html")
	pages := map[string][]byte{
		"report": bytes.Repeat(page, 16),
		"foster": []byte("<table>" + strings.Repeat(strings.Repeat("1", 33)+"</span>", 25_000)),
	}
	for name, p := range pages {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				defuse(p, false)
			}
		})
	}
}

// BenchmarkParse parses the same pages as BenchmarkDefuse with Parse,
// which defuses them (both are over defuseCost), to set what defuse costs
// against what parsing does.
func BenchmarkParse(b *testing.B) {
	page := readTestdata(b, "xxgk_annual_tables.html")
	pages := map[string][]byte{
		"report": bytes.Repeat(page, 16),
		"foster": []byte("<table>" + strings.Repeat(strings.Repeat("1", 33)+"</span>", 25_000)),
	}
	for name, p := range pages {
		if countTags(p)*len(p) <= defuseCost {
			b.Fatalf("%s: not over defuseCost", name)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				if _, err := Parse(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reopenShapes are pages on which golang.org/x/net/html reopens formatting
// elements again and again: a prefix, then a unit 200 times (numbered, so
// that no two are identical to the parser), a suffix, then 1,000 runs of
// text in blocks ("<div>x</div>"), before each of which the parser clones
// the 200 elements that a block closed. From "end tags out of scope" on,
// the rows have end tags that a count of start and end tags would take,
// but that the parser ignores or never reads as tags.
var reopenShapes = []struct{ name, prefix, unit, suffix string }{
	{name: "distinct <b>", prefix: "<div>", unit: "<b class=c%d>", suffix: "</div>"},
	{name: "distinct <font>", prefix: "<div>", unit: "<font color=#%d>", suffix: "</div>"},
	{name: "distinct <i>", prefix: "<div>", unit: "<i id=i%d>", suffix: "</div>"},
	{name: "in a table cell", prefix: "<table><tr><td><div>", unit: "<b class=c%d>", suffix: "</div>"},
	{name: "before cells and their markers", prefix: "<div>", unit: "<b class=c%d>",
		suffix: "</div><table><tr>" + strings.Repeat("<td>x</td>", 500) + "</tr></table>"},
	{name: "end tags out of scope", prefix: "<div>", unit: "<b class=c%d><table></b></table>", suffix: "</div>"},
	{name: "end tags after 8 blocks", prefix: "<div>",
		unit: "<b class=c%d>" + strings.Repeat("<div>", 8) + "</b>" + strings.Repeat("</div>", 8), suffix: "</div>"},
	{name: "end tags in attributes", prefix: "<div>", unit: `<b class=c%d title="</b>">`, suffix: "</div>"},
	{name: "end tags in comments", prefix: "<div>", unit: "<b class=c%d><!--</b>-->", suffix: "</div>"},
	{name: "end tags in RCDATA", prefix: "<div>", unit: "<b class=c%d><textarea></b></textarea>", suffix: "</div>"},
	{name: "end tags in an escaped script", prefix: "<div>",
		unit: "<b class=c%d><script><!--<script></b></script></b>--></script>", suffix: "</div>"},
	{name: "end tags in SVG", prefix: "<div>", unit: "<b class=c%d><svg><desc></b></desc></svg>", suffix: "</div>"},
	{name: "<a> left by the adoption agency", prefix: "<div>",
		unit: "<a href=/%[1]d>" + strings.Repeat("<div>", 9) + "<a href=/x%[1]d>" + strings.Repeat("</div>", 9), suffix: "</div>"},
}

// reopenPage builds the page of a row of reopenShapes.
func reopenPage(prefix, unit, suffix string) []byte {
	var b strings.Builder
	b.WriteString(prefix)
	for i := range 200 {
		fmt.Fprintf(&b, unit, i)
	}
	b.WriteString(suffix)
	b.WriteString(strings.Repeat("<div>x</div>", 1000))
	return []byte(b.String())
}

// elements counts the element nodes of a tree, and returns its text (of
// every text node, in order).
func elements(root *html.Node) (n int, text string) {
	var b strings.Builder
	for c := range root.Descendants() {
		switch c.Type {
		case html.ElementNode:
			n++
		case html.TextNode:
			b.WriteString(c.Data)
		}
	}
	return n, b.String()
}

// What the parser creates by reopening formatting elements is bounded: in
// every shape of reopenShapes, where golang.org/x/net/html alone creates
// 200 elements for each run of text, the tree that Parse returns has at
// most 2 elements for each tag, and the same text.
func TestParseBoundsReopening(t *testing.T) {
	for _, s := range reopenShapes {
		t.Run(s.name, func(t *testing.T) {
			page := reopenPage(s.prefix, s.unit, s.suffix)
			tags := countTags(page)
			raw, err := html.Parse(bytes.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			n, want := elements(raw)
			if n <= 2*tags {
				t.Fatalf("the parser alone makes %d elements of %d tags: not a shape that reopens", n, tags)
			}
			root, err := Parse(page)
			if err != nil {
				t.Fatal(err)
			}
			n, text := elements(root)
			if n > 2*tags {
				t.Errorf("%d elements of %d tags in %d bytes", n, tags, len(page))
			}
			if text != want {
				t.Errorf("text changed:\n%.200q\nwant\n%.200q", text, want)
			}
		})
	}
}

// reopenCost charges, after each tag that may close elements (every tag
// but a formatting start tag), what the parser may reopen at the next
// text or tag: the bound of the list of active formatting elements, in
// which an element counts with its attributes and identical ones up to 3;
// an <a> reopens after it closes the one before, a <nobr> before and after.
// An end tag takes out its start tag only where the parser certainly
// does.
func TestReopenCost(t *testing.T) {
	tests := []struct {
		name, page string
		cost       int
	}{
		{"closed in a paragraph", "<p><b>粗体</b>与<i>斜体</i></p>", 0},
		{"left open by a block", "<div><b>x</div><p>y<p>z", 0 + 1 + 1 + 1},
		{"attributes count", "<div><b class=a>x</div><p>y", 0 + 2 + 2},
		{"3 identical count", "<div><b><b><b><b>x</div><p>y", 0 + 3 + 3},
		{"distinct ones all count", "<div><b class=1><b class=2><b class=3><b class=4>x</div><p>y", 0 + 8 + 8},
		{"closed after a block", "<b><p>x</p></b><p>y", 1 + 1 + 0 + 0},
		{"not closed after a table", "<b><table></table></b><p>x", 1 + 1 + 1 + 1},
		{"not closed after 8 blocks", "<b>" + strings.Repeat("<div>", 8) + "</b><p>x", 8 + 1 + 1},
		{"end tag in a comment", "<b><!--</b>--><p>x", 1},
		{"end tag in an attribute", `<b title="</b>"><p>x`, 2},
		{"end tag in a script", "<b><script>'</b>'</script><p>x", 1 + 1 + 1},
		{"<a> closes the one before", "<a href=1>x<a href=2>y</a><p>z", 2 + 0 + 0},
		{"<nobr> reopens twice", "<div><nobr>x</div><nobr>y", 0 + 1 + 2*1},
		{"no end tag trusted after <svg>", "<svg></svg><b>x</b><p>y", 0 + 0 + 1 + 1 + 1},
		{"nothing after <plaintext>", "<plaintext><b><b><b>", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reopenCost([]byte(tt.page), 1<<30); got != tt.cost {
				t.Errorf("%q: cost %d, want %d", tt.page, got, tt.cost)
			}
		})
	}
}

// Real pages are within their reopening budget, by a margin: the pages of
// the repository's testdata cost at most half their budget.
func TestReopenBudgetRealPages(t *testing.T) {
	pages, _ := filepath.Glob("testdata/*.html")
	for _, pattern := range []string{"../internal/portaltest/testdata/*/*.html", "../internal/portaltest/portal/*/*.html", "../internal/portaltest/portal/*/*/*.html"} {
		m, _ := filepath.Glob(pattern)
		pages = append(pages, m...)
	}
	if len(pages) < 10 {
		t.Fatalf("only %d pages found", len(pages))
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		budget := reopenBudget(len(b), countTags(b))
		if cost := reopenCost(b, budget); 2*cost > budget {
			t.Errorf("%s: reopening costs %d, budget %d", p, cost, budget)
		}
	}
}

// Making formatting inert writes formatting elements other than <a> as
// <span>, and closes an <a> before the 8th special element after it.
func TestDefuseInert(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"formatting as spans", "<p><B class=x>粗</B><font color=red>红</font><nobr>不断</nobr></p>",
			"<p><span class=x><!---->粗</span><span color=red><!---->红</span><span><!---->不断</span></p>"},
		{"an </a> from the 8th block", "<a href=/1>" + strings.Repeat("<div>", 9) + "x",
			"<a href=/1>" + strings.Repeat("<div>", 7) + "</a><div></a><div><!---->x"},
		{"a cell is 3 blocks, with its <tbody> and <tr>", "<a href=/1><div><div><table><tr><td>x</td></tr></table>",
			"<a href=/1><div><div><table><tr></a><td><!---->x</td></tr></table>"},
		{"no </a> without an <a>", "<p>" + strings.Repeat("<div>", 8), "<p>" + strings.Repeat("<div>", 8)},
		{"breaking out of SVG", "<svg><b>x</b></svg><i>y</i>", "<svg/><span><!---->x</span></svg><span><!---->y</span>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(defuse([]byte(tt.page), true)); got != tt.want {
				t.Errorf("%q:\n%q\nwant\n%q", tt.page, got, tt.want)
			}
		})
	}
}

// BenchmarkReopenCost measures reopenCost, per byte, on a 67 KB report of
// Word-exported tables: what Parse adds to every page.
func BenchmarkReopenCost(b *testing.B) {
	page := readTestdata(b, "xxgk_annual_tables.html")
	budget := reopenBudget(len(page), countTags(page))
	b.ReportAllocs()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		reopenCost(page, budget)
	}
}
