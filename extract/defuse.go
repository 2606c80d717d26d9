package extract

import (
	"bytes"
	"slices"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// What defuse inserts. An empty comment is a node wherever it lands and
// holds no text. <wbr> is an element that is foster-parented out of a
// table as text is, and says nothing (an optional line break, no text).
// </frame> closes nothing anywhere (no <frame> is open outside a
// frameset), but takes the parser out of the modes after </body> and
// </html>, in which comments go to <html> or to the document while text
// still goes to the body.
var (
	emptyComment = []byte("<!---->")
	wbr          = []byte("<wbr>")
	leave        = []byte("</frame>")
)

// What defuse writes when it makes formatting inert: a formatting element
// (other than <a>) becomes a <span>, which the parser never reopens, with
// the same attributes; an </a> closes the link before an 8th special
// element.
var (
	spanStart = []byte("<span")
	spanEnd   = []byte("</span")
	endA      = []byte("</a>")
)

// defuse rewrites a page so that golang.org/x/net/html gives every run of
// text (every text token) a node of its own. The parser appends a run to
// the text node before it when nothing was added in between: after a tag
// it ignored, a tag that added nothing there (<html> or <body> in the
// body: their attributes move), or a comment it put elsewhere. The page
// keeps what it says: its tree has the same elements and text, plus empty
// comments and <wbr> elements, and less of <svg> and <math>, which the
// extractor drops whole (skipTags). defuse reads tokens, with the
// parser's tokenizer:
//
//   - an empty comment before every text that follows a tag or doctype:
//     it lands where the text goes, so the text before cannot be
//     appended to. Not before raw text (after <script>, <style>, <title>,
//     <textarea>…, where it would be text) nor before the first text of a
//     <pre> or <listing> (whose first newline the parser drops only when
//     it comes first): the comment goes before those tags instead;
//   - <wbr> after text that the parser foster-parents, text that is not
//     all spaces inside a <table> but outside its cells and caption
//     (followed on a stack of open tables, cells, captions and
//     templates): the comments land in the table, the text and the <wbr>
//     before it;
//   - </frame> after </body> and </html> (see leave), and no </html> after
//     a <frameset>, whose mode after </html> puts comments in the document
//     and white space in <html>;
//   - <svg> and <math> written as <svg/> and <math/>, without what they
//     hold: up to their end tag, or a tag that ends them in the parser
//     (see inForeign). In SVG and MathML the parser reads <title> or
//     <style> as markup where a tokenizer alone reads raw text; with none
//     left, the parser reads the page token by token as defuse did.
//
// With inert, defuse also makes formatting inert, so that the parser's
// list of active formatting elements (see reopenCost) holds at most one
// <a> after its last marker, whatever the page: reopening then creates at
// most one <a> for each tag. The tree keeps the page's text,
// its blocks and its links; only some inline elements and what a
// formatting element's attributes said of text reopened after a block
// (hidden, a class) change:
//
//   - every formatting element other than <a> (<b>, <font>, <nobr>…) is
//     written as a <span> with the same attributes, its end tag as
//     </span>;
//   - an </a> before every special start tag (see tagKinds) from the 8th
//     after an <a> start tag to the next: the parser closes an <a> with
//     fewer than 8 special elements after it (the adoption agency's
//     limit), but leaves a copy of it in the list otherwise.
//
// Otherwise the bytes of b are copied as they are.
func defuse(b []byte, inert bool) []byte {
	z := html.NewTokenizer(bytes.NewReader(b))
	d := defuser{out: make([]byte, 0, len(b)+len(b)/4), inert: inert, afterA: -1}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return d.out
		}
		d.token(z, tt)
	}
}

// A defuser holds what defuse knows of the parser's state.
type defuser struct {
	out []byte
	// open is the stack of open tables (kindTable), cells (kindCell),
	// captions (kindCaption) and templates (kindTemplate), innermost last.
	open []byte
	// foreign is the stack of elements open in the <svg> or <math> being
	// dropped, outermost first; empty when none is.
	foreign []foreignElement
	// prev is what the last token written was, as far as the next text
	// token is concerned.
	prev int
	// frameset: a <frameset> start tag was seen.
	frameset bool
	// inert: formatting is made inert; afterA counts the special elements
	// (see tagKind.specials) started since the last <a> start tag, -1
	// before the first.
	inert  bool
	afterA int
	// name holds the current tag's name (see tagName).
	name [32]byte
}

// tagName returns the name of a tag from its raw bytes, lowered, as the
// tokenizer reads it (up to a space, "/" or ">"), in buf when it fits.
// Tokenizer.TagName would copy every name.
func tagName(raw []byte, buf *[32]byte) []byte {
	raw = raw[1:] // "<"
	if raw[0] == '/' {
		raw = raw[1:]
	}
	if i := bytes.IndexAny(raw, " \n\r\t\f/>"); i >= 0 {
		raw = raw[:i]
	}
	if len(raw) > len(buf) {
		return bytes.ToLower(raw)
	}
	for i, c := range raw {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(raw)]
}

// What the last token written was (defuser.prev).
const (
	afterOther     = iota // text, a comment, the start of the page
	afterTag              // a tag or doctype
	afterRawOpener        // the opener of raw text: what follows is its text
)

const (
	kindTable = iota
	kindCell
	kindCaption
	kindTemplate
)

func (d *defuser) token(z *html.Tokenizer, tt html.TokenType) {
	mark := len(d.out)
	d.out = append(d.out, z.Raw()...)
	var a atom.Atom
	var name []byte
	if tt == html.StartTagToken || tt == html.SelfClosingTagToken || tt == html.EndTagToken {
		name = tagName(d.out[mark:], &d.name)
		a = atom.Lookup(name)
	}
	if len(d.foreign) > 0 && !d.inForeign(z, tt, a, name) {
		d.out = d.out[:mark]
		return
	}
	if d.inert && name != nil {
		d.makeInert(z, tt, a, name, mark)
	}
	prev := d.prev
	d.prev = afterTag
	switch tt {
	case html.TextToken:
		d.prev = afterOther
		// Text to be foster-parented is split by the <wbr> after it (a
		// comment before it would stay in the table); other text by a
		// comment before it.
		foster := prev != afterRawOpener && d.fostering() && !isSpace(z.Raw())
		if prev == afterTag && !foster {
			d.out = slices.Insert(d.out, mark, emptyComment...)
		}
		if foster {
			d.out = append(d.out, wbr...)
		}
	case html.CommentToken:
		d.prev = afterOther
	case html.StartTagToken, html.SelfClosingTagToken:
		d.start(a)
		switch a {
		case atom.Svg, atom.Math:
			if tt == html.StartTagToken {
				d.out = append(d.out[:mark], '<')
				d.out = append(d.out, name...)
				d.out = append(d.out, "/>"...)
				d.foreign = append(d.foreign, foreignElement{name: string(name), ns: string(name)})
				z.AllowCDATA(true)
			}
		case atom.Script, atom.Style, atom.Title, atom.Textarea, atom.Xmp, atom.Iframe,
			atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext:
			d.out = slices.Insert(d.out, mark, emptyComment...)
			d.prev = afterRawOpener
		case atom.Pre, atom.Listing:
			d.out = slices.Insert(d.out, mark, emptyComment...)
			d.prev = afterOther
		}
	case html.EndTagToken:
		d.end(a)
		switch {
		case a == atom.Html && d.frameset:
			d.out = d.out[:mark]
		case a == atom.Html || a == atom.Body:
			d.out = append(d.out, leave...)
		}
	}
}

// makeInert makes the tag just written at mark inert (see defuse).
func (d *defuser) makeInert(z *html.Tokenizer, tt html.TokenType, a atom.Atom, name []byte, mark int) {
	switch a {
	case atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr, atom.S,
		atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U:
		span, n := spanStart, len("<")
		if tt == html.EndTagToken {
			span, n = spanEnd, len("</")
		}
		d.out = append(append(d.out[:mark], span...), z.Raw()[n+len(name):]...)
		return
	case atom.A:
		if tt != html.EndTagToken {
			d.afterA = 0
		}
		return
	}
	if tt == html.EndTagToken || d.afterA < 0 {
		return
	}
	if n := int(lookupTag(name).specials); n > 0 {
		if d.afterA+n >= 8 {
			d.out = slices.Insert(d.out, mark, endA...)
		}
		d.afterA += n
	}
}

// fostering reports whether text would be foster-parented: the innermost
// of the open tables, cells, captions and templates is a table.
func (d *defuser) fostering() bool {
	return len(d.open) > 0 && d.open[len(d.open)-1] == kindTable
}

// top is the kind of the innermost open table, cell, caption or template,
// or -1.
func (d *defuser) top() int {
	if len(d.open) == 0 {
		return -1
	}
	return int(d.open[len(d.open)-1])
}

// start follows a start tag on the stack of tables as the parser does: a
// cell or caption opens only in a table (and closes the cell or caption
// before it), a row or section closes the open cell or caption, a table
// in a table closes it and opens another.
func (d *defuser) start(a atom.Atom) {
	switch a {
	case atom.Frameset:
		d.frameset = true
	case atom.Template:
		d.open = append(d.open, kindTemplate)
	case atom.Table:
		if d.top() != kindTable {
			d.open = append(d.open, kindTable)
		}
	case atom.Td, atom.Th, atom.Caption:
		kind := byte(kindCell)
		if a == atom.Caption {
			kind = kindCaption
		}
		switch d.top() {
		case kindTable:
			d.open = append(d.open, kind)
		case kindCell, kindCaption:
			d.open[len(d.open)-1] = kind
		}
	case atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot, atom.Col, atom.Colgroup:
		if t := d.top(); t == kindCell || t == kindCaption {
			d.open = d.open[:len(d.open)-1]
		}
	}
}

// end follows an end tag on the stack of tables. When in doubt it leaves
// a table open rather than a cell: a <wbr> too many is harmless, a run of
// foster-parented text left to join is not.
func (d *defuser) end(a atom.Atom) {
	switch a {
	case atom.Template:
		if i := bytes.LastIndexByte(d.open, kindTemplate); i >= 0 {
			d.open = d.open[:i]
		}
	case atom.Table:
		// A </table> in a template does not close a table outside it.
		for i := len(d.open) - 1; i >= 0 && d.open[i] != kindTemplate; i-- {
			if d.open[i] == kindTable {
				d.open = d.open[:i]
				break
			}
		}
	case atom.Td, atom.Th, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot:
		if d.top() == kindCell {
			d.open = d.open[:len(d.open)-1]
		}
	case atom.Caption:
		if d.top() == kindCaption {
			d.open = d.open[:len(d.open)-1]
		}
	}
}

// A foreignElement is an element open in a dropped <svg> or <math>, as
// the parser sees it: a foreign element (of SVG or MathML), which may be
// an integration point, whose content is HTML again (foreignObject,
// desc, title; mi, mo, mn, ms, mtext, annotation-xml for HTML); or an
// HTML element inside such a point.
type foreignElement struct {
	name  string
	ns    string // "svg" or "math"; "" for an HTML element
	point bool
}

// html reports whether start tags after e are HTML, not foreign.
func (e foreignElement) html() bool { return e.ns == "" || e.point }

// inForeign follows a token inside a dropped <svg> or <math> as the
// parser would, to find where it ends, and reports whether the token is
// to be written after all: a tag that the parser reads after popping the
// <svg> or <math> (a <p> or <table> in SVG, a <td> in its HTML content
// when it is in a cell …). The end tag of the outermost <svg> or <math>
// ends it too, and is dropped. Only what the extractor sees of pages with
// broken SVG depends on how well this follows the parser: the parser
// never reads anything of what is dropped.
func (d *defuser) inForeign(z *html.Tokenizer, tt html.TokenType, a atom.Atom, name []byte) (write bool) {
	top := d.foreign[len(d.foreign)-1]
	defer func() {
		// The parser's tokenizer reads CDATA sections in foreign elements.
		z.AllowCDATA(len(d.foreign) > 0 && d.foreign[len(d.foreign)-1].ns != "")
	}()
	switch tt {
	case html.StartTagToken, html.SelfClosingTagToken:
		if top.html() && d.closesTablePart(a, true) {
			d.foreign = d.foreign[:0]
			return true
		}
		if !top.html() && (breakout[a] || a == atom.Font && fontBreaksOut(z)) {
			if d.popForeign() {
				return true
			}
			top = d.foreign[len(d.foreign)-1]
		}
		e := foreignElement{name: string(name), ns: top.ns}
		switch {
		case a == atom.Svg && (top.html() || top.name == "annotation-xml"), a == atom.Math && top.html():
			e.ns = e.name
		case top.html():
			e.ns = ""
			if i := d.openHTML("p"); closesP[a] && i >= 0 {
				d.foreign = d.foreign[:i]
			}
		default:
			// A foreign element: its content is not raw text.
			z.NextIsNotRawText()
			e.point = isIntegrationPoint(e.ns, e.name, z)
		}
		if tt == html.StartTagToken {
			d.foreign = append(d.foreign, e)
		}
	case html.EndTagToken:
		if top.ns != "" {
			// In foreign content, the end tag of an open foreign element
			// (up to the first one in HTML) pops it.
			for i := len(d.foreign) - 1; i >= 0 && d.foreign[i].ns != ""; i-- {
				if d.foreign[i].name == string(name) {
					d.foreign = d.foreign[:i]
					return false
				}
			}
			if a == atom.P || a == atom.Br {
				// Read as <p></p> and <br>, which break out.
				return d.popForeign()
			}
		}
		// HTML rules: the end tag of an open HTML element (up to an
		// integration point) pops it; a table's may close the table or
		// cell around the <svg>; any other, outside an integration point,
		// is taken to close an element around the <svg>.
		switch i := d.openHTML(string(name)); {
		case i >= 0:
			d.foreign = d.foreign[:i]
		case d.closesTablePart(a, false),
			!d.inPoint() && a != atom.Body && a != atom.Html:
			d.foreign = d.foreign[:0]
			return true
		}
	}
	return false
}

// openHTML returns the index in d.foreign of the innermost open HTML
// element of that name inside the innermost integration point, or -1.
func (d *defuser) openHTML(name string) int {
	for i := len(d.foreign) - 1; i >= 0 && !d.foreign[i].point; i-- {
		if d.foreign[i].ns == "" && d.foreign[i].name == name {
			return i
		}
	}
	return -1
}

// inPoint reports whether an integration point is open in d.foreign.
func (d *defuser) inPoint() bool {
	return slices.ContainsFunc(d.foreign, func(e foreignElement) bool { return e.point })
}

// closesP holds the start tags that close an open <p> (in the parser's
// body mode; <table> only out of quirks mode, taken as always here).
var closesP = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Center: true, atom.Details: true, atom.Dialog: true, atom.Dir: true, atom.Div: true,
	atom.Dl: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Header: true, atom.Hgroup: true, atom.Main: true, atom.Menu: true,
	atom.Nav: true, atom.Ol: true, atom.P: true, atom.Search: true, atom.Section: true,
	atom.Summary: true, atom.Ul: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Pre: true, atom.Listing: true,
	atom.Form: true, atom.Plaintext: true, atom.Table: true, atom.Hr: true, atom.Xmp: true,
}

// popForeign pops the foreign elements that a start tag breaking out of
// foreign content pops, up to an HTML element or an integration point,
// and reports whether that ends what is dropped.
func (d *defuser) popForeign() bool {
	for len(d.foreign) > 0 && !d.foreign[len(d.foreign)-1].html() {
		d.foreign = d.foreign[:len(d.foreign)-1]
	}
	return len(d.foreign) == 0
}

// closesTablePart reports whether a table tag in the HTML content of a
// dropped <svg> or <math> closes the table, row or cell that holds it (the
// parser's table modes look past foreign elements): when one is open, and
// no table is open in that HTML content.
func (d *defuser) closesTablePart(a atom.Atom, start bool) bool {
	t := d.top()
	if t != kindTable && t != kindCell && t != kindCaption || d.openHTML("table") >= 0 {
		return false
	}
	switch a {
	case atom.Td, atom.Th, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot, atom.Caption:
		return true
	case atom.Col, atom.Colgroup:
		return start
	case atom.Table:
		return !start || t == kindTable
	}
	return false
}

// isIntegrationPoint reports whether a foreign element, the current start
// tag, holds HTML (golang.org/x/net/html's htmlIntegrationPoint and
// mathMLTextIntegrationPoint).
func isIntegrationPoint(ns, name string, z *html.Tokenizer) bool {
	switch ns + " " + name {
	case "svg foreignobject", "svg desc", "svg title", "math mi", "math mo", "math mn", "math ms", "math mtext":
		return true
	case "math annotation-xml":
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			if string(k) == "encoding" {
				return bytes.EqualFold(v, []byte("text/html")) || bytes.EqualFold(v, []byte("application/xhtml+xml"))
			}
		}
	}
	return false
}

// fontBreaksOut reports whether a <font> start tag, the current token,
// ends foreign content: it does with a color, face or size attribute.
func fontBreaksOut(z *html.Tokenizer) bool {
	for more := true; more; {
		var k []byte
		k, _, more = z.TagAttr()
		switch string(k) {
		case "color", "face", "size":
			return true
		}
	}
	return false
}

// breakout holds the start tags that end foreign content in the parser
// (golang.org/x/net/html's breakout, and <font> with some attributes).
var breakout = map[atom.Atom]bool{
	atom.B: true, atom.Big: true, atom.Blockquote: true, atom.Body: true, atom.Br: true,
	atom.Center: true, atom.Code: true, atom.Dd: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Em: true, atom.Embed: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Head: true,
	atom.Hr: true, atom.I: true, atom.Img: true, atom.Li: true, atom.Listing: true,
	atom.Menu: true, atom.Meta: true, atom.Nobr: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Ruby: true, atom.S: true, atom.Small: true, atom.Span: true,
	atom.Strong: true, atom.Strike: true, atom.Sub: true, atom.Sup: true, atom.Table: true,
	atom.Tt: true, atom.U: true, atom.Ul: true, atom.Var: true,
}

// isSpace reports whether raw text is all spaces as the parser's table
// modes see them (" \t\r\n\f"); a character reference counts as text.
func isSpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', '\f':
		default:
			return false
		}
	}
	return true
}
