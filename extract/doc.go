// Package extract turns a government report page (decoded HTML bytes) into
// a Document: the report's metadata and its body as plain text. It is pure:
// no network, no disk, no global mutable state. The same bytes, URL and
// Options always give the same Document, and the archive hashes its Text.
//
// A page that is mojibake as a whole, GBK bytes once read as ISO-8859-1,
// ISO-8859-15 or Windows-1252 and saved as UTF-8 (possibly more than
// once: "Â±Â±Å¸Â©" for 北京), is first decoded back to its Chinese text.
// Only a page whose every non-ASCII rune maps back to a byte and whose
// bytes read as GB2312 characters is repaired.
//
// # Nouns
//
// A Document is what one page yields: Title, Published, Source, Kind, Year,
// SiteIDCode (政府网站标识码), Images, ImagesOnly and Text.
//
// An article image is an <img> of the container (below) that shows part
// of the report: a scanned page, a chart. Its address is its lazy-load
// attribute when it has one (data-original, data-src, data-lazy-src …;
// src is then a placeholder), resolved against the page's URL and its
// <base href>; data: URIs are left out. Furniture is left out too: images
// whose width or height attribute (or inline style) is under 100 px;
// whose file name names furniture (logo, icon, qrcode/ewm, share, weixin,
// print, jiucuo, conac, gaba, loading, spacer …); whose alt or title says
// so (二维码, 扫一扫, 党政机关, 找错, 分享, 打印 …); that are links to
// another page or to a script (a share button, a badge; a link to an image
// file, its larger copy, is not); that sit in nav, header, footer or aside
// or in an element whose class or id names furniture; in a directory of
// templates or icons (skin/, style/, icon/ …); and GIFs, and images in a
// directory of the site's own pictures (images/, img/, static/ …), whose
// name carries no date or serial number of four digits or more (editors'
// uploads are named W020240328…, 1313724911409.jpg by the CMS).
// Document.Images lists the article images, in page order, once each.
//
// An images-only page is a report posted as pictures (scanned pages): its
// article holds article images and no text of its own once chrome and a
// date line are left out. Its Document has ImagesOnly set and Text is the
// title line alone, never the page's footer or welcome line. A page with
// text and an illustration keeps its Text and lists the illustration in
// Images. An attachment link is text: a page with a cover picture and a
// link to the report's PDF is not images-only.
//
// Parse turns a page into a tree (golang.org/x/net/html) for Extract and
// for the crawler's list pages, at a cost bounded by the page's size:
//   - The tag budget of a page of n bytes is MaxTags(n): one tag per 40
//     bytes, and never less than 150,000. What counts as a tag is a "<"
//     followed by a letter, "/", "!" or "?": start and end tags, comments,
//     doctypes and processing instructions, everything the parser makes a
//     node of. A page over its budget is not parsed: Parse returns
//     ErrTooComplex (too_complex in a crawl). CheckComplexity counts
//     without parsing.
//   - Defusing is what Parse does first to a large page (tags × bytes over
//     2³²). The parser appends a run of text to the text node before it by
//     string concatenation when nothing was added between them (after a
//     tag it ignores, text foster-parented out of a table, text after
//     </body>), which is quadratic: minutes for a few MB. A defused page
//     gives every run a node of its own: empty comments before text that
//     follows a tag, <wbr> after text foster-parented out of a table,
//     </frame> after </body> and </html>, and <svg> and <math> without
//     their content (which Extract drops anyway). Extract returns the same
//     Document for a page defused or not (checked on every page of the
//     repository, of shared/eval and of the html5lib tests); only some
//     broken SVG or MathML can differ.
//   - Reopening is what the parser does with formatting elements (<a>,
//     <b>, <font>, <i> …) that a block closed before their end tag: it
//     keeps them in its list of active formatting elements and clones
//     them all, with their attributes, before the next text. The
//     reopening cost of a page is an upper bound of what that creates,
//     counted without parsing (one for each element and attribute); its
//     reopening budget is the lesser of 8 for each tag and one for each
//     10 bytes, and at least 4,096. A page over its budget is defused with
//     its formatting made inert: every formatting element other than <a>
//     written as a <span>, which the parser never reopens, and an </a>
//     before the 8th block after an <a>. Real pages are within their
//     budget (some tag soup with <font> left open in every table cell is
//     not); Extract returns the same Document for a page made inert or not
//     (checked as for defusing).
//
// Text is the report body as archived. It is in the normal form of
// NormalizeText, which the attachment readers apply to file texts too:
// NFKC-normalised, one paragraph per line, with lines trimmed, runs of
// spaces collapsed to one, no empty lines, and a final "\n" when not
// empty. Block elements (p, div, li,
// h1–h6, br, tr …) start lines and inline elements flow. A data table gives
// one line per row, with the cells separated by one tab, laid out on the
// table's grid: a column covered by a rowspan or colspan is an empty cell
// (up to 64 columns; a wider grid is written cell after cell), an empty
// cell keeps its tab (so columns do not shift), a row ends with its last
// cell, and a row of empty cells is dropped. A layout table is rendered as blocks
// instead: one where a cell holds a nested table or more than 150 runes,
// or where no row has two cells. The first line of Text is the title;
// lines at the top of the body that repeat it (alone, or split over up to
// three lines) are dropped, so it appears once. Document.Body is Text
// without that line.
//
// A mirror copy is a third-party site's copy of a government page that
// glues pinyin after converted characters ("領(lǐng)導(dǎo)"). When the text
// reads as one (LooksMirrored), Document.Mirror is set and the annotations
// are removed from Title and Text (StripPinyin); real parentheticals stay.
// A genuine page's occasional gloss of a rare name is left alone.
//
// Chrome is everything on the page that is not the report (DOMAIN.md
// §2.9): navigation, breadcrumbs (当前位置), share and print bars (分享到,
// 字号 大 中 小, 打印 关闭), counters (点击数), clocks (今天是…星期…), previous
// and next links, related links, footers (网站标识码, ICP备, 公网安备,
// 主办单位), 政府网站找错 links, the 信息公开 info table (索引号, 发布机构,
// 成文日期, 文号) and so on. Chrome is removed in three ways:
//   - as whole elements: by tag (script, style, form controls, nav, aside,
//     header, footer), hidden by style, forms that do not hold the body
//     (search boxes, polls, comment boxes), lists of links (unless they
//     hold half of the page's paragraph text: a layout table around the
//     body is not a list of links), teaser lists (a list, table or box of
//     three or more items that each begin with a link, the title of
//     another article, and add a summary of up to 200 runes), and short
//     elements whose class or id names furniture (share, print,
//     breadcrumb, dialog, popup …);
//   - as sections: an element whose text begins with the heading of a
//     section that is not the article (相关新闻, 推荐阅读, 热门…, 网友评论,
//     发表评论, 声明:, 免责声明 …) and that does not hold half of the
//     paragraph text. A heading alone in its block takes the following
//     blocks while they are mostly links (after a disclaimer heading,
//     also up to 300 runes of its clauses); the first text block ends it,
//     so a related-links box in the middle of an article takes only
//     itself;
//   - as whole lines: by their wording (only lines under 60 runes, except
//     footer lines carrying a registration number, breadcrumbs, and lines
//     with two metadata labels), and lines under 80 runes whose letters
//     are mostly link text (titles of other articles, with or without
//     their dates). Links to attachments (.pdf, .doc, .xls …) do not count
//     as link text;
//   - as promotions at the edges of the body: lines under 200 runes that
//     name a channel (Facebook, 微博, 微信公众号, 手机报, 手机版, 用手机
//     …) and call the reader to act (关注我们, like, follow, 订阅, 扫码,
//     马上注册, 马上开通, 移动发…到, a 3g./wap./m. address …). Among the first short lines they are dropped; at the end, once
//     only short lines and promotions follow the text, the first
//     promotion and everything after it go.
//
// So a body paragraph that mentions 主办单位 or 打印 is kept. Counters and
// clocks are always removed, so two fetches that differ only in them give
// the same Text.
//
// Link text is the text of <a href> elements of up to 200 runes; longer
// "links" are text that an unclosed <a> swallowed.
//
// A container is the element holding the body. It is, in order:
//  1. the site's Options.ContentSelector (after Options.RemoveSelectors):
//     the match with the most text, or the first that holds an article
//     image when none holds text;
//  2. the first known CMS container (#UCAP-CONTENT, div.TRS_Editor, #zoom,
//     #mainText, div.article-content, [wzades=正文] …) with at least 100
//     runes of non-link text. A generic name (#content, div.content,
//     div.article) must also hold half of the page's paragraph text;
//  3. when the density (4.) finds no article (a paragraph mass of at most
//     1,000 runes, and fewer than 100 runes once chrome, link lines, the
//     title and the site's furniture lines — 主办, 地址, 电话, 备案, 版权,
//     浏览器, 欢迎访问 … — are left out), the
//     container of an images-only article: the first known CMS container
//     that holds an article image, else the nearest element around the
//     visible title that holds one, with at most 300 runes of text of its
//     own and not holding the density's choice;
//  4. by text density, the deepest element holding three quarters of the
//     page's paragraph text (blocks with 10 or more runes whose runes and
//     letters are mostly not links; not the summary of a teaser, a block
//     of up to 200 runes after a heading made only of link text that is
//     not the page's own title), with its short following siblings that
//     are mostly not links, not named as furniture, not the start of a
//     section (a disclaimer) and not a box of teasers.
//
// # Metadata
//
// Metadata is read before any chrome is removed. Each field is taken from
// the first source that has it:
//   - Title: meta ArticleTitle, then the visible heading, then <title>
//     (without a site name after a separator; a site or channel name
//     glued on by a hyphen or colon, "中新视频-…", goes when the body's
//     first line is the title without it).
//   - Published: meta PubDate, then labelled lines (发布时间:, 日期: …).
//   - Source: meta ContentSource, then 来源:, then the info table.
//   - SiteIDCode: meta SiteIDCode, then the 找错 link, then the footer.
//
// When nothing else gives the date, it comes from the URL (/tYYYYMMDD_).
// Classify derives Kind and Year from the title and date.
//
// Version names the rules. It changes whenever a rule change can change
// the Document of an unchanged page.
package extract
