package attachment

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var oddTexts = flag.String("oddtexts", "", "comma-separated directories of more real texts (*.txt, *.html) for TestOddShareOfRealTexts")

func TestOddRune(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', false}, {'报', false}, {'\t', false}, {'\n', false},
		{'\u3000', false}, // ideographic space
		{'\u00AD', false}, // soft hyphen (a format character)
		{'\u200B', false}, // zero width space
		{'\U00020000', false},
		{'\uFFFD', true},
		{'\x01', true}, {'\x7F', true}, {'\u0085', true}, // C0, DEL, C1
		{'\uE000', true}, {'\uF8FF', true}, {'\U000F0000', true}, {'\U0010FFFD', true}, // private use
		{'\uFDD0', true}, {'\uFFFE', true}, {'\U0001FFFF', true}, // noncharacters
		{'\u0378', true}, {'\U000E0080', true}, // unassigned
	}
	for _, tc := range tests {
		if got := oddRune(tc.r); got != tc.want {
			t.Errorf("oddRune(%U) = %v, want %v", tc.r, got, tc.want)
		}
	}
}

// TestGarbled checks that Reader.Text calls a text of odd code points
// what it is: unreadable, with an error saying how many, not text_status
// ok with the garbage archived.
func TestGarbled(t *testing.T) {
	docx := func(s string) []byte {
		return zipOf(t, "word/document.xml", `<w:document><w:body><w:p><w:r><w:t>`+s+`</w:t></w:r></w:p></w:body></w:document>`)
	}
	tests := []struct {
		name string
		kind Kind
		data []byte
		want string // "": the text is read
	}{
		{"docx of private-use code points", KindDOCX, docx(strings.Repeat("\ue11e\ue236报告", 20)), "40 of 80 characters are odd code points"},
		{"docx of U+FFFD", KindDOCX, docx(strings.Repeat("\ufffd\ufffd\ufffd年", 5)), "15 of 20 characters"},
		{"ofd of unassigned code points", KindOFD, ofdWith(t, textObject(strings.Repeat("\u0378\u0379\u0380报", 10))), "30 of 40 characters"},
		{"ofd of noncharacters", KindOFD, ofdWith(t, textObject(strings.Repeat("\ufdd0报告报告报告报告报", 10))), "10 of 100 characters"},
		{"docx with a few odd", KindDOCX, docx(strings.Repeat("\uf0b7", 9) + "报告"), ""},
		{"docx with under a tenth odd", KindDOCX, docx(strings.Repeat("\uf0b7一二三四五六七八九十", 20)), ""},
	}
	r := NewReader(ReaderConfig{})
	defer r.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Text(context.Background(), tc.kind, tc.data)
			if tc.want == "" {
				if err != nil || got.Status != StatusOK || got.Text == "" {
					t.Errorf("got %+v, %v; want the text", got, err)
				}
				return
			}
			if got.Status != StatusUnreadable || got.Text != "" || !errors.Is(err, errGarbled) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %+v, %v; want unreadable, an error saying %q", got, err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "attachment: "+string(tc.kind)+": ") {
				t.Errorf("error %q lacks the prefix", err)
			}
		})
	}
}

// TestOddShareOfRealTexts checks that no real text is garbled: not the
// golden texts of this package, attachment/pdf and extract, nor the pages
// of the fake portals, nor the texts in the directories given with
// -oddtexts. It logs the largest share of odd code points found.
func TestOddShareOfRealTexts(t *testing.T) {
	patterns := []string{"testdata/*.golden.txt", "pdf/testdata/*.golden.txt", "../extract/testdata/*.golden.txt",
		"../internal/portaltest/*/*/*.html", "../internal/portaltest/*/*/*/*.html"}
	for _, d := range strings.Split(*oddTexts, ",") {
		if d != "" {
			patterns = append(patterns, filepath.Join(d, "*.txt"), filepath.Join(d, "*.html"))
		}
	}
	files, worst, withOdd := 0, 0.0, 0
	for _, p := range patterns {
		names, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			files++
			odd, chars := oddShare(tidy(string(b)))
			if odd > 0 {
				withOdd++
			}
			if share := float64(odd) / float64(max(chars, 1)); share > worst {
				worst = share
				t.Logf("%s: %d of %d characters odd (%.2f%%)", name, odd, chars, 100*share)
			}
			if garbled(odd, chars) {
				t.Errorf("%s: %d of %d characters are odd code points: real text taken for garbled", name, odd, chars)
			}
		}
	}
	if files < 20 {
		t.Fatalf("only %d texts found", files)
	}
	t.Logf("%d texts, %d with odd code points, the most %.2f%%", files, withOdd, 100*worst)
}

// TestBudgets checks that an input over a budget fails with an error that
// names the budget (and how far over it the file is).
func TestBudgets(t *testing.T) {
	rels := `<Relationships>` + strings.Repeat(`<Relationship Type="x/other" Target="a"/>`, maxParts+1) + `</Relationships>`
	const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`
	tests := []struct {
		name string
		read reader
		data []byte
		want string
	}{
		{"ofd pages", OFDText, ofdPages(t, 12000), "attachment: ofd: Doc_0/Document.xml: 12,000 pages: over the budget of 10,000 pages"},
		{"ofd pages of two documents", OFDText, zipOf(t,
			"OFD.xml", `<ofd:OFD `+ns+`><ofd:DocBody><ofd:DocRoot>a.xml</ofd:DocRoot></ofd:DocBody><ofd:DocBody><ofd:DocRoot>b.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
			"a.xml", `<ofd:Document><ofd:Pages>`+strings.Repeat(`<ofd:Page BaseLoc="p.xml"/>`, 6000)+`</ofd:Pages></ofd:Document>`,
			"b.xml", `<ofd:Document><ofd:Pages>`+strings.Repeat(`<ofd:Page BaseLoc="p.xml"/>`, 6000)+`</ofd:Pages></ofd:Document>`,
			"p.xml", `<ofd:Page/>`), "b.xml: 6,000 pages and 6,000 in the documents before it: over the budget of 10,000 pages"},
		{"ofd documents", OFDText, zipOf(t, "OFD.xml", `<OFD>`+strings.Repeat(`<DocBody><DocRoot>a.xml</DocRoot></DocBody>`, maxParts+1)+`</OFD>`),
			"OFD.xml: over the budget of 10,000 documents"},
		{"zip entries", DOCXText, zipEntries(t, 20000), "attachment: docx: 20,000 zip entries: over the budget of 10,000"},
		{"part stated", DOCXText, zipClaiming(t, "word/document.xml", 1<<40), "word/document.xml: states it inflates to 1,048,576 MiB: over the budget of 128 MiB a part"},
		{"nesting", DOCXText, zipOf(t, "word/document.xml", strings.Repeat("<w:p>", 300)), "elements nested 257 deep: over the budget of 256 levels"},
		{"relationships", DOCXText, zipOf(t, "_rels/.rels", rels, "word/document.xml", "<d/>"), "_rels/.rels: over the budget of 10,000 relationships"},
		{"token", DOCXText, zipOf(t, "word/document.xml", `<w:document><w:body><w:p><w:r><w:t>`+strings.Repeat("报告", 1<<20)+`</w:t></w:r></w:p></w:body></w:document>`),
			"word/document.xml: an XML token (text, attributes, a comment) over the budget of 4 MiB"},
		// In GBK, after 16 MiB of small tokens that decode to 24 MiB:
		// the budget counts the part's bytes, token by token.
		{"token in GBK", DOCXText, zipOf(t, "word/document.xml", `<?xml version="1.0" encoding="GBK"?><w:document><w:body>`+
			strings.Repeat("<w:p><w:r><w:t>\xb1\xa8\xb8\xe6</w:t></w:r></w:p>", 16<<20/36)+`<w:p><w:r><w:t>`+strings.Repeat("\xb1\xa8", 5<<19)+`</w:t></w:r></w:p></w:body></w:document>`),
			"an XML token (text, attributes, a comment) over the budget of 4 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.read(tc.data)
			if !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestOddShareOfNoise checks that bytes which are not text, read as text,
// are garbled: random bytes decoded as UTF-16 (as a DOC's pieces are), as
// UTF-8 and as GB18030 (as an XML part may be). It logs the least share of
// odd code points each gives.
func TestOddShareOfNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	decode := []struct {
		name string
		fn   func([]byte) string
	}{
		{"UTF-16", func(b []byte) string {
			u := make([]uint16, len(b)/2)
			for i := range u {
				u[i] = binary.LittleEndian.Uint16(b[2*i:])
			}
			return string(utf16.Decode(u))
		}},
		{"UTF-8", func(b []byte) string { return string(b) }},
		{"GB18030", func(b []byte) string {
			s, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
			return string(s)
		}},
	}
	for _, d := range decode {
		least := 1.0
		for range 200 {
			b := make([]byte, 2000)
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			odd, chars := oddShare(tidy(d.fn(b)))
			least = min(least, float64(odd)/float64(chars))
			if !garbled(odd, chars) {
				t.Errorf("%s: random bytes give %d odd of %d characters: not garbled", d.name, odd, chars)
			}
		}
		t.Logf("random bytes as %s: at least %.1f%% odd code points", d.name, 100*least)
	}
}

// TestTextCancelled checks that a DOCX or OFD is read only while the
// context lasts (a big one takes seconds), and that the error says the
// reading was cut short, not that the file is damaged.
func TestTextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := NewReader(ReaderConfig{})
	defer r.Close()
	for _, tc := range []struct {
		kind Kind
		file string
	}{{KindDOCX, "report.docx"}, {KindOFD, "report.ofd"}} {
		got, err := r.Text(ctx, tc.kind, readTestdata(t, tc.file))
		if !Transient(err) || got.Text != "" {
			t.Errorf("%s: %+v, %v; want a transient error", tc.file, got, err)
		}
	}
}
