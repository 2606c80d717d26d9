package extract

import (
	"bytes"
	"slices"
)

// The reopening budget of a page of n bytes and tags tags: what reopening
// formatting elements may cost (see reopenCost) before Parse makes them
// inert. At most reopenPerTag for each tag and one for each bytesPerReopen
// bytes of the page, and never less than minReopen. A unit is an element
// (112 bytes of the parser's memory) or one of its attributes (48 bytes),
// so what a page within its budget reopens takes at most about 11 times
// its size: a 5.8 MB page at its budget peaks at 135 MB where the same
// page without its 4 formatting elements peaks at 70 MB (the README's
// limits table). Of the 443 real pages of shared/eval and the
// repository's testdata, 441 cost at most 3.8 per tag and one per 14
// bytes (65% of their budget); one with many <font … /> in its table
// cells costs 96%; one with <font> left open in each of 400 table cells
// goes over (8.9 per tag, one per 4.2 bytes) and is parsed inert, with
// the same Document. What they reopen in fact is 20 units or fewer:
// markers keep cells apart, which reopenCost does not follow.
const (
	reopenPerTag   = 8
	bytesPerReopen = 10
	minReopen      = 1 << 12
)

// reopenBudget returns the reopening budget of a page of n bytes and tags
// tags.
func reopenBudget(n, tags int) int {
	return max(minReopen, min(reopenPerTag*tags, n/bytesPerReopen))
}

// reopenCost returns an upper bound of what golang.org/x/net/html creates
// by reopening formatting elements when it parses b: elements and their
// attributes, counted as one each. It stops counting once the bound
// passes limit, and returns a value over limit.
//
// The parser's list of active formatting elements holds the <a>, <b>,
// <big>, <code>, <em>, <font>, <i>, <nobr>, <s>, <small>, <strike>,
// <strong>, <tt> and <u> that are open, or that a tag closed before their
// end tag, and markers (pushed by a <td>, <th>, <caption>, <applet>,
// <object>, <marquee> or <template>). Before a run of text and most start
// tags it clones, with their attributes, the elements of the list after
// its last marker that are no longer open, and opens the clones: until a
// tag closes elements again, there is nothing more to reopen. Every tag
// but a formatting start tag may close elements, so reopenCost adds,
// after each, the length of the list then (an <a>, which closes the <a>
// before it and reopens, the length before it; a <nobr> twice that).
//
// reopenCost follows the tokens as the parser's tokenizer reads them (a
// tokenizer of its own, at the speed of bytes.IndexByte, see scan), and
// keeps, for each formatting element, the start tags that may still be in
// the list. The bound holds on any page because every approximation errs
// on the side of a longer list:
//
//   - each formatting start tag adds to the list, even those the parser
//     ignores (in a <select>, a frameset…);
//   - of identical start tags (same bytes) at most 3 count: the parser
//     keeps 3 of those it finds identical (the Noah's Ark clause), and
//     tags that differ in bytes may only be identical to it;
//   - an end tag (and an <a>, which closes the <a> before it) takes out
//     the last start tag of its name only if the parser certainly does:
//     no table, cell, caption, template, select, object… (what may end
//     the parser's scope for it, or hide it behind a marker) started
//     since, and fewer than 8 special elements (blocks: <div>, <p>,
//     <li>…, the adoption agency's limit), counting the <tbody> and <tr>
//     that a <td> implies;
//   - markers are not followed: a list that may hold elements before one
//     counts them all;
//   - after an <svg> or <math> start tag, where the parser reads CDATA and
//     the text of <title>, <style>… as its tokenizer alone does not,
//     every "<" and a letter counts as a start tag, no end tag takes
//     anything out, and every tag adds the list.
//
// What the adoption agency algorithm clones when an end tag closes a
// formatting element across blocks is not counted: at most 4 elements
// for each of 8 blocks, for the end tag of an element that needed as many
// tags (about 3 elements a tag at worst, measured).
func reopenCost(b []byte, limit int) int {
	r := reopener{page: b, limit: limit}
	r.scan()
	return r.cost
}

// A reopener follows a page's formatting elements for reopenCost.
type reopener struct {
	page  []byte
	limit int
	cost  int
	// specials and scopes count the special elements (with those the
	// parser implies) and the scope boundaries started so far.
	specials, scopes int
	// open holds, for each formatting element, its start tags that may be
	// in the list, last last.
	open [numFormatting][]formattingTag
	// entries is how many start tags open holds.
	entries int
	// keys counts the start tags of open (other than <a>) by their bytes,
	// in no order. They are few on a real page; on a page with many, the
	// cost grows as fast as the time spent looking them up.
	keys []keyCount
	// list bounds the length of the list after its last marker.
	list int
}

// A keyCount is how many start tags of the same bytes a reopener holds.
type keyCount struct {
	key []byte
	n   int
}

// A formattingTag is a formatting start tag that may be in the list.
type formattingTag struct {
	start, end int // its bytes, from its name to its ">": its key
	weight     int // 1 + its attributes: what a clone of it costs
	// specials and scopes: the reopener's counts when it started.
	specials, scopes int
}

// scan follows the tokens of the page as golang.org/x/net/html's tokenizer
// reads them: tags (see readAttrs), comments, bogus comments ("<!…>",
// "<?…>", "</…>" not followed by a letter), raw text and RCDATA up to
// their end tag, script data with its escapes, and <plaintext>, after
// which nothing is markup. A tag that the page ends in is not a token.
func (r *reopener) scan() {
	b := r.page
	p := 0
	for r.cost <= r.limit {
		i := bytes.IndexByte(b[p:], '<')
		if i < 0 {
			return
		}
		p += i
		if p+1 >= len(b) {
			return
		}
		switch c := b[p+1]; {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
			list := r.list
			ne := nameEnd(b, p+2)
			name := b[p+1 : ne]
			t := lookupTag(name)
			end, attrs := readAttrs(b, ne)
			if end < 0 {
				return
			}
			r.start(t, p+1, end, attrs)
			switch {
			case t.kind != tagFormatting:
				r.cost += r.list
			case t.formatting == fmtA:
				r.cost += list // closes the <a> before it, then reopens
			case t.formatting == fmtNobr:
				r.cost += 2 * list // reopens, closes the <nobr> before it, reopens
			}
			p = end
			switch t.kind {
			case tagForeign:
				r.foreign(p)
				return
			case tagPlaintext:
				return
			case tagRaw:
				p = rawTextEnd(b, p, name)
			case tagScript:
				p = scriptEnd(b, p)
			}
			if p < 0 {
				return
			}
			continue
		case c == '/':
			if p+2 >= len(b) {
				return
			}
			switch c := b[p+2]; {
			case c == '>': // "</>" is no token
				p += 3
				continue
			case 'a' <= c|0x20 && c|0x20 <= 'z':
				ne := nameEnd(b, p+3)
				end, _ := readAttrs(b, ne)
				if end < 0 {
					return
				}
				if r.entries > 0 {
					if t := lookupTag(b[p+2 : ne]); t.kind == tagFormatting {
						r.pop(t.formatting)
					}
				}
				r.cost += r.list
				p = end
			default: // a bogus comment
				p = closingAngle(b, p+2)
			}
		case c == '!':
			if p+3 < len(b) && b[p+2] == '-' && b[p+3] == '-' {
				p = commentEnd(b, p+4)
			} else {
				p = closingAngle(b, p+2) // a doctype, CDATA or a bogus comment
			}
		case c == '?':
			p = closingAngle(b, p+2)
		default: // text
			p++
			continue
		}
		if p < 0 {
			return
		}
	}
}

// start follows a start tag of kind t whose bytes from its name are
// b[start:end], with attrs attributes.
func (r *reopener) start(t tagKind, start, end, attrs int) {
	r.specials += int(t.specials)
	if t.scope {
		r.scopes++
	}
	if t.kind != tagFormatting {
		return
	}
	if t.formatting == fmtA {
		r.pop(fmtA) // an <a> closes the <a> before it
	}
	r.push(t.formatting, formattingTag{start: start, end: end, weight: 1 + attrs, specials: r.specials, scopes: r.scopes})
}

func (r *reopener) push(f uint8, t formattingTag) {
	r.open[f] = append(r.open[f], t)
	r.entries++
	r.list += r.count(f, t, +1)
}

// pop takes out the last start tag of formatting element f if the parser
// certainly takes it out of the list: no scope boundary (or marker) and
// fewer than 8 special elements started since.
func (r *reopener) pop(f uint8) {
	open := r.open[f]
	if len(open) == 0 {
		return
	}
	t := open[len(open)-1]
	if t.scopes != r.scopes || r.specials-t.specials >= 8 {
		return
	}
	r.open[f] = open[:len(open)-1]
	r.entries--
	r.list += r.count(f, t, -1)
}

// count counts start tag t of formatting element f in or out (d is +1 or
// -1) and returns by how much the bound of the list changes: by t's weight
// unless 3 identical tags count already. <a> tags are counted without
// keys: they are rarely identical, and an <a> closes the one before it.
func (r *reopener) count(f uint8, t formattingTag, d int) int {
	if f == fmtA {
		return d * t.weight
	}
	key := r.page[t.start:t.end]
	i := slices.IndexFunc(r.keys, func(k keyCount) bool { return bytes.Equal(k.key, key) })
	if i < 0 {
		i = len(r.keys)
		r.keys = append(r.keys, keyCount{key: key})
	}
	n := r.keys[i].n
	if r.keys[i].n += d; r.keys[i].n == 0 {
		r.keys[i] = r.keys[len(r.keys)-1]
		r.keys = r.keys[:len(r.keys)-1]
	}
	if d > 0 && n < 3 || d < 0 && n <= 3 {
		return d * t.weight
	}
	return 0
}

// foreign follows the rest of the page from p, after an <svg> or <math>
// start tag: every "<" and a letter may start a tag (of which the
// formatting ones count), and nothing is taken out.
func (r *reopener) foreign(p int) {
	b := r.page
	for r.cost <= r.limit {
		i := bytes.IndexByte(b[p:], '<')
		if i < 0 || p+i+1 >= len(b) {
			return
		}
		p += i + 1
		switch c := b[p]; {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
			ne := nameEnd(b, p+1)
			if t := lookupTag(b[p:ne]); t.kind == tagFormatting {
				end, attrs := readAttrs(b, ne)
				if end < 0 {
					end = len(b)
				}
				if t.formatting == fmtNobr {
					r.cost += r.list
				}
				r.push(t.formatting, formattingTag{start: p, end: end, weight: 1 + attrs})
			}
		case c != '/' && c != '!' && c != '?':
			continue
		}
		r.cost += r.list // the list only grows: after a token is the longest
	}
}

// The kinds of tag that reopenCost tells apart.
const (
	tagOther = iota
	tagFormatting
	tagSpecial
	tagRaw       // raw text or RCDATA follows, up to its end tag
	tagScript    // script data follows
	tagPlaintext // text follows, to the end of the page
	tagForeign   // <svg> or <math>
)

// The formatting elements, as indexes in reopener.open.
var formattingNames = [...]string{"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}

const (
	numFormatting = len(formattingNames)
	fmtA          = 0
	fmtNobr       = 7
)

// A tagKind is what reopenCost knows of a tag name.
type tagKind struct {
	kind       uint8
	formatting uint8 // the formatting element, for tagFormatting
	// specials is how many special elements a start tag pushes on the
	// parser's stack, with those it implies (a <td>: <tbody>, <tr>, <td>).
	// Void elements push none that stays.
	specials uint8
	// scope: the element ends the parser's scope for formatting elements
	// before it, or pushes a marker, or its mode ignores their end tags.
	scope bool
}

// tagKinds holds the kinds of the tag names that are not tagOther.
var tagKinds = func() map[string]tagKind {
	m := make(map[string]tagKind)
	add := func(k tagKind, names ...string) {
		for _, n := range names {
			m[n] = k
		}
	}
	for i, n := range formattingNames {
		add(tagKind{kind: tagFormatting, formatting: uint8(i)}, n)
	}
	add(tagKind{kind: tagSpecial, specials: 1}, "address", "article", "aside", "blockquote", "button",
		"center", "dd", "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
		"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "li", "listing", "main", "menu",
		"nav", "ol", "p", "pre", "section", "summary", "tbody", "tfoot", "thead", "ul")
	add(tagKind{kind: tagSpecial, specials: 2}, "tr")
	add(tagKind{kind: tagSpecial, specials: 3, scope: true}, "td", "th")
	add(tagKind{kind: tagSpecial, specials: 1, scope: true}, "applet", "caption", "col", "colgroup",
		"frameset", "marquee", "object", "select", "table", "template")
	add(tagKind{kind: tagRaw, specials: 1}, "iframe", "noembed", "noframes", "noscript", "style",
		"textarea", "title", "xmp")
	add(tagKind{kind: tagScript, specials: 1}, "script")
	add(tagKind{kind: tagPlaintext}, "plaintext")
	add(tagKind{kind: tagForeign, scope: true}, "svg", "math")
	return m
}()

// tagTable holds tagKinds by tagHash, for lookupTag: a map lookup would
// take a fifth of reopenCost's time.
var tagTable = func() (t [256]struct {
	name string
	kind tagKind
}) {
	for n, k := range tagKinds {
		h := tagHash([]byte(n))
		if t[h].name != "" {
			panic("extract: tagHash collides: " + n + ", " + t[h].name)
		}
		t[h].name, t[h].kind = n, k
	}
	return t
}()

// tagHash is a hash of a tag name, in any case, without collisions among
// the names of tagKinds (tagTable checks).
func tagHash(name []byte) uint8 {
	n := len(name)
	return uint8(int(name[0]|0x20)*11 + int(name[n-1]|0x20)*28 + n*15 + int(name[n/2]|0x20))
}

// lookupTag returns the kind of a tag name, in any case. A name that
// differs from one of tagKinds only in a byte outside letters and digits
// may be taken for it (a special element counted too many is harmless);
// the names of formatting and raw text elements are letters, matched
// exactly.
func lookupTag(name []byte) tagKind {
	if len(name) == 0 || len(name) > len("blockquote") {
		return tagKind{}
	}
	e := &tagTable[tagHash(name)]
	if len(e.name) != len(name) {
		return tagKind{}
	}
	for i := range len(name) {
		if name[i]|0x20 != e.name[i] {
			return tagKind{}
		}
	}
	return e.kind
}

// nameStop holds the bytes that end a tag name, spaceByte the tokenizer's
// spaces, and keyStop the bytes that end an attribute's key.
var nameStop, spaceByte, keyStop = func() (name, space, key [256]bool) {
	for _, c := range []byte(" \n\r\t\f") {
		name[c], space[c], key[c] = true, true, true
	}
	name['/'], name['>'] = true, true
	key['/'], key['>'], key['='] = true, true, true
	return
}()

// nameEnd returns the end of the tag name that goes on at b[i].
func nameEnd(b []byte, i int) int {
	for i < len(b) && !nameStop[b[i]] {
		i++
	}
	return i
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && spaceByte[b[i]] {
		i++
	}
	return i
}

// readAttrs reads the attributes of a tag from the end of its name at i,
// as golang.org/x/net/html's tokenizer does (a quote opens a value only
// after an "="), and returns the index after the tag's ">", or -1 if the
// page ends in the tag, and how many attributes it read.
func readAttrs(b []byte, i int) (end, attrs int) {
	i = skipSpace(b, i)
	for {
		if i >= len(b) {
			return -1, attrs
		}
		if b[i] == '>' {
			return i + 1, attrs
		}
		// The key, up to a space, "/", "=" or ">"; an "=" first is in it.
		k := i
		if b[i] == '=' {
			i++
		}
		for i < len(b) && !keyStop[b[i]] {
			i++
		}
		if i > k {
			attrs++
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return -1, attrs
		}
		switch b[i] {
		case '/':
			i++
		case '=':
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return -1, attrs
			}
			switch q := b[i]; q {
			case '>':
			case '"', '\'':
				j := bytes.IndexByte(b[i+1:], q)
				if j < 0 {
					return -1, attrs
				}
				i += j + 2
			default:
				for i < len(b) && !spaceByte[b[i]] && b[i] != '>' {
					i++
				}
			}
		}
		i = skipSpace(b, i)
	}
}

// closingAngle returns the index after the first ">" from i, or -1.
func closingAngle(b []byte, i int) int {
	j := bytes.IndexByte(b[i:], '>')
	if j < 0 {
		return -1
	}
	return i + j + 1
}

// commentEnd returns the index after the comment whose text starts at i
// (after "<!--"), or -1: after "-->" or "--!>", or a ">" after only
// dashes ("<!-->", "<!--->").
func commentEnd(b []byte, i int) int {
	j := i
	for j < len(b) && b[j] == '-' {
		j++
	}
	if j < len(b) && b[j] == '>' {
		return j + 1
	}
	for {
		k := bytes.Index(b[i:], []byte("--"))
		if k < 0 {
			return -1
		}
		i += k + len("--")
		switch {
		case i < len(b) && b[i] == '>':
			return i + 1
		case i+1 < len(b) && b[i] == '!' && b[i+1] == '>':
			return i + 2
		}
		i-- // the second dash may start "--" again
	}
}

// endTagAt reports whether b[i:] is the end tag of name (lower case
// letters), as the tokenizer finds it in raw text: "</", the name in any
// case, and a space, "/" or ">".
func endTagAt(b []byte, i int, name string) bool {
	if i+2+len(name) >= len(b) || b[i] != '<' || b[i+1] != '/' {
		return false
	}
	for k := range len(name) {
		if b[i+2+k]|0x20 != name[k] {
			return false
		}
	}
	switch b[i+2+len(name)] {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return true
	}
	return false
}

// rawTextEnd returns the index of the end tag of element name (in any
// case) that ends its raw text or RCDATA, which starts at i, or -1.
func rawTextEnd(b []byte, i int, name []byte) int {
	var buf [len("blockquote")]byte
	for k, c := range name {
		buf[k] = c | 0x20
	}
	lower := string(buf[:len(name)])
	for {
		j := bytes.Index(b[i:], []byte("</"))
		if j < 0 {
			return -1
		}
		i += j
		if endTagAt(b, i, lower) {
			return i
		}
		i += 2
	}
}

// scriptEnd returns the index of the </script> that ends script data
// starting at i, or -1. Without "<!--" before the first </script>, that
// one; otherwise as the tokenizer's escape states find it.
func scriptEnd(b []byte, i int) int {
	end := rawTextEnd(b, i, []byte("script"))
	lim := end
	if lim < 0 {
		lim = len(b)
	}
	if bytes.Contains(b[i:lim], []byte("<!--")) {
		return escapedScriptEnd(b, i)
	}
	return end
}

// escapedScriptEnd follows the tokenizer's script data states (escaped
// after "<!--", double escaped after "<script" in that) from i and
// returns the index of the </script> that ends the script, or -1.
func escapedScriptEnd(b []byte, i int) int {
	const (
		data = iota
		escaped
		escapedDash
		escapedDashDash
		double
		doubleDash
		doubleDashDash
	)
	state := data
	for ; i < len(b); i++ {
		c := b[i]
		switch state {
		case data:
			if c != '<' {
				continue
			}
			if endTagAt(b, i, "script") {
				return i
			}
			if i+3 < len(b) && b[i+1] == '!' && b[i+2] == '-' && b[i+3] == '-' {
				state = escapedDashDash
				i += 3
			}
		case escaped, escapedDash, escapedDashDash:
			switch c {
			case '-':
				state = min(state+1, escapedDashDash)
			case '>':
				if state == escapedDashDash {
					state = data
				} else {
					state = escaped
				}
			case '<':
				switch {
				case endTagAt(b, i, "script"):
					return i
				case i+1 < len(b) && b[i+1] == '/':
					state = escaped
					i++
				case startsScript(b, i+1):
					state = double
					i += len("script") + 1
				case i+1 < len(b) && 'a' <= b[i+1]|0x20 && b[i+1]|0x20 <= 'z':
					state = escaped
				default:
					state = data // as the tokenizer does, not escaped
				}
			default:
				state = escaped
			}
		default: // double escaped
			switch c {
			case '-':
				state = min(state+1, doubleDashDash)
			case '>':
				if state == doubleDashDash {
					state = data
				} else {
					state = double
				}
			case '<':
				switch {
				case endTagAt(b, i, "script"):
					state = escaped
					i += len("</script")
				case i+1 < len(b) && b[i+1] == '/':
					state = double
					i++
				default:
					state = double
				}
			default:
				state = double
			}
		}
	}
	return -1
}

// startsScript reports whether b[i:] starts with "script", in any case,
// and a space, "/" or ">".
func startsScript(b []byte, i int) bool {
	if i+len("script") >= len(b) {
		return false
	}
	for k := range len("script") {
		if b[i+k]|0x20 != "script"[k] {
			return false
		}
	}
	switch b[i+len("script")] {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return true
	}
	return false
}
