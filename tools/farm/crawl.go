package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
)

// CrawlResult is what a crawl child reports (besides its rusage, which the
// parent reads).
type CrawlResult struct {
	Sites        int            `json:"sites"`
	Failed       int            `json:"failed_sites"`
	ListPages    int            `json:"list_pages"`
	Pages        int            `json:"pages"`        // 200 responses (list + report pages)
	NotModified  int            `json:"not_modified"` // 304s
	BytesFetched int64          `json:"bytes_fetched"`
	Reports      int            `json:"reports"`
	NewDocuments int            `json:"new_documents"`
	NewVersions  int            `json:"new_versions"`
	NewSources   int            `json:"new_sources"`
	Unchanged    int            `json:"unchanged"`
	Errors       map[string]int `json:"errors,omitempty"`
	Skipped      map[string]int `json:"skipped,omitempty"`
	FirstErrors  []string       `json:"first_errors,omitempty"`
	WallSeconds  float64        `json:"wall_s"`
	// From /proc/self/io at the end: bytes handed to write(2) (wchar) and
	// bytes sent to storage (write_bytes).
	WChar      int64 `json:"wchar"`
	WriteBytes int64 `json:"write_bytes"`
	ProcIOOK   bool  `json:"proc_io_ok"`
	// DiscoveryPages sums the sites' pages read to find report columns.
	DiscoveryPages int `json:"discovery_pages"`
	// PerSite is each site's figures, in site order.
	PerSite []SiteResult `json:"per_site,omitempty"`
	// SitesAtOnce is the sites the crawl ran at once (max_concurrent_sites
	// fitted to the file-descriptor limit), Limits every concurrency key of
	// its config (configLimits), effective values: what the config file set,
	// else config.Default(); Fitted the limits as the crawl's log says them.
	SitesAtOnce int     `json:"sites_at_once"`
	Limits      []Limit `json:"limits,omitempty"`
	Fitted      string  `json:"fitted_limits,omitempty"`
	// DelaySeconds is the longest per-host delay of the crawled sites.
	DelaySeconds float64 `json:"delay_s"`
}

// SiteResult is one site's run, as its harvest.Summary gives it.
type SiteResult struct {
	Site           string   `json:"site"`
	Status         string   `json:"status"`
	Reports        int      `json:"reports"`
	NewDocuments   int      `json:"new_documents"`
	NewSources     int      `json:"new_sources"`
	Pages          int      `json:"pages"`
	DiscoveryPages int      `json:"discovery_pages"`
	Columns        []string `json:"columns,omitempty"`
}

// crawlMain is `farm crawl`: the same steps as `nianbao crawl --all`
// (cmd/nianbao/cmd_crawl.go runCrawl, which is in package main): load
// config.yaml and the site files, open the archive, harvest.RunSites (the
// loop runCrawl calls) with the config's limits fitted to the process's
// file descriptors (sites at once, requests in flight, idle connections,
// memory budget: cfg.Limits, Limits.Share), and one attachment.Reader; logs
// as the CLI's default (text, info) to stderr. It adds a CPU profile of the
// whole run.
func crawlMain(args []string) error {
	fs := flag.NewFlagSet("crawl", flag.ExitOnError)
	cfgPath := fs.String("config", "config.yaml", "nianbao config.yaml")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the run here")
	block := fs.String("blockprofile", "", "write block and mutex profiles of the run here (.block, .mutex)")
	out := fs.String("out", "", "write the CrawlResult (JSON) here")
	fs.Parse(args)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if *block != "" {
		// Where the crawl waits: every blocking event of 100 µs or more
		// (sampled below that), every 10th mutex contention.
		runtime.SetBlockProfileRate(100_000)
		runtime.SetMutexProfileFraction(10)
		defer func() {
			for _, kind := range []string{"block", "mutex"} {
				if f, err := os.Create(*block + "." + kind); err == nil {
					pprof.Lookup(kind).WriteTo(f, 0)
					f.Close()
				}
			}
		}()
	}
	start := time.Now()
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	chosen, probs, err := cfg.LoadSites()
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return probs
	}
	a, err := archive.Open(cfg.ArchivePath(), archive.Options{Logger: log})
	if err != nil {
		return err
	}
	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: cfg.CachePath(os.Getenv), Logger: log})
	defer files.Close()
	deps := harvest.Deps{
		WARC:    cfg.WARC,
		Archive: a,
		Logger:  log,
		Crawl:   cfg.CrawlOptions(),
		Files:   files,
	}
	// As runCrawl: the limits fit the process's file descriptors; the hosts'
	// turns, the cap on requests in flight and the transport are shared.
	limits := cfg.Limits(crawler.FileLimit())
	limits.Share(&deps.Crawl)
	deps.MemoryBudget = cfg.MemoryBudget
	log.Info("crawl limits: "+limits.String(), "sites", len(chosen), "memory_budget", cfg.MemoryBudget)
	sums, errs := harvest.RunSites(ctx, chosen, deps, limits.Sites)
	if err := a.Close(); err != nil {
		errs = append(errs, err)
	}
	res := CrawlResult{Sites: len(chosen), WallSeconds: time.Since(start).Seconds(),
		Errors: map[string]int{}, Skipped: map[string]int{},
		SitesAtOnce: limits.Sites, Limits: configLimits(cfg), Fitted: limits.String()}
	for _, s := range chosen {
		res.DelaySeconds = max(res.DelaySeconds, s.DelayDuration().Seconds())
	}
	for _, s := range sums {
		if s.Status != "ok" {
			res.Failed++
		}
		res.ListPages += s.ListPages
		res.Pages += s.PagesFetched
		res.NotModified += s.NotModified
		res.BytesFetched += s.Bytes
		res.Reports += s.ReportsFound
		res.NewDocuments += s.NewDocuments
		res.NewVersions += s.NewVersions
		res.NewSources += s.NewSources
		res.Unchanged += s.Unchanged
		res.DiscoveryPages += s.DiscoveryPages
		res.PerSite = append(res.PerSite, SiteResult{Site: s.Site, Status: s.Status, Reports: s.ReportsFound,
			NewDocuments: s.NewDocuments, NewSources: s.NewSources, Pages: s.PagesFetched, DiscoveryPages: s.DiscoveryPages, Columns: s.Columns})
		for k, n := range s.Errors {
			res.Errors[k] += n
		}
		for k, n := range s.Skipped {
			res.Skipped[k] += n
		}
		for _, f := range s.Failures {
			if len(res.FirstErrors) < 5 {
				res.FirstErrors = append(res.FirstErrors, f.Error())
			}
		}
	}
	res.WChar, res.WriteBytes, res.ProcIOOK = procSelfIO()
	if err := writeJSON(*out, res); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// procSelfIO reads wchar and write_bytes from /proc/self/io.
func procSelfIO() (wchar, writeBytes int64, ok bool) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(l, ": ")
		n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch k {
		case "wchar":
			wchar = n
		case "write_bytes":
			writeBytes = n
		}
	}
	return wchar, writeBytes, true
}

func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
