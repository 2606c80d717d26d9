package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DaemonResult is the daemon check: `nianbao serve` with many site files.
type DaemonResult struct {
	Sites          int     `json:"sites"`
	SitesLoaded    int     `json:"sites_loaded"` // the nianbao_sites gauge
	StartSeconds   float64 `json:"start_s"`      // exec until /healthz answers
	IdleSeconds    float64 `json:"idle_s"`
	IdleCPUSeconds float64 `json:"idle_cpu_s"` // utime+stime over the idle window
	IdleCPUPercent float64 `json:"idle_cpu_percent"`
	RSSMB          float64 `json:"rss_mb"`      // VmRSS at the end of the idle window
	PeakRSSMB      float64 `json:"peak_rss_mb"` // VmHWM
	// What a person and a scraper get of the idle daemon, each the median
	// of pageTries requests after the idle window: the status page, a
	// page of /api/sites, and /metrics.
	StatusPage Fetched `json:"status_page"`
	APISites   Fetched `json:"api_sites"`
	Metrics    Fetched `json:"metrics"`
	// RSSAfterPagesMB is VmRSS once those requests are answered.
	RSSAfterPagesMB float64 `json:"rss_after_pages_mb"`
	Error           string  `json:"error,omitempty"`
}

// Fetched is what one GET of a daemon path answered.
type Fetched struct {
	Path  string  `json:"path"`
	Bytes int64   `json:"bytes"`
	MS    float64 `json:"ms"` // the median time to the last byte
}

// String is the figures as the report prints them.
func (f Fetched) String() string {
	return fmt.Sprintf("%s %.0f KB in %.0f ms", f.Path, float64(f.Bytes)/1024, f.MS)
}

// pageTries is how many times each daemon path is fetched; the median
// time is reported.
const pageTries = 5

// fetchPath GETs base+path pageTries times and returns its size and median
// time to the last byte.
func fetchPath(client *http.Client, base, path string) (Fetched, error) {
	f := Fetched{Path: path}
	var times []float64
	for range pageTries {
		t0 := time.Now()
		resp, err := client.Get(base + path)
		if err != nil {
			return f, fmt.Errorf("GET %s: %w", path, err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return f, fmt.Errorf("GET %s: read: %w", path, err)
		}
		if resp.StatusCode != http.StatusOK {
			return f, fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		times = append(times, float64(time.Since(t0).Microseconds())/1000)
		f.Bytes = n
	}
	sort.Float64s(times)
	f.MS = times[len(times)/2]
	return f, nil
}

// buildNianbao builds the real nianbao binary from the repository at repo.
func buildNianbao(repo, dir string) (string, error) {
	bin := filepath.Join(dir, "nianbao")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/nianbao")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/nianbao: %v\n%s", err, out)
	}
	return bin, nil
}

// freePort returns a port free on 127.0.0.1 just now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// daemonCheck writes n site files pointing at farm portals (scheduled once a
// year, so nothing runs in the window), starts `nianbao serve`, times
// /healthz, then watches CPU and RSS over an idle window.
func daemonCheck(bin, dir string, f *Farm, n int, idle time.Duration) DaemonResult {
	res := DaemonResult{Sites: n}
	fail := func(err error) DaemonResult { res.Error = err.Error(); return res }
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", port)
	cfg := fmt.Sprintf("sites_dir: sites\narchive_dir: archive\nlisten: %s\nlog_format: text\nmax_concurrent_sites: 4\ndefaults:\n  schedule: \"CRON_TZ=Asia/Shanghai 0 3 1 1 *\"\n  delay: 0s\n", listen)
	if err := writeSites(dir, cfg, n, func(i int) string {
		return f.BaseURL(i%max(1, f.Portals)) + f.ListURL(i%max(1, f.Portals), 0)
	}); err != nil {
		return fail(err)
	}
	serveLog, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return fail(err)
	}
	defer serveLog.Close()
	cmd := exec.Command(bin, "--config", filepath.Join(dir, "config.yaml"), "serve")
	cmd.Stdout, cmd.Stderr = serveLog, serveLog
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if time.Since(start) > 2*time.Minute {
			return fail(fmt.Errorf("/healthz did not answer within 2 minutes"))
		}
		resp, err := client.Get("http://" + listen + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	res.StartSeconds = time.Since(start).Seconds()
	time.Sleep(2 * time.Second) // let start-up work finish before the window
	pid := cmd.Process.Pid
	t0, err := procCPUTicks(pid)
	if err != nil {
		return fail(err)
	}
	w0 := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), idle)
	<-ctx.Done()
	cancel()
	t1, err := procCPUTicks(pid)
	if err != nil {
		return fail(err)
	}
	res.IdleSeconds = time.Since(w0).Seconds()
	res.IdleCPUSeconds = float64(t1-t0) / 100 // USER_HZ is 100 on Linux
	res.IdleCPUPercent = res.IdleCPUSeconds / res.IdleSeconds * 100
	res.RSSMB, res.PeakRSSMB = procRSS(pid)
	// After the window: what the pages cost, then how many sites the
	// daemon loaded.
	slow := &http.Client{Timeout: 60 * time.Second}
	base := "http://" + listen
	for _, p := range []struct {
		path string
		to   *Fetched
	}{{"/", &res.StatusPage}, {"/api/sites", &res.APISites}, {"/metrics", &res.Metrics}} {
		if *p.to, err = fetchPath(slow, base, p.path); err != nil {
			return fail(err)
		}
	}
	res.RSSAfterPagesMB, _ = procRSS(pid)
	logf("daemon: %s; %s; %s; RSS %.0f MB after them", res.StatusPage, res.APISites, res.Metrics, res.RSSAfterPagesMB)
	if resp, err := client.Get("http://" + listen + "/metrics"); err == nil {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "nianbao_sites "); ok {
				res.SitesLoaded, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		resp.Body.Close()
	}
	return res
}

// procCPUTicks is utime+stime of pid, in clock ticks.
func procCPUTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	s = s[strings.LastIndexByte(s, ')')+2:] // fields from 3 (state) on
	fs := strings.Fields(s)
	if len(fs) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	u, _ := strconv.ParseInt(fs[11], 10, 64) // field 14
	k, _ := strconv.ParseInt(fs[12], 10, 64) // field 15
	return u + k, nil
}

// procRSS is VmRSS and VmHWM of pid, in MB.
func procRSS(pid int) (rss, hwm float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(l, ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

// writeSites writes dir/config.yaml and n site files dir/sites/farm-NNNNN.yaml.
func writeSites(dir, cfg string, n int, start func(i int) string) error {
	sdir := filepath.Join(dir, "sites")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	for i := range n {
		y := fmt.Sprintf("# generated by tools/farm\nname: farm-%05d\ntitle: %s人民政府\nstart:\n  - %s\ndelay: 0s\n", i, portalName(i), start(i))
		if err := os.WriteFile(filepath.Join(sdir, fmt.Sprintf("farm-%05d.yaml", i)), []byte(y), 0o644); err != nil {
			return err
		}
	}
	return nil
}
