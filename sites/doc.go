// Package sites loads and validates site files: one YAML file per portal in
// the sites directory (the YAML files live beside this package's Go files).
//
// A Site is one portal section to watch: its name, its start pages (list pages
// where report links appear), which link titles are reports (match and
// exclude), and optional overrides of the crawl defaults and of the generic
// extraction. Only name and start are required; everything else has a default
// that works on a typical portal.
//
// Load reads every *.yaml file of a directory strictly: unknown keys, bad
// values and duplicate names are all reported at once, each as
// "<dir>/<file>.yaml:<line>: <field>: <problem>". The same loader serves
// `nianbao sites check`, `nianbao crawl` and the daemon.
package sites
