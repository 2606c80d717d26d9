package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/sites"
)

func TestLoadContract(t *testing.T) {
	c, err := Load("testdata/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.SitesPath() != filepath.Join("testdata", "sites") || c.ArchivePath() != filepath.Join("testdata", "archive") {
		t.Errorf("paths are not resolved against the config file: %s %s", c.SitesPath(), c.ArchivePath())
	}
	if time.Duration(c.Defaults.Delay) != 2*time.Second || c.Defaults.MaxPages != 100 || c.Listen != "127.0.0.1:8427" {
		t.Errorf("values: %+v", c)
	}
	// Keys the file leaves out keep their defaults.
	if c.MaxConcurrentSites != 1000 || c.MaxRequestsInFlight != 64 || c.Defaults.Encoding != "gb18030" || c.LogFormat != "text" ||
		c.Defaults.MaxReports != 500 || len(c.AllowedHosts) != 0 {
		t.Errorf("defaults not applied: %+v", c)
	}
	abs, _ := filepath.Abs("/etc/nianbao/config.yaml")
	c.File = abs
	c.ArchiveDir = "/var/lib/nianbao"
	if c.ArchivePath() != "/var/lib/nianbao" || c.SitesPath() != "/etc/nianbao/sites" {
		t.Errorf("absolute config: %s %s", c.ArchivePath(), c.SitesPath())
	}
}

func TestLoadBad(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"values.bad.yaml", []string{
			"testdata/values.bad.yaml:4: log_format: \"xml\": use text or json",
			"testdata/values.bad.yaml:5: max_concurrent_sites: must be at least 1",
			"testdata/values.bad.yaml:3: defaults.timeout: must be more than 0",
			"testdata/values.bad.yaml:2: defaults.max_pages: must be at least 1",
			"testdata/values.bad.yaml:6: listen: \"8427\" is not a host:port address",
			"testdata/values.bad.yaml:7: schedule_jitter: duration \"-5s\" is negative",
		}},
		{"hosts.bad.yaml", []string{
			"testdata/hosts.bad.yaml:2: defaults.max_reports: must be at least 1",
			"testdata/hosts.bad.yaml:4: allowed_hosts: \"http://evil.example/\": write a host name such as nianbao.example.org, not a URL",
			"testdata/hosts.bad.yaml:5: allowed_hosts: \"nianbao.lan:8427\": leave out the port (:8427)",
			"testdata/hosts.bad.yaml:6: allowed_hosts: \"*.lan\" is not a host name",
			"testdata/hosts.bad.yaml:9: allowed_hosts: an empty name",
		}},
		{"types.bad.yaml", []string{
			"testdata/types.bad.yaml:1: user_agent: must not be empty",
			"testdata/types.bad.yaml:2: defaults: must be a mapping",
		}},
		{"syntax.bad.yaml", []string{"testdata/syntax.bad.yaml:2: invalid YAML"}},
		{"twice.bad.yaml", []string{
			"testdata/twice.bad.yaml:4: archive_dir: given twice (first at line 2)",
			"testdata/twice.bad.yaml:8: defaults.delay: given twice (first at line 6)",
		}},
		{"defaults.bad.yaml", []string{
			`testdata/defaults.bad.yaml:4: defaults.schedule: "@every 0s" is more often than every 1m, the shortest interval allowed`,
			`testdata/defaults.bad.yaml:3: defaults.encoding: unknown encoding "latin9x"`,
		}},
		{"every.bad.yaml", []string{`testdata/every.bad.yaml:2: defaults.schedule: "CRON_TZ=Asia/Shanghai @every 30s" is more often than every 1m`}},
		{"floor_low.bad.yaml", []string{"testdata/floor_low.bad.yaml:1: min_schedule_interval: must be at least 1s"}},
		{"floor_high.bad.yaml", []string{"testdata/floor_high.bad.yaml:1: min_schedule_interval: must be at most 1m"}},
		{"discovery.bad.yaml", []string{
			"testdata/discovery.bad.yaml:2: defaults.discover_pages: must not be negative",
			"testdata/discovery.bad.yaml:3: defaults.rediscover_after: must be at least 1h",
		}},
		{"missing.yaml", []string{"testdata/missing.yaml: no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load("testdata/" + tt.file)
			if err == nil {
				t.Fatal("loaded a bad config")
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error type %T, want *Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := len(err.(*Error).Problems); n != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", n, len(tt.want), err)
			}
		})
	}
}

// defaults.discover_pages and defaults.rediscover_after reach every site
// file that does not set its own; discover_pages: 0 turns discovery off.
func TestDiscoveryDefaults(t *testing.T) {
	for _, tt := range []struct {
		config, site string
		pages        int
		after        time.Duration
	}{
		{"", "", sites.DefaultDiscoverPages, sites.DefaultRediscoverAfter},
		{"defaults:\n  discover_pages: 0\n", "", 0, sites.DefaultRediscoverAfter},
		{"defaults:\n  discover_pages: 7\n  rediscover_after: 24h\n", "", 7, 24 * time.Hour},
		{"defaults:\n  discover_pages: 0\n", "discover_pages: 12\nrediscover_after: 2h\n", 12, 2 * time.Hour},
	} {
		c, err := Parse([]byte(tt.config), "c.yaml")
		if err != nil {
			t.Fatal(err)
		}
		s, probs := sites.Parse([]byte("name: x\nstart: https://www.example.gov.cn/\n"+tt.site), "x.yaml", c.Defaults)
		if probs != nil {
			t.Fatal(probs)
		}
		if s.DiscoverPages != tt.pages || time.Duration(s.RediscoverAfter) != tt.after {
			t.Errorf("config %q, site %q: discover_pages %d, rediscover_after %v; want %d, %v",
				tt.config, tt.site, s.DiscoverPages, time.Duration(s.RediscoverAfter), tt.pages, tt.after)
		}
	}
}

func TestDaemonKeys(t *testing.T) {
	c, err := Parse([]byte("listen: 0.0.0.0:9000\napi_token: \" file-token \"\nschedule_jitter: 90s\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.ScheduleJitter) != 90*time.Second {
		t.Errorf("schedule_jitter = %v", time.Duration(c.ScheduleJitter))
	}
	for _, text := range []string{
		"allowed_hosts: [nianbao.lan, NAS.local., 192.168.1.10, \"[::1]\", fe80::1, my_host]\n",
		"allowed_hosts: nianbao.lan\n",
	} {
		if c, err := Parse([]byte(text), "c.yaml"); err != nil || len(c.AllowedHosts) == 0 {
			t.Errorf("%q: %v", text, err)
		}
	}
	if d := Default(); d.ScheduleJitter != 0 || d.APIToken != "" {
		t.Errorf("defaults: jitter %v token %q, want the default spread (0) and none", time.Duration(d.ScheduleJitter), d.APIToken)
	}
	if c, err := Parse([]byte("schedule_jitter: 0s\n"), "c.yaml"); err != nil || c.ScheduleJitter >= 0 {
		t.Errorf("schedule_jitter: 0s gives %v, %v; want a negative jitter (no spread)", c, err)
	}
	noEnv := func(string) string { return "" }
	env := func(k string) string {
		if k == TokenEnv {
			return "env-token"
		}
		return ""
	}
	if got := c.Token(noEnv); got != "file-token" {
		t.Errorf("Token without env = %q, want file-token", got)
	}
	if got := c.Token(env); got != "env-token" {
		t.Errorf("Token with %s = %q, want env-token", TokenEnv, got)
	}
}

func TestListenIsLoopback(t *testing.T) {
	tests := []struct {
		listen string
		want   bool
	}{
		{"127.0.0.1:8427", true},
		{"127.0.0.2:80", true},
		{"[::1]:8427", true},
		{"localhost:8427", true},
		{"0.0.0.0:8427", false},
		{":8427", false},
		{"[::]:8427", false},
		{"192.168.1.10:8427", false},
		{"example.org:80", false},
		{"nonsense", false},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			c := Default()
			c.Listen = tt.listen
			if got := c.ListenIsLoopback(); got != tt.want {
				t.Errorf("ListenIsLoopback(%q) = %v, want %v", tt.listen, got, tt.want)
			}
		})
	}
}

// TestScheduleFloor: min_schedule_interval lowers the floor for
// defaults.schedule and for the site files alike.
func TestScheduleFloor(t *testing.T) {
	c, err := Load("testdata/floor/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	all, probs, err := c.LoadSites()
	if err != nil || probs != nil {
		t.Fatalf("LoadSites: %v %v", err, probs)
	}
	got := map[string]string{}
	for _, s := range all {
		got[s.Name] = s.Schedule
	}
	if got["fast"] != "@every 1s" || got["inherits"] != "@every 10s" || len(got) != 2 {
		t.Errorf("schedules = %v", got)
	}
	if d := Default(); time.Duration(d.MinScheduleInterval) != time.Minute || d.Defaults.ScheduleFloor != time.Minute {
		t.Errorf("default floor = %v / %v, want 1m", time.Duration(d.MinScheduleInterval), d.Defaults.ScheduleFloor)
	}
}

func TestLoadOptional(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "archive_dir: /srv/nianbao\n")
	bad := write("bad.yaml", "archive_dir: a\narchive_dir: b\n")
	dangling := filepath.Join(dir, "dangling.yaml")
	if err := os.Symlink(filepath.Join(dir, "nothing-here.yaml"), dangling); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "sub", DefaultFile)
	tests := []struct {
		name       string
		path       string
		optional   bool
		wantErr    string // "" when it loads
		wantAbsent bool
		archive    string
	}{
		{"missing, optional: the defaults", missing, true, "", true, filepath.Join(dir, "sub", "data", "archive")},
		{"missing, named: an error", missing, false, "sub/config.yaml: no such file or directory", false, ""},
		{"present, optional", good, true, "", false, "/srv/nianbao"},
		{"bad, optional: its problems", bad, true, "bad.yaml:2: archive_dir: given twice (first at line 1)", false, ""},
		{"a directory, optional", dir, true, "is a directory", false, ""},
		{"a symlink to nothing, optional", dangling, true, "dangling.yaml: no such file or directory", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			load := Load
			if tt.optional {
				load = LoadOptional
			}
			c, err := load(tt.path)
			if tt.wantErr != "" {
				var cerr *Error
				if err == nil || !errors.As(err, &cerr) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (%T), want a *config.Error with %q", err, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Absent != tt.wantAbsent || c.File != tt.path || c.ArchivePath() != tt.archive {
				t.Errorf("Absent %v File %q archive %q; want %v %q %q", c.Absent, c.File, c.ArchivePath(), tt.wantAbsent, tt.path, tt.archive)
			}
			if tt.wantAbsent {
				want := Default()
				want.File, want.Absent = c.File, true
				if !reflect.DeepEqual(c, want) {
					t.Errorf("without a file:\n%+v\nwant the defaults:\n%+v", c, want)
				}
				if src := c.Source(); !strings.Contains(src, "defaults") || !strings.Contains(src, tt.path) {
					t.Errorf("Source() = %q", src)
				}
				// The first thing a command then needs is the sites
				// directory: its absence must not be blamed on a file.
				_, _, err := c.LoadSites()
				if err == nil || !strings.Contains(err.Error(), "there is no "+tt.path) {
					t.Errorf("LoadSites without config and sites: %v", err)
				}
			}
		})
	}
}

// TestShippedConfig: the repository's config.yaml holds the defaults (as
// its comment says), names every key, and keeps the archive out of the
// source tree.
func TestShippedConfig(t *testing.T) {
	c, err := Load("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.File = c.File
	if len(c.AllowedHosts) == 0 {
		c.AllowedHosts = nil // "allowed_hosts: []" is an empty list, not nil
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("../config.yaml is not the defaults:\n%+v\nwant:\n%+v", c, want)
	}
	text, err := os.ReadFile("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := yamlKeys(reflect.TypeFor[Config]())
	keys = append(keys, yamlKeys(reflect.TypeFor[sites.Defaults]())...)
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^[ #]*` + k + `:`).Match(text) {
			t.Errorf("../config.yaml does not mention %s", k)
		}
	}
	// The archive is not the Go package archive/ (nor anywhere in it).
	abs, err := filepath.Abs(c.ArchivePath())
	if err != nil {
		t.Fatal(err)
	}
	pkg, _ := filepath.Abs("../archive")
	if abs == pkg || strings.HasPrefix(abs, pkg+string(filepath.Separator)) {
		t.Errorf("archive_dir %s is inside the Go package %s", abs, pkg)
	}
	if Default().ArchiveDir != DefaultArchiveDir {
		t.Errorf("Default().ArchiveDir = %q", Default().ArchiveDir)
	}
	// And git ignores it: the first directory of archive_dir is in .gitignore.
	ignore, err := os.ReadFile("../.gitignore")
	if err != nil {
		t.Fatal(err)
	}
	top, _, _ := strings.Cut(DefaultArchiveDir, "/")
	if !regexp.MustCompile(`(?m)^/` + top + `/$`).Match(ignore) {
		t.Errorf(".gitignore lacks /%s/:\n%s", top, ignore)
	}
}

// yamlKeys lists the yaml keys of a struct's fields.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}
