package portaltest

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// HTML helpers.

// walk calls f for every element node under n, in document order.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// attr returns the value of n's attribute key.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasClass reports whether n has the CSS class cls.
func hasClass(n *html.Node, cls string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), cls)
}

// text returns the text content of n.
func text(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

// find returns the first element under n for which match is true, or nil.
func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(e *html.Node) {
		if found == nil && match(e) {
			found = e
		}
	})
	return found
}

// parse parses UTF-8 HTML.
func parse(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// voidElements have no end tag.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// checkBalanced reports the first tag that is closed out of order or left
// open: html.Parse accepts anything, so this is what catches a broken template.
func checkBalanced(b []byte) error {
	z := html.NewTokenizer(bytes.NewReader(b))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if len(stack) > 0 {
				return fmt.Errorf("unclosed <%s>", strings.Join(stack, "> <"))
			}
			return nil
		case html.StartTagToken:
			tok := z.Token()
			if !voidElement(tok.DataAtom) {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				return fmt.Errorf("unexpected </%s> (open: %v)", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// isPage reports whether a fixture file name is an HTML page.
func isPage(name string) bool {
	ext := path.Ext(splitName(name))
	return ext == ".html" || ext == ".jsp"
}

// TestPortalFiles checks every embedded file on its own: front matter, GBK
// encodability, HTML structure, template variables and size.
func TestPortalFiles(t *testing.T) {
	trees := map[string]fs.FS{"portal": Portal(), "offsite": Offsite()}
	vars := regexp.MustCompile(`\{\{[A-Z][A-Z0-9_]*\}\}`)
	n := 0
	for tree, fsys := range trees {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			n++
			t.Run(tree+"/"+name, func(t *testing.T) {
				content, err := fs.ReadFile(fsys, name)
				if err != nil {
					t.Fatal(err)
				}
				fm, body, err := parseFrontMatter(content)
				if err != nil {
					t.Fatal(err)
				}
				if !utf8.Valid(body) {
					t.Error("fixture is not stored as UTF-8")
				}
				if fm.gbk {
					if _, err := simplifiedchinese.GBK.NewEncoder().Bytes(body); err != nil {
						t.Errorf("not encodable as GBK: %v", err)
					}
				}
				for _, v := range vars.FindAll(body, -1) {
					if s := string(v); s != "{{HITS}}" && s != "{{TODAY}}" && s != "{{"+OffsiteVar+"}}" {
						t.Errorf("unexpected template variable %s", s)
					}
				}
				if !isPage(name) {
					return
				}
				if _, err := html.Parse(bytes.NewReader(body)); err != nil {
					t.Errorf("html.Parse: %v", err)
				}
				if err := checkBalanced(body); err != nil {
					t.Errorf("markup: %v", err)
				}
				if size := len(body); size < 30<<10 || size > 90<<10 {
					t.Errorf("size %d bytes, want 30–90 KB like a real portal page", size)
				}
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 25 {
		t.Errorf("walked %d files, want the whole portal", n)
	}
}

// fetchPage GETs uri from s, checks the status and encoding, and returns the
// page decoded to UTF-8.
func fetchPage(t *testing.T, s *Server, uri string, gbk bool) []byte {
	t.Helper()
	status, hdr, body := get(t, s, uri)
	if status != 200 {
		t.Fatalf("GET %s: status %d", uri, status)
	}
	ct := hdr.Get("Content-Type")
	if !gbk {
		if ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q, want text/html; charset=utf-8", uri, ct)
		}
		return body
	}
	if ct != "text/html" {
		t.Errorf("GET %s: Content-Type %q, want text/html without charset", uri, ct)
	}
	if utf8.Valid(body) {
		t.Errorf("GET %s: body is valid UTF-8, want GBK bytes", uri)
	}
	if !bytes.Contains(body[:min(1024, len(body))], []byte(`charset=gb2312`)) {
		t.Errorf("GET %s: no gb2312 <meta> in the first 1024 bytes", uri)
	}
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
	if err != nil {
		t.Fatalf("GET %s: decode GBK: %v", uri, err)
	}
	return dec
}

// editor returns the div.TRS_Editor of a detail page and its paragraphs' text.
func editor(t *testing.T, doc *html.Node) (*html.Node, []string) {
	t.Helper()
	ed := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Div && hasClass(n, "TRS_Editor") })
	if ed == nil {
		t.Fatal("no div.TRS_Editor")
	}
	var paras []string
	walk(ed, func(n *html.Node) {
		if n.DataAtom == atom.P {
			paras = append(paras, text(n))
		}
	})
	return ed, paras
}

// meta returns the content of <meta name=name>.
func meta(doc *html.Node, name string) string {
	m := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Meta && attr(n, "name") == name })
	if m == nil {
		return ""
	}
	return attr(m, "content")
}

// TestPortalReports fetches every published copy of every report and checks
// what an extractor needs: encoding, metadata, title and body paragraphs.
func TestPortalReports(t *testing.T) {
	s := NewPortal(t)
	for _, r := range Reports() {
		for i, p := range r.Paths {
			t.Run(p, func(t *testing.T) {
				gbk := slices.Contains(r.GBKPaths, p)
				if gbk && !r.GBK {
					t.Error("GBKPaths set but GBK false")
				}
				doc := parse(t, fetchPage(t, s, p, gbk))
				if got := meta(doc, "ArticleTitle"); got != r.Title {
					t.Errorf("ArticleTitle = %q, want %q", got, r.Title)
				}
				if i == 0 {
					if got := meta(doc, "PubDate"); got != r.PubDate {
						t.Errorf("PubDate = %q, want %q", got, r.PubDate)
					}
					if got := meta(doc, "ContentSource"); got != r.Source {
						t.Errorf("ContentSource = %q, want %q", got, r.Source)
					}
				}
				h := find(doc, func(n *html.Node) bool {
					return (n.DataAtom == atom.H1 || n.DataAtom == atom.H2) && hasClass(n, "article-title")
				})
				if h == nil || text(h) != r.Title {
					t.Errorf("visible title missing or wrong")
				}
				ed, paras := editor(t, doc)
				if len(r.Para) != 3 {
					t.Errorf("len(Para) = %d, want 3", len(r.Para))
				}
				for _, want := range r.Para {
					if !slices.Contains(paras, want) {
						t.Errorf("no <p> with text %.40q…", want)
					}
				}
				body := text(ed)
				if r.Kind == KindXXGK {
					for _, want := range []string{
						"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
						"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
						"第二十条第(一)项", "第二十条第(五)项", "第二十条第(六)项", "第二十条第(八)项",
						"(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
					} {
						if !strings.Contains(body, want) {
							t.Errorf("body lacks %q", want)
						}
					}
					if n := strings.Count(body, "rowspan"); n != 0 {
						t.Errorf("markup leaked into text")
					}
				}
				for _, chrome := range []string{"分享到", "网站标识码", "当前位置"} {
					if strings.Contains(body, chrome) {
						t.Errorf("TRS_Editor contains chrome %q", chrome)
					}
				}
			})
		}
	}
}

// TestRepostIsIdentical checks that the 通知公告 repost of the 2024 report has
// the same body as the original, byte for byte once decoded, in different
// chrome.
func TestRepostIsIdentical(t *testing.T) {
	s := NewPortal(t)
	r := Reports()[0]
	if len(r.Paths) != 2 {
		t.Fatalf("Reports()[0] has %d paths, want the original and the repost", len(r.Paths))
	}
	var bodies [2]string
	var columns [2]string
	for i, p := range r.Paths {
		doc := parse(t, fetchPage(t, s, p, slices.Contains(r.GBKPaths, p)))
		ed, _ := editor(t, doc)
		var b strings.Builder
		if err := html.Render(&b, ed); err != nil {
			t.Fatal(err)
		}
		bodies[i] = b.String()
		columns[i] = meta(doc, "ColumnName")
	}
	if bodies[0] != bodies[1] {
		t.Error("the repost's TRS_Editor differs from the original's")
	}
	if columns[0] == columns[1] {
		t.Errorf("both copies are in column %q, want different chrome", columns[0])
	}
}

// TestPortalColumns checks each column's pages and pagination style.
func TestPortalColumns(t *testing.T) {
	s := NewPortal(t)
	items := regexp.MustCompile(`(?s)<ul class="column-list">(.*?)</ul>`)
	li := regexp.MustCompile(`<li><a [^>]*>[^<]+</a><span class="date">\d{4}-\d\d-\d\d</span></li>`)
	for _, c := range Columns() {
		gbk := c.Paging == PagingNextLink
		for k, p := range c.Pages {
			t.Run(p, func(t *testing.T) {
				b := string(fetchPage(t, s, p, gbk))
				m := items.FindStringSubmatch(b)
				if m == nil {
					t.Fatal("no item list")
				}
				if n := len(li.FindAllString(m[1], -1)); n < 15 || n > 20 {
					t.Errorf("%d dated items, want 15–20", n)
				}
				last := k == len(c.Pages)-1
				switch c.Paging {
				case PagingCreatePageHTML:
					call := fmt.Sprintf(`createPageHTML(%d, %d, "index", "html");`, len(c.Pages), k)
					if !strings.Contains(b, call) || !strings.Contains(b, "function createPageHTML(){}") {
						t.Errorf("no %s with its stub definition", call)
					}
					for j, other := range c.Pages {
						if j != k && j > 0 && strings.Contains(b, path.Base(other)) {
							t.Errorf("page names %s literally; the pager must come only from the script", path.Base(other))
						}
					}
				case PagingNextLink:
					next := regexp.MustCompile(`<a href="([^"]*)"[^>]*>下一页</a>`).FindStringSubmatch(b)
					switch {
					case next == nil:
						t.Error("no 下一页 link")
					case last && next[1] != "javascript:void(0)":
						t.Errorf("last page's 下一页 = %q, want javascript:void(0)", next[1])
					case !last && "/tzgg/"+next[1] != c.Pages[k+1]:
						t.Errorf("下一页 = %q, want %s", next[1], c.Pages[k+1])
					}
				case PagingQuery:
					if !last && !strings.Contains(b, fmt.Sprintf(`<a href="list.jsp?page=%d">下一页</a>`, k+2)) {
						t.Errorf("no 下一页 link to page %d", k+2)
					}
					if last && strings.Contains(b, fmt.Sprintf("page=%d", k+2)) {
						t.Errorf("last page links to page %d", k+2)
					}
				}
			})
		}
	}
}

// TestPortalSpecialPages checks the pages around the reports: robots.txt,
// the disallowed and distractor pages, the offsite link and the view counter.
func TestPortalSpecialPages(t *testing.T) {
	s := NewPortal(t)

	status, hdr, body := get(t, s, "/robots.txt")
	if status != 200 || hdr.Get("Content-Type") != "text/plain; charset=utf-8" ||
		string(body) != "User-agent: *\nDisallow: /private/\n" {
		t.Errorf("robots.txt = %d %q %q", status, hdr.Get("Content-Type"), body)
	}
	for _, p := range append(Disallowed(), Distractors()...) {
		if status, _, _ := get(t, s, p); status != 200 {
			t.Errorf("GET %s = %d, want 200: the page must exist", p, status)
		}
	}
	for _, p := range Disallowed() {
		if !strings.HasPrefix(p, "/private/") {
			t.Errorf("%s is not under the robots.txt Disallow", p)
		}
	}

	idx1 := string(fetchPage(t, s, "/fzzfjs/index_1.html", false))
	if want := `href="` + s.Offsite.URL + OffsitePath + `"`; !strings.Contains(idx1, want) {
		t.Errorf("index_1.html lacks %s", want)
	}
	if status, _, _ := get(t, s.Offsite, OffsitePath); status != 200 {
		t.Errorf("offsite %s = %d, want 200", OffsitePath, status)
	}
	if n := len(s.Offsite.Requests()); n != 1 {
		t.Errorf("offsite saw %d requests, want only the test's own", n)
	}

	hits := regexp.MustCompile(`点击数:(\d+)`)
	var seen []string
	for range 2 {
		m := hits.FindStringSubmatch(string(fetchPage(t, s, "/fzzfjs/202502/t20250228_1001.html", false)))
		if m == nil {
			t.Fatal("no 点击数")
		}
		seen = append(seen, m[1])
	}
	if seen[0] == seen[1] {
		t.Errorf("点击数 did not change between fetches: %v", seen)
	}
	if n := s.Count("/fzzfjs/202502/t20250228_1001.html"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

// TestPortalChrome checks that every page carries the chrome a real district
// portal has, so an extractor has something to strip.
func TestPortalChrome(t *testing.T) {
	s := NewPortal(t)
	every := []string{
		`<a href="/" class="nav-a">首页</a>`, ">政务公开</a>", ">政务服务</a>", ">互动交流</a>",
		">适老版</a>", ">关爱版</a>", ">无障碍</a>", "今天是20",
		"主办单位:天津市津南区人民政府办公室 网站标识码:1201120001", "津ICP备05004418号", "津公网安备 12011202000301号",
		"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=1201120001&amp;url=http%3A%2F%2Fwww.tjjn.gov.cn%2F",
		`<span id="_ideConac">`, `<meta name="SiteIDCode" content="1201120001">`, "新媒体矩阵", "返回顶部",
	}
	detail := []string{
		`<meta name="ArticleTitle"`, `<meta name="PubDate"`, `<meta name="ContentSource"`, `<meta name="ColumnName"`,
		"来源: ", "发布时间: ", "字号:[", "点击数:", "分享到:", "【<a href=\"javascript:window.print();\">打印本页</a>】",
		"【<a href=\"javascript:window.close();\">关闭窗口</a>】", "上一篇:", "下一篇:", "相关链接", `<div class="TRS_Editor">`,
		"当前位置:<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; ",
	}
	err := fs.WalkDir(Portal(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isPage(name) {
			return err
		}
		uri := "/" + strings.Replace(name, querySep, "?", 1)
		content, _ := fs.ReadFile(Portal(), name)
		fm, _, _ := parseFrontMatter(content)
		t.Run(uri, func(t *testing.T) {
			b := string(fetchPage(t, s, uri, fm.gbk))
			want := every
			if regexp.MustCompile(`/t\d{8}_\d+\.html$`).MatchString(uri) {
				want = append(slices.Clip(want), detail...)
			} else if uri != "/index.html" && !strings.Contains(b, "当前位置:") {
				t.Error("no breadcrumbs")
			}
			for _, w := range want {
				if !strings.Contains(b, w) {
					t.Errorf("lacks %q", w)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// links returns the href of every <a> in a fixture page.
func links(t *testing.T, fsys fs.FS, name string) []*html.Node {
	t.Helper()
	content, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := parseFrontMatter(content)
	var out []*html.Node
	walk(parse(t, body), func(n *html.Node) {
		if n.DataAtom == atom.A && attr(n, "href") != "" {
			out = append(out, n)
		}
	})
	return out
}

// TestPortalLinkGraph follows the plain links of the portal from the home page,
// as a crawler that neither runs createPageHTML nor honours robots.txt would.
// It must reach everything except the createPageHTML-only pages and the
// reports listed only there; and every link that leads nowhere must be an
// ordinary news item, never one that looks like a report.
func TestPortalLinkGraph(t *testing.T) {
	fsys := Portal()
	base, _ := url.Parse("http://portal.test/")
	exists := func(uri string) (string, bool) {
		name := FileName(uri)
		if _, err := fs.Stat(fsys, name); err == nil {
			return name, true
		}
		return "", false
	}
	seen := map[string]bool{"index.html": true}
	queue := []string{"index.html"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		page, _ := url.Parse("/" + strings.Replace(name, querySep, "?", 1))
		page = base.ResolveReference(page)
		for _, a := range links(t, fsys, name) {
			href := attr(a, "href")
			if strings.HasPrefix(href, "{{"+OffsiteVar+"}}") || strings.HasPrefix(href, "javascript:") {
				continue
			}
			u, err := page.Parse(href)
			if err != nil {
				t.Errorf("%s: bad href %q: %v", name, href, err)
				continue
			}
			if u.Host != base.Host {
				continue
			}
			uri := u.Path
			if u.RawQuery != "" {
				uri += "?" + u.RawQuery
			}
			target, ok := exists(uri)
			if !ok {
				if label := text(a) + attr(a, "title"); strings.Contains(label, "报告") {
					t.Errorf("%s: report-like link %q → %s does not exist", name, label, uri)
				}
				continue
			}
			if !seen[target] {
				seen[target] = true
				queue = append(queue, target)
			}
		}
	}
	hidden := []string{
		"fzzfjs/index_1.html", "fzzfjs/index_2.html",
		"fzzfjs/202103/t20210326_1005.html", "fzzfjs/202103/t20210304_1006.html",
		"private/t20240101_1.html", // linked from index_1.html only
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isPage(name) {
			return err
		}
		if want := !slices.Contains(hidden, name); seen[name] != want {
			t.Errorf("%s: reachable by plain links = %v, want %v", name, seen[name], want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPortalGroundTruth checks that the exported ground truth is consistent
// with itself.
func TestPortalGroundTruth(t *testing.T) {
	paths := map[string]bool{}
	for _, r := range Reports() {
		if r.Kind != KindFZZF && r.Kind != KindXXGK {
			t.Errorf("%s: kind %q", r.Title, r.Kind)
		}
		if !strings.Contains(r.Title, fmt.Sprint(r.Year)) {
			t.Errorf("%s: year %d not in title", r.Title, r.Year)
		}
		for _, p := range r.Paths {
			if paths[p] {
				t.Errorf("%s published twice", p)
			}
			paths[p] = true
		}
		for _, p := range r.GBKPaths {
			if !slices.Contains(r.Paths, p) {
				t.Errorf("%s: GBK path %s not in Paths", r.Title, p)
			}
		}
		if r.GBK != (len(r.GBKPaths) > 0) {
			t.Errorf("%s: GBK = %v but GBKPaths = %v", r.Title, r.GBK, r.GBKPaths)
		}
	}
	for _, p := range append(Disallowed(), Distractors()...) {
		if paths[p] {
			t.Errorf("%s is both a report and a non-report", p)
		}
	}
	Reports()[0].Paths[0] = "changed"
	if Reports()[0].Paths[0] == "changed" {
		t.Error("Reports shares its slices between calls")
	}
}

// TestPortalListEntries pins the list entries the crawler's tests depend on:
// their hrefs, link texts (truncated ones included) and title attributes.
func TestPortalListEntries(t *testing.T) {
	const none = "\x00" // no title attribute at all
	tests := []struct {
		page, href, text, title string
	}{
		{"fzzfjs/index.html", "./202502/t20250228_1001.html", "津南区人民政府关于2024年法治政府建设情况报告", "津南区人民政府关于2024年法治政府建设情况报告"},
		{"fzzfjs/index.html", "./202501/t20250110_1002.html", "关于召开2024年度法治政府建设工作推进会议的通知", "关于召开2024年度法治政府建设工作推进会议的通知"},
		{"fzzfjs/index.html", "./202503/t20250305_1003.html", "【文字解读】津南区2024年法治政府建设情况报告解读", "【文字解读】津南区2024年法治政府建设情况报告解读"},
		{"fzzfjs/index.html", "./202501/t20250117_1004.html", "河东区司法局2024年度法治政府建…", none},
		{"fzzfjs/index_1.html", "./202103/t20210326_1005.html", "天津市司法局2020年度法治政府…", "天津市司法局2020年度法治政府建设情况报告"},
		{"fzzfjs/index_1.html", "/private/t20240101_1.html", "2023年法治政府建设年度报告", "2023年法治政府建设年度报告"},
		{"fzzfjs/index_1.html", "{{OFFSITE}}/fzzfjs/202203/t20220301_9.html", "2021年法治政府建设年度报告", "2021年法治政府建设年度报告"},
		{"fzzfjs/index_2.html", "./202103/t20210304_1006.html", "达州市通川区2020年度法治政府建设年度报告", "达州市通川区2020年度法治政府建设年度报告"},
		{"tzgg/index.html", "./202503/t20250301_2001.html", "津南区人民政府关于2024年法治政府建设情况报告", "津南区人民政府关于2024年法治政府建设情况报告"},
		{"tzgg/list3.html", "./202301/t20230130_2002.html", "天津市津南区2022年政府信息公开工作年度报告", "天津市津南区2022年政府信息公开工作年度报告"},
		{"xxgk/list.jsp%3Fpage=2", "/xxgk/202402/t20240201_3001.html", "天津市津南区2023年政府信息公开工作年度报告", "天津市津南区2023年政府信息公开工作年度报告"},
	}
	for _, tt := range tests {
		t.Run(tt.page+" "+tt.href, func(t *testing.T) {
			var found *html.Node
			for _, a := range links(t, Portal(), tt.page) {
				if attr(a, "href") == tt.href {
					found = a
				}
			}
			if found == nil {
				t.Fatalf("no link to %s", tt.href)
			}
			if got := text(found); got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			title, has := "", false
			for _, a := range found.Attr {
				if a.Key == "title" {
					title, has = a.Val, true
				}
			}
			switch {
			case tt.title == none && has:
				t.Errorf("has title=%q, want no title attribute", title)
			case tt.title != none && title != tt.title:
				t.Errorf("title = %q, want %q", title, tt.title)
			}
		})
	}
}
