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
	if c.MaxConcurrentSites != 4 || c.Defaults.Encoding != "gb18030" || c.LogFormat != "text" {
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
		})
	}
}
