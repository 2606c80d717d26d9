package sites

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nianbao/nianbao/internal/strictyaml"
)

var testDefaults = Defaults{
	Schedule: "CRON_TZ=Asia/Shanghai 0 3 * * *",
	Delay:    strictyaml.Duration(2 * time.Second),
	Timeout:  strictyaml.Duration(30 * time.Second),
	MaxPages: 100,
	Encoding: "gb18030",
}

func TestParseBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string // every line must appear in the error, in order
	}{
		{"unknown_key.bad.yaml", []string{
			`testdata/unknown_key.bad.yaml:3: schedul: unknown field (did you mean "schedule"?)`,
			`testdata/unknown_key.bad.yaml:4: start_url: unknown field`,
		}},
		{"malformed.bad.yaml", []string{`testdata/malformed.bad.yaml:1: invalid YAML: did not find expected ',' or ']'`}},
		{"cron.bad.yaml", []string{`testdata/cron.bad.yaml:3: schedule: invalid cron schedule "0 3 * *": expected exactly 5 fields, found 4`}},
		{"cron_tz.bad.yaml", []string{`testdata/cron_tz.bad.yaml:3: schedule: invalid cron schedule "CRON_TZ=Asia/Shangai 0 3 * * *"`}},
		{"start_relative.bad.yaml", []string{`testdata/start_relative.bad.yaml:4: start: "/relative/path" is not an absolute http(s) URL`}},
		{"start_scheme.bad.yaml", []string{`testdata/start_scheme.bad.yaml:2: start: "ftp://a.gov.cn/x" is not an absolute http(s) URL`}},
		{"regex.bad.yaml", []string{`testdata/regex.bad.yaml:3: match: invalid regular expression: missing closing )`}},
		{"name.bad.yaml", []string{`testdata/name.bad.yaml:1: name: "Tianjin_SFJ" is not a valid name`}},
		{"missing_start.bad.yaml", []string{`testdata/missing_start.bad.yaml:1: start: missing`}},
		{"selectors.bad.yaml", []string{
			`testdata/selectors.bad.yaml:4: selectors.content: invalid CSS selector "div[class="`,
			`testdata/selectors.bad.yaml:7: selectors.remove[1]: invalid CSS selector "##x"`,
		}},
		{"key_twice.bad.yaml", []string{`testdata/key_twice.bad.yaml:6: start: given twice (first at line 2)`}},
		{"selector_twice.bad.yaml", []string{`testdata/selector_twice.bad.yaml:6: selectors.content: given twice (first at line 4)`}},
		{"every_0s.bad.yaml", []string{`testdata/every_0s.bad.yaml:3: schedule: "@every 0s" is more often than every 1m, the shortest interval allowed`}},
		{"every_30s.bad.yaml", []string{`testdata/every_30s.bad.yaml:3: schedule: "CRON_TZ=Asia/Shanghai @every 30s" is more often than every 1m`}},
		{"cron_seconds.bad.yaml", []string{`testdata/cron_seconds.bad.yaml:3: schedule: invalid cron schedule "*/30 * * * * *": expected exactly 5 fields, found 6`}},
		{"schedule_empty.bad.yaml", []string{`testdata/schedule_empty.bad.yaml:3: schedule: empty: leave the key out to use defaults.schedule`}},
		{"encoding.bad.yaml", []string{`testdata/encoding.bad.yaml:3: encoding: unknown encoding "latin9x"`}},
		{"tls.bad.yaml", []string{`testdata/tls.bad.yaml:3: tls: "old": the only value is "legacy"`}},
		{"discover_pages.bad.yaml", []string{`testdata/discover_pages.bad.yaml:3: discover_pages: must not be negative (0 turns discovery off)`}},
		{"rediscover_after.bad.yaml", []string{`testdata/rediscover_after.bad.yaml:3: rediscover_after: must be at least 1h`}},
		{"values.bad.yaml", []string{
			`testdata/values.bad.yaml:3: delay: invalid duration "2x"`,
			`testdata/values.bad.yaml:4: max_pages: must be a whole number, got "lots"`,
			`testdata/values.bad.yaml:5: max_reports: must be at least 1`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			s, probs := Parse(data, "testdata/"+tt.file, testDefaults)
			if s != nil || len(probs) == 0 {
				t.Fatalf("Parse accepted a bad file: %+v", s)
			}
			got := probs.Error()
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error does not contain %q (in order); got:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestScheduleFloor(t *testing.T) {
	tests := []struct {
		schedule string
		floor    time.Duration
		wantErr  string // "" when the schedule is accepted
	}{
		{"@every 1m", 0, ""},
		{"@every 90s", 0, ""},
		{"@hourly", 0, ""},
		{"* * * * *", 0, ""}, // every minute: the floor itself
		{"CRON_TZ=Asia/Shanghai 0 3 * * *", 0, ""},
		{"@every 59s", 0, `"@every 59s" is more often than every 1m`},
		{"@every 59.9s", 0, `"@every 59.9s" is more often than every 1m`},
		{"@every 0s", 0, `"@every 0s" is more often than every 1m`},
		{"@every -5m", 0, `"@every -5m" is a negative interval`},
		{"@every -5m", time.Second, `"@every -5m" is a negative interval`},
		{"@every 1s", time.Second, ""}, // a lowered floor, for tests and demos
		{"@every 0s", time.Second, ""}, // cron runs it every second
		{"@every 5s", 10 * time.Second, `"@every 5s" is more often than every 10s`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.schedule, tt.floor), func(t *testing.T) {
			d := testDefaults
			d.ScheduleFloor = tt.floor
			_, probs := Parse([]byte("name: a\nstart: https://a.gov.cn/\nschedule: \""+tt.schedule+"\"\n"), "a.yaml", d)
			err := CheckSchedule(tt.schedule, tt.floor)
			switch {
			case tt.wantErr == "" && (probs != nil || err != nil):
				t.Errorf("rejected: %v / %v", probs, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckSchedule = %v, want %q", err, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(probs.Error(), "a.yaml:3: schedule: "+tt.wantErr):
				t.Errorf("Parse problems = %v, want a.yaml:3: schedule: %s", probs, tt.wantErr)
			}
		})
	}
}

// TestLoadBadDefaults: a bad value under config.yaml's defaults: is one
// error about the defaults, not a problem of every site file that inherits
// it; and Validate names the field for the caller to place.
func TestLoadBadDefaults(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("name: a\nstart: https://a.gov.cn/\n")},
		"b.yaml": {Data: []byte("name: b\nstart: https://b.gov.cn/\nencoding: gbk\nschedule: \"@daily\"\n")},
	}
	tests := []struct {
		name   string
		change func(*Defaults)
		want   string
	}{
		{"encoding", func(d *Defaults) { d.Encoding = "latin9x" }, `encoding: unknown encoding "latin9x"`},
		{"schedule below the floor", func(d *Defaults) { d.Schedule = "@every 0s" }, `schedule: "@every 0s" is more often than every 1m`},
		{"schedule", func(d *Defaults) { d.Schedule = "0 3 * *" }, `schedule: invalid cron schedule "0 3 * *"`},
		{"negative", func(d *Defaults) { d.MaxPages = -1 }, `max_pages: must not be negative`},
		{"negative discover_pages", func(d *Defaults) { d.DiscoverPages = -1 }, `discover_pages: must not be negative`},
		{"negative rediscover_after", func(d *Defaults) { d.RediscoverAfter = -1 }, `rediscover_after: must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDefaults
			tt.change(&d)
			if got := d.Validate(); len(got) != 1 || got[0].Field == "" || !strings.HasPrefix(got.Error(), tt.want) {
				t.Errorf("Validate() = %v, want one problem %q", got, tt.want)
			}
			all, err := Load(context.Background(), fsys, "sites", d)
			var probs Problems
			if err == nil || errors.As(err, &probs) || len(all) != 0 {
				t.Fatalf("Load = %d sites, %T %v; want no site and one error that is not a file's Problems", len(all), err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.Contains(msg, "a.yaml") || strings.Contains(msg, "b.yaml") {
				t.Errorf("Load error = %q, want %q blamed on no file", msg, tt.want)
			}
		})
	}
	if ps := testDefaults.Validate(); ps != nil {
		t.Errorf("good defaults: %v", ps)
	}
	if ps := (Defaults{}).Validate(); ps != nil {
		t.Errorf("zero defaults: %v", ps)
	}
}

func TestParseDefaultsAndOverrides(t *testing.T) {
	s, probs := Parse([]byte("name: a\nstart: https://a.gov.cn/list/\ndelay: 0s\nschedule: \"@every 1h\"\n"), "a.yaml", testDefaults)
	if probs != nil {
		t.Fatal(probs)
	}
	if s.Delay != 0 || s.Schedule != "@every 1h" {
		t.Errorf("explicit values not kept: delay %v schedule %q", s.Delay, s.Schedule)
	}
	if s.Timeout != testDefaults.Timeout || s.MaxPages != 100 || s.Encoding != "gb18030" {
		t.Errorf("defaults not applied: %+v", s)
	}
	if s.MaxReports != DefaultMaxReports {
		t.Errorf("max_reports = %d with zero Defaults.MaxReports, want DefaultMaxReports (%d)", s.MaxReports, DefaultMaxReports)
	}
	d := testDefaults
	d.MaxReports = 40
	if s, _ := Parse([]byte("name: a\nstart: https://a.gov.cn/\n"), "a.yaml", d); s == nil || s.MaxReports != 40 {
		t.Errorf("defaults.max_reports not inherited: %+v", s)
	}
	if s, _ := Parse([]byte("name: a\nstart: https://a.gov.cn/\nmax_reports: 7\n"), "a.yaml", d); s == nil || s.MaxReports != 7 {
		t.Errorf("max_reports of the file not kept: %+v", s)
	}
	if s.DiscoverPages != DefaultDiscoverPages {
		t.Errorf("discover_pages = %d with zero Defaults.DiscoverPages, want DefaultDiscoverPages (%d)", s.DiscoverPages, DefaultDiscoverPages)
	}
	d.DiscoverPages = 5
	if s, _ := Parse([]byte("name: a\nstart: https://a.gov.cn/\n"), "a.yaml", d); s == nil || s.DiscoverPages != 5 {
		t.Errorf("defaults.discover_pages not inherited: %+v", s)
	}
	if s, _ := Parse([]byte("name: a\nstart: https://a.gov.cn/\ndiscover_pages: 0\n"), "a.yaml", d); s == nil || s.DiscoverPages != 0 {
		t.Errorf("discover_pages: 0 of the file (discovery off) not kept: %+v", s)
	}
	if len(s.Start) != 1 || s.Start[0] != "https://a.gov.cn/list/" {
		t.Errorf("a single start string must become a one-item list: %q", s.Start)
	}
}

func TestIsReport(t *testing.T) {
	s, probs := Parse([]byte("name: a\nstart: https://a.gov.cn/\n"), "a.yaml", testDefaults)
	if probs != nil {
		t.Fatal(probs)
	}
	tests := []struct {
		title string
		want  bool
	}{
		{"天津市司法局2020年度法治政府建设情况报告", true},
		{"津南区人民政府关于2024年法治政府建设情况报告", true},
		{"2023年法治政府建设年度报告", true},
		{"天津市津南区2022年政府信息公开工作年度报告", true},
		{"2021年政府信息公开工作年报", true},
		{"【文字解读】津南区2024年法治政府建设情况报告解读", false},
		{"关于召开2024年度法治政府建设工作推进会议的通知", false},
		{"2023年度政府网站工作年度报表", false},
		{"2024年法治政府建设工作要点", false},
		{"区司法局开展普法宣传活动", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			if got := s.IsReport(tt.title); got != tt.want {
				t.Errorf("IsReport(%q) = %v, want %v", tt.title, got, tt.want)
			}
		})
	}
}

func TestLoadDirectory(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"good.yaml", "dup_a.yaml", "dup_b.yaml", "name.bad.yaml"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	fsys["README.md"] = &fstest.MapFile{Data: []byte("not a site")}
	fsys["empty.yaml"] = &fstest.MapFile{Data: nil}

	got, err := Load(context.Background(), fsys, "sites", testDefaults)
	probs, ok := err.(Problems)
	if !ok {
		t.Fatalf("Load error = %v (%T), want Problems", err, err)
	}
	msg := probs.Error()
	for _, w := range []string{
		`sites/dup_b.yaml:2: name: duplicate site name "dup": also used by sites/dup_a.yaml:1`,
		`sites/empty.yaml:1: empty site file`,
		`sites/name.bad.yaml:1: name:`,
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("problems lack %q:\n%s", w, msg)
		}
	}
	if len(probs) != 3 {
		t.Errorf("got %d problems, want 3:\n%s", len(probs), msg)
	}
	// The good sites still load, sorted by name.
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "dup,ok-site" {
		t.Errorf("loaded sites = %v, want [dup ok-site]", names)
	}
}
