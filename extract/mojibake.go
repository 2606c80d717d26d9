package extract

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Mojibake is a page whose GBK bytes were once read as a Western
// single-byte encoding (ISO-8859-1, ISO-8859-15 or Windows-1252) and
// saved again as UTF-8, sometimes twice: "±±¾©" or "Â±Â±Å¸Â©" for 北京.
// Each layer can be undone mechanically: every rune of the page maps back
// to the one byte it was read from; when those bytes are valid UTF-8 with
// multi-byte sequences, a layer of UTF-8 was read as Latin-1 and the
// bytes are the page one layer down; when they read as GBK text, they
// are the page itself. A page is repaired only as a whole: every
// non-ASCII rune must map to a byte, and the bytes must read as Chinese
// (see gbkPlausible), so a genuine page in a Western language, or a
// Chinese page quoting a few Latin letters, is left alone.

// mojibakeMinLatin is the fewest runes in U+00C0–U+00FF (UTF-8 lead byte
// C3) a page needs before it is examined: mojibake of a Chinese page is
// made of them (GBK's lead bytes run up to F7), a genuine page has few
// or none. One pass of bytes.Count keeps the test cheap.
const mojibakeMinLatin = 32

// mojibakeLayers bounds the layers of UTF-8 read as Latin-1 undone.
const mojibakeLayers = 3

// latinSpecials map the runes above U+00FF of the two Western encodings
// that mojibake comes from back to their bytes; every rune up to U+00FF
// maps to itself. Windows-1252 and ISO-8859-15 disagree on some bytes
// (€ is 0x80 in one and 0xA4 in the other), so each is tried.
var latinSpecials = func() []map[rune]byte {
	var out []map[rune]byte
	for _, cm := range []*charmap.Charmap{charmap.ISO8859_15, charmap.Windows1252} {
		m := map[rune]byte{}
		for b := 0x80; b <= 0xff; b++ {
			if r := cm.DecodeByte(byte(b)); r > 0xff && r != utf8.RuneError {
				m[r] = byte(b)
			}
		}
		out = append(out, m)
	}
	return out
}()

// repairMojibake returns page with its mojibake undone, or page itself
// when it is not mojibake.
func repairMojibake(page []byte) []byte {
	if bytes.Count(page, []byte{0xc3}) < mojibakeMinLatin {
		return page
	}
	cur := page
	for range mojibakeLayers {
		raws := latinBytes(cur)
		if len(raws) == 0 {
			return page
		}
		var next []byte
		for _, raw := range raws {
			if hasMultibyte(raw) && utf8.Valid(raw) {
				next = raw // a layer of UTF-8 read as Latin-1
				break
			}
		}
		if next != nil {
			cur = next
			continue
		}
		for _, raw := range raws {
			if gbkPlausible(raw) {
				if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err == nil {
					return out
				}
			}
		}
		return page
	}
	return page
}

// latinBytes maps every rune of s back to the single byte it was read
// from, once per encoding in latinSpecials (once only when s has no rune
// above U+00FF). It returns nil when s is not valid UTF-8 or has a rune
// that no byte gives, as a page with Chinese text has.
func latinBytes(s []byte) [][]byte {
	special := false
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil
		}
		if r > 0xff {
			if _, ok := latinSpecials[0][r]; !ok {
				if _, ok := latinSpecials[1][r]; !ok {
					return nil
				}
			}
			special = true
		}
		i += size
	}
	tables := latinSpecials
	if !special {
		tables = tables[:1]
	}
	var out [][]byte
	for _, m := range tables {
		raw := make([]byte, 0, len(s))
		ok := true
		for i := 0; i < len(s); {
			if s[i] < utf8.RuneSelf {
				raw = append(raw, s[i])
				i++
				continue
			}
			r, size := utf8.DecodeRune(s[i:])
			i += size
			if r <= 0xff {
				raw = append(raw, byte(r))
			} else if b, found := m[r]; found {
				raw = append(raw, b)
			} else {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, raw)
		}
	}
	return out
}

// hasMultibyte reports whether b has a byte outside ASCII.
func hasMultibyte(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// gbkMinChars is the fewest two-byte GB2312 characters a repaired page
// must have.
const gbkMinChars = 50

// gbkPlausible reports whether b reads as GBK Chinese text: it has at
// least gbkMinChars characters whose two bytes are both in the GB2312
// range (A1–FE), and they are nine in ten of its two-byte sequences. A
// Western text read this way pairs an accented letter with the ASCII
// letter after it, and fails.
func gbkPlausible(b []byte) bool {
	good, pairs := 0, 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x81 || c == 0xff {
			continue
		}
		if i+1 >= len(b) {
			pairs++
			break
		}
		pairs++
		if c >= 0xa1 && b[i+1] >= 0xa1 && b[i+1] <= 0xfe {
			good++
		}
		i++
	}
	return good >= gbkMinChars && good*10 >= pairs*9
}
