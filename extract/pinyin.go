package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mirror and SEO-spam copies of government pages (DOMAIN.md §2.10) often
// convert the text to Traditional and glue the pinyin of converted
// characters after them: "領(lǐng)導(dǎo)". An annotation is an ASCII or
// full-width opening parenthesis right after a Han character (or right
// after another annotation, so "領(lǐng)(dǎo)" loses both), one or more
// pinyin syllables separated by spaces, apostrophes, hyphens or "·", and
// a closing parenthesis of either width. A syllable is a run of Latin
// letters (a–z, A–Z, ü) with at least one tone mark: a tone-marked vowel
// (āáǎà ēéěè īíǐì ōóǒò ūúǔù ǖǘǚǜ and capitals), one of the rare tone-marked
// nasals ń ň ǹ ḿ, or a combining macron, acute, caron or grave after a
// letter (decomposed input). Spaces may pad the syllables inside the
// parentheses; an annotation never spans a line.
//
// Requiring a tone mark in every syllable is what keeps real
// parentheticals: "(GDP)", "(102個主項,208個實施清單)", "(通區府辦發〔2020〕15號)",
// "(一)", "(社區)". The price is that neutral-tone syllables, which carry no
// mark, are kept: "的(de)" and "麼(me)" survive, as does an annotation with
// one unmarked syllable among marked ones ("(zhōng guo)"). Telling those
// apart from English words would need the ~410 valid pinyin syllables.
// Conversely, a Latin word with an accent in parentheses right after a
// Han character ("咖啡(Café)") is removed.

// mirrorMinAnnotations and mirrorHanPerAnnotation are LooksMirrored's
// threshold: at least mirrorMinAnnotations annotations, and at least one
// per mirrorHanPerAnnotation Han characters.
const (
	mirrorMinAnnotations   = 3
	mirrorHanPerAnnotation = 100
)

// StripPinyin removes pinyin annotations that mirror sites glue after Chinese characters
// ("領(lǐng)導(dǎo)" → "領導") and returns the cleaned text and how many annotations it removed.
// Real parentheticals are kept.
//
// The output is the input with zero or more parenthesised groups deleted,
// and StripPinyin(StripPinyin(s)) equals StripPinyin(s). When there is
// nothing to remove, s itself is returned and nothing is allocated. It
// works the same before and after NFKC normalisation (NFKC turns
// full-width parentheses into ASCII ones and keeps tone marks).
func StripPinyin(s string) (string, int) {
	sc := newPinyinScanner(s)
	start, end := sc.next()
	if start < 0 {
		return s, 0
	}
	var b strings.Builder
	b.Grow(len(s) - (end - start))
	last, n := 0, 0
	for ; start >= 0; start, end = sc.next() {
		b.WriteString(s[last:start])
		last = end
		n++
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// LooksMirrored reports whether a text carries enough pinyin annotations to be a mirror
// site's copy of a government page rather than the page itself.
//
// It needs at least 3 annotations (as StripPinyin counts them) and at
// least one annotation per 100 Han characters of s. A genuine report may
// gloss a rare place name or two ("亳(bó)州"), but even a long one does not
// gloss one character in a hundred. A mirror glosses every character it
// converted: the Jiangmen 2020 copy (seed 001) has 433 annotations in 3,694
// Han characters, about one in nine, so the density threshold leaves a wide
// margin for mirrors that gloss more sparsely. The minimum count keeps a
// short genuine page with one or two glosses from being flagged on density
// alone. Neutral-tone glosses ("(de)") are not annotations and do not count.
func LooksMirrored(s string) bool {
	sc := newPinyinScanner(s)
	n := 0
	for start, _ := sc.next(); start >= 0; start, _ = sc.next() {
		n++
	}
	if n < mirrorMinAnnotations {
		return false
	}
	han := 0
	for _, r := range s {
		if r >= 0x2E80 && unicode.Is(unicode.Han, r) {
			han++
		}
	}
	return n*mirrorHanPerAnnotation >= han
}

// pinyinScanner finds annotations in s from left to right.
type pinyinScanner struct {
	s     string
	pos   int // where the search for the next opening parenthesis resumes
	chain int // end of the last annotation found; a parenthesis there follows Han too
	// full is the offset of the next "（" at or after pos, len(s) when there
	// is none, or -2 before the first search. It is cached so that a text
	// with many "(" and no "（" is not searched again for every "(".
	full int
}

func newPinyinScanner(s string) pinyinScanner {
	return pinyinScanner{s: s, chain: -1, full: -2}
}

const fullOpen = "（" // U+FF08; its closing twin is U+FF09

// next returns the offsets of the next annotation, or -1, -1.
func (sc *pinyinScanner) next() (start, end int) {
	s := sc.s
	for sc.pos < len(s) {
		p, w := sc.paren()
		if p < 0 {
			sc.pos = len(s)
			break
		}
		sc.pos = p + w
		if p != sc.chain {
			r, _ := utf8.DecodeLastRuneInString(s[:p])
			if r < 0x2E80 || !unicode.Is(unicode.Han, r) {
				continue
			}
		}
		if e := pinyinGroupEnd(s, p+w); e > 0 {
			sc.pos, sc.chain = e, e
			return p, e
		}
	}
	return -1, -1
}

// paren returns the offset and width of the next opening parenthesis at or
// after sc.pos, or -1, 0.
func (sc *pinyinScanner) paren() (int, int) {
	s := sc.s
	if sc.full != len(s) && sc.full < sc.pos {
		if i := strings.Index(s[sc.pos:], fullOpen); i >= 0 {
			sc.full = sc.pos + i
		} else {
			sc.full = len(s)
		}
	}
	a := strings.IndexByte(s[sc.pos:], '(')
	if a >= 0 {
		a += sc.pos
	}
	switch {
	case a >= 0 && a < sc.full:
		return a, 1
	case sc.full < len(s):
		return sc.full, len(fullOpen)
	}
	return -1, 0
}

// pinyinGroupEnd reports whether s[i:] starts with the inside of an
// annotation and its closing parenthesis, and if so returns the offset
// just past that parenthesis; otherwise it returns -1.
func pinyinGroupEnd(s string, i int) int {
	i = skipPinyinSpace(s, i)
	for {
		// One syllable.
		letters, toned := 0, false
	syllable:
		for i < len(s) {
			c := s[i]
			if c < utf8.RuneSelf {
				if c|0x20 < 'a' || c|0x20 > 'z' {
					break
				}
				letters++
				i++
				continue
			}
			r, w := utf8.DecodeRuneInString(s[i:])
			switch pinyinRuneClass(r) {
			case pinyinToned:
				toned = true
			case pinyinPlain:
			case pinyinCombiningTone:
				if letters == 0 {
					return -1
				}
				toned = true
			case pinyinCombiningPlain:
				if letters == 0 {
					return -1
				}
			default:
				break syllable
			}
			letters++
			i += w
		}
		if !toned {
			return -1
		}
		// Separators, then another syllable or the closing parenthesis.
		j := skipPinyinSpace(s, i)
		if e := closeParenEnd(s, j); e > 0 {
			return e
		}
		k := skipPinyinSeparators(s, i)
		if k == i {
			return -1 // neither a separator nor a closing parenthesis
		}
		i = k
	}
}

// skipPinyinSeparators skips what may stand between two syllables:
// spaces, apostrophes (' and ’), hyphens and "·".
func skipPinyinSeparators(s string, i int) int {
	for {
		switch j := skipPinyinSpace(s, i); {
		case j > i:
			i = j
		case i < len(s) && (s[i] == '\'' || s[i] == '-'):
			i++
		case strings.HasPrefix(s[i:], "’"):
			i += len("’")
		case strings.HasPrefix(s[i:], "·"):
			i += len("·")
		default:
			return i
		}
	}
}

// closeParenEnd returns the offset past a closing parenthesis of either
// width at s[i:], or -1.
func closeParenEnd(s string, i int) int {
	switch {
	case i < len(s) && s[i] == ')':
		return i + 1
	case strings.HasPrefix(s[i:], "）"):
		return i + len("）")
	}
	return -1
}

// skipPinyinSpace skips spaces, tabs, no-break spaces and ideographic
// spaces (NFKC turns the last two into " "), but not line breaks.
func skipPinyinSpace(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case strings.HasPrefix(s[i:], "\u00a0"):
			i += len("\u00a0")
		case strings.HasPrefix(s[i:], "\u3000"):
			i += len("\u3000")
		default:
			return i
		}
	}
	return i
}

// Classes of non-ASCII runes inside a pinyin syllable.
const (
	pinyinOther          = iota
	pinyinToned          // a letter with a tone mark
	pinyinPlain          // ü, Ü
	pinyinCombiningTone  // U+0300, U+0301, U+0304, U+030C after a letter
	pinyinCombiningPlain // U+0308 after a letter (decomposed ü)
)

func pinyinRuneClass(r rune) int {
	switch r {
	case 'ā', 'á', 'ǎ', 'à', 'ē', 'é', 'ě', 'è', 'ī', 'í', 'ǐ', 'ì',
		'ō', 'ó', 'ǒ', 'ò', 'ū', 'ú', 'ǔ', 'ù', 'ǖ', 'ǘ', 'ǚ', 'ǜ',
		'ń', 'ň', 'ǹ', 'ḿ',
		'Ā', 'Á', 'Ǎ', 'À', 'Ē', 'É', 'Ě', 'È', 'Ī', 'Í', 'Ǐ', 'Ì',
		'Ō', 'Ó', 'Ǒ', 'Ò', 'Ū', 'Ú', 'Ǔ', 'Ù', 'Ǖ', 'Ǘ', 'Ǚ', 'Ǜ',
		'Ń', 'Ň', 'Ǹ', 'Ḿ':
		return pinyinToned
	case 'ü', 'Ü':
		return pinyinPlain
	case '\u0300', '\u0301', '\u0304', '\u030c':
		return pinyinCombiningTone
	case '\u0308':
		return pinyinCombiningPlain
	}
	return pinyinOther
}
