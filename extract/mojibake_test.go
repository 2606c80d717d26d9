package extract

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// misread returns s as a page that was GBK-encoded, read as cm and saved
// as UTF-8, and then (layers-1 times) read as Latin-1 and saved again.
func misread(t *testing.T, s string, cm *charmap.Charmap, layers int) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	for i := range layers {
		m := cm
		if i > 0 {
			m = charmap.ISO8859_1
		}
		if b, err = m.NewDecoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestRepairMojibake(t *testing.T) {
	const (
		title = "北京西直门购物中心发生火灾无人伤亡"
		p1    = "北京市消防局确认:今天下午十五时三十四分,位于西直门立交桥畔的购物中心外墙保温材料发生火灾。不到二十分钟火已扑灭,过火面积仅二十平方米,现场无人员伤亡。"
		p2    = "西直门立交桥是北京的交通枢纽。今天北京天干物燥,下午发生火灾时,附近地区浓烟弥漫,交通一度受到影响,傍晚已恢复正常。"
	)
	page := `<html><head><meta charset="gb2312"><title>` + title + `_新闻网</title></head><body><h1>` + title + `</h1><div id="content"><p>` + p1 + `</p><p>` + p2 + `</p></div></body></html>`
	want := title + "\n" + p1 + "\n" + p2 + "\n"
	for _, tc := range []struct {
		name   string
		cm     *charmap.Charmap
		layers int
	}{
		{"GBK read as ISO-8859-15", charmap.ISO8859_15, 1},
		{"GBK read as Windows-1252", charmap.Windows1252, 1},
		{"GBK read as Latin-1", charmap.ISO8859_1, 1},
		{"GBK read as ISO-8859-15, then as Latin-1 again", charmap.ISO8859_15, 2},
		{"three layers", charmap.Windows1252, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := misread(t, page, tc.cm, tc.layers)
			if strings.Contains(string(bad), "北京") {
				t.Fatal("test page is not mojibake")
			}
			doc, err := Extract(bad, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != want {
				t.Errorf("text:\n%s\nwant:\n%s", doc.Text, want)
			}
			if got := Title(bad); got != title {
				t.Errorf("Title = %q, want %q", got, title)
			}
		})
	}
}

func TestRepairMojibakeLeavesGenuinePages(t *testing.T) {
	french := "<p>" + strings.Repeat("Le conseil a approuvé à l'unanimité le rapport annuel. Élèves, été, où, garçon, Noël, cœur, œuvre, Ÿ. ", 30) + "</p>"
	latinChinese := "<p>" + strings.Repeat("市政府召开常务会议 · 研究部署法治政府建设 © 2024 ", 30) + strings.Repeat("é", 40) + "</p>"
	short := string(misread(t, "<p>北京</p>", charmap.ISO8859_15, 1))
	for name, page := range map[string]string{
		"French":             french,
		"Chinese with Latin": latinChinese,
		"too short":          short + strings.Repeat("é", 40),
	} {
		if got := string(repairMojibake([]byte(page))); got != page {
			t.Errorf("%s: page changed to %.80q", name, got)
		}
	}
}
