package portaltest

import (
	"embed"
	"io/fs"
	"testing"
)

// homeFixtures holds the portal that is configured by its home page
// (home/). The files are plain fixture files, not made by the generator of
// portal/ (they were written once by a throwaway script): edit them as they are.
//
//go:embed home
var homeFixtures embed.FS

// HomeColumns are the report columns of the home portal (see Home), in the
// order a crawl that ranks 年报/法治政府 above other columns finds them.
var HomeColumns = []string{
	"/zwgk/xxgk/gknb/",
	"/zwgk/xxgk/fzzf/",
	"/zwgk/xxgk/qtfdgkxx/",
}

// HomeReports are the paths of the reports a crawl of the home portal from
// its home page archives: every report within three clicks of the home
// page's columns (HomeTooDeep is one click further).
var HomeReports = []string{
	"/zwgk/xxgk/gknb/202501/t20250120_5001.html",
	"/zwgk/xxgk/gknb/202401/t20240125_5002.html",
	"/zwgk/xxgk/fzzf/202503/t20250325_6001.html",
	"/zwgk/xxgk/fzzf/202403/t20240326_6004.html",
	"/zwgk/xxgk/fzzf/202303/t20230327_6005.html",
	"/zwgk/xxgk/qtfdgkxx/202502/t20250214_7001.html",
}

// HomeTooDeep is a report column four clicks from the home page (linked
// only from the 其他法定公开信息 column): beyond discovery's depth.
const HomeTooDeep = "/zwgk/xxgk/qtfdgkxx/bmndbg/"

// Home returns the fixture tree of a county portal (示范县人民政府) whose
// reports are reached from its home page only, as an fs.FS:
//
//	/index.html                 home: top bar (首页 登录 注册 English 无障碍 繁体 长者版 手机版; 无障碍
//	                            points at /xxgk/?wza=1), nav (首页 新闻动态 政务公开 政务服务 互动交流
//	                            走进示范), a news box, a 政务公开 box with a link to another
//	                            site's 政府信息公开平台 ({{OFFSITE}}/xxgk/) and the footer
//	/login/, /en/, /xxgk/, /wzdt/  nav chrome pages: a crawl looking for columns must not ask for them
//	/xwdt/index.html            新闻动态, page 1 of 30 (createPageHTML and 下一页), no reports
//	/zwgk/index.html            政务公开: sidebar 政府信息公开 政务动态 政策解读 通知公告 建议提案办理
//	/zwgk/zwdt/index.html       政务动态, page 1 of 20, news only
//	/zwgk/tzgg/index.html       通知公告, page 1 of 10 (index_1 … index_9 by 下一页), notices only
//	/zwgk/xxgk/index.html       政府信息公开 index: a sidebar of a dozen columns (机构职能, 政策文件,
//	                            人事信息, 财政资金, 规划计划, 重点领域信息公开, 政府信息公开指南,
//	                            政府信息公开制度, 政府信息公开年报, 法治政府建设, 其他法定公开信息,
//	                            依申请公开) and 通知公告
//	/zwgk/xxgk/gknb/            政府信息公开年报, GBK (declared only in <meta>): two reports, the
//	                            2024 one a GBK page too
//	/zwgk/xxgk/fzzf/            法治政府建设, two pages (下一页 → index_1.html): three reports, a 解读
//	                            and a news item
//	/zwgk/xxgk/qtfdgkxx/        其他法定公开信息: one report, a 年报 that is not one, and a link to
//	                            the sub-column HomeTooDeep
//	/robots.txt                 "User-agent: *" / "Disallow: /private/"
//
// Every page shares the chrome: the same top bar, nav and footer, so the
// columns are linked from everywhere. The reports are four clicks from the
// home page (home → 政务公开 → 政府信息公开 → column → report). News and
// notice items link to pages that do not exist (404).
func Home() fs.FS {
	sub, err := fs.Sub(homeFixtures, "home")
	if err != nil {
		panic("portaltest: " + err.Error())
	}
	return sub
}

// NewHomePortal starts a Server for Home, plus its Offsite server (the
// other site its 政府信息公开平台 link points at), and sets {{OFFSITE}}.
// Both close via t.Cleanup.
func NewHomePortal(t testing.TB) *Server {
	t.Helper()
	off := NewServer(t, Offsite())
	s := NewServer(t, Home())
	s.Offsite = off
	s.SetVar(OffsiteVar, off.URL)
	return s
}
