package crawler

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Decode converts a page's raw bytes to UTF-8. The encoding is chosen in this
// order: a byte order mark (UTF-16 or UTF-8), as browsers do; the charset of
// the HTTP Content-Type header; else UTF-8 when the bytes are valid UTF-8;
// else the <meta> charset in the page; else fallback (the site's encoding,
// GB18030 by default). GB2312 and GBK are decoded as GB18030, their
// superset, because portals that declare GB2312 routinely serve GBK-only
// characters.
//
// A declared charset is not trusted blindly. The ISO-8859-1 that many Java
// servers send by default is ignored, and whatever charset the header or
// the <meta> names, the page it gives must be plausible (see plausible): a
// header that says UTF-16 over bytes that are not, or Big5 over GBK, gives a
// page whose markup is gone or that is full of U+FFFD, and the next rule
// decides instead. Decode returns the name of the encoding used. `nianbao
// extract` calls it too, so a saved page reads as the crawler read it.
func Decode(body []byte, contentType, fallback string) ([]byte, string, error) {
	valid := utf8.Valid(body)
	if bom := bomCharset(body); bom != "" && (bom != "utf-8" || valid) {
		if bom != "utf-8" {
			body = body[2:] // decodeAs drops a UTF-8 BOM itself
		}
		return decodeAs(body, bom, valid)
	}
	if name := headerCharset(contentType); name != "" && name != "windows-1252" && name != "iso-8859-1" {
		if out, canon, err := decodeAs(body, name, valid); err == nil && plausible(body, out, name, valid) {
			return out, canon, nil
		}
	}
	if valid {
		return decodeAs(body, "utf-8", valid)
	}
	if name := metaCharset(body); name != "" {
		if out, canon, err := decodeAs(body, name, valid); err == nil && plausible(body, out, name, valid) {
			return out, canon, nil
		}
	}
	name := fallback
	if name == "" {
		name = "gb18030"
	}
	return decodeAs(body, name, valid)
}

// decodeAs decodes body from the named encoding; valid says whether body is
// valid UTF-8.
func decodeAs(body []byte, name string, valid bool) ([]byte, string, error) {
	enc, canon, err := lookup(name)
	if err != nil {
		return nil, "", err
	}
	if canon == "utf-8" {
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		if !valid {
			return bytes.ToValidUTF8(body, []byte("\uFFFD")), canon, nil
		}
		return body, canon, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, canon, fmt.Errorf("decode as %s: %w", canon, err)
	}
	return out, canon, nil
}

// bomCharset names the encoding a byte order mark at the start of body
// declares, or "".
func bomCharset(body []byte) string {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		return "utf-8"
	case bytes.HasPrefix(body, []byte("\xff\xfe")):
		return "utf-16le"
	case bytes.HasPrefix(body, []byte("\xfe\xff")):
		return "utf-16be"
	}
	return ""
}

// plausible reports whether out, body decoded from the named encoding, can
// be the page the server meant. Two things give a wrong encoding away,
// whichever it is: the markup is gone (a page of bytes with "<" decodes to a
// text with less than half as many — as bytes read as UTF-16 do, two at a
// time; no byte of a character of GB18030, Big5, Shift_JIS or EUC is a "<"),
// or the decoder met bytes it could not map (U+FFFD for more than one
// character in 200). UTF-8 over valid UTF-8 is always plausible.
func plausible(body, out []byte, name string, valid bool) bool {
	if name == "utf-8" && valid {
		return true
	}
	if lt := bytes.Count(body, []byte("<")); lt > 0 && bytes.Count(out, []byte("<")) < (lt+1)/2 {
		return false
	}
	bad := bytes.Count(out, []byte("\uFFFD"))
	return bad == 0 || bad*200 <= utf8.RuneCount(out)
}

// lookup resolves an encoding label, mapping the GB family to GB18030.
func lookup(label string) (encoding.Encoding, string, error) {
	l := strings.ToLower(strings.TrimSpace(label))
	switch l {
	case "gb2312", "gbk", "gb18030", "gb-18030", "x-gbk", "cp936", "windows-936", "euc-cn", "hz-gb-2312":
		return simplifiedchinese.GB18030, "gb18030", nil
	}
	enc, err := htmlindex.Get(l)
	if err != nil {
		return nil, "", fmt.Errorf("unknown encoding %q", label)
	}
	canon, _ := htmlindex.Name(enc)
	if canon == "gbk" {
		return simplifiedchinese.GB18030, "gb18030", nil
	}
	return enc, canon, nil
}

// headerCharset returns the canonical name of the Content-Type charset, or "".
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	cs := params["charset"]
	if cs == "" {
		return ""
	}
	if _, canon, err := lookup(cs); err == nil {
		return canon
	}
	return ""
}

// metaCharset finds a charset declared in the page: <meta charset>, <meta
// http-equiv=Content-Type>, or an XML declaration. x/net's prescan implements
// the HTML standard but reads only the first 1024 bytes; portals often put
// their <meta> after longer comments and scripts, so a plain search of the
// first 8 KB backs it up.
func metaCharset(body []byte) string {
	if _, name, _ := charset.DetermineEncoding(body, "text/html"); name != "" && name != "windows-1252" && name != "utf-8" {
		if _, canon, err := lookup(name); err == nil {
			return canon
		}
	}
	head := body[:min(len(body), 8<<10)]
	for _, re := range []*regexp.Regexp{metaRe, xmlDeclRe} {
		if m := re.FindSubmatch(head); m != nil {
			if _, canon, err := lookup(string(m[1])); err == nil {
				return canon
			}
		}
	}
	return ""
}

var (
	metaRe    = regexp.MustCompile(`(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_-]+)`)
	xmlDeclRe = regexp.MustCompile(`(?i)^\s*<\?xml[^>]*encoding\s*=\s*["']([a-z0-9_-]+)`)
)
