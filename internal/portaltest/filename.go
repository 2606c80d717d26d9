package portaltest

import (
	"path"
	"strings"
)

// querySep is what a '?' becomes in a fixture file name. go:embed (like the
// module zip format) rejects '?' in file names, so the query is kept in the
// name behind its percent-encoded separator.
const querySep = "%3F"

// FileName returns the name of the fixture file that serves uri, a URL path
// with an optional query ("/xxgk/list.jsp?page=2"). The rules are:
//
//   - the path is cleaned and its leading "/" removed;
//   - a path that ends in "/" (or is empty) serves "index.html" in that folder;
//   - a query, as sent (no reordering), is appended as "%3F" followed by the
//     query in percent-encoded form: bytes in [A-Za-z0-9] and "-_.~=&+,!()@"
//     stay, an existing %XX escape stays (with upper-case hex), and every
//     other byte, including a '%' that starts no escape, becomes %XX.
//
// So "/xxgk/list.jsp?page=2" is "xxgk/list.jsp%3Fpage=2", "/s/?q=a%20b" is
// "s/index.html%3Fq=a%20b", and "/s?q=中" and "/s?q=%e4%b8%ad" are both
// "s%3Fq=%E4%B8%AD". Every name FileName yields is accepted by go:embed, which
// rejects '?' and the other characters escaped here.
func FileName(uri string) string {
	p, q, _ := strings.Cut(uri, "?")
	dir := p == "" || strings.HasSuffix(p, "/")
	p = path.Clean("/" + p)
	name := strings.TrimPrefix(p, "/")
	if dir || name == "" {
		if name != "" {
			name += "/"
		}
		name += "index.html"
	}
	if q != "" {
		name += querySep + escapeQuery(q)
	}
	return name
}

// escapeQuery percent-encodes every byte of q that is not in the small set go:embed
// and every common file system accept, keeping (and upper-casing) escapes
// that are already there.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~=&+,!()@", c) >= 0:
			b.WriteByte(c)
		case c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]):
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(q[i+1 : i+3]))
			i += 2
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// splitName returns the path part of a fixture file name, without the encoded
// query; its extension decides the default Content-Type.
func splitName(name string) string {
	p, _, _ := strings.Cut(name, querySep)
	return p
}
