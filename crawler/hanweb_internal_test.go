package crawler

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestParseJpage(t *testing.T) {
	store := func(unit, nextgroup string, records int, total string) string {
		var b strings.Builder
		b.WriteString(`<div id="` + unit + `"><script type="text/xml"><datastore>`)
		if nextgroup != "" {
			b.WriteString(`<nextgroup><![CDATA[<a href="` + nextgroup + `"></a>]]></nextgroup>`)
		}
		if total != "" {
			b.WriteString(`<totalrecord>` + total + `</totalrecord>`)
		}
		b.WriteString(`<recordset>`)
		for i := range records {
			b.WriteString(`<record><![CDATA[<li><a href="/art/2024/1/1/art_1_` + string(rune('a'+i)) + `.html">x</a></li>]]></record>`)
		}
		b.WriteString(`</recordset></datastore></script></div>`)
		return b.String()
	}
	const proxy = "/module/web/jpage/dataproxy.jsp?page=1&amp;appid=1&amp;webid=2&amp;path=/&amp;columnid=%s&amp;unitid=%s&amp;permissiontype=0"
	ng := func(col, unit string) string { return fmt.Sprintf(proxy, col, unit) }
	tests := []struct {
		name string
		page string // at /col/col103/index.html
		want []string
		next []string
	}{
		{"nextgroup gives the endpoint and ids; the group is the records shown",
			store("77", ng("103", "77"), 3, ""),
			[]string{"/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=15 appid=1&col=1&columnid=103&path=%2F&permissiontype=0&unitid=77&webid=2"}, nil},
		{"the script's jpage call gives the endpoint, group and total; the ids come from the URL and the datastore's element",
			store("88", "", 2, "") + `<script>$('#88').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage: 5, groupSize: 2, totalRecord: 30});</script>`,
			[]string{"/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=12&perpage=5 col=1&columnid=103&unitid=88"}, nil},
		{"all records shown: nothing to page", store("77", ng("103", "77"), 3, "3"), nil, nil},
		{"an endpoint on another host is not asked", store("77", "http://other.example/module/web/jpage/dataproxy.jsp?columnid=103&unitid=77", 3, ""), nil, nil},
		{"no unit: nothing to page", `<div><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?columnid=103"></a>]]></nextgroup><recordset></recordset></datastore></script></div>`, nil, nil},
		{"of several datastores, only the page's own column is paged",
			store("1", ng("555", "1"), 2, "") + store("2", ng("103", "2"), 2, "") + store("3", ng("556", "3"), 2, ""),
			[]string{"/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=15 appid=1&col=1&columnid=103&path=%2F&permissiontype=0&unitid=2&webid=2"}, nil},
		{"a nextgroup link to a page is a next page", store("77", "index_2.html", 3, ""), nil, []string{"/col/col103/index_2.html"}},
		{"a page without a datastore has no pager", `<script>var perPage = 15; var url = "/module/web/jpage/dataproxy.jsp?columnid=1&unitid=2";</script>`, nil, nil},
	}
	base, _ := url.Parse("http://127.0.0.1/col/col103/index.html")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader("<html><body>" + tt.page + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			jps, next := parseJpage(doc, base)
			var got []string
			for _, jp := range jps {
				got = append(got, strings.TrimPrefix(jp.url(), "http://127.0.0.1")+" "+jp.Form.Encode())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("pagers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range next {
				next[i] = strings.TrimPrefix(next[i], "http://127.0.0.1")
			}
			if strings.Join(next, " ") != strings.Join(tt.next, " ") {
				t.Errorf("next %v, want %v", next, tt.next)
			}
		})
	}
}
