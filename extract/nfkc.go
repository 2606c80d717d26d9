package extract

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nfkcString is norm.NFKC.String(s), faster for the text of Chinese pages:
// ASCII, most of CJK and the usual compatibility characters (full-width
// punctuation and letters, the ideographic space …) are mapped one by one;
// anything else leaves the work to norm.
//
// Mapping rune by rune is NFKC when every rune of the decomposed string is
// a starter (combining class 0, so nothing is reordered) that combines with
// nothing before it (so nothing is composed): NFKC(s) is then the
// concatenation of the runes' NFKD forms. nfkcRunes holds the BMP runes
// whose NFKD form is made of such runes and is their NFKC form too.
func nfkcString(s string) string {
	var (
		b    []byte
		done int // s[:done] is in b
		t    *nfkcTable
	)
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		if cjk3(s, i) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0x10000 {
			return norm.NFKC.String(s)
		}
		if t == nil {
			t = nfkcRunes()
		}
		if t.simple[r>>6]&(1<<(r&63)) == 0 {
			return norm.NFKC.String(s)
		}
		if m, ok := t.mapped[r]; ok {
			if b == nil {
				b = make([]byte, 0, len(s)+8)
			}
			b = append(b, s[done:i]...)
			b = append(b, m...)
			done = i + size
		}
		i += size
	}
	if b == nil {
		return s
	}
	return string(append(b, s[done:]...))
}

type nfkcTable struct {
	simple [0x10000 / 64]uint64 // runes nfkcString maps itself
	mapped map[rune]string      // those of them NFKC changes
}

var nfkcRunes = sync.OnceValue(func() *nfkcTable {
	t := &nfkcTable{mapped: map[rune]string{}}
	starter := func(r rune) bool {
		p := norm.NFKC.PropertiesString(string(r))
		return p.CCC() == 0 && p.BoundaryBefore()
	}
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		if r >= 0x4000 && r <= 0x9FFF {
			continue // nfkcString passes them by (cjk3)
		}
		s := string(r)
		d := norm.NFKD.String(s)
		if norm.NFKC.String(s) != d || !starter(r) {
			continue
		}
		ok := true
		for _, q := range d {
			ok = ok && starter(q)
		}
		if !ok {
			continue
		}
		t.simple[r>>6] |= 1 << (r & 63)
		if d != s {
			t.mapped[r] = d
		}
	}
	return t
})
