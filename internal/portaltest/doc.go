// Package portaltest provides a fake Chinese government portal for tests, in
// the style of net/http/httptest: NewServer serves a tree of fixture pages
// (an fs.FS) on 127.0.0.1, and NewPortal serves a built-in, realistic district
// portal whose annual reports are known in advance (Reports).
//
// # Nouns
//
//   - A fixture tree is an fs.FS of pages, stored as UTF-8 files named after
//     their URL path (see FileName).
//   - Front matter is an optional first line of a fixture file that says how
//     to serve it; it is removed before serving.
//   - A template variable is a {{NAME}} in a served text page, replaced on
//     every request.
//   - The Handler serves a fixture tree and records every request; a Server is
//     a Handler behind an httptest.Server, closed by t.Cleanup.
//   - The trap is an endless, generated list column under /trap/.
//
// # Serving rules
//
// The URL path selects a file: the leading "/" is removed and a path ending in
// "/" serves index.html in that folder. A path naming a folder without the
// trailing slash is redirected (301) to the path with it. A query is part of
// the file name: "/xxgk/list.jsp?page=2" is served from the file
// "xxgk/list.jsp%3Fpage=2" — go:embed rejects '?' in file names, so the '?'
// is written %3F and the query is kept in percent-encoded form (the exact rule
// is on FileName). When no file has the query in its name, the file for the
// bare path is served, as a static web server would; otherwise the answer is
// 404 with a small HTML body. Pages added with Set take precedence over the
// tree; pages hidden with Remove answer 404. Every method is served alike
// (HEAD gets no body).
//
// Front matter is one line at the very start of the file:
//
//	<!-- portaltest: key=value key="value with spaces" -->
//
// with these keys:
//
//	encoding=gbk         the file (UTF-8 in the repository) is served encoded as real
//	                     GBK bytes (golang.org/x/text/encoding/simplifiedchinese.GBK)
//	content-type="…"     the exact Content-Type header to send
//	status=NNN           the response status (default 200)
//	location="…"         a Location header, for redirects (with status=301/302)
//	delay=2s             wait this long before answering (until the client gives up)
//	fail=N               answer the first N requests for this file with fail-status
//	                     (a small HTML error page), then serve it normally
//	fail-status=NNN      the status of those failures (default 503; 429 for rate limits)
//	retry-after="…"      a Retry-After header ("1" or an HTTP date), on every answer
//	drip=1s              send the body one byte per interval (a slow-drip server)
//	content-disposition="…"  a Content-Disposition header (attachment; filename="…")
//	header-encoding=gbk  send that header's value as GBK bytes, as many portals do
//
// SetConditional makes the Handler send ETag and Last-Modified with every file
// it answers 200, and answer a matching If-None-Match or If-Modified-Since with
// 304 Not Modified and no body; a page replaced with Set gets a new ETag and a
// new Last-Modified.
//
// An unknown key or bad value answers 500 with the reason, so that a typo in a
// fixture fails loudly. Without content-type, the type follows the extension
// (.html, .htm, .shtml, .jsp, … and no extension are text/html; .txt is
// text/plain, so robots.txt is text/plain; .pdf, .doc, .docx, .xls, .ofd, … have
// their own types). Text types get "; charset=utf-8" — except GBK files, which
// get no charset at all, because real portals declare GBK only in their <meta>.
//
// Template variables are replaced, in text responses only and before GBK
// encoding, on every request: {{HITS}} is the number of requests the Handler
// has received so far (so a view counter changes between fetches), {{NOW}} is
// the current time as "2006-01-02 15:04:05" and {{TODAY}} the date as
// "2026年11月22日 星期日", both in China Standard Time by the Handler's clock
// (SetClock). SetVar adds variables, and its values win over the built-ins.
// An unknown {{NAME}} is left as it is.
//
// Every request is recorded, before it is answered, with its method, path,
// query, User-Agent, headers and arrival time; Requests returns them in order
// and Count counts those with an exact path and query. The Handler is safe for
// concurrent use.
//
// Any path under /trap/ answers 200 with a generated list page, whatever the
// tree holds: page N comes from /trap/?page=N or /trap/list_N.html (anything
// else is page 1), has the same navigation every time, fifteen ordinary news
// items and no reports, and links to page N+1 both by number and by "下一页" —
// forever. It proves that a crawler's pagination is bounded.
//
// # The built-in portal
//
// Portal is a small district portal (天津市津南区人民政府, site code
// 1201120001) on the TRS platform, embedded from portal/. Every page has full
// chrome: the "今天是{{TODAY}}" top bar with 适老版/关爱版/无障碍, header
// search, navigation (首页 政务公开 政务服务 互动交流), breadcrumbs
// "当前位置:首页 > 政务公开 > …", a sidebar of the other columns, friend-link
// selects, 新媒体矩阵, the footer "主办单位:… 网站标识码:1201120001
// 津ICP备05004418号 津公网安备 12011202000301号", the 政府网站找错 link and the
// 党政机关 <span id="_ideConac"> widget. Detail pages add the TRS <meta> block
// (ArticleTitle, PubDate, ContentSource, SiteIDCode, ColumnName), an h1 (h2 on
// 通知公告 pages, under a 索引号 table), "来源: … 发布时间: …", "字号:[大 中 小]",
// "点击数:{{HITS}}", the body in div.TRS_Editor as <p> paragraphs (and
// tables), "分享到:", "【打印本页】【关闭窗口】", 上一篇/下一篇 and 相关链接.
// Pages are 50–80 KB, like real ones. The pages are UTF-8 unless marked GBK.
//
//	Path                                    What it is for
//	/index.html                             home: links to the three columns (and /zwgk/, /zwfw/, /hdjl/, /wzdt/, /lxwm/ hub pages)
//	/robots.txt                             "User-agent: *" / "Disallow: /private/"
//	/fzzfjs/index.html                      法治政府建设, page 1 of 3: pager written only by
//	                                        createPageHTML(3, 0, "index", "html") and a stub
//	                                        "function createPageHTML(){}" — no literal link to index_1/index_2
//	/fzzfjs/index_1.html                    page 2: createPageHTML(3, 1, …)
//	/fzzfjs/index_2.html                    page 3: createPageHTML(3, 2, …)
//	/fzzfjs/202502/t20250228_1001.html      report: 津南区人民政府关于2024年法治政府建设情况报告 (index.html)
//	/fzzfjs/202501/t20250117_1004.html      report: 河东区司法局2024年度法治政府建设情况报告; listed as
//	                                        "河东区司法局2024年度法治政府建…" with no title attribute (index.html)
//	/fzzfjs/202103/t20210326_1005.html      report: 天津市司法局2020年度法治政府建设情况报告; listed as
//	                                        "天津市司法局2020年度法治政府…" with a full title attribute (index_1.html)
//	/fzzfjs/202103/t20210304_1006.html      report: 达州市通川区2020年度法治政府建设年度报告 (index_2.html)
//	/fzzfjs/202501/t20250110_1002.html      distractor: 关于召开2024年度法治政府建设工作推进会议的通知 (index.html)
//	/fzzfjs/202503/t20250305_1003.html      distractor: 【文字解读】津南区2024年法治政府建设情况报告解读 (index.html)
//	/private/t20240101_1.html               "2023年法治政府建设年度报告", linked from index_1.html; robots.txt
//	                                        forbids it: it must never be requested
//	{{OFFSITE}}/fzzfjs/202203/t20220301_9.html
//	                                        "2021年法治政府建设年度报告" on another site, linked from
//	                                        index_1.html: it must never be requested
//	/tzgg/index.html                        通知公告, GBK (declared only by <meta … charset=gb2312>), page 1 of 3;
//	                                        pages linked only by 下一页: index.html → list2.html → list3.html
//	/tzgg/list2.html, /tzgg/list3.html      pages 2 and 3; list3's 下一页 is <a href="javascript:void(0)">
//	/tzgg/202503/t20250301_2001.html        GBK repost of the 2024 report (index.html): other URL, column and
//	                                        chrome, the same div.TRS_Editor — one document, two sources
//	/tzgg/202301/t20230130_2002.html        report, GBK: 天津市津南区2022年政府信息公开工作年度报告 (list3.html),
//	                                        the national format's six parts and statistical tables
//	/xxgk/list.jsp?page=1                   政府信息公开 (file xxgk/list.jsp%3Fpage=1), pager "1 2 下一页"
//	/xxgk/list.jsp?page=2                   page 2, links back to page 1 only
//	/xxgk/202402/t20240201_3001.html        report: 天津市津南区2023年政府信息公开工作年度报告 (page=2)
//	/trap/…                                 the endless trap (not linked from the portal)
//
// Columns lists the column pages, Reports the six reports (a correct crawl of
// the three columns archives exactly these, the 2024 report once with two
// sources), Distractors the two non-reports that may be fetched or not but must
// not be archived as reports, and Disallowed the robots-forbidden path. The
// {{OFFSITE}} link leads to Server.Offsite, which NewPortal starts on another
// port of 127.0.0.1: since both hosts are 127.0.0.1, a crawler must scope by
// host and port, not by host name alone. Test with
// len(s.Offsite.Requests()) == 0 and s.Count(path) == 0 for each Disallowed path.
//
// Ordinary news items in the lists link to TRS-shaped URLs that do not exist
// (404): a crawler that filters by link text never asks for them, and one that
// fetches every link gets a 404 and must carry on. The chrome also links to
// real external hosts (gov.cn, tj.gov.cn, conac.cn, beian.miit.gov.cn, …), so a
// crawler under test must be confined to the server's host.
//
// # Serving the portal from a command
//
//	h := portaltest.NewHandler(portaltest.Portal())
//	h.SetVar(portaltest.OffsiteVar, "http://127.0.0.1:9") // anything that is not this host
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
//
// # Regenerating the fixtures
//
// portal/ and offsite/ are generated by the package's tests from
// testdata/bodies (the report texts, one paragraph per line, taken from the
// project's seed pages with their chrome lines removed) and the chrome in
// gen_chrome_test.go:
//
//	go test ./internal/portaltest -run TestFixturesUpToDate -update
//
// Without -update that test fails when the committed trees are stale.
package portaltest
