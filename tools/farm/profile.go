package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

// Stages, in the order they are printed.
var stages = []string{"fetch", "decode", "parse", "links", "extract", "hash", "write", "index", "log", "gc", "other"}

// stageRules map a function name to a stage. A sample belongs to the stage of
// the leaf-most frame of its stack that matches a rule (so html.Parse called
// by extract.Extract is parse, and the rest of extract.Extract is extract);
// within one frame the first matching rule wins. A stack with log/slog in it
// is log, whatever its leaf (its write(2) to stderr is not an archive write).
var stageRules = []struct{ prefix, stage string }{
	{"crypto/sha256", "hash"},
	{"crypto/internal/fips140/sha256", "hash"},
	{"modernc.org/", "index"},
	{"database/sql", "index"},
	{"github.com/nianbao/nianbao/archive.(*sqliteIndex)", "index"},
	{"github.com/nianbao/nianbao/archive.", "write"},
	{"compress/", "write"},
	{"hash/crc32", "write"},
	{"golang.org/x/net/html/charset", "decode"},
	{"golang.org/x/text/encoding", "decode"},
	{"github.com/nianbao/nianbao/crawler.Decode", "decode"},
	{"github.com/nianbao/nianbao/crawler.metaCharset", "decode"},
	{"github.com/gocolly/colly/v2.(*Response).fixCharset", "decode"},
	{"golang.org/x/net/html.", "parse"},
	{"github.com/PuerkitoBio/goquery.NewDocument", "parse"},
	{"github.com/nianbao/nianbao/extract.", "extract"},
	{"github.com/nianbao/nianbao/crawler.(*rawTransport)", "fetch"},
	{"github.com/nianbao/nianbao/crawler.(*crawl).once", "fetch"},
	{"github.com/nianbao/nianbao/crawler.(*crawl).fetch", "fetch"},
	{"github.com/nianbao/nianbao/crawler.(*crawl).readRobots", "fetch"},
	{"github.com/nianbao/nianbao/crawler.(*crawl).robotsAllow", "fetch"},
	{"github.com/nianbao/nianbao/crawler.sniffBinary", "fetch"},
	{"github.com/nianbao/nianbao/crawler.challenge", "fetch"},
	{"github.com/nianbao/nianbao/crawler.visibleText", "fetch"},
	{"github.com/nianbao/nianbao/crawler.", "links"},
	{"github.com/nianbao/nianbao/sites.", "links"},
	{"net/http.", "fetch"},
	{"net.", "fetch"},
	{"crypto/tls", "fetch"},
	{"github.com/gocolly/colly", "fetch"},
	{"runtime.gcBgMarkWorker", "gc"},
	{"runtime.bgsweep", "gc"},
	{"runtime.bgscavenge", "gc"},
}

// StageCPU is one stage's share of a run's CPU.
type StageCPU struct {
	Stage   string  `json:"stage"`
	Share   float64 `json:"share"`    // of the profile's samples
	Seconds float64 `json:"cpu_s"`    // share × the child's rusage CPU
	Per1000 float64 `json:"per_1000"` // CPU-seconds per 1,000 pages
	// Callers are the nianbao or colly functions nearest above the stage's
	// frame, with their share of the whole profile: who parses, who hashes.
	Callers []Caller `json:"callers,omitempty"`
	// Frames are the functions that matched the stage's rule (the leaf-most
	// frame of the stage), with their share of the whole profile.
	Frames []Caller `json:"frames,omitempty"`
}

// Caller is one caller of a stage.
type Caller struct {
	Func  string  `json:"func"`
	Share float64 `json:"share"`
}

// Breakdown is a CPU profile cut into stages.
type Breakdown struct {
	Stages       []StageCPU `json:"stages"`
	ProfileCPU   float64    `json:"profile_cpu_s"` // CPU the profile's samples account for
	TopFunctions []Caller   `json:"top_cumulative"`
}

func stageOf(fn string) string {
	for _, r := range stageRules {
		if strings.HasPrefix(fn, r.prefix) {
			return r.stage
		}
	}
	return ""
}

func isOurs(fn string) bool {
	return strings.HasPrefix(fn, "github.com/nianbao/nianbao/") || strings.HasPrefix(fn, "github.com/gocolly/")
}

// analyse reads a CPU profile and splits it into stages, scaled to cpuSeconds
// of rusage CPU and pages pages.
func analyse(path string, cpuSeconds float64, pages int) (*Breakdown, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	vi := len(p.SampleType) - 1
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			vi = i
		}
	}
	by := map[string]int64{}
	callers := map[string]map[string]int64{}
	matched := map[string]map[string]int64{}
	cum := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		v := s.Value[vi]
		total += v
		var frames []string // leaf first
		for _, loc := range s.Location {
			for _, l := range loc.Line {
				if l.Function != nil {
					frames = append(frames, l.Function.Name)
				}
			}
		}
		stage, at := "other", -1
		for i, fn := range frames {
			if strings.HasPrefix(fn, "log/slog") {
				stage, at = "log", i
				break
			}
		}
		if at < 0 {
			for i, fn := range frames {
				if st := stageOf(fn); st != "" {
					stage, at = st, i
					break
				}
			}
		}
		by[stage] += v
		if at >= 0 {
			if matched[stage] == nil {
				matched[stage] = map[string]int64{}
			}
			matched[stage][short(frames[at])] += v
			for _, fn := range frames[at+1:] {
				if isOurs(fn) && stageOf(fn) != stage {
					if callers[stage] == nil {
						callers[stage] = map[string]int64{}
					}
					callers[stage][short(fn)] += v
					break
				}
			}
		}
		seen := map[string]bool{}
		for _, fn := range frames {
			if isOurs(fn) && !seen[fn] {
				seen[fn] = true
				cum[short(fn)] += v
			}
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("%s: no samples", path)
	}
	b := &Breakdown{ProfileCPU: float64(total) / 1e9}
	for _, st := range stages {
		sh := float64(by[st]) / float64(total)
		sc := StageCPU{Stage: st, Share: sh, Seconds: sh * cpuSeconds}
		if pages > 0 {
			sc.Per1000 = sc.Seconds / float64(pages) * 1000
		}
		sc.Callers = topOf(callers[st], total, 3)
		sc.Frames = topOf(matched[st], total, 3)
		b.Stages = append(b.Stages, sc)
	}
	b.TopFunctions = topOf(cum, total, 25)
	return b, nil
}

func short(fn string) string {
	fn = strings.TrimPrefix(fn, "github.com/nianbao/nianbao/")
	return strings.TrimPrefix(fn, "github.com/gocolly/colly/v2.")
}

func topOf(m map[string]int64, total int64, n int) []Caller {
	out := make([]Caller, 0, len(m))
	for k, v := range m {
		out = append(out, Caller{Func: k, Share: float64(v) / float64(total)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Share > out[j].Share })
	if len(out) > n {
		out = out[:n]
	}
	return out
}
