package main

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Score is one page's character-bigram precision, recall and F1.
type Score struct {
	P  float64 `json:"p"`
	R  float64 `json:"r"`
	F1 float64 `json:"f1"`
}

// bigrams returns the multiset of character bigrams of s, after NFKC and
// with whitespace, punctuation and invisible (control and format) runes
// dropped, so that line breaks, spacing and full- or half-width
// punctuation do not count. The bigrams run across line ends: the text is
// one sequence of characters.
func bigrams(s string) map[[2]rune]int {
	var rs []rune
	for _, c := range norm.NFKC.String(s) {
		if unicode.IsSpace(c) || unicode.IsPunct(c) || unicode.IsControl(c) || unicode.Is(unicode.Cf, c) {
			continue
		}
		rs = append(rs, c)
	}
	m := make(map[[2]rune]int, len(rs))
	for i := 1; i < len(rs); i++ {
		m[[2]rune{rs[i-1], rs[i]}]++
	}
	return m
}

// score compares an extraction with the gold text. The overlap is the
// multiset intersection of their bigrams. An empty extraction of a
// non-empty gold scores 0 throughout; two empty texts score 1.
func score(got, gold string) Score {
	g, w := bigrams(got), bigrams(gold)
	ng, nw, both := 0, 0, 0
	for b, n := range g {
		ng += n
		both += min(n, w[b])
	}
	for _, n := range w {
		nw += n
	}
	switch {
	case ng == 0 && nw == 0:
		return Score{1, 1, 1}
	case ng == 0 || nw == 0 || both == 0:
		return Score{}
	}
	p := float64(both) / float64(ng)
	r := float64(both) / float64(nw)
	return Score{P: p, R: r, F1: 2 * p * r / (p + r)}
}
