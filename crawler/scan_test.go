package crawler

import (
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The old, regexp-based definitions of visibleText and articleParts: the
// scanners that replaced them are compared with them, and benchmarked
// against them.
var (
	oldScriptRe    = regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<noscript\b.*?</noscript\s*>`)
	oldTagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	oldTextSpaceRe = regexp.MustCompile(`(\s|&nbsp;|\x{3000})+`)
	oldHrefRe      = regexp.MustCompile(`(?i)href\s*=\s*["']?([^"'\s>]+)`)
)

func oldVisibleText(body []byte) string {
	s := oldScriptRe.ReplaceAll(body, nil)
	s = oldTagRe.ReplaceAll(s, []byte(" "))
	return strings.TrimSpace(oldTextSpaceRe.ReplaceAllString(string(s), " "))
}

func oldArticleParts(html []byte, page *url.URL) []string {
	dir, file := path.Split(page.Path)
	stem, ext, ok := strings.Cut(file, ".")
	if !ok || stem == "" || strings.Contains(ext, "/") {
		stem, ext = "", ""
	}
	src := string(html)
	nums := map[string]int{}
	consider := func(u *url.URL) {
		if u == nil || u.Host != page.Host {
			return
		}
		if stem != "" && u.RawQuery == "" {
			d, f := path.Split(u.Path)
			if d == dir && strings.HasPrefix(f, stem+"_") && strings.HasSuffix(f, "."+ext) {
				n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(f, stem+"_"), "."+ext))
				if err == nil && n > 0 && n <= maxParts {
					nums[u.String()] = n
				}
				return
			}
		}
		if u.Path == page.Path && u.RawQuery != page.RawQuery && isSibling(page, u) {
			for _, v := range u.Query() {
				if n, err := strconv.Atoi(v[0]); err == nil && n > 0 && n <= maxParts+1 {
					nums[u.String()] = n
				}
			}
		}
	}
	for _, m := range oldHrefRe.FindAllStringSubmatch(src, -1) {
		consider(resolve(page, strings.ReplaceAll(m[1], "&amp;", "&")))
	}
	if stem != "" {
		for _, m := range createPageRe.FindAllStringSubmatch(src, -1) {
			if m[3] != stem {
				continue
			}
			for _, g := range createPageURLs(m[0], page, maxParts+1) {
				u, _ := url.Parse(g)
				consider(u)
			}
		}
	}
	delete(nums, page.String())
	out := make([]string, 0, len(nums))
	for u := range nums {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if nums[out[i]] != nums[out[j]] {
			return nums[out[i]] < nums[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > maxParts {
		out = out[:maxParts]
	}
	return out
}

const (
	benchReport = "../internal/portaltest/portal/fzzfjs/202501/t20250117_1004.html"
	benchList   = "../internal/portaltest/portal/fzzfjs/index.html"
	benchURL    = "http://www.tjjn.gov.cn/fzzfjs/202501/t20250117_1004.html"
)

func readBench(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// withParts is the report page split over three pages, as TRS does it: a
// pager script and numbered links at the end of the text.
func withParts(tb testing.TB) []byte {
	b := string(readBench(tb, benchReport))
	i := strings.LastIndex(b, "</body>")
	pager := `<div class="page"><a href="t20250117_1004.html">1</a> <a href="t20250117_1004_1.html">2</a> ` +
		`<a href="./t20250117_1004_2.html">3</a> <a href="t20250117_1004_1.html">下一页</a>` +
		`<script>createPageHTML(3, 0, "t20250117_1004", "html");</script></div>`
	return []byte(b[:i] + pager + b[i:])
}

func benchPages(b *testing.B) []struct {
	name   string
	status int
	body   []byte
} {
	return []struct {
		name   string
		status int
		body   []byte
	}{
		{"report", 200, readBench(b, benchReport)},
		{"list", 200, readBench(b, benchList)},
		{"ruishu412", 412, []byte(`<html><head><meta charset="utf-8"><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd="qEaBrr…";</script><script src="/abc.js" r="m"></script></head><body></body></html>`)},
		{"short200", 200, []byte(`<html><body><ul><li><a href="a.html">2023年法治政府建设年度报告</a></li></ul></body></html>`)},
	}
}

func BenchmarkChallenge(b *testing.B) {
	for _, p := range benchPages(b) {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.body)))
			for b.Loop() {
				challenge(p.status, p.body)
			}
		})
	}
}

func BenchmarkVisibleText(b *testing.B) {
	for _, p := range benchPages(b) {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.body)))
			for b.Loop() {
				visibleText(p.body)
			}
		})
	}
}

func BenchmarkArticleParts(b *testing.B) {
	page, err := url.Parse(benchURL)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct {
		name string
		body []byte
		want int
	}{
		{"no-parts", readBench(b, benchReport), 0},
		{"parts", withParts(b), 2},
	} {
		b.Run(p.name, func(b *testing.B) {
			if got := articleParts(p.body, page); len(got) != p.want {
				b.Fatalf("%d parts, want %d: %v", len(got), p.want, got)
			}
			b.SetBytes(int64(len(p.body)))
			for b.Loop() {
				articleParts(p.body, page)
			}
		})
	}
}

// visibleCases are pages and fragments on which the scanner must agree with
// the regexps it replaced.
var visibleCases = []string{
	"",
	" \n ",
	"<html><body>安全验证</body></html>",
	`<html><head><script>$_ts=window['$_ts'];</script></head><body></body></html>`,
	`<html><head><script>document.cookie="a=1";location.reload()</script></head><body></body></html>`,
	"<p>a</p>  <p>b</p>\t\r\n<p>c&nbsp;&nbsp;d\u3000e</p>",
	"  &nbsp;x&nbsp;  ",
	"a\vb \v c\u00a0 d \u0085 ",
	"\u00a0\u2003 text \u2028",
	"<SCRIPT type=x>hidden</SCRIPT >shown<Style>.a{}</sTyLe\n>",
	"<ſcript>hidden</ſcript>shown", // (?i) folds s to ſ
	"<scripts>shown</scripts>",
	"<script-x>shown</script>after",
	"<script>unclosed script is text",
	"<script>a</script <script>b</script>c",
	"<!-- comment -->x<!-->y-->z<!--->w",
	"<!-- unclosed comment <script>s</script> tail",
	"<noscript>请开启JavaScript</noscript>正文",
	"<noscript>unclosed <b>bold</b>",
	"a <b unclosed tag",
	"a <b <!-- > --> c> d",
	"<a <script>x</script> href>text",
	"<<script></script>b>after",
	"&nb<!---->sp;x",
	"&nb<b>sp;x",
	"\xe3<!---->\x80\x80x", // a U+3000 joined by a removal
	"\xe5\xae<script></script>\x89x",
	"bad \xff\xfe utf-8 \xe3\x80",
	"\xe3\x80 \xe3\x80\x80\x80",
	"x <", "x >", "<>", "<", "<!--", "<script", "<script>", "</script>",
	"text <!-- a --> <!-- b --> more",
	strings.Repeat("字", 199),
	strings.Repeat("字", 200),
	strings.Repeat("字", 199) + " ",
	strings.Repeat("字 ", 100),
	"<div>" + strings.Repeat("本年度法治政府建设取得积极成效。", 30) + "</div>",
}

func TestVisibleTextMatchesRegexps(t *testing.T) {
	cases := append([]string{}, visibleCases...)
	for _, f := range []string{benchReport, benchList} {
		b := string(readBench(t, f))
		cases = append(cases, b, b[:len(b)/3], b[len(b)/2:])
	}
	for i, in := range cases {
		checkVisibleText(t, i, []byte(in))
	}
}

func FuzzVisibleText(f *testing.F) {
	for _, in := range visibleCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkVisibleText(t, 0, body)
	})
}

func checkVisibleText(t *testing.T, i int, body []byte) {
	t.Helper()
	want := oldVisibleText(body)
	if got := visibleText(body); got != want {
		t.Fatalf("case %d %.200q: visibleText = %.200q, want %.200q", i, body, got, want)
	}
	n := utf8.RuneCountInString(want)
	for _, limit := range []int{0, 1, 2, 5, n - 1, n, n + 1, shortPageLen} {
		if limit < 0 {
			continue
		}
		text, short := visibleTextShort(body, limit)
		if short != (n < limit) {
			t.Fatalf("case %d %.200q: visibleTextShort(%d) short = %v with %d runes", i, body, limit, short, n)
		}
		if short && text != want {
			t.Fatalf("case %d %.200q: visibleTextShort(%d) = %.200q, want %.200q", i, body, limit, text, want)
		}
	}
}

var hrefCases = []string{
	`<a href="a.html">x</a><A HREF = 'b.html' >y</A><a href=c.html>z</a>`,
	`href=a?href=b href="" href=' ' href = "x y" href=>`,
	"hrefhref=x href\t=\n\"t1_1.shtml\" HrEf=\"show.jsp?id=5&amp;page=2\"",
	`<a data-href="t1_2.shtml">`, `href`, `href=`, `=href=x`, `href==x`, "href=\"\xff\xfe\"",
	`<a href="t1_%31.shtml">`, `<a href="../c/t1_1.shtml#x">`, `<a href="?page=3">`, `<a href="./?page=2">`,
	`<a href="//a.gov.cn/c/t1_1.shtml">`, `<a href="http://a.gov.cn/gate/big5/a.gov.cn/c/t1_2.shtml">`,
	`<a href="a&amp;b_1.shtml">`, `<a href="t1_1.shtml?x=1">`, `<a href="t1.shtml?page=2&amp;id=5">`,
}

func TestHrefScannerMatchesRegexp(t *testing.T) {
	cases := append([]string{}, hrefCases...)
	cases = append(cases, string(readBench(t, benchReport)), string(withParts(t)), string(readBench(t, benchList)))
	for i, in := range cases {
		checkHrefs(t, i, []byte(in))
	}
}

func TestArticlePartsMatchesRegexp(t *testing.T) {
	pages := []string{
		"http://a.gov.cn/c/t1.shtml", "http://a.gov.cn/c/a&b.shtml", "http://a.gov.cn/show.jsp?id=5",
		"http://a.gov.cn/c/", "http://a.gov.cn/c/t1.shtml?page=1", benchURL,
	}
	bodies := append([]string{}, hrefCases...)
	bodies = append(bodies, string(readBench(t, benchReport)), string(withParts(t)),
		`<script>createPageHTML(3, 0, "t1", "shtml");createPageHTML('d', 4, 1, 't1', 'shtml', 20)</script>`)
	for _, p := range pages {
		page, err := url.Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range bodies {
			checkParts(t, i, []byte(b), page)
		}
	}
}

func FuzzArticleParts(f *testing.F) {
	for _, in := range hrefCases {
		f.Add([]byte(in), "http://a.gov.cn/c/t1.shtml")
	}
	f.Add([]byte(`<a href="show.jsp?id=5&amp;page=2">`), "http://a.gov.cn/show.jsp?id=5")
	f.Fuzz(func(t *testing.T, body []byte, page string) {
		checkHrefs(t, 0, body)
		u, err := url.Parse(page)
		if err != nil {
			return
		}
		checkParts(t, 0, body, u)
	})
}

func checkHrefs(t *testing.T, i int, body []byte) {
	t.Helper()
	var want, got []string
	for _, m := range oldHrefRe.FindAllSubmatch(body, -1) {
		want = append(want, string(m[1]))
	}
	for rest := body; ; {
		href, end := nextHref(rest)
		if end < 0 {
			break
		}
		got = append(got, string(href))
		rest = rest[end:]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("case %d %.200q: hrefs %q, want %q", i, body, got, want)
	}
}

func checkParts(t *testing.T, i int, body []byte, page *url.URL) {
	t.Helper()
	if got, want := articleParts(body, page), oldArticleParts(body, page); !slices.Equal(got, want) {
		t.Fatalf("case %d %.200q on %s: parts %q, want %q", i, body, page, got, want)
	}
}
