package main

import (
	"math"
	"testing"
)

func TestScore(t *testing.T) {
	tests := []struct {
		name      string
		got, gold string
		want      Score
	}{
		{"identical", "今天天气很好", "今天天气很好", Score{1, 1, 1}},
		{"both empty", "", "", Score{1, 1, 1}},
		{"nothing extracted", "", "今天天气很好", Score{}},
		{"empty gold", "今天天气", "", Score{}},
		{"no common bigram", "甲乙丙", "丁戊己", Score{}},
		{"spacing and lines ignored", "今天 天气\n很好", "今天天气很好", Score{1, 1, 1}},
		{"punctuation ignored", "今天，天气。很好！", "今天天气很好", Score{1, 1, 1}},
		{"nfkc: full-width letters and digits", "ＡＢ１２", "AB12", Score{1, 1, 1}},
		{"nfkc: full-width punctuation", "“甲乙”（丙丁）", "甲乙丙丁", Score{1, 1, 1}},
		{"invisible runes ignored", "甲\u200b乙\ufeff丙", "甲乙丙", Score{1, 1, 1}},
		// got 甲乙丙丁 has 甲乙 乙丙 丙丁; gold 甲乙丙 has 甲乙 乙丙.
		{"extra text lowers precision", "甲乙丙丁", "甲乙丙", Score{2.0 / 3, 1, 0.8}},
		{"missing text lowers recall", "甲乙丙", "甲乙丙丁", Score{1, 2.0 / 3, 0.8}},
		// A repeated bigram counts as often as it occurs in both.
		{"multiset", "甲乙甲乙", "甲乙", Score{1.0 / 3, 1, 0.5}},
		{"one rune has no bigram", "甲", "甲乙", Score{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := score(tt.got, tt.gold)
			if !near(got.P, tt.want.P) || !near(got.R, tt.want.R) || !near(got.F1, tt.want.F1) {
				t.Errorf("score(%q, %q) = %+v, want %+v", tt.got, tt.gold, got, tt.want)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
