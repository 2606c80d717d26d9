package pdf

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// run lays s out as glyphs from x on baseline base in a font of em
// points: CJK characters one em wide, others half an em, no gaps. A '|'
// in s adds a gap of gapEm ems instead of a glyph.
func run(s string, x, base, em, gapEm float64) []glyph {
	var gs []glyph
	for _, r := range s {
		if r == '|' {
			x += gapEm * em
			continue
		}
		w := em / 2
		if isCJK(r) {
			w = em
		}
		gs = append(gs, glyph{r: r, left: x, right: x + w, bottom: base - 0.12*em, top: base + 0.88*em, base: base - 0.12*em})
		x += w
	}
	return gs
}

func TestRenderLine(t *testing.T) {
	const em = 12
	for _, tc := range []struct {
		name  string
		s     string
		gap   float64 // ems at each '|'
		rules []rule
		want  string
	}{
		{"cjk", "东湖市司法局", 0, nil, "东湖市司法局"},
		{"cjk-latin autospace dropped", "东湖|2023|年", 0.25, nil, "东湖2023年"},
		{"latin word space", "www|gov|cn", 0.3, nil, "www gov cn"},
		{"doubled letters and dots", "hello......", 0, nil, "hello......"},
		{"justified cjk", "东|湖|市", 0.3, nil, "东湖市"},
		{"typed space between cjk", "东湖|司法局", 1, nil, "东湖 司法局"},
		{"table gap", "项目|本年新收|126", 3, nil, "项目\t本年新收\t126"},
		{"narrow gap across a rule", "项目|合计", 0.6, []rule{{x: 24 + 3.6, bottom: 0, top: 20}}, "项目\t合计"},
		{"rule at a highlight edge", "项目|合计", 0.1, []rule{{x: 24 + 0.6, bottom: 0, top: 20}}, "项目合计"},
		{"rule below the line", "项目|合计", 0.6, []rule{{x: 24 + 3.6, bottom: -30, top: -10}}, "项目合计"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := renderLine(run(tc.s, 0, 0, em, tc.gap), tc.rules, 1)
			if l.text != tc.want {
				t.Errorf("got %q, want %q", l.text, tc.want)
			}
			if want := strings.Count(tc.want, "\t") + 1; l.cells != want {
				t.Errorf("%d cells, want %d", l.cells, want)
			}
		})
	}
}

func TestLayoutLines(t *testing.T) {
	var gs []glyph
	// Content order is not reading order: the second line comes first.
	gs = append(gs, run("第二行", 0, 680, 12, 0)...)
	gs = append(gs, run("第一行", 0, 700, 12, 0)...)
	// A superscript mark raised 3 points stays on its line.
	gs = append(gs, glyph{r: '1', left: 36, right: 40, bottom: 703 - 1, top: 703 + 6, base: 703 - 1})
	// Fake bold: a glyph printed twice, shifted by 0.3 points.
	gs = append(gs, run("粗", 60, 700, 12, 0)...)
	gs = append(gs, run("粗", 60.3, 700, 12, 0)...)
	var got []string
	for _, l := range layoutLines(gs, nil) {
		got = append(got, l.text)
	}
	if want := "第一行1\t粗|第二行"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestDropPageNumbers(t *testing.T) {
	for _, s := range []string{"3", "- 3 -", "— 12 —", "—3—", "第3页", "第 3 页 共 12 页", "3/12", "Page 3 of 12"} {
		ls := []line{{text: "正文", cells: 1}, {text: s, cells: 1}}
		if got := dropPageNumbers(ls); len(got) != 1 {
			t.Errorf("%q kept as a page number", s)
		}
		ls = []line{{text: s, cells: 1}, {text: "正文", cells: 1}}
		if got := dropPageNumbers(ls); len(got) != 1 {
			t.Errorf("%q kept as a page number at the top", s)
		}
	}
	for _, s := range []string{"2024年3月15日", "第三章", "3.5%", "合计\t12"} {
		ls := []line{{text: "正文", cells: 1}, {text: s, cells: strings.Count(s, "\t") + 1}}
		if got := dropPageNumbers(ls); len(got) != 2 {
			t.Errorf("%q dropped as a page number", s)
		}
	}
}

// para lays out lines of text on a page 30 ems wide (left margin 72),
// 1.5 ems apart: a leading '>' indents a line by two ems, a leading '^'
// centres it, a leading '<' aligns it right; "\t" makes a table row.
func para(texts ...string) page {
	const em, left, width = 12.0, 72.0, 30
	var ls []line
	base := 700.0
	for _, s := range texts {
		x := left
		switch {
		case strings.HasPrefix(s, ">"):
			s, x = s[1:], left+2*em
		case strings.HasPrefix(s, "^"):
			s = s[1:]
			x = left + (width-float64(utf8.RuneCountInString(s)))*em/2
		case strings.HasPrefix(s, "<"):
			s = s[1:]
			x = left + (width-float64(utf8.RuneCountInString(s)))*em
		}
		ls = append(ls, line{text: s, left: x, right: x + float64(utf8.RuneCountInString(s))*em,
			base: base, em: em, cells: strings.Count(s, "\t") + 1})
		base -= 1.5 * em
	}
	return newPage(ls)
}

func TestJoinText(t *testing.T) {
	full := strings.Repeat("国", 28) // with a 2-em indent, a full line
	fill := strings.Repeat("国", 30)
	g29, g10 := strings.Repeat("国", 29), strings.Repeat("国", 10)
	for _, tc := range []struct {
		name  string
		pages []page
		want  string
	}{
		{"paragraph", []page{para(">"+full, fill, "完。")}, full + fill + "完。\n"},
		{"next paragraph indented", []page{para(">"+full+"。", ">"+full)}, full + "。\n" + full + "\n"},
		{"line ends a clause", []page{para(">"+full, g29+"：", "下一段")}, full + g29 + "：\n下一段\n"},
		{"sentence end at the margin, full line follows", []page{para(">"+full, g29+"。", fill, "完。")},
			full + g29 + "。" + fill + "完。\n"},
		{"sentence end at the margin, last line follows", []page{para(">"+full, g29+"。", "完。")},
			full + g29 + "。完。\n"},
		{"sentence end at the margin, heading follows", []page{para(">"+full, g29+"。", "二、标题")},
			full + g29 + "。\n二、标题\n"},
		{"block style: sentence end is a paragraph end", []page{para(full+"国国", g29+"。", "完。")},
			full + "国国" + g29 + "。\n完。\n"},
		{"indents seen on a later page", []page{para(full+"国国", g29+"。", fill), para(">"+full, "完。")},
			full + "国国" + g29 + "。" + fill + "\n" + full + "完。\n"},
		{"no indents on any page", []page{para(full+"国国", g29+"。", fill), para(full+"国国", "完。")},
			full + "国国" + g29 + "。\n" + fill + full + "国国完。\n"},
		{"centred title", []page{para("^东湖市司法局2023年度报告", ">"+full)}, "东湖市司法局2023年度报告\n" + full + "\n"},
		{"signature", []page{para(">"+full+"。", "<东湖市司法局", "<2024年3月15日")},
			full + "。\n东湖市司法局\n2024年3月15日\n"},
		{"table rows", []page{para(">"+full, "项目\t本年\t上年", "自然人\t1\t2")},
			full + "\n项目\t本年\t上年\n自然人\t1\t2\n"},
		{"across a page break", []page{para(">"+full, fill), para(g10 + "。")}, full + fill + g10 + "。\n"},
		{"table of contents", []page{para("一、总体情况"+strings.Repeat("…", 22)+"1", "二、主动公开"+strings.Repeat("…", 22)+"2")},
			"一、总体情况" + strings.Repeat("…", 22) + "1\n二、主动公开" + strings.Repeat("…", 22) + "2\n"},
		{"latin words", []page{para(">"+strings.Repeat("a", 28), "b")}, strings.Repeat("a", 28) + " b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := joinText(tc.pages); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	t.Run("paragraph spacing", func(t *testing.T) {
		p := para(full+"国国", fill, fill, fill)
		p.lines[2].base -= 12 // a paragraph's extra space above the third line
		p.lines[3].base -= 12
		if got, want := joinText([]page{p}), full+"国国"+fill+"\n"+fill+fill+"\n"; got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}

// Text that runs upwards on the page (a table turned 90°) reads left to
// right after turn(1), and stacked glyphs are recognised as such.
func TestTurn(t *testing.T) {
	var gs []glyph
	for _, g := range run("项目|本年新收|合计", 0, 0, 12, 3) {
		// Rotate by 90° counter-clockwise about the origin, to x = 300:
		// (x, y) → (300 - y, x).
		gs = append(gs, glyph{r: g.r, left: 300 - g.top, right: 300 - g.bottom, bottom: g.left, top: g.right})
	}
	if ls := layoutLines(append([]glyph(nil), gs...), nil); !stacked(append(ls, ls...)) {
		t.Errorf("upright layout of turned text not seen as stacked: %+v", ls)
	}
	for i := range gs {
		gs[i] = gs[i].turn(1)
	}
	ls := layoutLines(gs, nil)
	if len(ls) != 1 || ls[0].text != "项目\t本年新收\t合计" {
		t.Errorf("after turn(1): %+v", ls)
	}
}
