// Package config loads config.yaml: where the site files and the archive
// live, how nianbao identifies itself to portals, and the crawl defaults every
// site inherits. Loading is strict (unknown keys are errors) and every problem
// is reported as "<file>:<line>: <field>: <problem>".
//
// Relative directories in the file are resolved against the directory of the
// config file itself, so `--config /etc/nianbao/config.yaml` works from any
// working directory.
package config
