// Package sites loads and validates site files: one YAML file per portal in
// the sites directory (the YAML files live beside this package's Go files).
//
// A Site is one portal section to watch: its name, its start pages (list pages
// where report links appear), which link titles are reports (match and
// exclude), and optional overrides of the crawl defaults and of the generic
// extraction. Only name and start are required; everything else has a default
// that works on a typical portal.
//
// Load reads every *.yaml file of a directory strictly: unknown keys, keys
// given twice, bad values and duplicate names are all reported at once, each
// as "<dir>/<file>.yaml:<line>: <field>: <problem>". The same loader serves
// `nianbao sites check`, `nianbao crawl` and the daemon.
//
// Defaults are what a site inherits for the keys its file leaves out. A file
// is blamed only for what it writes: the Defaults are checked once
// (Defaults.Validate; config.yaml reports them at its own lines). A schedule
// is five cron fields or a descriptor, and runs at most once per
// ScheduleFloor (MinScheduleInterval, a minute, unless config.yaml lowers
// it): "@every 0s" or "@every 30s" is an error, not a portal hammered.
//
// A site file is a regular file inside the directory, of at most
// MaxFileSize bytes. Any other entry named *.yaml — a directory, a FIFO, a
// device, a symlink whose target is outside the directory, a larger file —
// is a problem of the file as a whole ("<dir>/<file>.yaml: <problem>") and
// is never read; LoadDir, which the commands use, reads the directory
// through an os.Root so that nothing outside it can be opened. Loading
// takes a context and stops between two files when it is cancelled.
//
// MaxReports, a site's cap on report links fetched per run, is validated
// here; the crawler obeys it.
package sites
