package portaltest

import (
	"fmt"
	"html"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// maxTrapPage caps the page number the trap parses, so that N+1 never overflows.
const maxTrapPage = 1_000_000_000

// trapPage returns the page number a trap URL asks for and whether its links
// should use the list_N.html style (otherwise ?page=N).
func trapPage(r *http.Request) (n int, listStyle bool) {
	if v := r.URL.Query().Get("page"); v != "" {
		return clampPage(v), false
	}
	base := path.Base(r.URL.Path)
	if s, ok := strings.CutPrefix(base, "list_"); ok {
		if s, ok := strings.CutSuffix(s, ".html"); ok {
			return clampPage(s), true
		}
	}
	return 1, base == "index.html"
}

// clampPage parses a page number, treating anything odd as page 1.
func clampPage(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxTrapPage)
}

// serveTrap answers any path under /trap/ with list page N of a column that
// never ends: the same navigation every time, 15 ordinary news items, and a
// "下一页" link plus a numbered link to page N+1.
func serveTrap(w http.ResponseWriter, r *http.Request) {
	n, listStyle := trapPage(r)
	pageURL := func(k int) string {
		if listStyle {
			return fmt.Sprintf("/trap/list_%d.html", k)
		}
		return fmt.Sprintf("/trap/?page=%d", k)
	}
	titles := [...]string{
		"区领导带队检查节日市场供应情况", "街道开展垃圾分类入户宣传活动", "区卫生健康委开展义诊进社区活动",
		"区教育局召开中小学安全工作会议", "区市场监管局开展食品安全专项检查", "区人社局举办春季招聘会",
		"区应急管理局开展防汛演练", "区文化和旅游局举办群众文化节", "区农业农村委推进高标准农田建设",
		"区住房建设委部署老旧小区改造工作", "区民政局走访慰问困难群众", "区城市管理委开展市容环境整治",
		"区交通运输委推进公交线路优化", "区生态环境局开展大气污染防治检查", "区科技局组织企业参加创新大赛",
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>工作动态_第%d页</title>\n</head>\n<body>\n", n)
	b.WriteString(`<div class="nav"><a href="/">首页</a> <a href="/trap/">工作动态</a> <a href="/trap/list_1.html">列表</a></div>` + "\n")
	b.WriteString("<div class=\"position\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"/trap/\">工作动态</a></div>\n<ul class=\"list\">\n")
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(n%3000)*len(titles))
	for i, t := range titles {
		d := day.AddDate(0, 0, -i)
		id := (n%100000)*100 + i
		fmt.Fprintf(&b, "<li><a href=\"/trap/%s/t%s_%d.html\">%s(第%d期)</a><span>%s</span></li>\n",
			d.Format("200601"), d.Format("20060102"), id, html.EscapeString(t), n, d.Format("2006-01-02"))
	}
	b.WriteString("</ul>\n<div class=\"page\">")
	if n > 1 {
		fmt.Fprintf(&b, "<a href=\"%s\">上一页</a> ", pageURL(n-1))
	}
	fmt.Fprintf(&b, "<span class=\"current\">%d</span> <a href=\"%s\">%d</a> <a href=\"%s\">下一页</a>",
		n, pageURL(n+1), n+1, pageURL(n+1))
	b.WriteString("</div>\n</body>\n</html>\n")

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write([]byte(b.String())) // an error means the client went away
	}
}
