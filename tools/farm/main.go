// Command farm is nianbao's benchmark farm: it serves N generated government
// portals × M pages on loopback addresses (127.1.x.y, one per portal), crawls
// them with nianbao's own code path (harvest.RunSite, as `nianbao crawl --all`
// does) with politeness delays at zero (or -delay), crawls them again (the re-crawl), runs
// a bare colly collector over the same pages as the ceiling, and prints
// throughput, CPU-seconds per 1,000 pages by stage (from a CPU profile), peak
// RSS and bytes. With -daemon-sites it also starts the real `nianbao serve`
// with that many site files and measures start-up time, idle RSS and idle CPU.
// With -delay D (the politeness mode, polite.go) every site gets a per-host
// delay D, and the report measures each crawl against its politeness bound
// max(P·D, CPU-seconds / cores), checks issue 18's targets and extrapolates
// a national round at the shipped defaults.
//
//	cd tools/farm && go run . -portals 100 -pages 50
//	cd tools/farm && go run . -portals 200 -pages 50 -delay 200ms
//
// The farm's servers, each crawl and the ceiling run in child processes (the
// command re-executes itself as `farm serve`, `farm crawl`, `farm ceiling`),
// so each one's CPU (rusage user+sys) and peak RSS (rusage maxrss) are its
// own. It is a separate module so that its dependencies (github.com/google/pprof)
// stay out of nianbao's go.mod.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	var err error
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve":
			err = serveMain(os.Args[2:])
		case "crawl":
			err = crawlMain(os.Args[2:])
		case "ceiling":
			err = ceilingMain(os.Args[2:])
		default:
			err = runMain(os.Args[1:])
		}
	} else {
		err = runMain(nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "farm:", err)
		os.Exit(1)
	}
}

// Proc is one child process's resource use.
type Proc struct {
	WallSeconds float64 `json:"wall_s"`
	UserSeconds float64 `json:"user_s"`
	SysSeconds  float64 `json:"sys_s"`
	CPUSeconds  float64 `json:"cpu_s"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	// OutBlockMB is rusage's ru_oublock (512-byte blocks written to storage).
	OutBlockMB float64 `json:"out_block_mb"`
}

// CrawlReport is one crawl: the child's result, its resources and its stages.
type CrawlReport struct {
	Name        string      `json:"name"`
	Result      CrawlResult `json:"result"`
	Proc        Proc        `json:"proc"`
	Requests    int         `json:"requests"` // pages + 304s
	PagesPerSec float64     `json:"pages_per_s"`
	ArchiveMB   float64     `json:"archive_mb"` // archive size after the run
	// MachineBusy is how many cores the whole machine kept busy during the
	// child's run (/proc/stat: every process and the kernel's own threads,
	// such as write-back; 0 where there is no /proc/stat).
	MachineBusy float64    `json:"machine_cores_busy"`
	Breakdown   *Breakdown `json:"breakdown,omitempty"`
	Error       string     `json:"error,omitempty"`
}

// Report is everything one harness run measured.
type Report struct {
	Machine     map[string]string `json:"machine"`
	Command     string            `json:"command"`
	Farm        map[string]any    `json:"farm"`
	Ceiling     *CeilingResult    `json:"ceiling,omitempty"`
	CeilingProc Proc              `json:"ceiling_proc"`
	CeilingPPS  float64           `json:"ceiling_pages_per_s"`
	Crawl       *CrawlReport      `json:"crawl,omitempty"`
	Recrawl     *CrawlReport      `json:"recrawl,omitempty"`
	Real        []*CrawlReport    `json:"real_binary,omitempty"`
	Ratio       float64           `json:"throughput_ratio_to_ceiling"`
	RecrawlRel  map[string]float64
	Server      Proc          `json:"server_proc"`
	Daemon      *DaemonResult `json:"daemon,omitempty"`
	Home        *HomeReport   `json:"home,omitempty"` // -home: list-page vs home-page configuration
	// Served is what the farm served during the crawl and the re-crawl.
	Served map[string]ServerStats `json:"served,omitempty"`
	// Polite is the politeness mode's section (-delay > 0).
	Polite  *PoliteReport `json:"politeness,omitempty"`
	WorkDir string        `json:"work_dir"`
	farm    *Farm
}

func runMain(args []string) error {
	fset := flag.NewFlagSet("farm", flag.ExitOnError)
	f := &Farm{}
	farmFlags(fset, f)
	conc := fset.Int("concurrency", 0, "sites crawled at once: max_concurrent_sites in the generated config.yaml (0: the config's default)")
	delay := fset.Duration("delay", 0, "per-host delay given to every site (politeness mode when > 0: each portal is its own host)")
	extra := fset.Int("extrapolate", 30000, "politeness mode: extrapolate a round of this many portals at the shipped delay and concurrency (0: skip)")
	targetWall := fset.Duration("target-wall", 24*time.Hour, "politeness mode: the wall time the extrapolated round must fit in")
	var sets []string
	fset.Func("set", "a top-level line of the crawl's config.yaml, e.g. -set 'max_requests_in_flight: 128' (repeatable)", func(v string) error {
		sets = append(sets, v)
		return nil
	})
	block := fset.Bool("block", false, "also write block and mutex profiles of the crawls (WORK/crawl.block, …; with -keep): where the crawl waits")
	asJSON := fset.Bool("json", false, "print the report as JSON")
	keep := fset.String("keep", "", "work directory to use and keep (default: a temporary one, removed)")
	daemonSites := fset.Int("daemon-sites", 0, "also start the real `nianbao serve` with this many site files (0: skip)")
	daemonIdle := fset.Duration("daemon-idle", 25*time.Second, "idle window of the daemon check")
	repo := fset.String("repo", "../..", "the nianbao repository (to build the real binary)")
	real := fset.Bool("real", false, "also crawl and re-crawl with the real `nianbao crawl --all` binary (no stage split)")
	noCrawl := fset.Bool("no-crawl", false, "skip the crawls and the ceiling (with -daemon-sites: the daemon check alone)")
	fset.Parse(args)

	self, err := os.Executable()
	if err != nil {
		return err
	}
	if f.Port == 0 {
		ln, err := net.Listen("tcp", Addr(0).String()+":0")
		if err != nil {
			return fmt.Errorf("listen on %s: %w (127/8 should be routed to lo)", Addr(0), err)
		}
		f.Port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	work := *keep
	if work == "" {
		if work, err = os.MkdirTemp("", "nianbao-farm-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	work, _ = filepath.Abs(work)
	rep := &Report{Machine: machine(), Command: "cd tools/farm && go run . " + strings.Join(args, " "), WorkDir: work, farm: f,
		Farm: map[string]any{"portals": f.Portals, "pages_per_portal": f.Pages, "list_pages_per_portal": f.ListPages(),
			"reports_per_portal": f.Reports(), "list_size": f.ListSize, "gbk_share": f.GBKShare,
			"attachments_per_portal": f.Attachments, "concurrency": effectiveConcurrency(*conc), "concurrency_from": concurrencyFrom(*conc),
			"delay": delay.String(), "port": f.Port, "home": f.Home}}

	// The farm's servers.
	srv := exec.Command(self, append([]string{"serve"}, farmArgs(f)...)...)
	srvOut, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	srvLog, err := os.Create(filepath.Join(work, "serve.log"))
	if err != nil {
		return err
	}
	defer srvLog.Close()
	srv.Stderr = srvLog
	if err := srv.Start(); err != nil {
		return err
	}
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(srvOut).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != "ready" {
			err = fmt.Errorf("farm serve said %q", line)
		}
		ready <- err
		io.Copy(io.Discard, srvOut)
	}()
	stopServer := func() {
		if srv.Process == nil || srv.ProcessState != nil {
			return
		}
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
		rep.Server = procOf(srv.ProcessState, 0)
	}
	defer stopServer()
	select {
	case err := <-ready:
		if err != nil {
			return fmt.Errorf("farm serve: %v (see %s)", err, srvLog.Name())
		}
	case <-time.After(2 * time.Minute):
		return errors.New("farm serve: not ready after 2 minutes")
	}
	logf("farm: %d portals on 127.1.x.y:%d, %d list pages + %d reports each, work dir %s", f.Portals, f.Port, f.ListPages(), f.Reports(), work)

	if f.Home && !*noCrawl {
		logf("home-page mode: crawls configured by list page, then by home page …")
		if rep.Home, err = runHome(self, work, f, *conc); err != nil {
			return err
		}
	} else if !*noCrawl {
		cdir := filepath.Join(work, "crawl")
		cfg := crawlConfigYAML("sites", *conc, *delay, sets...)
		if err := writeFarmSites(cdir, cfg, f.Portals, func(i int) string { return f.BaseURL(i) + f.ListURL(i, 0) }, *delay); err != nil {
			return err
		}
		cfgPath := filepath.Join(cdir, "config.yaml")

		logf("ceiling: bare colly fetch+parse …")
		var cr CeilingResult
		out := filepath.Join(work, "ceiling.json")
		p, err := runChild(self, []string{"ceiling", "-config", cfgPath, "-out", out}, filepath.Join(work, "ceiling.log"))
		if err == nil {
			err = readJSON(out, &cr)
		}
		if err != nil {
			return fmt.Errorf("ceiling: %w", err)
		}
		rep.Ceiling, rep.CeilingProc = &cr, p
		rep.CeilingPPS = float64(cr.Pages) / p.WallSeconds

		// The farm counts what it serves: reset after the ceiling, read
		// after each crawl (requests per portal, robots.txt included).
		if _, err := farmStats(f); err != nil {
			return err
		}
		rep.Served = map[string]ServerStats{}
		rep.Crawl = crawlChild(self, work, "crawl", cfgPath, true, *block)
		if rep.Served["crawl"], err = farmStats(f); err != nil {
			return err
		}
		rep.Recrawl = crawlChild(self, work, "recrawl", cfgPath, true, *block)
		if rep.Served["recrawl"], err = farmStats(f); err != nil {
			return err
		}
		if rep.Crawl.Error == "" && rep.CeilingPPS > 0 {
			rep.Ratio = rep.Crawl.PagesPerSec / rep.CeilingPPS
		}
		if c, r := rep.Crawl, rep.Recrawl; c.Error == "" && r.Error == "" {
			rep.RecrawlRel = map[string]float64{
				"bytes_fetched": ratio(float64(r.Result.BytesFetched), float64(c.Result.BytesFetched)),
				"bytes_written": ratio(float64(r.Result.WChar), float64(c.Result.WChar)),
				"cpu":           ratio(r.Proc.CPUSeconds, c.Proc.CPUSeconds),
				"wall":          ratio(r.Proc.WallSeconds, c.Proc.WallSeconds),
			}
		}
		if *delay > 0 {
			rep.Polite = politeReport(rep, f, *delay, *extra, *targetWall)
		}
	}
	var bin string
	if *real || *daemonSites > 0 {
		logf("building the real nianbao binary from %s …", *repo)
		if bin, err = buildNianbao(*repo, work); err != nil {
			return err
		}
	}
	if *real && !*noCrawl && !f.Home {
		rdir := filepath.Join(work, "real")
		cfg := crawlConfigYAML("../crawl/sites", *conc, *delay, sets...)
		if err := os.MkdirAll(rdir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(rdir, "config.yaml"), []byte(cfg), 0o644); err != nil {
			return err
		}
		for _, name := range []string{"real-crawl", "real-recrawl"} {
			rep.Real = append(rep.Real, realChild(bin, work, name, filepath.Join(rdir, "config.yaml")))
		}
	}
	stopServer()
	if *daemonSites > 0 {
		ddir := filepath.Join(work, "daemon")
		logf("daemon: nianbao serve with %d site files, idle window %s …", *daemonSites, *daemonIdle)
		d := daemonCheck(bin, ddir, f, *daemonSites, *daemonIdle)
		rep.Daemon = &d
	}
	if *keep != "" {
		writeJSON(filepath.Join(work, "report.json"), rep)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(os.Stdout, rep)
	return nil
}

func callerList(cs []Caller) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %.1f%%", c.Func, c.Share*100))
	}
	return strings.Join(out, ", ")
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// runChild runs a child to its end, stderr (and stdout) to logPath, and
// returns its resource use.
func runChild(bin string, args []string, logPath string) (Proc, error) {
	lf, err := os.Create(logPath)
	if err != nil {
		return Proc{}, err
	}
	defer lf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = lf, lf
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return Proc{}, err
	}
	p := procOf(cmd.ProcessState, wall)
	if err != nil {
		return p, fmt.Errorf("%s %s: %v (see %s)", filepath.Base(bin), args[0], err, logPath)
	}
	return p, nil
}

// machineCPU is the CPU-seconds every core of the machine has spent busy
// since boot (/proc/stat's first line: all but idle and iowait).
func machineCPU() (float64, bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, false
	}
	var busy float64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is already in user
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false
		}
		busy += n
	}
	return busy / 100, true // USER_HZ is 100 on Linux
}

func procOf(ps *os.ProcessState, wall time.Duration) Proc {
	p := Proc{WallSeconds: wall.Seconds(), UserSeconds: ps.UserTime().Seconds(), SysSeconds: ps.SystemTime().Seconds()}
	p.CPUSeconds = p.UserSeconds + p.SysSeconds
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		p.PeakRSSMB = float64(ru.Maxrss) / 1024 // kB on Linux
		p.OutBlockMB = float64(ru.Oublock) * 512 / (1 << 20)
	}
	return p
}

// crawlChild runs `farm crawl` (in-process harvest.RunSite, with a CPU profile).
func crawlChild(self, work, name, cfgPath string, profile, block bool) *CrawlReport {
	logf("%s: nianbao crawl --all (in-process child) …", name)
	cr := &CrawlReport{Name: name}
	out := filepath.Join(work, name+".json")
	prof := filepath.Join(work, name+".pprof")
	args := []string{"crawl", "-config", cfgPath, "-cpuprofile", prof, "-out", out}
	if block {
		args = append(args, "-blockprofile", filepath.Join(work, name))
	}
	before, _ := machineCPU()
	p, err := runChild(self, args, filepath.Join(work, name+".log"))
	if after, ok := machineCPU(); ok && p.WallSeconds > 0 {
		cr.MachineBusy = (after - before) / p.WallSeconds
	}
	cr.Proc = p
	if rerr := readJSON(out, &cr.Result); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		cr.Error = err.Error()
	}
	cr.Requests = cr.Result.Pages + cr.Result.NotModified
	if p.WallSeconds > 0 {
		cr.PagesPerSec = float64(cr.Requests) / p.WallSeconds
	}
	cr.ArchiveMB = dirMB(filepath.Join(filepath.Dir(cfgPath), "archive"))
	if profile && err == nil {
		b, err := analyse(prof, p.CPUSeconds, cr.Requests)
		if err != nil {
			cr.Error = err.Error()
		}
		cr.Breakdown = b
	}
	return cr
}

// realChild runs the real binary: `nianbao --config cfg crawl --all --json`.
func realChild(bin, work, name, cfgPath string) *CrawlReport {
	logf("%s: the real nianbao binary, crawl --all --json …", name)
	cr := &CrawlReport{Name: name}
	logPath := filepath.Join(work, name+".log")
	outPath := filepath.Join(work, name+".jsonl")
	lf, err := os.Create(logPath)
	if err != nil {
		cr.Error = err.Error()
		return cr
	}
	defer lf.Close()
	of, err := os.Create(outPath)
	if err != nil {
		cr.Error = err.Error()
		return cr
	}
	cmd := exec.Command(bin, "--config", cfgPath, "crawl", "--all", "--json")
	cmd.Stdout, cmd.Stderr = of, lf
	start := time.Now()
	err = cmd.Run()
	of.Close()
	if cmd.ProcessState != nil {
		cr.Proc = procOf(cmd.ProcessState, time.Since(start))
	}
	if err != nil {
		cr.Error = fmt.Sprintf("%v (see %s)", err, logPath)
	}
	b, _ := os.ReadFile(outPath)
	dec := json.NewDecoder(strings.NewReader(string(b)))
	for {
		var s struct {
			Pages       int   `json:"pages_fetched"`
			NotModified int   `json:"not_modified"`
			Bytes       int64 `json:"bytes"`
			Reports     int   `json:"reports_found"`
			NewDocs     int   `json:"new_documents"`
			Unchanged   int   `json:"unchanged"`
		}
		if dec.Decode(&s) != nil {
			break
		}
		cr.Result.Sites++
		cr.Result.Pages += s.Pages
		cr.Result.NotModified += s.NotModified
		cr.Result.BytesFetched += s.Bytes
		cr.Result.Reports += s.Reports
		cr.Result.NewDocuments += s.NewDocs
		cr.Result.Unchanged += s.Unchanged
	}
	cr.Requests = cr.Result.Pages + cr.Result.NotModified
	if cr.Proc.WallSeconds > 0 {
		cr.PagesPerSec = float64(cr.Requests) / cr.Proc.WallSeconds
	}
	cr.ArchiveMB = dirMB(filepath.Join(filepath.Dir(cfgPath), "archive"))
	return cr
}

func dirMB(dir string) float64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

func machine() map[string]string {
	m := map[string]string{"go": runtime.Version(), "cores": strconv.Itoa(runtime.NumCPU()), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		m["memory"] = strings.Join(strings.Fields(l)[1:], " ")
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m["loadavg_at_start"] = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return m
}

func printReport(w io.Writer, r *Report) {
	fmt.Fprintf(w, "machine: %s, %s cores, %s, %s (load average at start %s)\n", r.Machine["cpu"], r.Machine["cores"], r.Machine["memory"], r.Machine["go"], r.Machine["loadavg_at_start"])
	fmt.Fprintf(w, "command: %s\n", r.Command)
	fmt.Fprintf(w, "farm: %v portals × %v pages (%v list + %v reports each), list size %v, GBK share %v, %v attachments each, concurrency %v (%v), delay %v\n",
		r.Farm["portals"], r.Farm["pages_per_portal"], r.Farm["list_pages_per_portal"], r.Farm["reports_per_portal"], r.Farm["list_size"],
		r.Farm["gbk_share"], r.Farm["attachments_per_portal"], r.Farm["concurrency"], r.Farm["concurrency_from"], r.Farm["delay"])
	if r.Crawl != nil && len(r.Crawl.Result.Limits) > 0 {
		fmt.Fprintf(w, "crawl config (effective): %s; the crawl ran %s\n", limitsString(r.Crawl.Result.Limits), r.Crawl.Result.Fitted)
	}
	if r.Ceiling != nil && r.Ceiling.Workers > 0 {
		fmt.Fprintf(w, "ceiling: %d sites at once\n", r.Ceiling.Workers)
	}
	fmt.Fprintln(w)
	if r.Crawl != nil {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "run\tpages\t304s\twall s\tpages/s\tCPU s\tCPU s/1000 pages\tpeak RSS MB\tMB fetched\tMB written (wchar)\tMB to disk (oublock)\tarchive MB\terrors\t")
		row := func(name string, pages, nm int, p Proc, pps float64, fetched, written int64, arch float64, errs int) {
			w := "-"
			if written > 0 {
				w = fmt.Sprintf("%.1f", float64(written)/(1<<20))
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.0f\t%.1f\t%.2f\t%.0f\t%.1f\t%s\t%.1f\t%.1f\t%d\t\n", name, pages, nm, p.WallSeconds, pps, p.CPUSeconds,
				p.CPUSeconds/float64(max(1, pages+nm))*1000, p.PeakRSSMB, float64(fetched)/(1<<20), w, p.OutBlockMB, arch, errs)
		}
		if r.Ceiling != nil {
			row("ceiling (colly)", int(r.Ceiling.Pages), 0, r.CeilingProc, r.CeilingPPS, r.Ceiling.Bytes, 0, 0, int(r.Ceiling.Errors))
		}
		for _, c := range append([]*CrawlReport{r.Crawl, r.Recrawl}, r.Real...) {
			if c == nil {
				continue
			}
			n := 0
			for _, v := range c.Result.Errors {
				n += v
			}
			row(c.Name, c.Result.Pages, c.Result.NotModified, c.Proc, c.PagesPerSec, c.Result.BytesFetched, c.Result.WChar, c.ArchiveMB, n)
		}
		fmt.Fprintf(tw, "farm server\t\t\t%.1f\t\t%.1f\t\t%.0f\t\t\t\t\t\t\n", r.Server.WallSeconds, r.Server.CPUSeconds, r.Server.PeakRSSMB)
		tw.Flush()
		fmt.Fprintf(w, "\nthroughput: crawl %.0f pages/s = %.0f%% of the ceiling's %.0f pages/s (target ≥ 50%%)\n", r.Crawl.PagesPerSec, r.Ratio*100, r.CeilingPPS)
		if r.RecrawlRel != nil {
			fmt.Fprintf(w, "re-crawl / crawl: bytes fetched %.1f%% (target ≤ 10%%), bytes written %.1f%%, CPU %.1f%% (target ≤ 25%%), wall %.1f%%\n",
				r.RecrawlRel["bytes_fetched"]*100, r.RecrawlRel["bytes_written"]*100, r.RecrawlRel["cpu"]*100, r.RecrawlRel["wall"]*100)
		}
		for _, c := range []*CrawlReport{r.Crawl, r.Recrawl} {
			res := c.Result
			fmt.Fprintf(w, "%s: %d sites (%d failed), %d list pages, %d reports, %d new docs, %d new versions, %d new sources, %d unchanged, %d not modified, errors %v, skipped %v\n",
				c.Name, res.Sites, res.Failed, res.ListPages, res.Reports, res.NewDocuments, res.NewVersions, res.NewSources, res.Unchanged, res.NotModified, res.Errors, res.Skipped)
			for _, e := range res.FirstErrors {
				fmt.Fprintf(w, "  %s\n", e)
			}
			if c.Error != "" {
				fmt.Fprintf(w, "  ERROR: %s\n", c.Error)
			}
		}
		fmt.Fprintln(w)
		if r.Crawl.Breakdown != nil && r.Recrawl.Breakdown != nil {
			fmt.Fprintln(w, "CPU-seconds per 1,000 pages by stage (profile shares scaled to the child's rusage CPU):")
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "stage\tcrawl\tshare\tre-crawl\tshare\tcrawl: top frames of the stage | their nearest nianbao/colly callers (share of all CPU)")
			for i, st := range r.Crawl.Breakdown.Stages {
				rs := r.Recrawl.Breakdown.Stages[i]
				fmt.Fprintf(tw, "%s\t%.2f\t%.1f%%\t%.2f\t%.1f%%\t%s | %s\n", st.Stage, st.Per1000, st.Share*100, rs.Per1000, rs.Share*100,
					callerList(st.Frames), callerList(st.Callers))
			}
			fmt.Fprintf(tw, "total\t%.2f\t\t%.2f\t\t\n", r.Crawl.Proc.CPUSeconds/float64(max(1, r.Crawl.Requests))*1000,
				r.Recrawl.Proc.CPUSeconds/float64(max(1, r.Recrawl.Requests))*1000)
			tw.Flush()
			fmt.Fprintln(w, "\ntop cumulative nianbao/colly functions (crawl):")
			for _, c := range r.Crawl.Breakdown.TopFunctions[:min(15, len(r.Crawl.Breakdown.TopFunctions))] {
				fmt.Fprintf(w, "  %5.1f%%  %s\n", c.Share*100, c.Func)
			}
		}
	}
	if r.Polite != nil {
		printPolite(w, r.Polite)
	}
	if r.Home != nil {
		printHome(w, r.farm, r.Home)
	}
	if d := r.Daemon; d != nil {
		fmt.Fprintf(w, "\ndaemon (real nianbao serve, %d site files, %d loaded): /healthz after %.2f s (target ≤ 3 s); idle %.0f s: CPU %.2f s (%.2f%%), RSS %.0f MB (target < 100 MB), peak RSS %.0f MB\n",
			d.Sites, d.SitesLoaded, d.StartSeconds, d.IdleSeconds, d.IdleCPUSeconds, d.IdleCPUPercent, d.RSSMB, d.PeakRSSMB)
		if d.Error != "" {
			fmt.Fprintf(w, "  ERROR: %s\n", d.Error)
		}
	}
}
