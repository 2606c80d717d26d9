package daemon

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// chart is a small bar chart drawn as inline SVG by the page templates, so
// the page needs neither JavaScript nor a chart library. Every text in it
// goes through html/template, which escapes it.
type chart struct {
	W, H  int
	Label string // what the chart shows, for screen readers
	Bars  []chartBar
	Texts []chartText
	Empty string // shown instead of the chart when there is nothing to draw
}

type chartBar struct {
	X, Y, W, H int
	Class      string
	Tip        string // the bar's tooltip (an SVG <title>)
}

type chartText struct {
	X, Y   int
	Anchor string // start, middle, end
	Text   string
}

// chartSize is the geometry of a chart: small in the table, large on a
// site's page.
type chartSize struct {
	bar, gap, height, maxBars int
	big                       bool
}

var (
	smallChart = chartSize{bar: 9, gap: 2, height: 30, maxBars: 12}
	bigChart   = chartSize{bar: 24, gap: 6, height: 90, maxBars: 40, big: true}
	smallRuns  = chartSize{bar: 5, gap: 2, height: 30, maxBars: 20}
	bigRuns    = chartSize{bar: 12, gap: 3, height: 90, maxBars: 30, big: true}
)

const (
	labelBand = 12 // room under the bars for labels
	valueBand = 13 // room above the bars for their values
)

// shiftDown moves everything in the chart down by dy, making it taller.
func (c *chart) shiftDown(dy int) {
	for i := range c.Bars {
		c.Bars[i].Y += dy
	}
	for i := range c.Texts {
		c.Texts[i].Y += dy
	}
	c.H += dy
}

// yearChart shows how many reports the archive holds per report year,
// from the first year to the last (gaps included: a missing year is
// exactly what one wants to see), plus undated reports as a grey bar.
func yearChart(counts map[int]int, sz chartSize) chart {
	var years []int
	undated := counts[0]
	for y, n := range counts {
		if y > 0 && n > 0 {
			years = append(years, y)
		}
	}
	c := chart{Label: "archived reports per year"}
	if len(years) == 0 && undated == 0 {
		c.Empty = "no reports yet"
		return c
	}
	sort.Ints(years)
	var span []int
	older := 0 // reports of years before the span, folded into its first bar
	if len(years) > 0 {
		first, last := years[0], years[len(years)-1]
		if undated > 0 {
			sz.maxBars-- // the undated bar takes one place
		}
		if last-first+1 > sz.maxBars {
			first = last - sz.maxBars + 1
		}
		for y := first; y <= last; y++ {
			span = append(span, y)
		}
		for y, n := range counts {
			if y > 0 && y < first {
				older += n
			}
		}
	}
	top := undated
	for i, y := range span {
		n := counts[y]
		if i == 0 {
			n += older
		}
		top = max(top, n)
	}
	x := 0
	bar := func(n int, class, tip, label string) {
		h := 0
		if n > 0 {
			h = max(2, n*sz.height/top)
		}
		if h == 0 {
			// An empty year still gets a baseline tick, so gaps read as gaps.
			c.Bars = append(c.Bars, chartBar{X: x, Y: sz.height - 1, W: sz.bar, H: 1, Class: "bar-none", Tip: tip})
		} else {
			c.Bars = append(c.Bars, chartBar{X: x, Y: sz.height - h, W: sz.bar, H: h, Class: class, Tip: tip})
		}
		if sz.big && n > 0 {
			c.Texts = append(c.Texts, chartText{X: x + sz.bar/2, Y: sz.height - h - 3, Anchor: "middle", Text: strconv.Itoa(n)})
		}
		if label != "" {
			c.Texts = append(c.Texts, chartText{X: x + sz.bar/2, Y: sz.height + labelBand - 2, Anchor: "middle", Text: label})
		}
		x += sz.bar + sz.gap
	}
	for i, y := range span {
		n := counts[y]
		tip := fmt.Sprintf("%d: %s", y, plural(n, "report"))
		if i == 0 && older > 0 {
			n += older
			tip = fmt.Sprintf("%d and before: %s", y, plural(n, "report"))
		}
		label := ""
		switch {
		case sz.big:
			label = strconv.Itoa(y)
		case i == 0 || i == len(span)-1:
			label = "’" + strconv.Itoa(y%100)
		}
		bar(n, "bar-docs", tip, label)
	}
	if undated > 0 {
		bar(undated, "bar-undated", "no year: "+plural(undated, "report"), "?")
	}
	c.W = max(x-sz.gap, sz.bar)
	c.H = sz.height + labelBand
	if sz.big {
		c.shiftDown(valueBand) // room above the tallest bar for its count
	}
	var total int
	for _, n := range counts {
		total += n
	}
	c.Label = fmt.Sprintf("archived reports per year: %s in all", plural(total, "report"))
	return c
}

// runsChart shows recent runs, oldest on the left: a bar per run, green for
// the reports and versions it added with the pages that failed stacked
// on top in red; a run that added nothing is a grey tick, a failed one a
// full red bar, a cancelled one a full grey bar, one going now a full blue
// bar. runs are newest first, as the history returns them; the tooltips
// give their times in loc.
func runsChart(runs []RunInfo, sz chartSize, loc *time.Location) chart {
	c := chart{Label: "recent runs"}
	if len(runs) == 0 {
		c.Empty = "no runs yet"
		return c
	}
	if len(runs) > sz.maxBars {
		runs = runs[:sz.maxBars]
	}
	top := 1
	for _, r := range runs {
		if s := r.Summary; s != nil {
			top = max(top, s.NewDocuments+s.NewVersions+s.ErrorCount())
		}
	}
	x := 0
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		tip := runTip(r, loc)
		switch r.Status {
		case StatusFailed, StatusCancelled, StatusQueued, StatusRunning:
			c.Bars = append(c.Bars, chartBar{X: x, Y: 0, W: sz.bar, H: sz.height, Class: "bar-" + r.Status, Tip: tip})
		default:
			added, errs := 0, 0
			if s := r.Summary; s != nil {
				added, errs = s.NewDocuments+s.NewVersions, s.ErrorCount()
			}
			if added+errs == 0 {
				c.Bars = append(c.Bars, chartBar{X: x, Y: sz.height - 2, W: sz.bar, H: 2, Class: "bar-none", Tip: tip})
				break
			}
			ha := 0
			if added > 0 {
				ha = max(2, added*sz.height/top)
				c.Bars = append(c.Bars, chartBar{X: x, Y: sz.height - ha, W: sz.bar, H: ha, Class: "bar-new", Tip: tip})
			}
			if errs > 0 {
				he := max(2, errs*sz.height/top)
				he = min(he, sz.height-ha)
				c.Bars = append(c.Bars, chartBar{X: x, Y: sz.height - ha - he, W: sz.bar, H: he, Class: "bar-errors", Tip: tip})
			}
		}
		x += sz.bar + sz.gap
	}
	c.W = max(x-sz.gap, sz.bar)
	c.H = sz.height
	if sz.big {
		c.H = sz.height + labelBand
		c.W = max(c.W, 120) // wide enough for both labels, even under one bar
		c.Texts = append(c.Texts,
			chartText{X: 0, Y: sz.height + labelBand - 2, Anchor: "start", Text: "older"},
			chartText{X: c.W, Y: sz.height + labelBand - 2, Anchor: "end", Text: "newest"})
	}
	c.Label = fmt.Sprintf("the last %s", plural(len(runs), "run"))
	return c
}

// runTip describes a run in one line, its time in loc.
func runTip(r RunInfo, loc *time.Location) string {
	parts := []string{inZone(runTime(r), loc), r.Status}
	if s := r.Summary; s != nil {
		parts = append(parts,
			plural(s.NewDocuments, "new report"), plural(s.NewVersions, "new version"),
			plural(s.ErrorCount(), "error"), s.Duration.Round(100*time.Millisecond).String())
	}
	if r.Error != "" {
		parts = append(parts, r.Error)
	}
	return strings.Join(parts, " · ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
