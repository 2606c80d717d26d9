package crawler

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/nianbao/nianbao/internal/portaltest"
	"github.com/nianbao/nianbao/sites"
)

// The crawler's stages, one page at a time, with allocations: fetching
// (over loopback, through colly and the raw transport), decoding GBK, and
// reading a list page's links. The farm (tools/farm) measures them together.

// fixture reads a page of the fake portal without its front matter.
func fixture(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile("../internal/portaltest/portal/" + name)
	if err != nil {
		b.Fatal(err)
	}
	if bytes.HasPrefix(data, []byte("<!--")) {
		_, data, _ = bytes.Cut(data, []byte("\n"))
	}
	return data
}

func BenchmarkFetch(b *testing.B) {
	srv := portaltest.NewPortal(b)
	site, probs := sites.Parse([]byte("name: b\nstart: "+srv.URL+"/fzzfjs/\ndelay: 0s\n"), "b.yaml",
		sites.Defaults{Timeout: 10e9, MaxPages: 5, Encoding: "gb18030"})
	if probs != nil {
		b.Fatal(probs)
	}
	ctx := context.Background()
	cr, err := newCrawl(ctx, site, Options{UserAgent: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	u := srv.URL + "/fzzfjs/202501/t20250117_1004.html"
	b.ReportAllocs()
	for b.Loop() {
		resp, fe, err := cr.fetch(ctx, u, "", "")
		if err != nil || fe != nil || len(resp.body) < 50000 {
			b.Fatal(err, fe)
		}
		b.SetBytes(int64(len(resp.body)))
	}
}

func BenchmarkDecodeGBK(b *testing.B) {
	page := fixture(b, "tzgg/index.html")
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(page)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(gbk)))
	b.ReportAllocs()
	for b.Loop() {
		if _, enc, err := Decode(gbk, "text/html", "gb18030"); err != nil || enc != "gb18030" {
			b.Fatal(enc, err)
		}
	}
}

func BenchmarkParseList(b *testing.B) {
	page := fixture(b, "fzzfjs/index.html")
	base, _ := url.Parse("http://www.example.gov.cn/fzzfjs/")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
		if err != nil {
			b.Fatal(err)
		}
		if lp := parseList(doc, base, ""); len(lp.links) == 0 {
			b.Fatal("no links")
		}
	}
}

func BenchmarkFileLinks(b *testing.B) {
	page := fixture(b, "fzzfjs/202501/t20250117_1004.html")
	base, _ := url.Parse("http://www.example.gov.cn/fzzfjs/202501/t20250117_1004.html")
	page = append(page, strings.Repeat(`<p>附件：<a href="P0202501.pdf">报告.pdf</a></p>`, 2)...)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if len(fileLinks(page, base)) == 0 {
			b.Fatal("the appended attachment link was not found")
		}
	}
}
