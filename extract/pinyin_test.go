package extract

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// seedDir holds the shared seed texts. CI has it beside the clone; a fresh
// clone elsewhere may not, so tests that read it skip when it is absent.
const seedDir = "../../shared/seeds"

// readSeed returns the text of a shared seed, or skips the test.
func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(seedDir, name))
	if os.IsNotExist(err) {
		t.Skipf("seed %s not present", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStripPinyin(t *testing.T) {
	tests := []struct {
		name, in, want string
		n              int
	}{
		{"empty", "", "", 0},
		{"no han", "GDP grew (about 5%) in 2020 (lǐng).", "GDP grew (about 5%) in 2020 (lǐng).", 0},
		{"no han accented", "naïve (café) résumé (lǐng dǎo)", "naïve (café) résumé (lǐng dǎo)", 0},
		{"simplified", "在市委市政府正确领导下,市司法局奋力扛起法治建设统筹协调。", "在市委市政府正确领导下,市司法局奋力扛起法治建设统筹协调。", 0},
		{
			"DEPS.md example",
			"在市委市政府正確領(lǐng)導(dǎo)下,市司法局奮力扛起法治建設(shè)統(tǒng)籌協調。…(102個主項,208個實施清單)…(通區府辦發〔2020〕15號)…(GDP)…全角（lǐng）…多音節(duō yīn jié)",
			"在市委市政府正確領導下,市司法局奮力扛起法治建設統籌協調。…(102個主項,208個實施清單)…(通區府辦發〔2020〕15號)…(GDP)…全角…多音節",
			6,
		},

		// Lines from seed 001, a mirror copy of the Jiangmen 2020 report.
		{
			"seed 001 opening",
			"2020年,在市委市政府正確領(lǐng)導(dǎo)下,市司法局奮力扛起法治建設(shè)統(tǒng)籌協(xié)調(diào)、組織推動的重要責(zé)任,",
			"2020年,在市委市政府正確領導下,市司法局奮力扛起法治建設統籌協調、組織推動的重要責任,",
			7,
		},
		{
			"seed 001 real parenthetical kept",
			"一是推行權(quán)責(zé)清單公開,在市政府網(wǎng)站公布權(quán)責(zé)清單(102個主項,208個實施清單)。",
			"一是推行權責清單公開,在市政府網站公布權責清單(102個主項,208個實施清單)。",
			5,
		},
		{
			"seed 001 annotation inside a parenthetical",
			"成為全省首個完成綜合縣(市、區(qū))政府公告的地級市。",
			"成為全省首個完成綜合縣(市、區)政府公告的地級市。",
			1,
		},
		{
			"seed 001 (社區)",
			"開展全國民主法治示范村(社區(qū))創(chuàng)建",
			"開展全國民主法治示范村(社區)創建",
			2,
		},
		{
			"seed 001 parenthetical right after an annotation",
			"探索粵港澳大灣區(qū)(商事)調(diào)解平臺建設(shè)等工作",
			"探索粵港澳大灣區(商事)調解平臺建設等工作",
			3,
		},
		{
			"seed 001 (黨組)",
			"將民法典學(xué)習(xí)納入各級黨委(黨組)中心組學(xué)習(xí)計劃",
			"將民法典學習納入各級黨委(黨組)中心組學習計劃",
			4,
		},
		{
			"seed 001 (試行) after an annotation",
			"適時修訂《江門市人民政府重大行政決策程序規(guī)定(試行)》,細(xì)化完善",
			"適時修訂《江門市人民政府重大行政決策程序規定(試行)》,細化完善",
			2,
		},
		// The mirror's own mojibake: "?guī)" has no opening parenthesis
		// and "(shè)" follows a Latin "O", not a Han character.
		{
			"seed 001 mojibake kept",
			"探索政府立法咨詢專家?guī)旖ㄔO(shè)",
			"探索政府立法咨詢專家?guī)旖ㄔO(shè)",
			0,
		},
		{
			"seed 001 mojibake then annotation",
			"迅速組織開展?fàn)I造法治化營商環(huán)境",
			"迅速組織開展?fàn)I造法治化營商環境",
			1,
		},

		// Real parentheticals.
		{"numbering", "(一)依法防控新冠肺炎疫情", "(一)依法防控新冠肺炎疫情", 0},
		{"numbering after han", "二、(一)依法防控", "二、(一)依法防控", 0},
		{"document number", "印发(通區府辦發〔2020〕15號)", "印发(通區府辦發〔2020〕15號)", 0},
		{"count", "數最多(233家)的地市", "數最多(233家)的地市", 0},
		{"商事", "大灣區(商事)調解", "大灣區(商事)調解", 0},
		{"GDP", "地区生产总值(GDP)增长", "地区生产总值(GDP)增长", 0},
		{"mixed", "规划(2021—2025年)和方案(fāng àn 2)", "规划(2021—2025年)和方案(fāng àn 2)", 0},
		{"mixed han and pinyin", "方案(fāng案)", "方案(fāng案)", 0},
		{"space before paren", "領 (lǐng)導", "領 (lǐng)導", 0},
		{"after ascii", "Ling(lǐng)", "Ling(lǐng)", 0},
		{"empty parens", "領()導", "領()導", 0},
		{"only spaces", "領( )導", "領( )導", 0},
		{"unclosed", "領(lǐng導", "領(lǐng導", 0},
		{"across lines", "領(lǐng\n)導", "領(lǐng\n)導", 0},
		{"trailing apostrophe", "領(lǐng')導", "領(lǐng')導", 0},

		// Neutral tone: no mark, so indistinguishable from Latin words.
		{"neutral tone kept", "我的(de)书", "我的(de)书", 0},
		{"one unmarked syllable", "中國(zhōng guo)", "中國(zhōng guo)", 0},

		// Shapes of annotations.
		{"full-width parens", "全角（lǐng）導（dǎo）", "全角導", 2},
		{"mixed widths", "領(lǐng）導（dǎo)", "領導", 2},
		{"syllable list", "多音節(duō yīn jié)", "多音節", 1},
		{"padded", "領( lǐng  )導", "領導", 1},
		{"ideographic space", "領(lǐng\u3000dǎo)導", "領導", 1},
		{"apostrophe", "西安(xī'ān)市", "西安市", 1},
		{"curly apostrophe", "西安(xī’ān)市", "西安市", 1},
		{"hyphen and middle dot", "A漢(hàn-zì·pīn)B", "A漢B", 1},
		{"capitals", "北京(Běijīng)、中國(ZHŌNG)", "北京、中國", 2},
		{"u umlaut", "女(nǚ)綠(lǜ)驢(lǘ)略(lüè)", "女綠驢略", 4},
		{"rare nasal tones", "嗯(ń)(ň)(ǹ)呣(ḿ)", "嗯呣", 4},
		{"decomposed tone", "領(li\u030cng)導", "領導", 1},
		{"decomposed u umlaut", "綠(lu\u0308\u0300)", "綠", 1},
		{"lone combining mark", "領(\u030cng)導", "領(\u030cng)導", 0},
		{"consecutive annotations", "領(lǐng)(lǐng)導", "領導", 2},
		{"cafe", "咖啡(Café)", "咖啡", 1},
		{"extension B han", "𠀀(ā)", "𠀀", 1},
		{"invalid utf-8", "\xff(lǐng)\xe9\xa0(dǎo)", "\xff(lǐng)\xe9\xa0(dǎo)", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n := StripPinyin(tc.in)
			if got != tc.want || n != tc.n {
				t.Errorf("StripPinyin(%q)\n got %q, %d\nwant %q, %d", tc.in, got, n, tc.want, tc.n)
			}
			// NFKC keeps tone marks and turns （） into (), so it commutes
			// with stripping.
			nfkc, _ := StripPinyin(norm.NFKC.String(tc.in))
			if want := norm.NFKC.String(tc.want); utf8.ValidString(tc.in) && nfkc != want {
				t.Errorf("after NFKC: got %q, want %q", nfkc, want)
			}
		})
	}
}

func TestStripPinyinNoAlloc(t *testing.T) {
	for _, s := range []string{
		"",
		"在市委市政府正确领导下,市司法局奋力扛起法治建设统筹协调。(一)(GDP)(102个主项,208个实施清单)",
		"我的(de)书 Ling(lǐng) 領 (lǐng)",
		strings.Repeat("（一）依法(商事)調解", 200),
	} {
		var got string
		if a := testing.AllocsPerRun(100, func() { got, _ = StripPinyin(s) }); a != 0 {
			t.Errorf("StripPinyin(%.20q…) allocates %v times", s, a)
		}
		if got != s {
			t.Errorf("StripPinyin(%.20q…) changed the text", s)
		}
	}
}

func TestPinyinLooksMirrored(t *testing.T) {
	genuine := strings.Repeat("在市委市政府正确领导下,市司法局奋力扛起法治建设统筹协调的重要责任。", 10) // 330 Han
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"empty", "", false},
		{"simplified report", genuine, false},
		{"seed 001 line", "2020年,在市委市政府正確領(lǐng)導(dǎo)下,市司法局奮力扛起法治建設(shè)統(tǒng)籌協(xié)調(diào)、組織推動的重要責(zé)任,", true},
		{"two glosses in a short text", "安徽亳(bó)州、六(lù)安两市", false},
		{"three glosses in a short text", "安徽亳(bó)州、六(lù)安和重庆涪(fú)陵", true},
		{"three glosses in a long text", genuine + "亳(bó)州、六(lù)安和涪(fú)陵", false},
		{"four glosses in 329 han", genuine + "亳(bó)州、六(lù)安和涪(fú)陵亳(bó)州", true},
		{"neutral tone only", "的(de)的(de)的(de)的(de)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LooksMirrored(tc.in); got != tc.want {
				_, n := StripPinyin(tc.in)
				t.Errorf("LooksMirrored = %v, want %v (%d annotations)", got, tc.want, n)
			}
		})
	}
}

// toneGroup matches a parenthesised group holding a tone-marked letter.
var toneGroup = regexp.MustCompile(`[(（][^()（）]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛŃŇǸḾ][^()（）]*[)）]`)

// depsPinyinRe is the regexp suggested in DEPS.md §3, used as an oracle.
var depsPinyinRe = regexp.MustCompile(`(\p{Han})[(（]\s*((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)(?:[\s'’·-]+[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)*)\s*[)）]`)

func TestStripPinyinSeed001(t *testing.T) {
	in := readSeed(t, "001_cae9b31c6e410faa.txt")
	got, n := StripPinyin(in)
	if n < 400 {
		t.Errorf("removed %d annotations, want over 400", n)
	}
	if want := depsPinyinRe.ReplaceAllString(in, "$1"); got != want {
		t.Errorf("output differs from the DEPS.md regexp's")
	}
	// The only tone-marked group left is the mirror's own mojibake, where
	// "(shè)" follows a Latin "O" rather than a Han character.
	left := toneGroup.FindAllStringIndex(got, -1)
	for _, loc := range left {
		r, _ := utf8.DecodeLastRuneInString(got[:loc[0]])
		if unicode.Is(unicode.Han, r) || !strings.HasSuffix(got[:loc[0]], "ㄔO") || got[loc[0]:loc[1]] != "(shè)" {
			t.Errorf("tone-marked group left: %q", got[max(0, loc[0]-9):loc[1]])
		}
	}
	if len(left) > 1 {
		t.Errorf("%d tone-marked groups left, want at most 1", len(left))
	}
	for _, keep := range []string{"(102個主項,208個實施清單)", "(233家)", "(一)", "(社區)", "(商事)", "(市、區)", "(黨組)", "(試行)"} {
		if !strings.Contains(got, keep) {
			t.Errorf("lost %q", keep)
		}
	}
	if again, n2 := StripPinyin(got); again != got || n2 != 0 {
		t.Errorf("second pass removed %d more", n2)
	}
}

func TestPinyinLooksMirroredSeeds(t *testing.T) {
	tests := []struct {
		file string
		want bool
	}{
		{"000_84e877904a05b49a.txt", false},
		{"001_cae9b31c6e410faa.txt", true},
		{"002_d0e23dd29b8b3d89.txt", false},
		{"003_9a0a18787a4b8a2d.txt", false},
		{"004_ae9c8d5517191bf2.txt", false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			s := readSeed(t, tc.file)
			_, n := StripPinyin(s)
			han := 0
			for _, r := range s {
				if unicode.Is(unicode.Han, r) {
					han++
				}
			}
			t.Logf("%d annotations, %d Han characters", n, han)
			if got := LooksMirrored(s); got != tc.want {
				t.Errorf("LooksMirrored = %v, want %v", got, tc.want)
			}
		})
	}
}

// onlyGroupsDeleted reports whether out is in with zero or more groups
// deleted, each starting with "(" or "（" and ending with ")" or "）".
func onlyGroupsDeleted(in, out string) bool {
	failed := make(map[[2]int]bool)
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if i == len(in) && j == len(out) {
			return true
		}
		if failed[[2]int{i, j}] {
			return false
		}
		if i < len(in) && j < len(out) && in[i] == out[j] && walk(i+1, j+1) {
			return true
		}
		if strings.HasPrefix(in[i:], "(") || strings.HasPrefix(in[i:], "（") {
			for k := i + 1; k < len(in); k++ {
				if in[k] == ')' && walk(k+1, j) {
					return true
				}
				if strings.HasPrefix(in[k:], "）") && walk(k+len("）"), j) {
					return true
				}
			}
		}
		failed[[2]int{i, j}] = true
		return false
	}
	return walk(0, 0)
}

func FuzzStripPinyin(f *testing.F) {
	for _, s := range []string{
		"",
		"在市委市政府正確領(lǐng)導(dǎo)下,市司法局奮力扛起法治建設(shè)統(tǒng)籌協調。…(102個主項,208個實施清單)…(通區府辦發〔2020〕15號)…(GDP)…全角（lǐng）…多音節(duō yīn jié)",
		"成為全省首個完成綜合縣(市、區(qū))政府公告的地級市。",
		"探索粵港澳大灣區(qū)(商事)調(diào)解平臺建設(shè)等工作",
		"探索政府立法咨詢專家?guī)旖ㄔO(shè)",
		"領(lǐng)(lǐng)導( dǎo )西安(xī'ān)綠(lu\u0308\u0300)嗯(ń)",
		"領(lǐng）導（dǎo)我的(de)(zhōng guo)",
		"\xff(lǐng)\xe9\xa0(dǎo)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, n := StripPinyin(in)
		if len(out) > len(in) {
			t.Fatalf("output longer than input: %q → %q", in, out)
		}
		if (n == 0) != (out == in) {
			t.Fatalf("n = %d but output %q for input %q", n, out, in)
		}
		if strings.Count(in, "(")+strings.Count(in, "（") < n {
			t.Fatalf("removed %d annotations from %q", n, in)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q: %q", in, out)
		}
		if again, n2 := StripPinyin(out); again != out || n2 != 0 {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
		if LooksMirrored(in) && n < mirrorMinAnnotations {
			t.Fatalf("LooksMirrored(%q) with %d annotations", in, n)
		}
		// The removed spans are ordered parenthesised groups, and the output
		// is what lies between them. For short inputs, check that without
		// the scanner too (the search is cubic in the worst case).
		sc, last, rebuilt := newPinyinScanner(in), 0, ""
		for start, end := sc.next(); start >= 0; start, end = sc.next() {
			g := in[start:end]
			if start < last || !(strings.HasPrefix(g, "(") || strings.HasPrefix(g, "（")) ||
				!(strings.HasSuffix(g, ")") || strings.HasSuffix(g, "）")) {
				t.Fatalf("span %d–%d (%q) of %q is not a parenthesised group after %d", start, end, g, in, last)
			}
			rebuilt += in[last:start]
			last = end
		}
		if rebuilt += in[last:]; rebuilt != out {
			t.Fatalf("output %q is not the input %q less the removed groups (%q)", out, in, rebuilt)
		}
		if len(in) <= 128 && !onlyGroupsDeleted(in, out) {
			t.Fatalf("output is not the input less parenthesised groups: %q → %q", in, out)
		}
	})
}

// mirrorParagraph is a paragraph from seed 001, Traditional with pinyin.
const mirrorParagraph = "一是推行權(quán)責(zé)清單公開,在市政府網(wǎng)站公布權(quán)責(zé)清單(102個主項,208個實施清單)。做好省司法廳委托下放的涉及律師管理、公共法律服務(wù)等權(quán)責(zé)事項承接,進(jìn)一步優(yōu)化律師、公證等省級權(quán)責(zé)事項辦事流程,確保職權(quán)事項放得下、接得住、管得好。\n"

// genuineParagraph is the same paragraph as the official page has it.
const genuineParagraph = "一是推行权责清单公开,在市政府网站公布权责清单(102个主项,208个实施清单)。做好省司法厅委托下放的涉及律师管理、公共法律服务等权责事项承接,进一步优化律师、公证等省级权责事项办事流程,确保职权事项放得下、接得住、管得好。\n"

func BenchmarkStripPinyin(b *testing.B) {
	for _, bc := range []struct{ name, para string }{
		{"mirror", mirrorParagraph},
		{"genuine", genuineParagraph},
	} {
		in := strings.Repeat(bc.para, 20*1024/len(bc.para)+1) // about 20 KB
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				StripPinyin(in)
			}
		})
	}
}

func BenchmarkLooksMirrored(b *testing.B) {
	in := strings.Repeat(genuineParagraph, 20*1024/len(genuineParagraph)+1)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		LooksMirrored(in)
	}
}
