package main

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
)

// TestFarmSitesLoad writes the politeness mode's config and site files and
// loads them with nianbao's own loader: every site gets the per-host delay,
// and max_concurrent_sites is -concurrency or else the config's default.
func TestFarmSitesLoad(t *testing.T) {
	f := &Farm{Portals: 5, Pages: 10, ListSize: 20, ReportShare: 0.2, Port: 8080}
	tests := []struct {
		name      string
		conc      int
		delay     time.Duration
		wantSites int
	}{
		{"defaults", 0, 0, config.Default().MaxConcurrentSites},
		{"delay 200ms, config's concurrency", 0, 200 * time.Millisecond, config.Default().MaxConcurrentSites},
		{"delay 2s, -concurrency 7", 7, 2 * time.Second, 7},
		{"delay 1.5s, -concurrency 128", 128, 1500 * time.Millisecond, 128},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgText := crawlConfigYAML("sites", tt.conc, tt.delay)
			if err := writeFarmSites(dir, cfgText, f.Portals, func(i int) string { return f.BaseURL(i) + f.ListURL(i, 0) }, tt.delay); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(filepath.Join(dir, "config.yaml"))
			if err != nil {
				t.Fatalf("config.Load: %v\n%s", err, cfgText)
			}
			if cfg.MaxConcurrentSites != tt.wantSites {
				t.Errorf("max_concurrent_sites = %d, want %d", cfg.MaxConcurrentSites, tt.wantSites)
			}
			chosen, probs, err := cfg.LoadSites()
			if err != nil || len(probs) > 0 {
				t.Fatalf("LoadSites: %v %v", err, probs)
			}
			if len(chosen) != f.Portals {
				t.Fatalf("%d sites, want %d", len(chosen), f.Portals)
			}
			for _, s := range chosen {
				if s.DelayDuration() != tt.delay {
					t.Errorf("site %s: delay %s, want %s", s.Name, s.DelayDuration(), tt.delay)
				}
			}
		})
	}
}

// TestConfigLimits reports the concurrency keys a config file set, and the
// defaults of those it left out.
func TestConfigLimits(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // max_concurrent_sites=…
	}{
		{"default", "sites_dir: sites\n", "max_concurrent_sites=" + itoa(config.Default().MaxConcurrentSites)},
		{"set", "sites_dir: sites\nmax_concurrent_sites: 33\n", "max_concurrent_sites=33"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), filepath.Join(t.TempDir(), "config.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			got := limitsString(configLimits(cfg))
			if !strings.Contains(got, tt.want) {
				t.Errorf("limits %q, want %q in them", got, tt.want)
			}
			for _, l := range configLimits(cfg) {
				if !limitKeyRe.MatchString(l.Key) {
					t.Errorf("limit %s is not a concurrency key", l.Key)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// TestPoliteRun checks the bound arithmetic: P from what the farm served,
// the bound the larger of P·D and CPU / cores, the sites bound when fewer
// sites run at once than there are portals.
func TestPoliteRun(t *testing.T) {
	tests := []struct {
		name                 string
		wall, cpu            float64
		pages, nm            int
		served               ServerStats
		portals, cores, conc int
		delay                time.Duration
		ceil                 float64
		wantP, wantBound     float64
		wantBy               string
		wantSites, wantCeil  float64
	}{
		// 3,000 portals × 51 requests at 200 ms, 1,021 CPU-s: CPU/2 = 510.5 s > 10.2 s.
		{"cpu-bound", 1000, 1021, 150000, 0, ServerStats{OK: 150000, Robots: 3000}, 3000, 2, 128, 200 * time.Millisecond, 2.6,
			51, 510.5, "CPU", 3000 * 51 * 0.2 / 128, 1021.0 / 150000 * 1000 / 2.6},
		// 200 portals, everything at once, little CPU: P·D = 51 × 0.2 = 10.2 s.
		{"politeness-bound", 12, 10, 10000, 0, ServerStats{OK: 10000, Robots: 200}, 200, 2, 200, 200 * time.Millisecond, 0,
			51, 10.2, "politeness", 0, 0},
		// No farm counts: P from the crawl's pages + 304s.
		{"re-crawl, no served counts", 30, 5, 0, 10000, ServerStats{}, 200, 2, 4, 2 * time.Second, 1,
			50, 100, "politeness", 200 * 50 * 2.0 / 4, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &CrawlReport{Name: "crawl", Proc: Proc{WallSeconds: tt.wall, CPUSeconds: tt.cpu}, Requests: tt.pages + tt.nm,
				Result: CrawlResult{Pages: tt.pages, NotModified: tt.nm}}
			r := politeRun(c, tt.served, tt.portals, tt.cores, tt.conc, tt.delay, tt.ceil)
			if !near(r.P, tt.wantP) || !near(r.Bound, tt.wantBound) || r.BoundBy != tt.wantBy {
				t.Errorf("P %v bound %v by %s, want %v %v %s", r.P, r.Bound, r.BoundBy, tt.wantP, tt.wantBound, tt.wantBy)
			}
			if !near(r.SitesBound, tt.wantSites) {
				t.Errorf("sites bound %v, want %v", r.SitesBound, tt.wantSites)
			}
			if !near(r.CPUToCeiling, tt.wantCeil) {
				t.Errorf("CPU / ceiling %v, want %v", r.CPUToCeiling, tt.wantCeil)
			}
			if want := tt.cpu / (tt.wantP * float64(tt.portals)); !near(r.CPUPerReq, want) {
				t.Errorf("CPU per request %v, want %v", r.CPUPerReq, want)
			}
			if !near(r.WallToBound, tt.wall/tt.wantBound) || !near(r.CoresBusy, tt.cpu/tt.wall) {
				t.Errorf("wall/bound %v cores busy %v", r.WallToBound, r.CoresBusy)
			}
		})
	}
}

// TestPoliteTargets checks each target's verdict, the cores-busy target
// applying only when the CPU is the bound.
func TestPoliteTargets(t *testing.T) {
	tests := []struct {
		name string
		run  PoliteRun
		want map[string]string // target name suffix → verdict
	}{
		{"all met, CPU-bound", PoliteRun{Name: "crawl", Wall: 600, Bound: 500, BoundBy: "CPU", PeakRSSMB: 400, CPUToCeiling: 1.9, CPUPer1000: 5, CoresBusy: 1.85},
			map[string]string{"wall / politeness bound": "met", "peak RSS": "met", "CPU per 1,000 pages / ceiling's": "met", "cores busy when CPU-bound": "met"}},
		{"today's 3,000 portals", PoliteRun{Name: "crawl", Wall: 1000, WallToBound: 1000 / 510.5, Bound: 510.5, BoundBy: "CPU", PeakRSSMB: 298, CPUToCeiling: 2.6, CPUPer1000: 6.8, CoresBusy: 1.02},
			map[string]string{"wall / politeness bound": "NOT MET", "peak RSS": "met", "CPU per 1,000 pages / ceiling's": "NOT MET", "cores busy when CPU-bound": "NOT MET"}},
		{"politeness-bound re-crawl", PoliteRun{Name: "recrawl", Wall: 11, WallToBound: 1.1, Bound: 10, BoundBy: "politeness", PeakRSSMB: 700, CoresBusy: 0.3},
			map[string]string{"wall / politeness bound": "met", "peak RSS": "NOT MET", "cores busy when CPU-bound": "n/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.run.WallToBound == 0 {
				tt.run.WallToBound = tt.run.Wall / tt.run.Bound
			}
			got := map[string]string{}
			for _, tg := range politeTargets([]PoliteRun{tt.run}, 2) {
				got[strings.TrimPrefix(tg.Name, tt.run.Name+": ")] = tg.Verdict
			}
			if len(got) != len(tt.want) {
				t.Errorf("targets %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestExtrapolate checks the national round's arithmetic against the
// issue's own figures: 30,000 portals × 50 pages at 2 s, 4 sites at once,
// 6.5 ms per page, 2 cores.
func TestExtrapolate(t *testing.T) {
	runs := []PoliteRun{{Name: "crawl", P: 50, CPUPerReq: 0.0065}, {Name: "recrawl", P: 50, CPUPerReq: 0.00043}}
	e := extrapolate(runs, 30000, 2, 4, 2*time.Second, 24*time.Hour)
	tests := []struct {
		name                             string
		polite, cpu, sites, day          float64
		by                               string
		needTarget, needCPU, dayOfNeeded float64
	}{
		{"crawl", 100, 30000 * 50 * 0.0065 / 2, 750000, 750000, "sites-at-once", 3e6 / 86400, 3e6 / 4875, 4875},
		{"recrawl", 100, 30000 * 50 * 0.00043 / 2, 750000, 750000, "sites-at-once", 3e6 / 86400, 3e6 / 322.5, 322.5},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := e.Rounds[i]
			if !near(x.Polite, tt.polite) || !near(x.CPU, tt.cpu) || !near(x.Sites, tt.sites) || !near(x.Day, tt.day) || x.BoundBy != tt.by {
				t.Errorf("round %+v, want polite %v cpu %v sites %v day %v by %s", x, tt.polite, tt.cpu, tt.sites, tt.day, tt.by)
			}
			if !near(x.NeedTarget, tt.needTarget) || !near(x.NeedCPU, tt.needCPU) || !near(x.DayNeeded, tt.dayOfNeeded) {
				t.Errorf("needed %v / %v, day %v; want %v / %v, %v", x.NeedTarget, x.NeedCPU, x.DayNeeded, tt.needTarget, tt.needCPU, tt.dayOfNeeded)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{0, "0.0"}, {99.94, "99.9"}, {100, "100"}, {4875, "4,875"}, {750000, "750,000"}, {1234567.6, "1,234,568"}, {-4875, "-4,875"}} {
		if got := thousands(tt.in); got != tt.want {
			t.Errorf("thousands(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPoliteCrawl crawls a small farm on loopback with `farm crawl`'s own
// code (crawlMain: config.Load, LoadSites, harvest.RunSites) in politeness
// mode and checks that the run used the per-host delay and the config's
// concurrency, and fetched every page of every portal.
func TestPoliteCrawl(t *testing.T) {
	f := &Farm{Portals: 3, Pages: 6, ListSize: 20, ReportShare: 0.2, GBKShare: 0.3}
	f.tpl = loadTemplates()
	startFarm(t, f)
	dir := t.TempDir()
	t.Setenv("CACHE_DIRECTORY", filepath.Join(dir, "cache"))
	const delay = 50 * time.Millisecond
	if err := writeFarmSites(dir, crawlConfigYAML("sites", 0, delay), f.Portals, func(i int) string { return f.BaseURL(i) + f.ListURL(i, 0) }, delay); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "crawl.json")
	if err := crawlMain([]string{"-config", filepath.Join(dir, "config.yaml"), "-out", out}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	var res CrawlResult
	if err := readJSON(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.DelaySeconds != delay.Seconds() {
		t.Errorf("delay %v s, want %v s", res.DelaySeconds, delay.Seconds())
	}
	if want := config.Default().Limits(crawler.FileLimit()).Sites; res.SitesAtOnce != want {
		t.Errorf("sites at once %d, want the config default %d (fitted to the descriptors)", res.SitesAtOnce, want)
	}
	if !strings.Contains(limitsString(res.Limits), "max_concurrent_sites=") {
		t.Errorf("limits %v: no max_concurrent_sites", res.Limits)
	}
	if res.Sites != f.Portals || res.Failed != 0 || res.Pages != f.Portals*f.Pages {
		t.Errorf("%d sites, %d failed, %d pages; want %d, 0, %d (errors %v %v)", res.Sites, res.Failed, res.Pages, f.Portals, f.Portals*f.Pages, res.Errors, res.FirstErrors)
	}
}
