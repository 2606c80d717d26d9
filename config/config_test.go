package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	if c.MaxConcurrentSites != 4 || c.Defaults.Encoding != "gb18030" || c.LogFormat != "text" ||
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
			"testdata/values.bad.yaml:7: schedule_jitter: invalid duration \"-5s\"",
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
		t.Errorf("defaults: jitter %v token %q, want off and none", time.Duration(d.ScheduleJitter), d.APIToken)
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
