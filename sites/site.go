package sites

import (
	"regexp"
	"time"

	"github.com/nianbao/nianbao/internal/strictyaml"
)

// DefaultMatch selects the titles of the two annual reports nianbao archives:
// 法治政府建设(年度)(情况)报告 and 政府信息公开工作年度报告.
const DefaultMatch = `法治政府建设.*(报告|情况)|法治建设.*年度报告|政府信息公开.*(年度报告|年报)`

// DefaultExclude rejects titles that share the words of a report but are not
// one: interpretations, plans, meeting notices, and the separate
// 政府网站工作年度报表.
const DefaultExclude = `解读|要点|方案|会议|报表|征求意见|培训|座谈|动员`

// DefaultMaxReports is the max_reports of a site when neither its file nor
// config.yaml's defaults set one: enough for every report a portal section
// publishes in decades, few enough that a list page of ten thousand links
// cannot keep a site crawling for hours.
const DefaultMaxReports = 500

// DefaultDiscoverPages is the discover_pages of a site when neither its
// file nor config.yaml's defaults set one: enough to walk from a portal's
// home page through 政务公开 and an 信息公开 index to its report columns,
// few enough that a portal of thousands of columns stays a short visit.
const DefaultDiscoverPages = 40

// DefaultRediscoverAfter is the rediscover_after of a site when neither its
// file nor config.yaml's defaults set one: the report columns a run found
// from a home page are read as list pages for a week before discovery runs
// again (at once, whenever one of them stops listing reports).
const DefaultRediscoverAfter = 7 * 24 * time.Hour

// TLSLegacy is the value of a site's tls option that widens TLS for old
// portals.
const TLSLegacy = "legacy"

// Defaults are the crawl settings a site inherits unless its file sets them.
// Their values are checked once, by Validate (config.Parse reports them at
// config.yaml's lines); a site file is blamed only for what it writes.
type Defaults struct {
	Schedule string              `yaml:"schedule"`
	Delay    strictyaml.Duration `yaml:"delay"`
	Timeout  strictyaml.Duration `yaml:"timeout"`
	MaxPages int                 `yaml:"max_pages"`
	// MaxReports is the max_reports of a site file that sets none; 0 means
	// DefaultMaxReports, so that a caller's zero Defaults still cap a run.
	MaxReports int    `yaml:"max_reports"`
	Encoding   string `yaml:"encoding"`
	// DiscoverPages is the discover_pages of a site file that sets none; 0
	// means DefaultDiscoverPages, so that a caller's zero Defaults still
	// discover, unless DiscoveryOff (config.yaml's discover_pages: 0).
	DiscoverPages int  `yaml:"discover_pages"`
	DiscoveryOff  bool `yaml:"-"`
	// RediscoverAfter is the rediscover_after of a site file that sets
	// none; 0 means DefaultRediscoverAfter.
	RediscoverAfter strictyaml.Duration `yaml:"rediscover_after"`
	// ScheduleFloor is the shortest interval between two runs that a
	// schedule may ask for (config.yaml's min_schedule_interval, not a
	// key under defaults:); 0 means MinScheduleInterval.
	ScheduleFloor time.Duration `yaml:"-"`
}

// Selectors are optional CSS overrides for the rare portal the generic rules
// get wrong.
type Selectors struct {
	// Links limits report-link discovery on list pages to links inside these elements.
	Links string `yaml:"links"`
	// Content is the element that holds the report body on detail pages.
	Content string `yaml:"content"`
	// Remove lists elements to delete from detail pages before extraction.
	Remove []string `yaml:"remove"`
}

// Site is one portal section, as written in its file with defaults applied.
type Site struct {
	Name     string                `yaml:"name"`
	Title    string                `yaml:"title"`
	Start    strictyaml.StringList `yaml:"start"`
	Match    string                `yaml:"match"`
	Exclude  string                `yaml:"exclude"`
	Schedule string                `yaml:"schedule"`
	Delay    strictyaml.Duration   `yaml:"delay"`
	Timeout  strictyaml.Duration   `yaml:"timeout"`
	MaxPages int                   `yaml:"max_pages"`
	// MaxReports caps the report links fetched for this site in one run
	// (pages and files that the list pages link to as reports; a report
	// page's own attachments are bounded by max_attachments instead). It is
	// at least 1; the links left over are for the crawler to report, not to
	// fetch.
	MaxReports int `yaml:"max_reports"`
	// DiscoverPages bounds the pages read per run to find the report
	// columns from a start page that links to no report (a portal's home
	// page): pages that lead toward the columns, not the columns
	// themselves, which are list pages under max_pages. 0 turns discovery
	// off.
	DiscoverPages int `yaml:"discover_pages"`
	// RediscoverAfter is how long the report columns found by discovery are
	// read as list pages instead of discovering them anew (new columns
	// found, dead ones dropped); a remembered column that stops listing
	// reports makes the next run discover at once.
	RediscoverAfter strictyaml.Duration `yaml:"rediscover_after"`
	Encoding        string              `yaml:"encoding"`
	AllowHosts      []string            `yaml:"allow_hosts"`
	Selectors       Selectors           `yaml:"selectors"`
	// TLS is "" (Go's secure defaults) or "legacy": allow TLS 1.0, legacy
	// renegotiation and old curves and ciphers, for this site only, for
	// portals whose handshake Go's defaults refuse.
	TLS string `yaml:"tls"`

	// File is the path of the site file, as shown in messages.
	File string `yaml:"-"`

	match, exclude *regexp.Regexp
	nameLine       int
}

// IsReport reports whether a title names a report this site archives.
func (s *Site) IsReport(title string) bool {
	return title != "" && s.match.MatchString(title) && (s.exclude == nil || !s.exclude.MatchString(title))
}

// MatchRegexp is the compiled match pattern.
func (s *Site) MatchRegexp() *regexp.Regexp { return s.match }

// DelayDuration is the pause between two requests to one host.
func (s *Site) DelayDuration() time.Duration { return time.Duration(s.Delay) }

// TimeoutDuration is the limit for one request.
func (s *Site) TimeoutDuration() time.Duration { return time.Duration(s.Timeout) }
