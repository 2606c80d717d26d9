package attachment

import (
	"mime"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// LinkKind says whether a link on a report page points at an attachment,
// from its href (resolved or not) and its text. The kinds and maybe mean:
//
//   - k != KindUnknown, !maybe: the URL names the file: its path ends in
//     .pdf, .docx, .doc, .wps or .ofd, or its query holds such a file name
//     (downfile.jsp?filename=报告.pdf).
//   - k != KindUnknown, maybe: a download endpoint (download.jsp,
//     downfile.jsp?fileid=123, DownLoad.aspx, /attachment/123 …) whose link
//     text names the file ("附件：2023年度报告.pdf"); Sniff the answer.
//   - KindUnknown, maybe: a download endpoint, or a link worded as one
//     ("附件1", "下载", "点击下载"), whose type only the server's answer
//     tells.
//   - KindUnknown, !maybe: not an attachment read here: a page
//     (t20240301_123.html), a javascript:, mailto: or # link, or a file of
//     another format (.zip, .rar, .xls, images …).
func LinkKind(rawURL, text string) (k Kind, maybe bool) {
	raw := strings.TrimSpace(rawURL)
	lower := strings.ToLower(raw)
	if raw == "" || strings.HasPrefix(raw, "#") {
		return KindUnknown, false
	}
	for _, p := range []string{"javascript:", "mailto:", "tel:", "sms:", "data:", "about:", "vbscript:", "file:"} {
		if strings.HasPrefix(lower, p) {
			return KindUnknown, false
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		// A raw space or a bad escape: keep what can be read.
		u = &url.URL{Path: raw}
		if p, q, ok := strings.Cut(raw, "?"); ok {
			u.Path, u.RawQuery = p, q
		}
	}
	seg := lastSegment(u)
	ext := extOf(seg)
	switch {
	case extKind[ext] != KindUnknown:
		return extKind[ext], false
	case otherFileExt[ext]:
		return KindUnknown, false
	}
	if qext := extOf(queryFileName(u.RawQuery)); qext != "" {
		if k := extKind[qext]; k != KindUnknown {
			return k, false
		}
		if otherFileExt[qext] {
			return KindUnknown, false
		}
	}
	if pageExt[ext] && !isDownloadEndpoint(u, seg) {
		return KindUnknown, false
	}
	text = strings.TrimSpace(text)
	tk := KindUnknown
	if m := textFileExt.FindAllStringSubmatch(text, -1); m != nil {
		te := strings.ToLower(m[len(m)-1][1])
		if otherFileExt[te] {
			return KindUnknown, false
		}
		tk = extKind[te]
	}
	if isDownloadEndpoint(u, seg) {
		return tk, true
	}
	// A link without a page extension: its text may say what it is.
	if tk != KindUnknown || attachmentText.MatchString(text) {
		return tk, true
	}
	return KindUnknown, false
}

// textFileExt finds a file name's extension in link text
// ("附件：2023年度报告.pdf（125KB）").
var textFileExt = regexp.MustCompile(`(?i)\.(pdf|docx|doc|wps|ofd|xlsx|xls|et|pptx|ppt|zip|rar|7z|txt|rtf|jpe?g|png)\b`)

// attachmentText is link text that offers a download: 附件, 附件1, 附件：…,
// 下载, 点击下载, 下载附件, 全文下载 …, but not 下载中心.
var attachmentText = regexp.MustCompile(`^(附件\s*[0-9０-９一二三四五六七八九十]*\s*[:：.、]?|(点击|点此|请|立即)?下载(附件|全文|文件|原文|报告)?\s*$|(附件|全文|原文|文件|报告)下载\s*$)`)

// pageExt are extensions of pages rather than files.
var pageExt = map[string]bool{"html": true, "htm": true, "shtml": true, "xhtml": true, "jhtml": true}

// otherFileExt are files that are not read here.
var otherFileExt = map[string]bool{
	"xls": true, "xlsx": true, "et": true, "ett": true, "csv": true,
	"ppt": true, "pptx": true, "dps": true,
	"zip": true, "rar": true, "7z": true, "gz": true, "tar": true,
	"txt": true, "rtf": true, "odt": true, "ods": true, "xml": true,
	"jpg": true, "jpeg": true, "png": true, "gif": true, "bmp": true, "tif": true, "tiff": true, "webp": true,
	"mp3": true, "mp4": true, "avi": true, "wmv": true, "flv": true, "mov": true,
	"exe": true, "apk": true, "caj": true, "ceb": true,
	"css": true, "js": true,
}

// downloadWords in the last path segment make a download endpoint.
var downloadWords = []string{"download", "downfile", "down_file", "filedown", "getfile", "get_file",
	"fileget", "openfile", "attach", "fujian", "fjxz", "xiazai"}

// downloadDirs are path segments under which an id names a file.
var downloadDirs = map[string]bool{"attachment": true, "attachments": true, "attach": true,
	"download": true, "downloads": true, "fujian": true}

// downloadParams are query keys that name a stored file.
var downloadParams = map[string]bool{"fileid": true, "file_id": true, "attachid": true,
	"attachmentid": true, "attach_id": true, "attid": true, "fjid": true}

// isDownloadEndpoint says whether the URL looks like a script that serves
// files: download.jsp, downfile.jsp?fileid=…, DownLoad.aspx?id=…,
// /attachment/12345, …?fileId=….
func isDownloadEndpoint(u *url.URL, seg string) bool {
	name := strings.ToLower(seg)
	for _, w := range downloadWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i, s := range segs[:max(0, len(segs)-1)] {
		if downloadDirs[strings.ToLower(s)] && i+1 < len(segs) && segs[i+1] != "" {
			return true
		}
	}
	for part := range strings.SplitSeq(u.RawQuery, "&") {
		k, _, _ := strings.Cut(part, "=")
		if downloadParams[strings.ToLower(k)] {
			return true
		}
	}
	return false
}

// lastSegment is the URL path's last segment, percent-decoded, without a
// ";jsessionid=…" parameter.
func lastSegment(u *url.URL) string {
	p := u.EscapedPath()
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	p, _, _ = strings.Cut(p, ";")
	return decodeNameBytes(percentDecode(p, false), "")
}

// queryFileName is the first query value that is a file name with an
// extension, decoded: …?filename=%E6%8A%A5%E5%91%8A.pdf gives 报告.pdf,
// …?file=/upload/2024/a.docx gives a.docx.
func queryFileName(rawQuery string) string {
	for part := range strings.SplitSeq(rawQuery, "&") {
		_, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			continue
		}
		name := baseName(decodeNameBytes(percentDecode(v, true), ""))
		if e := extOf(name); extKind[e] != KindUnknown || otherFileExt[e] {
			return name
		}
	}
	return ""
}

// extOf is a file name's extension, lower case without the dot, or "".
func extOf(name string) string {
	e := path.Ext(name)
	if len(e) < 2 || len(e) > 6 {
		return ""
	}
	e = strings.ToLower(e[1:])
	for _, r := range e {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return e
}

// FileName is the attachment's file name, the base name only (never a
// path), or "" when there is none. It is taken from the first of:
//
//  1. the Content-Disposition's filename* (RFC 5987/2231: charset'lang'
//     percent-encoded, UTF-8 or GBK);
//  2. its filename, quoted or not, which may be raw UTF-8, raw GBK/GB18030
//     bytes (as many Chinese IIS and Java servers send), percent-encoded
//     UTF-8 or GBK ("+" read as a space, as Java's URLEncoder writes it),
//     or an RFC 2047 encoded word;
//  3. the URL path's last segment, percent-decoded, or when that is not a
//     file name (a script such as downfile.jsp, or no extension), a file
//     name in the query string (downfile.jsp?filename=报告.pdf).
func FileName(disposition, rawURL string) string {
	if n := dispositionName(disposition); n != "" {
		return n
	}
	return urlFileName(rawURL)
}

// urlFileName is FileName's choice from the URL alone.
func urlFileName(rawURL string) string {
	raw := strings.TrimSpace(rawURL)
	u, err := url.Parse(raw)
	if err != nil {
		u = &url.URL{Path: raw}
		if p, q, ok := strings.Cut(raw, "?"); ok {
			u.Path, u.RawQuery = p, q
		}
	}
	seg := baseName(lastSegment(u))
	if e := extOf(seg); extKind[e] == KindUnknown && !otherFileExt[e] {
		// A script (downfile.jsp) or no extension: a file name in the
		// query says more.
		if q := queryFileName(u.RawQuery); q != "" {
			return q
		}
	}
	return seg
}

// dispositionName is the file name a Content-Disposition gives, or "".
func dispositionName(h string) string {
	params := dispositionParams(h)
	if v, ok := params["filename*"]; ok {
		if n := baseName(decodeExtValue(v)); n != "" {
			return n
		}
	}
	// RFC 2231 continuations: filename*0*=…; filename*1*=…
	var joined strings.Builder
	extended := false
	for i := 0; ; i++ {
		k := "filename*" + strconv.Itoa(i)
		if v, ok := params[k+"*"]; ok {
			extended = extended || i == 0
			joined.WriteString(v)
		} else if v, ok := params[k]; ok {
			joined.WriteString(v)
		} else {
			break
		}
	}
	if joined.Len() > 0 {
		v := joined.String()
		n := ""
		if extended {
			n = decodeExtValue(v)
		} else {
			n = decodePlainName(v)
		}
		if n = baseName(n); n != "" {
			return n
		}
	}
	if v, ok := params["filename"]; ok {
		return baseName(decodePlainName(v))
	}
	if v, ok := params["name"]; ok { // some servers send name= only
		return baseName(decodePlainName(v))
	}
	return ""
}

// dispositionParams splits a Content-Disposition leniently: the
// disposition type may be missing, values may be quoted or not and hold
// raw non-ASCII bytes, and a quoted value may lack its closing quote.
// Keys are lower case; the first of a repeated key wins.
func dispositionParams(h string) map[string]string {
	params := map[string]string{}
	s := h
	for s != "" {
		s = strings.TrimLeft(s, " \t;")
		eq := strings.IndexByte(s, '=')
		semi := strings.IndexByte(s, ';')
		if eq < 0 || (semi >= 0 && semi < eq) {
			// A bare token (the disposition type) or junk.
			if semi < 0 {
				break
			}
			s = s[semi+1:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				c := s[i]
				if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					b.WriteByte(s[i+1])
					i++
					continue
				}
				if c == '"' {
					break
				}
				b.WriteByte(c)
			}
			val = b.String()
			if i < len(s) {
				i++
			}
			s = s[i:]
			if j := strings.IndexByte(s, ';'); j >= 0 {
				s = s[j+1:]
			} else {
				s = ""
			}
		} else {
			val, s, _ = strings.Cut(s, ";")
			val = strings.TrimSpace(val)
		}
		if _, dup := params[key]; !dup && key != "" {
			params[key] = val
		}
	}
	return params
}

// decodeExtValue decodes an RFC 5987 ext-value: charset'language'pct.
func decodeExtValue(v string) string {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return decodeNameBytes(percentDecode(v, false), "")
	}
	return decodeNameBytes(percentDecode(parts[2], false), parts[0])
}

// decodePlainName decodes a filename= value: an RFC 2047 word, percent
// escapes, or raw bytes.
func decodePlainName(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "=?") && strings.Contains(v, "?=") {
		d := mime.WordDecoder{CharsetReader: charsetReader}
		if s, err := d.DecodeHeader(v); err == nil {
			return s
		}
	}
	if hasPercentEscape(v) {
		return decodeNameBytes(percentDecode(v, !strings.Contains(v, " ")), "")
	}
	return decodeNameBytes([]byte(v), "")
}

func hasPercentEscape(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) {
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// percentDecode decodes %XX escapes to bytes, leaving a bad escape as it
// is; with plus, "+" is a space.
func percentDecode(s string, plus bool) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(n))
			i += 2
		case c == '+' && plus:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return b
}

// decodeNameBytes turns a file name's bytes into text. A charset label of
// the GB family is trusted; otherwise valid UTF-8 is UTF-8, then GB18030
// is tried, then ISO-8859-1 (so "café" survives). A string that is
// Latin-1 mojibake of UTF-8 or GBK bytes (every rune below U+0100) is
// repaired first.
func decodeNameBytes(b []byte, charset string) string {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "gbk", "gb2312", "gb18030", "cp936", "x-gbk":
		if s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil {
			return string(s)
		}
	}
	if utf8.Valid(b) {
		s := string(b)
		if latin1Mojibake(s) {
			raw := make([]byte, 0, len(s))
			for _, r := range s {
				raw = append(raw, byte(r))
			}
			return decodeNameBytes(raw, charset)
		}
		return s
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil && !strings.ContainsRune(string(s), utf8.RuneError) && hasHan(string(s)) {
		return string(s)
	}
	s, _ := charmap.ISO8859_1.NewDecoder().Bytes(b)
	return string(s)
}

// latin1Mojibake says whether s looks like bytes read as Latin-1: only
// runes below U+0100, at least two of them in U+0080–U+00FF, and the
// bytes valid UTF-8 or GB18030 with Han characters.
func latin1Mojibake(s string) bool {
	high := 0
	raw := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			return false
		}
		if r >= 0x80 {
			high++
		}
		raw = append(raw, byte(r))
	}
	if high < 2 {
		return false
	}
	if utf8.Valid(raw) {
		return hasHan(string(raw))
	}
	d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	return err == nil && !strings.ContainsRune(string(d), utf8.RuneError) && hasHan(string(d))
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// baseName keeps what follows the last slash or backslash, without
// control characters or surrounding space and quotes; "." and ".." are "".
func baseName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	s = strings.Trim(s, " \t\"'")
	if s == "." || s == ".." {
		return ""
	}
	return s
}
