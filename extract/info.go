package extract

import (
	"math/bits"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// infoLabels are the fields of the 信息公开 info table (索引号, 发布机构,
// 成文日期, 文号 …). The first ones (up to infoCounted) are distinctive
// enough to recognise the table by; the rest are only parsed.
var infoLabels = []string{
	"索引号", "主题分类", "发布机构", "成文日期", "发文日期", "文号", "发文字号",
	"有效性", "公开方式", "公开范围", "生成日期", "信息分类", "组配分类",
	"体裁分类", "发文机关", "公开时限",
	// parsed, not counted
	"发布日期", "名称", "标题", "关键词", "主题词", "有效期", "服务对象", "信息来源",
}

// infoCounted is the number of infoLabels that recognise the table.
const infoCounted = 16

// infoMinScore and infoMaxRunes recognise the info table: a short element
// with 索引号 and two more labels, or four labels without 索引号.
const (
	infoMinScore = 4
	infoMaxRunes = 800
)

// infoLabelRE finds a label in a rendered line; label characters may be
// spaced out for alignment ("索 引 号").
var infoLabelRE = func() *regexp.Regexp {
	alts := make([]string, len(infoLabels))
	for i, l := range infoLabels {
		alts[i] = strings.Join(strings.Split(l, ""), "[ ]?")
	}
	// longest first: the leftmost alternative that matches wins
	slices.SortStableFunc(alts, func(a, b string) int { return len(b) - len(a) })
	return regexp.MustCompile(`(` + strings.Join(alts, "|") + `)[ ]*:?`)
}()

// infoMaskBytes bounds the text nodes searched for labels: a label sits
// in a short node of its own or with its value.
const infoMaskBytes = 300

// infoMask returns the counted labels present in s as a bit set.
func infoMask(s string) uint32 {
	if len(s) > infoMaskBytes {
		return 0
	}
	if strings.ContainsAny(s, " \t\n\r\u00a0\u3000") {
		s = squash(s)
	}
	var m uint32
	for i, c := range s {
		for _, k := range infoLabelsByRune[c] {
			if strings.HasPrefix(s[i:], infoLabels[k]) {
				m |= 1 << k
			}
		}
	}
	return m
}

// infoLabelsByRune indexes the counted infoLabels by their first rune, so
// that infoMask reads a text node once.
var infoLabelsByRune = func() map[rune][]int {
	m := map[rune][]int{}
	for i, l := range infoLabels[:infoCounted] {
		c, _ := utf8.DecodeRuneInString(l)
		m[c] = append(m[c], i)
	}
	return m
}()

// infoScore counts the labels in m, 索引号 twice.
func infoScore(m uint32) int {
	n := bits.OnesCount32(m)
	if m&1 != 0 { // 索引号
		n++
	}
	return n
}

// findInfoBlocks returns the deepest elements that hold an info table, in
// page order.
func (p *page) findInfoBlocks() []*html.Node {
	var found []*html.Node
	var walk func(n *html.Node) (mask uint32, inside bool)
	walk = func(n *html.Node) (uint32, bool) {
		var mask uint32
		inside := false
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				mask |= infoMask(c.Data)
			case html.ElementNode:
				m, in := walk(c)
				mask |= m
				inside = inside || in
			}
		}
		if inside || n.Type != html.ElementNode || n == p.body || n.DataAtom == atom.Html {
			return mask, inside
		}
		if infoScore(mask) >= infoMinScore && p.st[n].text <= infoMaxRunes {
			found = append(found, enclosingTable(n))
			return mask, true
		}
		return mask, false
	}
	walk(p.body)
	return found
}

// enclosingTable returns the table that n is part of, or n: an info table
// is recognised at its tbody or row, but must be rendered (and removed)
// whole.
func enclosingTable(n *html.Node) *html.Node {
	switch n.DataAtom {
	case atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td, atom.Th:
		for a := n.Parent; a != nil; a = a.Parent {
			if a.DataAtom == atom.Table {
				return a
			}
		}
	}
	return n
}

// parseInfo reads label/value pairs from the info blocks. A value is the
// text between its label and the next label in the same line, or the next
// line when the label ends its line.
func (p *page) parseInfo(blocks []*html.Node) map[string]string {
	info := map[string]string{}
	lines := p.lines(blocks...)
	for li, l := range lines {
		ms := infoLabelRE.FindAllStringSubmatchIndex(l, -1)
		for i, m := range ms {
			end := len(l)
			if i+1 < len(ms) {
				end = ms[i+1][0]
			}
			label := squash(l[m[2]:m[3]])
			v := strings.TrimSpace(strings.ReplaceAll(l[m[1]:end], "\t", " "))
			if v == "" && i == len(ms)-1 && li+1 < len(lines) && !infoLabelRE.MatchString(lines[li+1]) {
				v = lines[li+1]
			}
			if _, ok := info[label]; !ok && v != "" {
				info[label] = v
			}
		}
	}
	return info
}
