package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
)

// Options configure a Daemon.
type Options struct {
	// Config supplies sites_dir, the crawl defaults, max_concurrent_sites,
	// schedule_jitter and the crawl settings (user_agent, max_body_size,
	// max_file_size, max_attachments, file_timeout, max_probes).
	Config *config.Config
	// Archive is open for writing; the caller holds its lock and closes it
	// after Run returns.
	Archive *archive.Archive
	Logger  *slog.Logger
	// Now is the clock for run times and the status page (nil: time.Now).
	// Cron itself keeps wall-clock time.
	Now func() time.Time
	// Token, when set, must accompany every POST as "Authorization: Bearer …".
	Token string
	// PollInterval is how often sites_dir is checked for changed files
	// (0: 5 s, so a change takes effect within 10 s).
	PollInterval time.Duration
	// History is how many finished runs are kept per site (0: 30).
	History int
	// Crawl, when its Transport is set, replaces the crawler's HTTP
	// transport; the rest comes from Config.
	Crawl crawler.Options
	// FileLimit is the process's file-descriptor limit (crawler.FileLimit):
	// the crawl limits are fitted to it. 0: unknown, nothing is cut.
	FileLimit int
	// Files reads attachments for every run; the caller closes it after Run
	// returns. Its PDF engine starts on the first PDF, not before. nil: each
	// run makes its own.
	Files *attachment.Reader
	// HTTP bounds what a client can hold of the HTTP server; its zero
	// fields take the defaults of DefaultHTTPLimits.
	HTTP HTTPLimits
	// Hostname is the machine's name, answered to in the Host header
	// besides the listen address and allowed_hosts (see Handler). ""
	// means os.Hostname().
	Hostname string
	// StaleAfter is how long a site may go without an ok run before the
	// status page, the API and the metrics flag it stale (config.yaml's
	// stale_after; 0: DefaultStaleAfter).
	StaleAfter time.Duration
	// Location is the zone of the times on the status page for sites
	// whose schedule names none with CRON_TZ= (nil: the server's local
	// zone).
	Location *time.Location
}

// HTTPLimits bound what one client can hold of the daemon's HTTP server:
// how long a connection lives without progress, and a header's memory. Every request the daemon serves is
// answered at once (crawl --wait polls, it does not long-poll), so the
// bounds can be tight.
type HTTPLimits struct {
	// ReadHeaderTimeout is how long a client may take to send a request's
	// headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a client may take to send a whole request,
	// body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds a response, from the end of its request's
	// headers until it is written: a client that stops reading is cut off.
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request before the server closes it.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header; a larger one is answered
	// 431 Request Header Fields Too Large.
	MaxHeaderBytes int
}

// DefaultHTTPLimits are the limits of the daemon's HTTP server when
// Options.HTTP leaves them 0.
func DefaultHTTPLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10, // a browser's cookies for localhost included
	}
}

// orDefault fills the zero fields of l from DefaultHTTPLimits.
func (l HTTPLimits) orDefault() HTTPLimits {
	def := DefaultHTTPLimits()
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = def.ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = def.ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = def.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = def.IdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = def.MaxHeaderBytes
	}
	return l
}

// DefaultPollInterval is how often sites_dir is checked when Options leave it 0.
const DefaultPollInterval = 5 * time.Second

// Daemon schedules and runs crawls and serves their status. Build it with
// New, then call Run once.
type Daemon struct {
	cfg     *config.Config
	archive *archive.Archive
	log     *slog.Logger
	now     func() time.Time
	token   string
	poll    time.Duration
	limits  HTTPLimits
	host    string // the machine's name, for the Host check

	reg     *registry
	sched   *scheduler
	runs    *runManager
	metrics *metrics
	docs    *docCounts
	health  *healthBook
	pages   *pages
	zones   *zoneCache

	staleAfter  time.Duration
	crawlLimits crawler.Limits // sites and requests in flight

	keep int // finished runs kept per site, and read from the archive at start

	reloadMu sync.Mutex
	stamp    uint64    // dirStamp of the last load
	files    int       // site files at the last load
	dirMod   time.Time // dirModTime of the last look
}

// New loads the sites, schedules them and reads past runs from the archive.
// It fails only if the sites directory cannot be read (a *config.Error);
// broken site files are logged and shown, and the others are scheduled.
func New(ctx context.Context, opts Options) (*Daemon, error) {
	if opts.Config == nil || opts.Archive == nil {
		return nil, errors.New("daemon: Config and Archive are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.History <= 0 {
		opts.History = 30
	}
	if opts.Hostname == "" {
		opts.Hostname, _ = os.Hostname() // none: the listen address and allowed_hosts still work
	}
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = DefaultStaleAfter
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	cfg := opts.Config
	d := &Daemon{
		cfg:     cfg,
		archive: opts.Archive,
		log:     opts.Logger,
		now:     opts.Now,
		token:   opts.Token,
		poll:    opts.PollInterval,
		limits:  opts.HTTP.orDefault(),
		host:    opts.Hostname,
		reg:     newRegistry(),
		metrics: newMetrics(),
		docs:    newDocCounts(opts.Archive),
		health:  newHealthBook(),
		zones:   newZoneCache(opts.Location),

		staleAfter: opts.StaleAfter,
		keep:       opts.History,
	}
	crawl := cfg.CrawlOptions()
	crawl.Transport = opts.Crawl.Transport
	// Every run takes turns on a shared portal, within the limits fitted
	// to the process's file descriptors.
	d.crawlLimits = cfg.Limits(opts.FileLimit)
	d.crawlLimits.Share(&crawl)
	deps := harvest.Deps{Archive: opts.Archive, Crawl: crawl, Logger: opts.Logger, WARC: cfg.WARC, Files: opts.Files,
		MemoryBudget: cfg.MemoryBudget}
	d.runs = newRunManager(deps, d.crawlLimits.Sites, opts.History, opts.Logger, opts.Now)
	d.runs.onEnd = d.runEnded
	d.sched = newScheduler(opts.Logger, time.Duration(cfg.ScheduleJitter), opts.Now, d.tick)
	var err error
	if d.pages, err = newPages(); err != nil {
		return nil, err
	}

	if err := d.Reload(ctx); err != nil {
		var cerr *config.Error
		if errors.As(err, &cerr) {
			return nil, err
		}
	}
	if err := d.docs.refreshAll(ctx); err != nil {
		d.log.Warn("could not count the archived reports", "err", err)
	}
	return d, nil
}

// seedPast reads what the archive recorded of a site's runs before the
// daemon knew the site (at start, or when its file is added): its recent
// runs for the history, and its health (failed runs since the last ok
// one, the last success). A site whose runs the daemon has seen already
// (removed and added back while its run went on) keeps what it has.
func (d *Daemon) seedPast(ctx context.Context, site string) {
	if d.health.has(site) || d.runs.has(site) {
		return
	}
	history, h, err := d.seedSite(ctx, site, d.keep)
	if err != nil {
		d.log.Warn("could not read past runs", "site", site, "err", err)
		return
	}
	d.runs.seed(history)
	if len(history) > 0 {
		d.health.seed(site, h)
	}
}

// Run starts the scheduler, the sites_dir poller and the HTTP server on ln,
// and blocks until ctx is cancelled (or the server fails). Then it stops
// scheduling, cancels the running crawls and waits for them to end (the
// crawler and its politeness wait honour cancellation, so this takes
// moments, and the archive's writes are atomic, so no file is left half
// written), and shuts the server down. It returns nil after a cancellation.
func (d *Daemon) Run(ctx context.Context, ln net.Listener) error {
	runCtx, cancelRuns := context.WithCancel(ctx)
	defer cancelRuns()
	d.runs.start(runCtx)
	d.sched.start()

	srv := &http.Server{
		Handler:           d.Handler(ln.Addr()),
		ReadHeaderTimeout: d.limits.ReadHeaderTimeout,
		ReadTimeout:       d.limits.ReadTimeout,
		WriteTimeout:      d.limits.WriteTimeout,
		IdleTimeout:       d.limits.IdleTimeout,
		MaxHeaderBytes:    d.limits.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(d.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		d.pollSites(runCtx)
	}()
	d.log.Info("daemon started", "listen", ln.Addr().String(), "sites", len(d.reg.list()),
		"crawl_limits", d.crawlLimits.String(), "schedule_jitter", d.sched.describeJitter())

	var serveErr error
	select {
	case <-ctx.Done():
		d.log.Info("shutting down: stopping the schedule and cancelling running crawls")
	case serveErr = <-served:
		d.log.Error("HTTP server failed; shutting down", "err", serveErr)
	}
	<-d.sched.stop().Done()
	cancelRuns()
	<-polled
	d.runs.shutdown()
	// The server stays up while runs end, so a client waiting on a run
	// sees it cancelled; now it can go.
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		d.log.Warn("HTTP server shutdown", "err", err)
		srv.Close()
	}
	d.log.Info("daemon stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("daemon: serve http: %w", serveErr)
	}
	return nil
}

// pollSites reloads the sites when the files of sites_dir change. Each
// poll looks at the directory's own modification time (one stat: files
// added, removed or renamed in); every file is looked at on every poll up
// to 1,000 files, and every n-th poll for n thousand files (every 50 s for
// 10,000 at the default interval), so that an idle daemon with a whole
// country's site files does not spend its time in stat(2). A file
// rewritten in place is noticed at that slower pace; SIGHUP (Reload) is
// immediate.
func (d *Daemon) pollSites(ctx context.Context) {
	t := time.NewTicker(d.poll)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		dir := d.cfg.SitesPath()
		d.reloadMu.Lock()
		mod := dirModTime(dir)
		changed := !mod.Equal(d.dirMod)
		if !changed && tick%max(1, d.files/1000) == 0 {
			stamp, _ := dirStamp(dir)
			changed = stamp != d.stamp
		}
		d.dirMod = mod
		d.reloadMu.Unlock()
		if changed {
			_ = d.Reload(ctx) // logged there
		}
	}
}

// Reload reads sites_dir again and applies the changes: new sites are
// scheduled, changed ones rescheduled, removed ones unscheduled (a run of a
// removed site that is going finishes). A broken file keeps its site's last
// good version. The error is for a directory that cannot be read, in which
// case every known site stays as it was, or for ctx cancelled during the
// load, which then changes nothing.
func (d *Daemon) Reload(ctx context.Context) error {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	// Before loading: a change during the load shows at the next poll.
	d.dirMod = dirModTime(d.cfg.SitesPath())
	d.stamp, d.files = dirStamp(d.cfg.SitesPath())
	loaded, probs, err := d.cfg.LoadSitesContext(ctx)
	if err != nil && ctx.Err() != nil {
		d.stamp = 0 // load again at the next chance
		d.log.Info("reloading the site files interrupted; the sites stay as they were", "err", err)
		return err
	}
	if err != nil {
		d.reg.failDir(err)
		d.log.Error("cannot read the sites directory; keeping the sites already loaded", "err", err)
		return err
	}
	first := d.reg.empty()
	changes := d.reg.apply(loaded, probs)
	if first {
		// One line for the initial load, not one per site.
		d.log.Info("sites loaded", "sites", len(loaded), "files_with_problems", len(probs.Files()), "dir", d.cfg.SitesPath())
	}
	for _, c := range changes {
		switch c.kind {
		case siteRemoved:
			d.sched.remove(c.name)
			d.log.Info("site removed", "site", c.name, "file", c.old.File)
		case siteBroken:
			d.log.Warn("site file has problems; the site's last good version keeps running", "site", c.name, "file", c.site.File)
		default:
			if c.kind == siteAdded {
				d.seedPast(ctx, c.name)
			}
			if err := d.sched.set(c.site); err != nil {
				d.log.Error("cannot schedule site", "site", c.name, "err", err)
				continue
			}
			level := slog.LevelInfo
			if first {
				level = slog.LevelDebug
			}
			d.log.Log(context.Background(), level, "site "+string(c.kind), "site", c.name, "file", c.site.File, "schedule", c.site.Schedule)
		}
	}
	for _, p := range probs {
		d.log.Warn("site file problem", "file", p.File, "line", p.Line, "err", p.Error())
	}
	known := func(site string) bool { _, ok := d.reg.site(site); return ok }
	d.runs.forget(known)
	d.metrics.forget(known)
	d.docs.forget(known)
	d.health.forget(known)
	return nil
}

// tick is a site's scheduled time, its jitter offset included.
func (d *Daemon) tick(name string) {
	site, ok := d.reg.site(name)
	if !ok {
		return // removed since the tick was due
	}
	r, err := d.runs.trigger(site, TriggerSchedule)
	var busy *BusyError
	switch {
	case errors.As(err, &busy):
		d.metrics.skip(name)
		d.log.Warn("scheduled run skipped: the previous run is still going", "site", name, "run", busy.Run.ID, "status", busy.Run.Status)
	case errors.Is(err, ErrStopping), errors.Is(err, ErrNotRunning):
	case err != nil:
		d.log.Error("scheduled run not started", "site", name, "err", err)
	default:
		d.log.Debug("scheduled run queued", "site", name, "run", r.ID)
	}
}

// Trigger starts a run of the named site now, ahead of its schedule. It
// fails with ErrUnknownSite, a *BusyError if the site already has a run
// going (which is then the run to wait for), or ErrStopping.
func (d *Daemon) Trigger(name string) (RunInfo, error) {
	site, ok := d.reg.site(name)
	if !ok {
		return RunInfo{}, fmt.Errorf("%q: %w", name, ErrUnknownSite)
	}
	r, err := d.runs.trigger(site, TriggerManual)
	if err == nil {
		d.log.Info("run triggered", "site", name, "run", r.ID)
	}
	return r, err
}

// runEnded updates the site's health, the metrics and the report counts
// after a run.
func (d *Daemon) runEnded(r RunInfo, crawled bool) {
	d.health.observe(r)
	d.metrics.observe(r)
	if crawled && r.Summary != nil && (r.Summary.NewDocuments > 0 || r.Summary.NewVersions > 0) {
		// The run's own context may be gone; the count is quick.
		if err := d.docs.refresh(context.Background(), r.Site); err != nil {
			d.log.Warn("could not count the archived reports", "site", r.Site, "err", err)
		}
	}
}

// docCounts caches, per site, how many reports the archive holds for each
// year (listings are none; a report's renditions count once), for the page,
// the API and the metrics; it is refreshed after runs that added something.
type docCounts struct {
	archive *archive.Archive
	mu      sync.RWMutex
	bySite  map[string]map[int]int // site → year (0: undated) → reports
}

func newDocCounts(a *archive.Archive) *docCounts {
	return &docCounts{archive: a, bySite: map[string]map[int]int{}}
}

func (c *docCounts) refreshAll(ctx context.Context) error {
	counts, err := c.archive.ReportCounts(ctx, archive.Filter{})
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySite = counts
	return nil
}

func (c *docCounts) refresh(ctx context.Context, site string) error {
	counts, err := c.archive.ReportCounts(ctx, archive.Filter{Site: site})
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySite[site] = counts[site]
	return nil
}

// years returns a copy of a site's counts per year.
func (c *docCounts) years(site string) map[int]int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[int]int, len(c.bySite[site]))
	for y, n := range c.bySite[site] {
		out[y] = n
	}
	return out
}

func (c *docCounts) total(site string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 0
	for _, k := range c.bySite[site] {
		n += k
	}
	return n
}

// forget drops the counts of sites that are gone; their reports stay in the archive.
func (c *docCounts) forget(keep func(site string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range c.bySite {
		if !keep(s) {
			delete(c.bySite, s)
		}
	}
}
