// Package crawler fetches one site's list pages and report pages with a
// gocolly/colly collector. It knows nothing about disk: every report page it
// finds is handed, raw bytes and decoded HTML, to the caller's Handler.
//
// A list page is a start page of the site or one of its further pages
// (pagination). A report link is a link on a list page whose title matches
// the site's match pattern — the link's text, its title attribute, the text
// of its list row when the link only says 详细 or 查看, or, when the list
// truncated the title ("…"), the detail page's own title, read by a probe (a
// fetch of the detail page made to learn its title). Links written by
// scripts (document.write, Hanweb's <record><![CDATA[…]]> lists) count too. A Page is one
// fetched report page.
//
// Pagination is followed in four forms: "下一页"-style links, numbered
// siblings (index_2.html), page-number query parameters (?page=2), and the
// TRS createPageHTML(...) script, whose arguments are parsed. At most the
// site's max_pages list pages are read per run, and "下一页" chains stop at a
// page that offers no link not seen before, so calendar-like traps stay
// bounded.
//
// Hanweb (大汉) jpage columns (hanweb.go): a column page carries its first
// group of records in a <script type="text/xml"><datastore>; the jpage (the
// column's pager: its dataproxy.jsp, the column's ids from the <nextgroup>
// link, the records per group and the total) asks for the following groups
// by POST (startrecord/endrecord/perpage in the query, the ids as a form),
// each a list page of its own under max_pages, with the politeness of any
// request. Paging stops at the total (<totalrecord>, totalRecord), at a
// group that brings no new link, or at an answer that is not a datastore
// (an error of kind jpage, naming the request). A POST answer is never
// stored in Options.Lists; the column page's jpage is, with its links. A
// <nextgroup> link to a page (not to dataproxy.jsp) is a next page.
//
// A start report (startreport.go) is a start URL that is a report itself:
// one that answers with a file nianbao reads (handed over as Page.File), or
// a page whose own title matches the site's match and that is no list (no
// report links, no truncated titles that may be reports, no pager script).
// It is handed over as a report, within max_reports, without being
// fetched again.
//
// Discovery (discover.go): a start page may be a portal's home page rather
// than a list. When a start page and the further pages of its list yielded
// no report link (nor a truncated title that may be one), the run looks for
// report columns from it, once every list page is read. A discovery page is
// a page read only to find columns: it is never paged through, and the
// site's discover_pages bounds how many are read per run (0 turns discovery
// off). From the start page, discovery follows links on the site's hosts
// whose text or title names report columns or the way to them (年报, 年度报告,
// 法治政府, 工作报告 first; then 信息公开, 法定主动公开, 通知公告, 依法行政; then
// 政务公开), or, for a link without text, whose URL's last segment does
// (fzzf, ndbg, gknb; xxgk, tzgg; zwgk) — never nav chrome (首页, 登录,
// English, 无障碍 …), columns of another kind (新闻, 动态, 解读, 指南, 服务 …),
// articles, files, or links named like a report (those are reports). It reads
// them breadth first, best ranked first, at most three clicks from the start
// page. A page it reads that has report links (other than links to columns:
// named like reports but with no year, to a folder) is a report column: it
// is read from then on as a list page (pagination and all; it counts against
// max_pages), its own column links are tried too, and it is named in
// Stats.Columns. Links on a column that lead to pages discovery read, or that
// look like columns, are skipped as column_link, not fetched as reports. A
// run whose discovery found no column names the start page in Stats.Skips,
// kind no_report_column ("no report column found within N pages from …").
// Start pages that lead to reports cost nothing more: discovery runs only
// when none of the start pages lists a report. Options.KnownColumns, the
// columns an earlier run found, are read as list pages after the start
// pages; while every one of them lists reports there is no discovery
// either, and those still listing reports are the run's Columns.
//
// Site search (search.go): a search form is a <form> of method GET (or
// none) whose action is on the site's hosts and that has a text input
// named like a query (q, query, keyword(s), searchword, wd, word, kw, key,
// title, sw; any case); POST forms and forms on other hosts are never
// used. Discovery keeps the search forms of the start pages it begins from
// and of the pages it reads (up to three distinct forms: the same form in
// every page's chrome is one). When discovery has read its pages and found
// no report column, each form is sent, once per run, with each phrase of
// the report vocabulary (法治政府建设 报告, then 政府信息公开 年度报告), its
// hidden inputs and selects as the page has them, the fields in the
// form's order (the words encoded as UTF-8). A result page is read as a list page is
// (parseList), but only for its report links: those whose titles match and
// that are on the site's hosts are fetched as a column's are (the others
// are skipped as offsite); it is never a column, nor kept as a list page
// (Options.Lists). A query's pagination (下一页 and numbered siblings) is
// followed while each result page brings a new report link,
// up to ten pages: a search that answers nothing, the same page for every
// query or page, or an error page ends at that page. Result pages count
// against discover_pages with the discovery pages (Stats.DiscoveryPages):
// while a form is known and no column is found, discovery leaves up to
// four of them (never more than half) to the search. Stats.SearchQueries
// counts the queries sent; the log has a "site search" line per query,
// with its result pages and reports. A run whose search found report links
// is not named no_report_column.
//
// Politeness: robots.txt is honoured (read once per host per run, up to
// 500 KiB, its Crawl-delay raising the host's delay), every request carries
// the configured User-Agent, requests to one host are spaced by the site's
// delay (a wait that a cancelled context interrupts at once), and only the
// start pages' hosts and the site's allow_hosts are fetched — redirects
// included: a hop to another host is not followed but skipped as
// offsite_redirect. A URL robots.txt disallows (a link, or a redirect's
// hop) is skipped as robots_disallowed and named in Stats.Skips, never an
// error. robots.txt is fetched like a page (Options.Attempts tries, the same
// backoff); one that still cannot be read whole — unreachable, 5xx, cut off,
// or redirected off the site — forbids the host for the run, as RFC 9309
// asks, and every URL of the host fails with robots.txt's own failure (kind
// network, timeout, http_5xx…, or redirect), which names the cause.
//
// Limits (hostile input): every body is decoded here, whatever its
// Content-Encoding, gzip type or .gz URL, and read up to its limit of
// decoded bytes (MaxBodySize for a page, MaxFileSize for a file; a larger
// one is too_large, never silently truncated); a page over the parser's tag
// budget (extract.CheckComplexity) is too_complex before anything parses it;
// a list page yields at most 10,000 links and 10,000 generated pager pages;
// at most the site's max_reports report links are fetched per run (the
// rest are skipped as reports_over_limit); the pages of one report together
// obey MaxBodySize, and its files together twice MaxFileSize. Stats.Skips
// names the first skipped links a person may act on (an off-site redirect
// with both its ends, reports over the limit, files over the budget).
//
// Faults (fetch.go): a fetch is an attempt or more — timeouts, connection
// errors, 5xx and 429 are tried again, up to Options.Attempts, after an
// exponential backoff with jitter or a (capped) Retry-After. An anti-bot page
// (a challenge or WAF interstitial) is an error of kind blocked, a strike
// against its host: the host's other URLs are still asked, each after a
// longer pause (2, 4, 8 × Options.BlockBackoff), and a URL that comes
// through clears the strikes; at the fourth strike in a row the host is left
// alone for the run (its URLs skipped as blocked_host). Stats.BlockedURLs
// names the URLs that were answered so, Stats.BlockedHosts the hosts given
// up. Report links are fetched in an order that changes from run to run
// (seeded from Options.Now), so a challenged link cannot always come before
// another. Redirect loops and long chains are errors of kind redirect; a
// binary body sent as HTML is skipped as not_html.
//
// Files (files.go): a report link may lead to a file rather than a page —
// the report published as a PDF, DOCX, DOC, WPS or OFD — and a report page
// may link to files (附件). Such requests accept files: the server's answer
// decides (magic bytes first, then Content-Type, Content-Disposition and
// the URL, through attachment.Sniff), so downfile.jsp?id=… endpoints and PDFs
// served as text/html work too. A file is read up to Options.MaxFileSize
// (never truncated: a larger one is too_large) within Options.FileTimeout,
// not through colly's buffer; it is handed over as Page.File, or with its
// page in Page.Attachments. A report page's links are found by tokenizing
// it, not parsing it: the page is parsed once, by the extractor. Files on
// other hosts than the site's are skipped as offsite (add their host to
// allow_hosts), files the list pages link to as well (a form or guide in
// the page chrome) as site_file, and each file is fetched once per run: a
// report link to a file handed over earlier as an attachment (by the same
// URL, or where a redirect led) is skipped as fetched_already.
//
// Images: a Handler may ask for a page's images (Page.FetchImages, for a
// report posted as scanned pictures); they are fetched as its attachments
// are, and an image body is accepted by its Content-Type (image/*) or its
// magic bytes.
//
// Validators: a report page or file the caller knows (Options.Validators)
// is asked for conditionally, and a 304 is handed over as a Page with
// NotModified set and no body. A list page is asked for conditionally when
// Options.Lists knows it, and a 304 is followed with the links stored from
// its last full read.
package crawler
