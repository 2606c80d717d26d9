package archive

import (
	"path"
	"regexp"
	"strings"
	"unicode"
)

// SameReport is the similarity (Similarity) at which two texts are taken
// to be one report in two forms: a PDF's page numbers, running heads and
// line breaks keep two renderings of one report from being byte-identical,
// while two different reports — even two years of one body's report, which
// share its headings and phrases — stay far below it.
const SameReport = 0.9

// Similarity is the character-bigram F1 of two texts over their letters
// and digits (Han characters included), the measure the extraction
// evaluation uses: punctuation, spacing and line breaks, which differ
// between a page and a PDF of the same report, do not count. 0 when either
// has no letters.
func Similarity(a, b string) float64 {
	return bigramF1(bigrams(a), bigrams(b))
}

func bigramF1(ga, gb map[[2]rune]int) float64 {
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	na, nb, common := 0, 0, 0
	for _, n := range ga {
		na += n
	}
	for g, n := range gb {
		nb += n
		common += min(n, ga[g])
	}
	return 2 * float64(common) / float64(na+nb)
}

func bigrams(s string) map[[2]rune]int {
	m := map[[2]rune]int{}
	var prev rune = -1
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		if prev >= 0 {
			m[[2]rune{prev, r}]++
		}
		prev = r
	}
	return m
}

// Match finds, among candidates shown to it one by one (Try), the one
// that is the same report as its text: Similarity at least SameReport,
// the same kind and year where both are known (SameKindAndYear), the most
// similar of those. The rule a crawl and a regrouping group by.
type Match struct {
	kind  string
	year  int
	grams map[[2]rune]int
	// ID is the best candidate so far ("" while none is the same
	// report), Score its similarity.
	ID    string
	Score float64
}

// NewMatch starts a Match for a text of this kind and year.
func NewMatch(text, kind string, year int) *Match {
	return &Match{kind: kind, year: year, grams: bigrams(text)}
}

// Try shows the match a candidate: its id, text, kind and year.
func (m *Match) Try(id, text, kind string, year int) {
	if text == "" || !SameKindAndYear(m.kind, m.year, kind, year) {
		return
	}
	if s := bigramF1(m.grams, bigrams(text)); s >= SameReport && s > m.Score {
		m.ID, m.Score = id, s
	}
}

// SameKindAndYear reports whether two texts' kinds and years allow them to
// be one report: each the same where both are known ("other", 0: not
// known). One body's 信息公开年报 of two years share the national form's
// tables and their wording (Similarity above SameReport), and are two
// reports.
func SameKindAndYear(kindA string, yearA int, kindB string, yearB int) bool {
	return (kindA == "other" || kindB == "other" || kindA == "" || kindB == "" || kindA == kindB) &&
		(yearA == 0 || yearB == 0 || yearA == yearB)
}

// stubMaxHan is how many Han characters a page that announces its
// attachments (stubAnnounceRe) may keep, once its title, the attachments'
// names and the announcing phrases are taken out, and still be a stub. A
// report — even a township's — runs to thousands; an announcement, with
// the 信息公开年报's customary preamble (the regulation it follows, its six
// parts, whom to ask), to two hundred. A page that announces nothing is a
// stub only when next to nothing is left (stubBareMaxHan): a short report
// is still a report.
const (
	stubMaxHan     = 300
	stubBareMaxHan = 40
)

// stubAnnounceRe are the phrases that say a page's report is in its
// attachments.
var stubAnnounceRe = regexp.MustCompile(`予以(?:公开|公布|发布)|现予(?:公开|公布)|(?:详见|请见|全文见|参见|请查阅|见)附件|` +
	`现将|点击(?:下载|查看)|(?:附件|文件)下载|下载附件|特此公告`)

// stubNoiseRe are the words a stub page announces its attachments with.
var stubNoiseRe = regexp.MustCompile(`附件\s*[0-9０-９一二三四五六七八九十]*\s*[：:、.．]?|` +
	`(?:详见|请见|全文见|参见|见)附件|(?:点击|附件|相关|文件)(?:下载|查看|预览)|下载|` +
	`予以(?:公开|公布|发布)|特此(?:公告|通知)|现将|[0-9０-９]{2,4}\s*[年./-]\s*[0-9０-９]{1,2}\s*[月./-]\s*[0-9０-９]{1,2}\s*日?`)

// IsStub reports whether a page's text is only an announcement of its
// attachments (现将…予以公开。附件：….pdf) rather than a report: once its
// first line (the title), the attachments' names (link texts and file
// names, with and without their extensions) and the announcing phrases
// (详见附件, 予以公开, 点击下载, dates) are taken out, at most a short
// paragraph is left if the page announces its attachments, next to nothing
// if it does not. A page without attachments is never a stub.
func IsStub(text string, attachments []string) bool {
	if len(attachments) == 0 {
		return false
	}
	// "…公布如下：" says the report follows on the page, not in a file.
	limit := stubBareMaxHan
	if stubAnnounceRe.MatchString(text) && !strings.Contains(text, "如下") {
		limit = stubMaxHan
	}
	_, rest, _ := strings.Cut(strings.TrimSpace(text), "\n")
	for _, a := range attachments {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		rest = strings.ReplaceAll(rest, a, "")
		if ext := path.Ext(a); ext != "" && len(ext) <= 6 {
			rest = strings.ReplaceAll(rest, strings.TrimSuffix(a, ext), "")
		}
	}
	rest = stubNoiseRe.ReplaceAllString(rest, "")
	n := 0
	for _, r := range rest {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n <= limit
}
