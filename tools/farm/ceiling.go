package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/sites"
)

// CeilingResult is what the ceiling child reports.
type CeilingResult struct {
	Pages       int64   `json:"pages"`
	Bytes       int64   `json:"bytes"`
	Errors      int64   `json:"errors"`
	WallSeconds float64 `json:"wall_s"`
	Workers     int     `json:"workers"` // sites fetched at once
}

var (
	ceilCreatePageRe = regexp.MustCompile(`createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w.-]+)['"]\s*,\s*['"](\w+)['"]`)
	ceilPagerRe      = regexp.MustCompile(`^(下一页|\d+)$`)
	ceilAttachRe     = regexp.MustCompile(`(?i)\.(pdf|docx?|wps|ofd|xlsx?|zip|rar)$`)
)

// ceilingMain is `farm ceiling`: a bare colly collector per site (the same
// colly as nianbao's go.mod), sites min(max_concurrent_sites,
// max_requests_in_flight) at a time (fitted as the crawl fits them), delays
// zero, that fetches the same list and report pages nianbao does and parses
// each once (colly's OnHTML on "html": one goquery document per page) —
// nothing else: no extraction, no archive; decoding only as colly does it
// (the header's charset, else DetectCharset).
func ceilingMain(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ExitOnError)
	cfgPath := fs.String("config", "config.yaml", "nianbao config.yaml")
	out := fs.String("out", "", "write the CeilingResult (JSON) here")
	verbose := fs.Bool("v", false, "log every page and error to stderr")
	fs.Parse(args)
	start := time.Now()
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	all, probs, err := cfg.LoadSites()
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return probs
	}
	var pages, bytes, errs atomic.Int64
	work := make(chan *sites.Site)
	var wg sync.WaitGroup
	// A bare collector makes one request at a time with no delay, so its
	// sites in flight are requests in flight: the fewer of the config's two.
	l := cfg.Limits(crawler.FileLimit())
	workers := max(1, min(l.Sites, l.Requests))
	for range workers {
		wg.Go(func() {
			for s := range work {
				ceilingSite(s, cfg, &pages, &bytes, &errs, *verbose)
			}
		})
	}
	for _, s := range all {
		work <- s
	}
	close(work)
	wg.Wait()
	return writeJSON(*out, CeilingResult{Pages: pages.Load(), Bytes: bytes.Load(), Errors: errs.Load(),
		WallSeconds: time.Since(start).Seconds(), Workers: workers})
}

func ceilingSite(s *sites.Site, cfg *config.Config, pages, nbytes, errs *atomic.Int64, verbose bool) {
	c := colly.NewCollector()
	c.UserAgent = cfg.UserAgent
	c.MaxBodySize = cfg.MaxBodySize
	// A crawler that reads titles must decode GBK pages that declare their
	// charset only in <meta>: colly's own detection, the least it can do.
	c.DetectCharset = true
	c.SetRequestTimeout(s.TimeoutDuration())
	lists := map[string]bool{}
	for _, u := range s.Start {
		lists[u] = true
	}
	c.OnResponse(func(r *colly.Response) {
		pages.Add(1)
		nbytes.Add(int64(len(r.Body)))
	})
	c.OnError(func(r *colly.Response, err error) {
		errs.Add(1)
		if verbose {
			fmt.Fprintf(os.Stderr, "error %s: %v\n", r.Request.URL, err)
		}
	})
	if verbose {
		c.OnRequest(func(r *colly.Request) { fmt.Fprintf(os.Stderr, "GET %s\n", r.URL) })
	}
	c.OnHTML("html", func(e *colly.HTMLElement) {
		u := e.Request.URL.String()
		if !lists[u] {
			return // a report page: fetched and parsed, done
		}
		var next []string
		e.DOM.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			abs := e.Request.AbsoluteURL(href)
			if !strings.HasPrefix(abs, "http") || ceilAttachRe.MatchString(abs) {
				return
			}
			text := strings.TrimSpace(a.Text())
			switch {
			case ceilPagerRe.MatchString(text):
				if !lists[abs] {
					lists[abs] = true
					next = append(next, abs)
				}
			case s.IsReport(text):
				e.Request.Visit(abs)
			}
		})
		if m := ceilCreatePageRe.FindStringSubmatch(e.DOM.Find("script").Text()); m != nil {
			n, _ := strconv.Atoi(m[1])
			cur, _ := strconv.Atoi(m[2])
			if cur == 0 {
				dir := u[:strings.LastIndexByte(u, '/')+1]
				for k := 1; k < n; k++ {
					abs := fmt.Sprintf("%s%s_%d.%s", dir, m[3], k, m[4])
					lists[abs] = true
					next = append(next, abs)
				}
			}
		}
		for _, n := range next {
			e.Request.Visit(n)
		}
	})
	for _, u := range s.Start {
		c.Visit(u)
	}
}
