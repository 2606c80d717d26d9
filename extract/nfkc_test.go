package extract

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// nfkcString must be norm.NFKC.String: rune by rune, and on strings mixing
// the runes it maps itself with those it leaves to norm (combining marks,
// Hangul jamo, astral runes, invalid bytes).
func TestNFKCString(t *testing.T) {
	var all []rune
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		all = append(all, r)
		s := "a" + string(r) + "中"
		if got, want := nfkcString(s), norm.NFKC.String(s); got != want {
			t.Fatalf("%U: %q, want %q", r, got, want)
		}
	}
	pieces := []string{"a", "A", "e", " ", "\t", "中", "文", "，", "（", "）", "：", "Ａ", "１", "\u3000", "\u00a0", "…", "㎡", "①",
		"\u0301", "\u0308", "\u030c", "\u1100", "\u1161", "\u11a8", "가", "\u0b47", "\u0b3e", "ǅ", "ﬁ", "𝐀", "\xff", "\xe4\xb8",
		"ｶ", "ﾞ", "\u3099", "か", "ㄱ", "ﾡ", "ﾠ", "\u0345", "ι", "Å", "\u212b", "\ufb1d", "\u05b4"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300000 {
		var b strings.Builder
		for n := rng.IntN(8); n >= 0; n-- {
			if rng.IntN(3) == 0 {
				b.WriteRune(all[rng.IntN(len(all))])
			} else {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
		}
		s := b.String()
		if got, want := nfkcString(s), norm.NFKC.String(s); got != want {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	}
}

func FuzzNFKCString(f *testing.F) {
	for _, s := range []string{"中文，（测试）", "ｶﾞ", "e\u0301", "가\u11a8", "\xff\xfe", "Ａ１\u3000…"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := nfkcString(s), norm.NFKC.String(s); got != want {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	})
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"full-width punctuation and digits", "（一）依法行政，“三项制度”：１００％。", "(一)依法行政,“三项制度”:100%。\n"},
		{"ideographic and no-break spaces", "\u3000\u3000正文\u3000\u00a0第二句 ", "正文 第二句\n"},
		{"blank and empty lines dropped", "\n甲\n\n \u3000\n乙\n\n", "甲\n乙\n"},
		{"cells keep their tabs", "项目 \t 2023年 \t\t\n\t\t\n", "项目\t2023年\t\t\n"},
		{"invisible characters", "\ufeff标\u200b题\u00ad\r\n", "标题\n"},
		{"already normal", "标题\n正文,第一段。\n", "标题\n正文,第一段。\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NormalizeText(tc.in)
			if got != tc.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := NormalizeText(got); again != got {
				t.Errorf("not idempotent: %q gives %q", got, again)
			}
		})
	}
}
