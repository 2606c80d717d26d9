package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	readability "github.com/go-shiori/go-readability"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
)

// options are the command-line flags.
type options struct {
	dir      string
	worst    int
	only     bool
	json     bool
	fallback bool
	page     string
}

func main() {
	var o options
	flag.StringVar(&o.dir, "dir", "", "directory of <id>.html and <id>.txt pairs")
	flag.IntVar(&o.worst, "worst", 10, "list the `N` pages with the lowest F1")
	flag.BoolVar(&o.only, "only", false, "run nianbao's extractor only")
	flag.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	flag.BoolVar(&o.fallback, "fallback", false, "enable go-trafilatura's fallback extractors")
	flag.StringVar(&o.page, "page", "", "print the gold and nianbao texts of page `ID` instead of scoring")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "exteval:", err)
		os.Exit(1)
	}
}

// A pair is one page of the set: its id, decoded HTML and gold text.
type pair struct {
	id   string
	html []byte
	gold string
	url  *url.URL
}

// An extractor turns one decoded page into plain text.
type extractor struct {
	name string
	run  func(p pair) (string, error)
}

// PageResult is one extractor's score on one page.
type PageResult struct {
	ID string `json:"id"`
	Score
	Err string `json:"error,omitempty"`
}

// Summary is one extractor's figures over the whole set.
type Summary struct {
	Extractor string       `json:"extractor"`
	Pages     int          `json:"pages"`
	P         float64      `json:"p"`
	R         float64      `json:"r"`
	F1        float64      `json:"f1"`
	Below08   int          `json:"below_0_8"`
	Errors    int          `json:"errors"`
	Seconds   float64      `json:"seconds"` // summed extraction time over pages
	Worst     []PageResult `json:"worst"`
}

func run(o options, w io.Writer) error {
	if o.dir == "" {
		return errors.New("-dir is required")
	}
	pairs, err := readPairs(o.dir)
	if err != nil {
		return err
	}
	if o.page != "" {
		for _, p := range pairs {
			if p.id == o.page {
				return printPage(w, p)
			}
		}
		return fmt.Errorf("no page %q in %s", o.page, o.dir)
	}
	exts := extractors(o)
	sums := make([]Summary, len(exts))
	for i, e := range exts {
		sums[i] = evaluate(e, pairs, o.worst)
	}
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sums)
	}
	printTable(w, sums)
	return nil
}

// readPairs reads every <id>.html that has an <id>.txt beside it.
func readPairs(dir string) ([]pair, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	var out []pair
	for _, name := range names {
		id := strings.TrimSuffix(filepath.Base(name), ".html")
		gold, err := os.ReadFile(filepath.Join(dir, id+".txt"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		raw, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		body, _, err := crawler.Decode(raw, "", "gb18030")
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
		out = append(out, pair{id: id, html: body, gold: string(gold), url: pageURL(id)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no <id>.html and <id>.txt pairs in %s", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// pageURL guesses a page's site from an id of the form
// <date>_<host>_<hash>; readability and trafilatura use it only to resolve
// links. It is nil when the id has no host.
func pageURL(id string) *url.URL {
	parts := strings.Split(id, "_")
	if len(parts) < 3 || !strings.Contains(parts[1], ".") {
		return nil
	}
	return &url.URL{Scheme: "http", Host: parts[1], Path: "/"}
}

func extractors(o options) []extractor {
	out := []extractor{{"nianbao", func(p pair) (string, error) {
		d, err := extract.Extract(p.html, p.url, extract.Options{})
		if err != nil {
			return "", err
		}
		return d.Text, nil
	}}}
	if o.only {
		return out
	}
	out = append(out, extractor{"go-readability", func(p pair) (string, error) {
		a, err := readability.FromReader(bytes.NewReader(p.html), p.url)
		if err != nil {
			return "", err
		}
		return a.TextContent, nil
	}})
	name := "go-trafilatura"
	if o.fallback {
		name += "+fallback"
	}
	out = append(out, extractor{name, func(p pair) (string, error) {
		r, err := trafilatura.Extract(bytes.NewReader(p.html), trafilatura.Options{
			OriginalURL:     p.url,
			EnableFallback:  o.fallback,
			ExcludeComments: true,
			HtmlDateMode:    trafilatura.Disabled,
		})
		if err != nil {
			return "", err
		}
		return r.ContentText, nil
	}})
	return out
}

// evaluate runs e on every page, in parallel, and sums up. A page the
// extractor fails on scores 0.
func evaluate(e extractor, pairs []pair, worst int) Summary {
	res := make([]PageResult, len(pairs))
	durs := make([]time.Duration, len(pairs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				start := time.Now()
				text, err := safeRun(e, pairs[i])
				durs[i] = time.Since(start)
				res[i].ID = pairs[i].id
				if err != nil {
					res[i].Err = err.Error()
					continue
				}
				res[i].Score = score(text, pairs[i].gold)
			}
		})
	}
	for i := range pairs {
		next <- i
	}
	close(next)
	wg.Wait()

	s := Summary{Extractor: e.name, Pages: len(res)}
	for i, r := range res {
		s.P += r.P
		s.R += r.R
		s.F1 += r.F1
		if r.F1 < 0.8 {
			s.Below08++
		}
		if r.Err != "" {
			s.Errors++
		}
		s.Seconds += durs[i].Seconds()
	}
	n := float64(len(res))
	s.P, s.R, s.F1 = s.P/n, s.R/n, s.F1/n
	sort.SliceStable(res, func(i, j int) bool { return res[i].F1 < res[j].F1 })
	s.Worst = res[:min(worst, len(res))]
	return s
}

// safeRun runs an extractor and turns a panic into an error, so that one
// page cannot stop the run.
func safeRun(e extractor, p pair) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return e.run(p)
}

func printTable(w io.Writer, sums []Summary) {
	fmt.Fprintf(w, "%-26s %5s %6s %6s %6s %7s %6s %9s\n", "extractor", "pages", "P", "R", "F1", "F1<0.8", "errors", "ms/page")
	for _, s := range sums {
		fmt.Fprintf(w, "%-26s %5d %6.3f %6.3f %6.3f %7d %6d %9.1f\n",
			s.Extractor, s.Pages, s.P, s.R, s.F1, s.Below08, s.Errors, 1000*s.Seconds/float64(s.Pages))
	}
	for _, s := range sums {
		if len(s.Worst) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %d worst pages\n", s.Extractor, len(s.Worst))
		for _, r := range s.Worst {
			fmt.Fprintf(w, "  %.3f  P %.3f R %.3f  %s", r.F1, r.P, r.R, r.ID)
			if r.Err != "" {
				fmt.Fprintf(w, "  (%s)", r.Err)
			}
			fmt.Fprintln(w)
		}
	}
}

// printPage prints one page's gold text and nianbao's text, for diffing.
func printPage(w io.Writer, p pair) error {
	d, err := extract.Extract(p.html, p.url, extract.Options{})
	if err != nil {
		return err
	}
	s := score(d.Text, p.gold)
	fmt.Fprintf(w, "== %s  F1 %.3f  P %.3f  R %.3f\n== gold\n%s\n== nianbao\n%s", p.id, s.F1, s.P, s.R, strings.TrimRight(p.gold, "\n"), d.Text)
	return nil
}
