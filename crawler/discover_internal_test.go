package crawler

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestLinkRank: which links may lead to report columns, and in what order.
func TestLinkRank(t *testing.T) {
	tests := []struct {
		href, text, title string
		want              int
	}{
		{"/zwgk/xxgk/gknb/", "政府信息公开年报", "", rankReports},
		{"/col/col123/index.html", "法治政府建设", "", rankReports},
		{"/a/", "", "年度报告", rankReports},
		{"/zwgk/xxgk/", "政府信息公开", "", rankXxgk},
		{"/tzgg/", "通知公告", "", rankXxgk},
		{"/zwgk/", "政务公开", "", rankZwgk},
		{"/fzzf/index.html", "", "", rankReports}, // an image link: its URL speaks
		{"/zwgk_28985/", "", "", rankZwgk},
		{"/xxgk/?wza=1", "无障碍", "信息公开无障碍", rankNone}, // nav chrome, whatever its URL
		{"/", "首页", "", rankNone},
		{"/xxgk/login.html", "登录", "", rankNone},
		{"/zwgk/xwdt/", "新闻动态", "", rankNone},                   // another kind of column, though under zwgk
		{"/zwgk/jgzn/", "机构职能", "", rankNone},                   // Chinese text naming none of the words
		{"/zwgk/xxgk/gkzn/", "政府信息公开指南", "", rankNone},          // a guide, not a column of reports
		{"/xxgk/202501/t20250101_1.html", "政务公开", "", rankNone}, // an article
		{"/a/", "关于进一步做好2025年政府信息公开工作的通知", "", rankNone},        // an article's title
	}
	for _, tt := range tests {
		u, _ := url.Parse("http://a.gov.cn" + tt.href)
		if got := linkRank(link{URL: u.String(), Text: tt.text, Title: tt.title}, u); got != tt.want {
			t.Errorf("linkRank(%s %q %q) = %d, want %d", tt.href, tt.text, tt.title, got, tt.want)
		}
	}
}

// TestColumnLike: a link named like a report is a column's when it has no
// year and leads to a folder or an index.
func TestColumnLike(t *testing.T) {
	tests := []struct {
		href, text string
		want       bool
	}{
		{"http://a.gov.cn/zwgk/xxgk/gknb/", "政府信息公开年报", true},
		{"http://a.gov.cn/fzzfjsbg/index.html", "法治政府建设年度报告", true},
		{"http://a.gov.cn/fzzf/202503/t20250325_1.html", "法治政府建设年度报告", false},
		{"http://a.gov.cn/fzzf/", "2024年法治政府建设年度报告", false},
		{"http://a.gov.cn/fzzf/", "二〇二四年法治政府建设年度报告", false},
		{"http://a.gov.cn/fzzf/list.jsp?page=1", "法治政府建设年度报告", true},
		{"http://a.gov.cn/col.jsp?catid=12", "政府信息公开年报", true},
		{"http://a.gov.cn/fzzf/detail.jsp?id=1", "法治政府建设年度报告", false},
		{"http://a.gov.cn/showinfo.aspx?infoid=7", "政府信息公开工作年度报告", false},
		{"http://a.gov.cn/fzzf/report.shtml", "法治政府建设年度报告", false},
	}
	for _, tt := range tests {
		if got := columnLike(link{URL: tt.href, Text: tt.text}); got != tt.want {
			t.Errorf("columnLike(%s %q) = %v, want %v", tt.href, tt.text, got, tt.want)
		}
	}
}

func TestPortalTitle(t *testing.T) {
	for _, tt := range []struct{ html, want string }{
		{`<html><head><meta name="SiteName" content="江北区人民政府"><title>首页</title></head></html>`, "江北区人民政府"},
		{`<html><head><meta name="sitename" content="江北区人民政府"></head></html>`, "江北区人民政府"},
		{`<html><head><title>首页 - 示范县人民政府门户网站</title></head></html>`, "示范县人民政府门户网站"},
		{`<html><head><title>示范县人民政府_首页</title></head></html>`, "示范县人民政府"},
		{`<html><head><title></title></head></html>`, ""},
	} {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(tt.html))
		if err != nil {
			t.Fatal(err)
		}
		if got := portalTitle(doc); got != tt.want {
			t.Errorf("portalTitle(%s) = %q, want %q", tt.html, got, tt.want)
		}
	}
}
