package portaltest

import (
	"embed"
	"io/fs"
	"testing"
)

// searchFixtures holds the portal whose report columns are filled by
// script, so that only its search form finds the reports (search/). The
// files are plain fixture files, written once by a throwaway script: edit
// them as they are.
//
//go:embed search
var searchFixtures embed.FS

// SearchReports are the paths of the reports of the search portal (see
// Search): the ones its search answers link to on the portal itself.
var SearchReports = []string{
	"/zwgk/fzzf/202403/t20240321_8003.html",
	"/zwgk/fzzf/202503/t20250320_8002.html",
	"/zwgk/gknb/202401/t20240118_8004.html",
	"/zwgk/gknb/202501/t20250120_8001.html",
}

// SearchQueryURIs are the URIs (path and query, as a browser sends the
// form) of the search portal's result pages that list reports, in the
// order a crawl asking 法治政府建设 报告 then 政府信息公开 年度报告 reads them.
var SearchQueryURIs = []string{
	"/search/?siteid=12&searchword=%E6%B3%95%E6%B2%BB%E6%94%BF%E5%BA%9C%E5%BB%BA%E8%AE%BE+%E6%8A%A5%E5%91%8A",
	"/search/?siteid=12&searchword=%E6%B3%95%E6%B2%BB%E6%94%BF%E5%BA%9C%E5%BB%BA%E8%AE%BE+%E6%8A%A5%E5%91%8A&page=2",
	"/search/?siteid=12&searchword=%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80+%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A",
}

// Search returns the fixture tree of a county portal (搜索县人民政府) whose
// report columns are filled by script, as an fs.FS:
//
//	/index.html            home: nav (首页 新闻动态 政务公开 政务服务), no report link, and
//	                       three forms, on every page: a GET search form (action /search/,
//	                       hidden siteid=12, text searchword), a POST form (/psearch/, q)
//	                       and a GET form on another site ({{OFFSITE}}/search/, q)
//	/zwgk/index.html       政务公开: 政府信息公开年报 (/zwgk/gknb/) and 法治政府建设 (/zwgk/fzzf/)
//	/zwgk/gknb/, /zwgk/fzzf/  the report columns: an empty list a script fills; no links
//	/search/?siteid=12&searchword=法治政府建设+报告   results page 1: two reports, one report on
//	                       the other site, a news item; 下一页 → &page=2
//	… &page=2              results page 2: one more report
//	/search/?siteid=12&searchword=政府信息公开+年度报告  one report of page 1 and one more
//	/search/               any other query: 没有找到相关结果 (no result)
//	the four SearchReports, and /robots.txt ("Disallow: /private/")
//
// A crawl from the home page finds the reports only through the search form.
func Search() fs.FS {
	sub, err := fs.Sub(searchFixtures, "search")
	if err != nil {
		panic("portaltest: " + err.Error())
	}
	return sub
}

// NewSearchPortal starts a Server for Search, plus an Offsite server (the
// other site its off-site form and result point at), and sets {{OFFSITE}}.
// Both close via t.Cleanup.
func NewSearchPortal(t testing.TB) *Server {
	t.Helper()
	off := NewServer(t, Offsite())
	s := NewServer(t, Search())
	s.Offsite = off
	s.SetVar(OffsiteVar, off.URL)
	return s
}
