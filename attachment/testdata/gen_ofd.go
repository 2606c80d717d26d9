//go:build ignore

// gen_ofd writes the OFD test files: report.ofd, the report of
// report.html laid out as a two-page 公文 (GB/T 9704 page: A4, a text
// area 156 mm wide, 28 characters of 16 pt 仿宋 a line, 22 lines a page;
// the text area is cut short at 205 mm so that a paragraph, and a URL in
// it, runs over the page break), and glyphs.ofd, a
// page whose text is stored as glyph indices only. No OFD producer is
// packaged in Debian, so the files follow GB/T 33190 by hand:
//
//	OFD.xml                         DocBody: DocInfo, DocRoot
//	Doc_0/Document.xml              CommonData (PageArea, PublicRes, TemplatePage), Pages
//	Doc_0/PublicRes.xml             Fonts
//	Doc_0/Tpls/Tpl_0/Content.xml    the template: a letterhead line
//	Doc_0/Pages/Page_N/Content.xml  Template ref, Content/Layer: TextObject (Boundary,
//	                                Font, Size) > TextCode (X, Y, DeltaX with "g n d"
//	                                runs), PathObject table rules
//
// Page 1's BaseLoc is relative to Document.xml, page 2's absolute
// ("/Doc_0/…"): both forms occur in real files. Times are fixed, so the
// output is the same on every run.
//
// Run from attachment/testdata: go run gen_ofd.go
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
)

const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`

// Layout in millimetres.
const (
	left     = 28.0
	width    = 156.0
	top      = 37.0
	bottom   = 205.0 // short of the 公文 page, so that a paragraph runs over the page break
	bodySize = 5.6   // 16 pt
	advance  = width / 28
	pitch    = 10.2 // 22 lines a page
	tblSize  = 4.9  // 14 pt
	tblPitch = 9.0
)

type block struct {
	kind string // title, center, para, heading, row, sign
	text string
	// cells of a table row; a cell may hold two lines split by "\n"
	cells []string
}

var report = []block{
	{kind: "title", text: "XX市司法局2023年度法治政府建设情况报告"},
	{kind: "center", text: "（2024年3月1日）"},
	{kind: "para", text: "2023年，在市委、市政府的坚强领导下，市司法局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《法治政府建设实施纲要（2021—2025年）》，扎实推进法治政府建设各项工作。现将有关情况报告如下。"},
	{kind: "heading", text: "一、主要举措和成效"},
	{kind: "para", text: "（一）深化行政执法规范化建设。全面落实行政执法公示、执法全过程记录、重大执法决定法制审核“三项制度”，全年组织行政执法人员培训6期，培训1,280人次，执法案卷评查合格率达到98.5%。"},
	{kind: "para", text: "（二）加强行政复议和应诉工作。畅通行政复议申请渠道，在12个乡镇（街道）设立行政复议咨询服务点，全年收到行政复议申请9件，依法受理8件，审结8件。"},
	{kind: "para", text: "（三）推进政务公开。依托市政府门户网站（www.xx.gov.cn）主动公开各类政府信息326条，依申请公开办理情况如下表所示。"},
	{kind: "row", cells: []string{"项目", "2022年", "2023年", "增减"}},
	{kind: "row", cells: []string{"本年收到申请数", "35", "42", "+7"}},
	{kind: "row", cells: []string{"本年办结申请数", "33", "41", ""}},
	{kind: "row", cells: []string{"行政复议\n案件（件）", "12", "9", "-3"}},
	{kind: "heading", text: "二、存在的不足"},
	{kind: "para", text: "一是基层执法队伍专业化水平有待提高；二是行政规范性文件备案审查的精细化程度还需加强。"},
	{kind: "heading", text: "三、2024年工作安排"},
	{kind: "para", text: "2024年，市司法局将继续坚持依法行政，持续深化“放管服”改革，加快建设职能科学、权责法定、执法严明、公开公正、智能高效、廉洁诚信、人民满意的法治政府。"},
	{kind: "sign", text: "XX市司法局"},
}

// cols are the table's column edges.
var cols = []float64{left, left + 60, left + 92, left + 124, left + width}

func main() {
	if err := write("report.ofd", reportFiles()); err != nil {
		log.Fatal(err)
	}
	if err := write("glyphs.ofd", glyphFiles()); err != nil {
		log.Fatal(err)
	}
}

// page collects one page's objects.
type page struct {
	b  strings.Builder
	id *int
	y  float64 // baseline of the last line
}

func (p *page) nextID() int { *p.id++; return *p.id }

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 || r >= 0x2014 && r <= 0x201D
}

func adv(r rune, size float64) float64 {
	if wide(r) {
		return size * advance / bodySize
	}
	return size * advance / bodySize / 2
}

// deltaX writes the advances between the characters of s, runs of one
// value as "g n v".
func deltaX(s string, size float64) string {
	rs := []rune(s)
	var parts []string
	for i := 0; i < len(rs)-1; {
		d := adv(rs[i], size)
		j := i + 1
		for j < len(rs)-1 && adv(rs[j], size) == d {
			j++
		}
		if n := j - i; n > 1 {
			parts = append(parts, fmt.Sprintf("g %d %.2f", n, d))
		} else {
			parts = append(parts, fmt.Sprintf("%.2f", d))
		}
		i = j
	}
	return strings.Join(parts, " ")
}

func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += adv(r, size)
	}
	return w
}

// text writes one TextObject at (x, baseline y).
func (p *page) text(x, y float64, s string, font int, size float64) {
	id := p.nextID()
	fmt.Fprintf(&p.b, "      <ofd:TextObject ID=\"%d\" Boundary=\"%.2f %.2f %.2f %.2f\" Font=\"%d\" Size=\"%.2f\">\n",
		id, x, y-size, textWidth(s, size)+1, size*1.3, font, size)
	fmt.Fprintf(&p.b, "        <ofd:FillColor Value=\"0 0 0\"/>\n")
	dx := ""
	if d := deltaX(s, size); d != "" {
		dx = fmt.Sprintf(" DeltaX=%q", d)
	}
	fmt.Fprintf(&p.b, "        <ofd:TextCode X=\"0\" Y=\"%.2f\"%s>%s</ofd:TextCode>\n", size, dx, escape(s))
	fmt.Fprintf(&p.b, "      </ofd:TextObject>\n")
}

// rule draws a table rule from (x0, y0) to (x1, y1).
func (p *page) rule(x0, y0, x1, y1 float64) {
	fmt.Fprintf(&p.b, "      <ofd:PathObject ID=\"%d\" Boundary=\"%.2f %.2f %.2f %.2f\" LineWidth=\"0.25\">\n",
		p.nextID(), x0, y0, x1-x0+0.25, y1-y0+0.25)
	fmt.Fprintf(&p.b, "        <ofd:AbbreviatedData>M 0 0 L %.2f %.2f</ofd:AbbreviatedData>\n      </ofd:PathObject>\n", x1-x0, y1-y0)
}

func escape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrap breaks a paragraph into lines of the text width, the first
// indented by two characters.
func wrap(s string, size float64) []string {
	var lines []string
	var cur []rune
	w := 2 * adv('中', size)
	for _, r := range s {
		if w+adv(r, size) > width+0.01 {
			lines = append(lines, string(cur))
			cur, w = nil, 0
		}
		cur = append(cur, r)
		w += adv(r, size)
	}
	return append(lines, string(cur))
}

func reportFiles() map[string]string {
	id := 10
	var pages []*page
	newPage := func() *page {
		p := &page{id: &id, y: top}
		pages = append(pages, p)
		return p
	}
	p := newPage()
	line := func(h float64) {
		if p.y+h > bottom {
			p = newPage()
		}
		p.y += h
	}
	var tableTop float64
	for _, bl := range report {
		switch bl.kind {
		case "title":
			line(pitch * 1.5)
			p.text(left+(width-textWidth(bl.text, 7.76))/2, p.y, bl.text, 6, 7.76)
			p.y += pitch * 0.5
		case "center":
			line(pitch)
			p.text(left+(width-textWidth(bl.text, bodySize))/2, p.y, bl.text, 5, bodySize)
		case "heading":
			line(pitch)
			p.text(left+2*advance, p.y, bl.text, 7, bodySize)
		case "para":
			for i, l := range wrap(bl.text, bodySize) {
				line(pitch)
				x := left
				if i == 0 {
					x += 2 * advance
				}
				p.text(x, p.y, l, 5, bodySize)
			}
		case "sign":
			line(pitch * 2)
			p.text(left+width-4*advance-textWidth(bl.text, bodySize), p.y, bl.text, 5, bodySize)
		case "row":
			lines := 1
			for _, c := range bl.cells {
				lines = max(lines, strings.Count(c, "\n")+1)
			}
			h := tblPitch + float64(lines-1)*tblSize*1.4
			if tableTop == 0 {
				line(2)
				tableTop = p.y
				p.rule(cols[0], p.y, cols[4], p.y)
			}
			rowTop := p.y
			for i, c := range bl.cells {
				for j, l := range strings.Split(c, "\n") {
					if l != "" {
						p.text(cols[i]+1.5, rowTop+tblSize+2+float64(j)*tblSize*1.4, l, 5, tblSize)
					}
				}
			}
			p.y += h
			p.rule(cols[0], p.y, cols[4], p.y)
			if bl.cells[0] == "行政复议\n案件（件）" { // the last row: the vertical rules
				for _, x := range cols {
					p.rule(x, tableTop, x, p.y)
				}
				tableTop = 0
			}
		}
	}
	files := map[string]string{
		"OFD.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD ` + ns + ` Version="1.0" DocType="OFD">
  <ofd:DocBody>
    <ofd:DocInfo>
      <ofd:DocID>6c1f4a2e0b9d4e1a8f3c7d5b2a9e0f11</ofd:DocID>
      <ofd:Title>XX市司法局2023年度法治政府建设情况报告</ofd:Title>
      <ofd:Author>XX市司法局</ofd:Author>
      <ofd:CreationDate>2024-03-01</ofd:CreationDate>
      <ofd:Creator>nianbao attachment/testdata/gen_ofd.go</ofd:Creator>
    </ofd:DocInfo>
    <ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>
  </ofd:DocBody>
</ofd:OFD>
`,
		"Doc_0/PublicRes.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Res ` + ns + ` BaseLoc="Res">
  <ofd:Fonts>
    <ofd:Font ID="5" FontName="仿宋_GB2312" FamilyName="仿宋_GB2312"/>
    <ofd:Font ID="6" FontName="方正小标宋简体" FamilyName="方正小标宋简体"/>
    <ofd:Font ID="7" FontName="黑体" FamilyName="黑体"/>
  </ofd:Fonts>
</ofd:Res>
`,
		"Doc_0/Tpls/Tpl_0/Content.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page ` + ns + `>
  <ofd:Content>
    <ofd:Layer ID="3" Type="Background">
      <ofd:TextObject ID="4" Boundary="28 12 156 8" Font="6" Size="6.35">
        <ofd:FillColor Value="255 0 0"/>
        <ofd:TextCode X="62.1" Y="6.35" DeltaX="g 4 6.35">XX市司法局</ofd:TextCode>
      </ofd:TextObject>
    </ofd:Layer>
  </ofd:Content>
</ofd:Page>
`,
	}
	var pageList strings.Builder
	for i, p := range pages {
		// The page number, centred at the foot, is page content.
		num := fmt.Sprintf("— %d —", i+1)
		p.text(left+(width-textWidth(num, 4.9))/2, 275, num, 5, 4.9)
		files[fmt.Sprintf("Doc_0/Pages/Page_%d/Content.xml", i)] = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page ` + ns + `>
  <ofd:Template TemplateID="2" ZOrder="Background"/>
  <ofd:Content>
    <ofd:Layer ID="` + fmt.Sprint(id+i+1) + `" Type="Body">
` + p.b.String() + `    </ofd:Layer>
  </ofd:Content>
</ofd:Page>
`
		loc := fmt.Sprintf("Pages/Page_%d/Content.xml", i)
		if i%2 == 1 {
			loc = "/Doc_0/" + loc
		}
		fmt.Fprintf(&pageList, "    <ofd:Page ID=\"%d\" BaseLoc=\"%s\"/>\n", 100+i, loc)
	}
	files["Doc_0/Document.xml"] = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document ` + ns + `>
  <ofd:CommonData>
    <ofd:MaxUnitID>` + fmt.Sprint(id+len(pages)+100) + `</ofd:MaxUnitID>
    <ofd:PageArea>
      <ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>
    </ofd:PageArea>
    <ofd:PublicRes>PublicRes.xml</ofd:PublicRes>
    <ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>
  </ofd:CommonData>
  <ofd:Pages>
` + pageList.String() + `  </ofd:Pages>
</ofd:Document>
`
	return files
}

// glyphFiles is a one-page OFD whose TextObjects carry CGTransform glyph
// indices and no TextCode text, as some converters write.
func glyphFiles() map[string]string {
	return map[string]string{
		"OFD.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD ` + ns + ` Version="1.0" DocType="OFD">
  <ofd:DocBody>
    <ofd:DocInfo><ofd:DocID>0f3c9a2b7e6d4c1a9b8e7f6d5c4b3a21</ofd:DocID></ofd:DocInfo>
    <ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot>
  </ofd:DocBody>
</ofd:OFD>
`,
		"Doc_0/Document.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document ` + ns + `>
  <ofd:CommonData>
    <ofd:MaxUnitID>9</ofd:MaxUnitID>
    <ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>
    <ofd:PublicRes>PublicRes.xml</ofd:PublicRes>
  </ofd:CommonData>
  <ofd:Pages>
    <ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>
  </ofd:Pages>
</ofd:Document>
`,
		"Doc_0/PublicRes.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Res ` + ns + ` BaseLoc="Res">
  <ofd:Fonts>
    <ofd:Font ID="2" FontName="E-BZ" FamilyName="E-BZ"><ofd:FontFile>font_2.ttf</ofd:FontFile></ofd:Font>
  </ofd:Fonts>
</ofd:Res>
`,
		"Doc_0/Pages/Page_0/Content.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page ` + ns + `>
  <ofd:Content>
    <ofd:Layer ID="3">
      <ofd:TextObject ID="4" Boundary="28 40 156 8" Font="2" Size="5.6">
        <ofd:CGTransform CodePosition="0" CodeCount="8" GlyphCount="8">
          <ofd:Glyphs>2591 1553 4537 1944 9087 16376 3224 871</ofd:Glyphs>
        </ofd:CGTransform>
      </ofd:TextObject>
      <ofd:TextObject ID="5" Boundary="28 52 156 8" Font="2" Size="5.6">
        <ofd:CGTransform CodePosition="0" CodeCount="4" GlyphCount="4">
          <ofd:Glyphs>12 877 3301 45</ofd:Glyphs>
        </ofd:CGTransform>
      </ofd:TextObject>
    </ofd:Layer>
  </ofd:Content>
</ofd:Page>
`,
	}
}

// write zips files, OFD.xml first, with fixed times.
func write(name string, files map[string]string) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := []string{"OFD.xml"}
	for n := range files {
		if n != "OFD.xml" {
			names = append(names, n)
		}
	}
	slices.Sort(names[1:])
	when := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: when})
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}
