package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nianbao/nianbao/internal/portaltest"
)

// Farm is the layout of a benchmark farm: which pages each portal has. Every
// page is generated on request from (portal, path); nothing is held per page.
type Farm struct {
	Portals     int     // number of portals
	Pages       int     // pages a crawl fetches per portal: list pages + report pages
	ListSize    int     // items per list page
	ReportShare float64 // share of list items that are reports
	GBKShare    float64 // share of portals served in GBK
	Attachments int     // report-titled attachment links per portal (PDF/DOCX)
	Port        int     // the port every portal listens on
	Home        bool    // home-page mode: a home page, hub and index above each report column (home.go)

	tpl *templates
}

// Pagination styles the crawler understands, one per portal (portal % 3).
const (
	styleCreatePage = iota // TRS createPageHTML(n, k, "index", "html"): /fzzfjs/index.html, index_1.html …
	styleNextLink          // "下一页" links only: /tzgg/index.html → list2.html → list3.html …
	stylePageParam         // ?page=N with numbered pager links: /xxgk/list.jsp?page=1 …
)

var columns = [3]struct{ dir, name string }{
	{"fzzfjs", "法治政府建设"},
	{"tzgg", "通知公告"},
	{"xxgk", "政府信息公开"},
}

// Encodings of a portal.
const (
	encUTF8      = iota
	encGBKHeader // GBK, declared in the Content-Type header and in <meta>
	encGBKMeta   // GBK, declared only in <meta> (as most real portals do)
)

// Addr is portal i's address: 127.1.(i/250).(i%250+1).
func Addr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{127, 1, byte(i / 250), byte(i%250 + 1)})
}

// portalOf is the inverse of Addr, or -1.
func portalOf(host string) int {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Is4() {
		return -1
	}
	b := a.As4()
	if b[0] != 127 || b[1] != 1 || b[3] == 0 {
		return -1
	}
	return int(b[2])*250 + int(b[3]) - 1
}

// BaseURL is portal i's origin.
func (f *Farm) BaseURL(i int) string { return fmt.Sprintf("http://%s:%d", Addr(i), f.Port) }

func (f *Farm) style(i int) int { return i % 3 }

func hash64(parts ...any) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprint(h, p, "\x00")
	}
	return h.Sum64()
}

func (f *Farm) encoding(i int) int {
	if float64(hash64("gbk", i)%1000) >= f.GBKShare*1000 {
		return encUTF8
	}
	if hash64("gbkhdr", i)%2 == 0 {
		return encGBKHeader
	}
	return encGBKMeta
}

// reportsPerList is how many of a list page's items are reports.
func (f *Farm) reportsPerList() int {
	r := int(float64(f.ListSize)*f.ReportShare + 0.5)
	return max(1, min(r, f.ListSize))
}

// ListPages is the number of list pages of every portal.
func (f *Farm) ListPages() int {
	rpp := f.reportsPerList()
	l := (f.Pages + rpp) / (1 + rpp) // ceil(Pages / (1+rpp))
	return max(1, l)
}

// Reports is the number of report pages of every portal.
func (f *Farm) Reports() int { return max(0, f.Pages-f.ListPages()) }

// reportsOn is the number of reports on list page k.
func (f *Farm) reportsOn(k int) int {
	rpp := f.reportsPerList()
	return max(0, min(rpp, f.Reports()-k*rpp))
}

// isReportItem reports whether item j of list page k is a report, and its
// number among the portal's reports.
func (f *Farm) isReportItem(k, j int) (int, bool) {
	n := f.reportsOn(k)
	for t := range n {
		if j == t*f.ListSize/n {
			return k*f.reportsPerList() + t, true
		}
	}
	return 0, false
}

// ListURL is the path of list page k (0-based) of portal i.
func (f *Farm) ListURL(i, k int) string {
	col := columns[f.style(i)].dir
	switch f.style(i) {
	case styleCreatePage:
		if k == 0 {
			return "/" + col + "/index.html"
		}
		return fmt.Sprintf("/%s/index_%d.html", col, k)
	case styleNextLink:
		if k == 0 {
			return "/" + col + "/index.html"
		}
		return fmt.Sprintf("/%s/list%d.html", col, k+1)
	default:
		return fmt.Sprintf("/%s/list.jsp?page=%d", col, k+1)
	}
}

// itemDate is the publication date of item id (k*1000+j) of portal i.
func itemDate(i, id int) time.Time {
	d := hash64("date", i, id) % (8 * 365)
	return time.Date(2017, 1, 1, 9, 30, 0, 0, time.UTC).AddDate(0, 0, int(d))
}

func itemPath(i int, col string, id int, ext string) string {
	d := itemDate(i, id)
	return fmt.Sprintf("/%s/%s/t%s_%d.%s", col, d.Format("200601"), d.Format("20060102"), id, ext)
}

var depts = []string{"区人民政府", "区司法局", "区教育局", "区卫生健康委员会", "区市场监督管理局", "区生态环境局",
	"区住房和城乡建设委员会", "区人力资源和社会保障局", "区民政局", "区财政局", "区应急管理局", "区交通运输局"}

func portalName(i int) string { return fmt.Sprintf("模拟市第%d区", i+1) }

// reportTitle is the title of report n of portal i, and the year it is about.
func reportTitle(i, n int) (string, int) {
	year := 2016 + n%9
	dept := depts[(n/9)%len(depts)]
	var t string
	if n%2 == 0 {
		t = fmt.Sprintf("%s%s%d年度法治政府建设情况报告", portalName(i), dept, year)
	} else {
		t = fmt.Sprintf("%s%s%d年政府信息公开工作年度报告", portalName(i), dept, year)
	}
	if n >= 9*len(depts) {
		t = fmt.Sprintf("%s(第%d号)", t, n)
	}
	return t, year
}

// item is one entry of a list page.
type item struct {
	href, title string
	date        time.Time
}

// listItems are the entries of list page k of portal i: ListSize items, some
// reports, and on the first page a few report-titled attachments.
func (f *Farm) listItems(i, k int) []item {
	col := columns[f.style(i)].dir
	out := make([]item, 0, f.ListSize+f.Attachments)
	if k == 0 {
		for a := range f.Attachments {
			id := 900000 + a
			ext := "pdf"
			if a%2 == 1 {
				ext = "docx"
			}
			t, _ := reportTitle(i, 500+a)
			out = append(out, item{href: itemPath(i, col, id, ext), title: t + "(附件)", date: itemDate(i, id)})
		}
	}
	for j := range f.ListSize {
		id := k*1000 + j
		if n, ok := f.isReportItem(k, j); ok {
			t, year := reportTitle(i, n)
			d := time.Date(year+1, time.Month(1+n%3), 1+n%27, 10, 0, 0, 0, time.UTC)
			out = append(out, item{href: itemPath(i, col, id, "html"), title: t, date: d})
			continue
		}
		news := f.tpl.news[hash64("news", i, id)%uint64(len(f.tpl.news))]
		out = append(out, item{href: itemPath(i, col, id, "html"), title: news, date: itemDate(i, id)})
	}
	return out
}

// templates are the fake portal's pages (internal/portaltest), cut into the
// parts the farm fills in.
type templates struct {
	listHead, listTail string // before the list's <ul>, after its pager
	detHead, detTail   string // before the article body, after it
	detTitle, detDate  string // the template article's title and date, replaced
	paras              []string
	news               []string // ordinary list titles, not reports
	pdf, docx          []byte
	newsPage           string
	newsTitle          string
	utf8Meta, gbkMeta  string
}

var (
	paraRe  = regexp.MustCompile(`(?m)^<p[ >].*</p>$`)
	liRe    = regexp.MustCompile(`title="([^"]+)">[^<]+</a><span class="date">`)
	isRepRe = regexp.MustCompile(`法治政府建设.*(报告|情况)|政府信息公开.*(年度报告|年报)|报告`)
)

func readFS(fsys fs.FS, name string) string {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic(err)
	}
	s := string(b)
	if strings.HasPrefix(s, "<!-- portaltest:") {
		_, s, _ = strings.Cut(s, "\n")
	}
	return s
}

func cut(s, sep string) (string, string) {
	a, b, ok := strings.Cut(s, sep)
	if !ok {
		panic("template: no " + sep)
	}
	return a, b
}

// loadTemplates cuts the fake portal's pages into templates.
func loadTemplates() *templates {
	fsys := portaltest.Portal()
	t := &templates{
		utf8Meta: `<meta http-equiv="Content-Type" content="text/html; charset=utf-8">`,
		gbkMeta:  `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`,
	}
	list := readFS(fsys, "fzzfjs/index.html")
	head, rest := cut(list, `<ul class="column-list">`)
	t.listHead = head + `<ul class="column-list">` + "\n"
	_, rest = cut(rest, `<div class="page-box" id="page_div">`)
	_, tail := cut(rest, "</div>")
	t.listTail = tail
	for _, m := range liRe.FindAllStringSubmatch(list, -1) {
		if !isRepRe.MatchString(m[1]) {
			t.news = append(t.news, m[1])
		}
	}
	for _, name := range []string{"fzzfjs/index_1.html", "fzzfjs/index_2.html", "tzgg/index.html", "tzgg/list2.html", "tzgg/list3.html"} {
		for _, m := range liRe.FindAllStringSubmatch(readFS(fsys, name), -1) {
			if !isRepRe.MatchString(m[1]) && !strings.HasSuffix(m[1], "…") {
				t.news = append(t.news, m[1])
			}
		}
	}

	det := readFS(fsys, "fzzfjs/202502/t20250228_1001.html")
	t.detTitle, t.detDate = "津南区人民政府关于2024年法治政府建设情况报告", "2025-02-28"
	head, rest = cut(det, `<div class="TRS_Editor">`)
	t.detHead = head + `<div class="TRS_Editor">` + "\n"
	_, tail = cut(rest, "</div>\n</div>\n<div class=\"share-bar\">")
	t.detTail = "</div>\n</div>\n<div class=\"share-bar\">" + tail

	news := readFS(fsys, "fzzfjs/202501/t20250110_1002.html")
	t.newsTitle, t.newsPage = "关于召开2024年度法治政府建设工作推进会议的通知", news

	for _, name := range []string{"fzzfjs/202502/t20250228_1001.html", "fzzfjs/202103/t20210304_1006.html",
		"fzzfjs/202103/t20210326_1005.html", "fzzfjs/202501/t20250117_1004.html",
		"tzgg/202301/t20230130_2002.html", "xxgk/202402/t20240201_3001.html"} {
		s := readFS(fsys, name)
		if _, body, ok := strings.Cut(s, `<div class="TRS_Editor">`); ok {
			body, _, _ = strings.Cut(body, `<div class="share-bar">`)
			for _, p := range paraRe.FindAllString(body, -1) {
				if len(p) > 200 { // body paragraphs, not headings
					t.paras = append(t.paras, p)
				}
			}
		}
	}
	if len(t.paras) < 20 || len(t.news) < 5 {
		panic(fmt.Sprintf("templates: %d paragraphs, %d news titles", len(t.paras), len(t.news)))
	}
	t.pdf = makePDF()
	t.docx = makeDOCX()
	return t
}

// listPage renders list page k of portal i (UTF-8, template variables not yet expanded).
func (f *Farm) listPage(i, k int) []byte {
	var b bytes.Buffer
	b.Grow(len(f.tpl.listHead) + len(f.tpl.listTail) + 4096)
	b.WriteString(f.head(i, f.tpl.listHead))
	for _, it := range f.listItems(i, k) {
		fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\" title=\"%s\">%s</a><span class=\"date\">%s</span></li>\n",
			it.href, it.title, it.title, it.date.Format("2006-01-02"))
	}
	b.WriteString("</ul>\n<div class=\"page-box\" id=\"page_div\">\n")
	n := f.ListPages()
	switch f.style(i) {
	case styleCreatePage:
		fmt.Fprintf(&b, "<script type=\"text/javascript\">\n\tcreatePageHTML(%d, %d, \"index\", \"html\");\n</script>\n", n, k)
	case styleNextLink:
		fmt.Fprintf(&b, "<span>共%d页 当前第%d页</span> ", n, k+1)
		if k > 0 {
			fmt.Fprintf(&b, "<a href=\"%s\">上一页</a> ", f.ListURL(i, k-1))
		}
		if k+1 < n {
			fmt.Fprintf(&b, "<a href=\"%s\">下一页</a>\n", f.ListURL(i, k+1))
		} else {
			b.WriteString("<a href=\"javascript:void(0)\">下一页</a>\n")
		}
	default:
		for p := range n {
			if p == k {
				fmt.Fprintf(&b, "<span class=\"cur\">%d</span> ", p+1)
			} else {
				fmt.Fprintf(&b, "<a href=\"%s\">%d</a> ", f.ListURL(i, p), p+1)
			}
		}
		if k+1 < n {
			fmt.Fprintf(&b, "<a href=\"%s\">下一页</a>\n", f.ListURL(i, k+1))
		}
	}
	b.WriteString("</div>")
	b.WriteString(f.tpl.listTail)
	return b.Bytes()
}

// head adapts a template's head to portal i: its charset declaration.
func (f *Farm) head(i int, s string) string {
	if f.encoding(i) != encUTF8 {
		s = strings.Replace(s, f.tpl.utf8Meta, f.tpl.gbkMeta, 1)
	}
	return s
}

// detailPage renders the page of item id on portal i: a report (50–100 KB,
// unique text) or an ordinary news page.
func (f *Farm) detailPage(i, id int) ([]byte, bool) {
	k, j := id/1000, id%1000
	if k >= f.ListPages() || j >= f.ListSize {
		return nil, false
	}
	n, isReport := f.isReportItem(k, j)
	if !isReport {
		it := f.listItems(i, k)
		title := it[j+len(it)-f.ListSize].title
		s := strings.ReplaceAll(f.tpl.newsPage, f.tpl.newsTitle, title)
		return []byte(f.head(i, s)), true
	}
	title, year := reportTitle(i, n)
	date := time.Date(year+1, time.Month(1+n%3), 1+n%27, 10, 0, 0, 0, time.UTC).Format("2006-01-02")
	head := strings.ReplaceAll(f.head(i, f.tpl.detHead), f.tpl.detTitle, title)
	head = strings.ReplaceAll(head, f.tpl.detDate, date)
	tail := strings.ReplaceAll(f.tpl.detTail, f.tpl.detTitle, title)
	r := rand.New(rand.NewPCG(hash64("body", i, id), 1))
	target := 50<<10 + r.IntN(50<<10) - 1024
	var b bytes.Buffer
	b.Grow(target + 4096)
	b.WriteString(head)
	fmt.Fprintf(&b, "<p style=\"text-align: center;\"><strong><span style=\"font-family: 方正小标宋简体; font-size: 22px;\">%s</span></strong></p>\n", title)
	fmt.Fprintf(&b, "<p style=\"text-indent: 2em;\"><span style=\"font-family: 仿宋_GB2312;\">%d年,%s%s坚持以习近平新时代中国特色社会主义思想为指导,全面推进依法行政(报告编号%d-%d)。现将有关情况报告如下:</span></p>\n",
		year, portalName(i), depts[(n/9)%len(depts)], i, id)
	for b.Len()+len(tail) < target {
		b.WriteString(f.tpl.paras[r.IntN(len(f.tpl.paras))])
		b.WriteByte('\n')
	}
	b.WriteString(tail)
	return b.Bytes(), true
}

// makePDF is a small, valid one-page PDF.
func makePDF() []byte {
	var b bytes.Buffer
	offs := []int{}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"", // contents
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	stream := "BT /F1 12 Tf 72 770 Td (Annual report - benchmark farm attachment) Tj ET\n" + strings.Repeat("% filler to give the attachment a realistic size\n", 400)
	objs[3] = "<< /Length " + strconv.Itoa(len(stream)) + " >>\nstream\n" + stream + "endstream"
	for n, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// makeDOCX is a small, valid Word document.
func makeDOCX() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	files := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>法治政府建设年度报告(基准测试附件)</w:t></w:r></w:p></w:body></w:document>`},
	}
	for _, f := range files {
		w, _ := z.Create(f[0])
		w.Write([]byte(f[1]))
	}
	z.Close()
	return b.Bytes()
}
