package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/internal/strictyaml"
	"github.com/nianbao/nianbao/sites"
)

// DefaultUserAgent identifies nianbao to portals when config.yaml sets none.
const DefaultUserAgent = "nianbao/0.1 (+https://github.com/nianbao/nianbao)"

// DefaultFile is the config file read when none is named (--config):
// config.yaml in the working directory, which need not exist (LoadOptional).
const DefaultFile = "config.yaml"

// DefaultArchiveDir is archive_dir when config.yaml sets none: data/archive
// beside the config file (or in the working directory when there is none),
// so that a crawl from a clone of the sources writes its data into data/,
// which .gitignore keeps out of git, and not into the archive/ directory of
// Go code.
const DefaultArchiveDir = "data/archive"

// Config is config.yaml with defaults applied.
type Config struct {
	SitesDir string `yaml:"sites_dir"`
	// ArchiveDir is where the archive lives, its index too
	// (DefaultArchiveDir unless set).
	ArchiveDir string `yaml:"archive_dir"`
	UserAgent  string `yaml:"user_agent"`
	// Listen is the daemon's HTTP address. An address that is not a
	// loopback one needs APIToken.
	Listen string `yaml:"listen"`
	// APIToken, when set, is required (as "Authorization: Bearer <token>") on
	// every POST to the daemon. The environment variable NIANBAO_API_TOKEN
	// overrides it; see Token.
	APIToken string `yaml:"api_token"`
	// AllowedHosts are the names besides the listen address's own by which
	// the daemon may be reached, as sent in the Host header: the names of
	// the machine or of a reverse proxy in front of it. A request naming
	// any other host is refused, so that a web page whose name is made to
	// resolve to this machine (DNS rebinding) cannot read the API or
	// trigger crawls. Names only, no port or scheme; an IP address may be
	// listed too.
	AllowedHosts strictyaml.StringList `yaml:"allowed_hosts"`
	// ScheduleJitter spreads the sites that share a schedule: each site's
	// scheduled start is delayed by a stable offset in [0, ScheduleJitter)
	// derived from its name. 0 (the key left out) is the daemon's default
	// spread (daemon.DefaultSpread: half the schedule's interval, at most
	// 6h); a negative value — the key written as 0s — turns it off.
	ScheduleJitter strictyaml.Duration `yaml:"schedule_jitter"`
	// LogFormat is "text" or "json".
	LogFormat string `yaml:"log_format"`
	// MaxConcurrentSites bounds how many site runs are in flight at once:
	// most of them wait out their host's delay, holding no page, so it is
	// large; MaxRequestsInFlight bounds the work.
	MaxConcurrentSites int `yaml:"max_concurrent_sites"`
	// MaxRequestsInFlight bounds the requests in flight across all sites,
	// each counted until its page is parsed and archived: the crawl's CPU
	// and memory at once.
	MaxRequestsInFlight int `yaml:"max_requests_in_flight"`
	// MemoryBudget is the Go heap (live bytes after a collection) above
	// which no new site run starts until running ones end; 0: none.
	MemoryBudget int64 `yaml:"memory_budget"`
	// MaxBodySize bounds one HTML response, in bytes; larger pages are errors, never truncated.
	MaxBodySize int `yaml:"max_body_size"`
	// MaxFileSize bounds one file (a report published as PDF, DOCX, DOC,
	// WPS or OFD, or a report page's attachment), in bytes; larger files are
	// errors, never truncated.
	MaxFileSize int `yaml:"max_file_size"`
	// MaxAttachments bounds the files fetched from one report page.
	MaxAttachments int `yaml:"max_attachments"`
	// FileTimeout bounds one file's download, body included (a site's
	// timeout is for pages).
	FileTimeout strictyaml.Duration `yaml:"file_timeout"`
	// CacheDir holds what nianbao can rebuild: the PDF engine's compiled
	// code, which makes its start ~30 times faster. "" is
	// $CACHE_DIRECTORY (systemd's CacheDirectory=), else the user's cache
	// directory (~/.cache/nianbao).
	CacheDir string `yaml:"cache_dir"`
	// MaxProbes bounds, per site and run, the detail pages fetched only to read
	// their title because the list truncated it.
	MaxProbes int `yaml:"max_probes"`
	// WARC, when true, also writes every archived response as WARC/1.1
	// request and response records, one file per run under
	// <archive_dir>/_warc/<site>/.
	WARC bool `yaml:"warc"`
	// StaleAfter is how long a site may go without a successful run before
	// the daemon's status page, API and metrics flag it as stale.
	StaleAfter strictyaml.Duration `yaml:"stale_after"`
	// MinScheduleInterval is the shortest interval a schedule may ask for
	// (in a site file or defaults.schedule): sites.MinScheduleInterval, a
	// minute, unless lowered, down to a second, for tests and demos
	// against a portal of one's own. Only @every can go below a minute.
	MinScheduleInterval strictyaml.Duration `yaml:"min_schedule_interval"`
	Defaults            sites.Defaults      `yaml:"defaults"`

	// File is the path the config was loaded from, or (when Absent) the
	// path where LoadOptional looked for it.
	File string `yaml:"-"`
	// Absent is true when there was no file at File and every value is a
	// default (LoadOptional).
	Absent bool `yaml:"-"`
}

// Default returns the configuration used for every key a file leaves out.
func Default() *Config {
	return &Config{
		SitesDir:            "sites",
		ArchiveDir:          DefaultArchiveDir,
		UserAgent:           DefaultUserAgent,
		Listen:              "127.0.0.1:8427",
		LogFormat:           "text",
		MaxConcurrentSites:  1000,
		MaxRequestsInFlight: 64,
		MemoryBudget:        256 << 20,
		MaxBodySize:         20 << 20,
		MaxFileSize:         100 << 20,
		MaxAttachments:      20,
		FileTimeout:         strictyaml.Duration(5 * time.Minute),
		MaxProbes:           30,
		StaleAfter:          strictyaml.Duration(7 * 24 * time.Hour),
		MinScheduleInterval: strictyaml.Duration(sites.MinScheduleInterval),
		Defaults: sites.Defaults{
			Schedule:        "CRON_TZ=Asia/Shanghai 0 3 * * *",
			Delay:           strictyaml.Duration(2 * time.Second),
			Timeout:         strictyaml.Duration(30 * time.Second),
			MaxPages:        100,
			MaxReports:      sites.DefaultMaxReports,
			DiscoverPages:   sites.DefaultDiscoverPages,
			RediscoverAfter: strictyaml.Duration(sites.DefaultRediscoverAfter),
			Encoding:        "gb18030",
			ScheduleFloor:   sites.MinScheduleInterval,
		},
	}
}

// Error is every problem found in a config file.
type Error struct {
	Problems []string
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Load reads and validates the config file at path, which must exist: it
// is for a path the user named (--config).
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Problems: []string{fmt.Sprintf("%s: %v", path, unwrapPath(err))}}
	}
	return Parse(data, path)
}

// LoadOptional is Load for the config file nobody named (DefaultFile): when
// nothing is at path, every setting is its default, relative directories
// are resolved against path's directory as if the file were there, and the
// Config is marked Absent. Anything else at path must be a config file that
// loads: a directory, an unreadable file or a symlink to nothing is an
// error, as is every problem in the file.
func LoadOptional(path string) (*Config, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		c, err := Parse(nil, path)
		if err != nil {
			return nil, err // cannot happen: the defaults are valid
		}
		c.Absent = true
		return c, nil
	}
	return Load(path)
}

// Source names where the settings come from, for messages: the config
// file, or the defaults when there is none.
func (c *Config) Source() string {
	if c.Absent {
		return fmt.Sprintf("the built-in defaults (there is no %s)", c.File)
	}
	return c.File
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Parse decodes and validates config data; path names the file in messages
// and anchors relative directories.
func Parse(data []byte, path string) (*Config, error) {
	c := Default()
	c.File = path
	pos, yprobs := strictyaml.Decode(data, c)
	type problem struct {
		line int
		text string
	}
	var probs []problem
	add := func(line int, field, msg string) {
		probs = append(probs, problem{line, fmt.Sprintf("%s:%d: %s: %s", path, line, field, msg)})
	}
	for _, p := range yprobs {
		if p.Field == "" {
			probs = append(probs, problem{p.Line, fmt.Sprintf("%s:%d: %s", path, p.Line, p.Msg)})
			continue
		}
		add(p.Line, p.Field, p.Msg)
	}
	if c.SitesDir == "" {
		add(pos.Line("sites_dir", 1), "sites_dir", "must not be empty")
	}
	if c.ArchiveDir == "" {
		add(pos.Line("archive_dir", 1), "archive_dir", "must not be empty")
	}
	if strings.TrimSpace(c.UserAgent) == "" {
		add(pos.Line("user_agent", 1), "user_agent", "must not be empty: portals should see who is crawling")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add(pos.Line("listen", 1), "listen", fmt.Sprintf("%q is not a host:port address such as 127.0.0.1:8427", c.Listen))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		add(pos.Line("log_format", 1), "log_format", fmt.Sprintf("%q: use text or json", c.LogFormat))
	}
	if c.MaxConcurrentSites < 1 {
		add(pos.Line("max_concurrent_sites", 1), "max_concurrent_sites", "must be at least 1")
	}
	if c.MaxRequestsInFlight < 1 {
		add(pos.Line("max_requests_in_flight", 1), "max_requests_in_flight", "must be at least 1")
	}
	if c.MemoryBudget < 0 || (c.MemoryBudget > 0 && c.MemoryBudget < 16<<20) {
		add(pos.Line("memory_budget", 1), "memory_budget", "must be 0 (none) or at least 16777216 bytes (16 MiB)")
	}
	if c.MaxBodySize < 1<<10 {
		add(pos.Line("max_body_size", 1), "max_body_size", "must be at least 1024 bytes")
	}
	if c.MaxFileSize < 1<<10 {
		add(pos.Line("max_file_size", 1), "max_file_size", "must be at least 1024 bytes")
	}
	if c.MaxAttachments < 0 {
		add(pos.Line("max_attachments", 1), "max_attachments", "must not be negative (0 fetches no attachments)")
	}
	if c.FileTimeout <= 0 {
		add(pos.Line("file_timeout", 1), "file_timeout", "must be more than 0")
	}
	if c.MaxProbes < 0 {
		add(pos.Line("max_probes", 1), "max_probes", "must not be negative")
	}
	if c.StaleAfter < strictyaml.Duration(time.Minute) {
		add(pos.Line("stale_after", 1), "stale_after", "must be at least 1m")
	}
	c.Defaults.ScheduleFloor = sites.MinScheduleInterval
	switch floor := time.Duration(c.MinScheduleInterval); {
	case floor < time.Second:
		add(pos.Line("min_schedule_interval", 1), "min_schedule_interval", "must be at least 1s: cron runs a schedule at most once a second")
	case floor > sites.MinScheduleInterval:
		add(pos.Line("min_schedule_interval", 1), "min_schedule_interval", "must be at most 1m: it can only lower the floor on @every intervals (five cron fields run at most once a minute anyway)")
	default:
		c.Defaults.ScheduleFloor = floor
	}
	c.checkDefaults(pos, add)
	if pos.Has("schedule_jitter") && c.ScheduleJitter == 0 {
		c.ScheduleJitter = -1 // written as 0s: no spread at all
	}
	// defaults.discover_pages: 0 turns discovery off for every site file
	// that does not set its own (a zero in a caller's Defaults is the default).
	c.Defaults.DiscoveryOff = c.Defaults.DiscoverPages == 0
	for i, h := range c.AllowedHosts {
		if msg := checkAllowedHost(h); msg != "" {
			add(pos.Line(fmt.Sprintf("allowed_hosts[%d]", i), pos.Line("allowed_hosts", 1)), "allowed_hosts", msg)
		}
	}
	if len(probs) > 0 {
		// In the order of the file, as a person reads it.
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].line < probs[j].line })
		e := &Error{}
		for _, p := range probs {
			e.Problems = append(e.Problems, p.text)
		}
		return nil, e
	}
	return c, nil
}

// checkDefaults checks the values under defaults:, once and at
// config.yaml's lines: sites.Load trusts them, and no site file that
// inherits one is blamed for it. A value config.yaml leaves out is the
// default and valid.
func (c *Config) checkDefaults(pos strictyaml.Positions, add func(line int, field, msg string)) {
	d := c.Defaults
	bad := map[string]bool{}
	addD := func(field, msg string) {
		if bad[field] {
			return
		}
		bad[field] = true
		add(pos.Line("defaults."+field, pos.Line("defaults", 1)), "defaults."+field, msg)
	}
	// What every site needs, which the zero Defaults of sites.Load lack.
	if strings.TrimSpace(d.Schedule) == "" {
		addD("schedule", "must not be empty: every site needs a schedule, such as @daily")
	}
	if d.Timeout <= 0 {
		addD("timeout", "must be more than 0")
	}
	if d.MaxPages < 1 {
		addD("max_pages", "must be at least 1")
	}
	if d.MaxReports < 1 {
		addD("max_reports", "must be at least 1 (it caps the report links fetched per site per run)")
	}
	if d.RediscoverAfter < strictyaml.Duration(time.Hour) {
		addD("rediscover_after", "must be at least 1h")
	}
	for _, p := range d.Validate() {
		addD(p.Field, p.Msg)
	}
}

var hostNameRe = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\.?$`)

// checkAllowedHost says what is wrong with an allowed_hosts entry, or "".
func checkAllowedHost(h string) string {
	switch {
	case strings.Contains(h, "/"):
		return fmt.Sprintf("%q: write a host name such as nianbao.example.org, not a URL", h)
	case strings.TrimSpace(h) == "":
		return "an empty name"
	}
	if _, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")); err == nil {
		return ""
	}
	if _, port, err := net.SplitHostPort(h); err == nil {
		return fmt.Sprintf("%q: leave out the port (:%s): a name is allowed on any port", h, port)
	}
	if !hostNameRe.MatchString(strings.ToLower(h)) {
		return fmt.Sprintf("%q is not a host name such as nianbao.example.org or an IP address (no wildcards)", h)
	}
	return ""
}

// TokenEnv is the environment variable that overrides api_token.
const TokenEnv = "NIANBAO_API_TOKEN"

// Token is the daemon's API token: getenv(TokenEnv) if it is set, else
// api_token. getenv is os.Getenv outside tests.
func (c *Config) Token(getenv func(string) string) string {
	if t := strings.TrimSpace(getenv(TokenEnv)); t != "" {
		return t
	}
	return strings.TrimSpace(c.APIToken)
}

// ListenIsLoopback reports whether Listen only accepts connections from this
// machine (127.0.0.0/8, ::1 or localhost). An empty host listens on every
// interface, so it is not loopback.
func (c *Config) ListenIsLoopback() bool {
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dir is the directory relative paths in the file are resolved against.
func (c *Config) dir() string {
	if c.File == "" {
		return "."
	}
	return filepath.Dir(c.File)
}

// SitesPath is the sites directory, resolved against the config file.
func (c *Config) SitesPath() string { return c.resolve(c.SitesDir) }

// ArchivePath is the archive directory, resolved against the config file.
func (c *Config) ArchivePath() string { return c.resolve(c.ArchiveDir) }

// CrawlOptions are the crawl settings config.yaml gives, for a run of any
// site.
func (c *Config) CrawlOptions() crawler.Options {
	o := crawler.Options{
		UserAgent:      c.UserAgent,
		MaxBodySize:    c.MaxBodySize,
		MaxFileSize:    c.MaxFileSize,
		MaxAttachments: c.MaxAttachments,
		FileTimeout:    time.Duration(c.FileTimeout),
		MaxProbes:      c.MaxProbes,
	}
	if o.MaxAttachments == 0 {
		o.MaxAttachments = -1 // max_attachments: 0 turns attachments off
	}
	return o
}

// Limits are the crawl's limits fitted to fds, the process's file-descriptor
// limit (crawler.FileLimit; 0: unknown).
func (c *Config) Limits(fds int) crawler.Limits {
	return crawler.FitLimits(c.MaxConcurrentSites, c.MaxRequestsInFlight, fds)
}

// CachePath is the cache directory: cache_dir resolved against the config
// file, else $CACHE_DIRECTORY, else the user's cache directory. "" when
// there is none (no HOME): the PDF engine then compiles on every start.
func (c *Config) CachePath(getenv func(string) string) string {
	if c.CacheDir != "" {
		return c.resolve(c.CacheDir)
	}
	if d := getenv("CACHE_DIRECTORY"); d != "" {
		first, _, _ := strings.Cut(d, ":") // systemd lists several when several are set
		return first
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "nianbao")
	}
	return ""
}

func (c *Config) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir(), p)
}

// CheckSitesDir reports a sites directory that is not there (or cannot be
// looked at) as a config error naming the config file, or that there is
// none.
func (c *Config) CheckSitesDir() error {
	dir := c.SitesPath()
	if _, err := os.Stat(dir); err != nil {
		if c.Absent {
			return &Error{Problems: []string{fmt.Sprintf("sites_dir %s: %v (there is no %s: every setting is its default)", dir, unwrapPath(err), c.File)}}
		}
		return &Error{Problems: []string{fmt.Sprintf("%s: sites_dir %s: %v", c.File, dir, unwrapPath(err))}}
	}
	return nil
}

// LoadSites loads every site file of the configured sites directory. The
// sites of good files come back along with the problems of the others;
// err is for a directory that cannot be read at all. It cannot be
// interrupted: LoadSitesContext can.
func (c *Config) LoadSites() ([]*sites.Site, sites.Problems, error) {
	return c.LoadSitesContext(context.Background())
}

// LoadSitesContext is LoadSites, returning ctx's error (wrapped) soon after
// ctx is cancelled. Files are read as sites.LoadDir reads them: nothing
// outside sites_dir, no special file, nothing over sites.MaxFileSize.
func (c *Config) LoadSitesContext(ctx context.Context) ([]*sites.Site, sites.Problems, error) {
	if err := c.CheckSitesDir(); err != nil {
		return nil, nil, err
	}
	dir := c.SitesPath()
	all, err := sites.LoadDir(ctx, dir, displayPath(dir), c.Defaults)
	var probs sites.Problems
	if err != nil && !errors.As(err, &probs) {
		return nil, nil, err
	}
	return all, probs, nil
}

// displayPath shows p relative to the working directory when it is below
// it, as people write paths in messages ("sites/a.yaml").
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
