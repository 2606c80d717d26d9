package extract

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// headingSelectors find visible article headings. Specific article-title
// classes rank before h1, and h1 before the generic .title.
var headingSelectors = []cascadia.SelectorGroup{
	mustSelector(`.article-title, .article_title, .xxgk_title, #Title, .detailTitle, .news_title, .newsTitle, .con_title, .content_title, .art_title, .wzbt`),
	mustSelector(`h1`),
	mustSelector(`.title, .tit, .biaoti, h2`),
}

func mustSelector(s string) cascadia.SelectorGroup {
	g, err := cascadia.ParseGroup(s)
	if err != nil {
		panic(fmt.Sprintf("extract: selector %q: %v", s, err))
	}
	return g
}

// title finds the report title: meta ArticleTitle, then a visible heading,
// then <title> without its site-name suffix.
func (p *page) title() string {
	t, _ := p.titleFrom()
	return t
}

// titleFrom is title, also reporting whether the title was taken from
// <title> (no meta ArticleTitle, no visible heading).
func (p *page) titleFrom() (title string, fromTag bool) {
	if t := p.metas["articletitle"]; t != "" {
		return t, false
	}
	if t := p.heading(); t != "" {
		return t, false
	}
	return stripSiteSuffix(p.titleTag), true
}

// bodyTitle returns the first body line when it is the title that
// <title> decorates: the page had no heading the title rules know, and
// the title taken from <title> is the line with a site or channel name
// glued to it by a hyphen or colon that no separator rule splits off
// ("中新视频-…"). It returns "" when the first line is not such a title.
func bodyTitle(first, title string) string {
	l, t := squash(first), squash(title)
	if l == "" || l == t {
		return ""
	}
	var rest string
	var sep rune
	if r, ok := strings.CutSuffix(t, l); ok {
		rest = r
		sep, _ = utf8.DecodeLastRuneInString(r)
	} else if r, ok := strings.CutPrefix(t, l); ok {
		rest = r
		sep, _ = utf8.DecodeRuneInString(r)
	} else {
		return ""
	}
	if !strings.ContainsRune(titleGlue, sep) || utf8.RuneCountInString(rest) > titleGlueRunes {
		return ""
	}
	return first
}

// titleGlue are the runes that glue a site or channel name to a title
// in <title> where no separator rule splits it off; titleGlueRunes
// bounds the name with its glue.
const (
	titleGlue      = "-:|·—–"
	titleGlueRunes = 20
)

// heading returns the visible article heading. A heading whose text is part
// of <title> wins; otherwise the best ranked one.
func (p *page) heading() string {
	tag := squash(p.titleTag)
	var first string
	for _, sel := range headingSelectors {
		for _, n := range cascadia.QueryAll(p.body, sel) {
			if inChrome(n) {
				continue
			}
			t := inlineText(n, p.st)
			c := utf8.RuneCountInString(t)
			if c < 4 || c > 200 {
				continue
			}
			if tag != "" && strings.Contains(tag, squash(t)) {
				return t
			}
			if first == "" && c >= 6 {
				first = t
			}
		}
	}
	return first
}

// inChrome reports whether n sits in page furniture where headings are
// site names and box titles, not the article title.
func inChrome(n *html.Node) bool {
	for a := n; a != nil; a = a.Parent {
		if a.Type != html.ElementNode {
			continue
		}
		switch a.DataAtom {
		case atom.A, atom.Nav, atom.Header, atom.Footer, atom.Aside:
			return true
		}
	}
	return false
}

// titleSeparators split a <title> into the article title and site names.
var titleSeparators = regexp.MustCompile(` [-–—] |_|\||——`)

// stripSiteSuffix removes site names from a <title>: it keeps the longest
// part between the separators " - ", "_", "|" and "——".
func stripSiteSuffix(t string) string {
	best := ""
	for _, part := range titleSeparators.Split(t, -1) {
		part = strings.TrimSpace(part)
		if utf8.RuneCountInString(part) > utf8.RuneCountInString(best) {
			best = part
		}
	}
	return best
}

// dateRE matches 2021-03-26 10:03, 2021/03/29 11:30:01, 2021年03月26日 and
// 2021.3.26, with an optional time.
var dateRE = regexp.MustCompile(`(\d{4}) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2}) ?日?(?:[ T-]*(\d{1,2}) ?[:时] ?(\d{1,2})(?: ?[:分] ?(\d{1,2}))?)?`)

// normalizeDate returns the first date in s as "YYYY-MM-DD", with
// " HH:MM" or " HH:MM:SS" when s gives the time; "" if s has no valid date.
func normalizeDate(s string) string {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	num := func(i int) int {
		n, err := strconv.Atoi(m[i])
		if err != nil {
			return -1
		}
		return n
	}
	y, mo, d := num(1), num(2), num(3)
	if y < 1949 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return ""
	}
	out := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
	if m[4] == "" {
		return out
	}
	h, mi := num(4), num(5)
	if h > 23 || mi > 59 {
		return out
	}
	out += fmt.Sprintf(" %02d:%02d", h, mi)
	if m[6] != "" {
		if sec := num(6); sec <= 59 {
			out += fmt.Sprintf(":%02d", sec)
		}
	}
	return out
}

// dateLabelRE finds a labelled date in a metadata line.
var dateLabelRE = regexp.MustCompile(`(发布时间|发布日期|发文日期|信息提供日期|更新时间|成文日期|日期)[ ]*:?[ \t]*(\d{4} ?[-/.年])`)

// dateLabelRank orders the labels: the publication date first, the date of
// writing last.
var dateLabelRank = map[string]int{
	"发布时间": 0, "发布日期": 0, "发文日期": 0, "信息提供日期": 0,
	"日期": 1, "更新时间": 2, "成文日期": 3,
}

// metaLineRunes bounds the lines searched for labelled metadata, so that
// body paragraphs are not mistaken for it.
const metaLineRunes = 200

// urlDateRE matches the date in TRS (/t20210326_…) and Hanweb
// (/art/2021/3/26/…) detail URLs.
var urlDateRE = regexp.MustCompile(`/t(\d{4})(\d{2})(\d{2})_|/art/(\d{4})/(\d{1,2})/(\d{1,2})/`)

// published finds the publication date: meta tags, labelled lines (best
// label first, then page order), then the URL.
func (p *page) published(lines []string, pageURL *url.URL) string {
	for _, k := range []string{"pubdate", "firstpublishedtime", "publishdate"} {
		if d := normalizeDate(p.metas[k]); d != "" {
			return d
		}
	}
	best, bestRank := "", 99
	for _, l := range lines {
		if utf8.RuneCountInString(l) > metaLineRunes {
			continue
		}
		for _, m := range dateLabelRE.FindAllStringSubmatchIndex(l, -1) {
			rank := dateLabelRank[l[m[2]:m[3]]]
			if rank >= bestRank {
				continue
			}
			if d := normalizeDate(l[m[4]:]); d != "" {
				best, bestRank = d, rank
			}
		}
		if bestRank == 0 {
			break
		}
	}
	if best != "" {
		return best
	}
	if pageURL != nil {
		if m := urlDateRE.FindStringSubmatch(pageURL.Path); m != nil {
			if m[1] != "" {
				return normalizeDate(m[1] + "-" + m[2] + "-" + m[3])
			}
			return normalizeDate(m[4] + "-" + m[5] + "-" + m[6])
		}
	}
	return ""
}

// sourceRE finds a 来源 label at the start of a line or after a space.
var sourceRE = regexp.MustCompile(`(?:^|[ \t:【】\[\]|])(?:文章来源|信息来源|稿件来源|来源)[ ]*:`)

// sourceStopRE ends a 来源 value: the next label, a tab or a bracket.
var sourceStopRE = regexp.MustCompile(`[\t|【\[]|(?:发布时间|发布日期|更新时间|日期|时间|作者|点击数|点击量|点击|浏览次数|浏览量|访问次数|访问量|阅读次数|阅读量|字号|字体|责任编辑|编辑|审核|发布者|发布人|信息提供日期|分享|打印)[ ]*:| [^ ]{1,8}:`)

// source finds the issuing body: meta ContentSource, then a 来源 line, then
// the info table's 发布机构.
func (p *page) source(lines []string, info map[string]string) string {
	if s := p.metas["contentsource"]; s != "" {
		return s
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l) > metaLineRunes {
			continue
		}
		for _, m := range sourceRE.FindAllStringIndex(l, -1) {
			v := strings.TrimLeft(l[m[1]:], " ")
			if s := sourceStopRE.FindStringIndex(v); s != nil {
				v = v[:s[0]]
			}
			v = strings.Trim(v, " ,;，；。")
			if v != "" && utf8.RuneCountInString(v) <= 60 {
				return v
			}
		}
	}
	return info["发布机构"]
}

// siteIDRE finds a 网站标识码 printed in the footer.
var siteIDRE = regexp.MustCompile(`网站标识码[ ]*:?[ ]*([0-9A-Za-z]{6,20})`)

// siteIDCode finds the 政府网站标识码: meta SiteIDCode, then the 找错 link,
// then the footer text.
func (p *page) siteIDCode(lines []string) string {
	if s := siteCodeValue(p.metas["siteidcode"]); s != "" {
		return s
	}
	if p.siteCode != "" {
		return p.siteCode
	}
	for i := len(lines) - 1; i >= 0; i-- { // footers are at the end
		if m := siteIDRE.FindStringSubmatch(lines[i]); m != nil {
			return m[1]
		}
	}
	return ""
}
