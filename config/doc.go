// Package config loads config.yaml: where the site files and the archive
// live, how nianbao identifies itself to portals, and the crawl defaults every
// site inherits. Loading is strict (unknown keys and keys given twice are
// errors) and every problem is reported as "<file>:<line>: <field>: <problem>",
// in the order of the file.
//
// The file is optional. Load is for a path the user named, which must exist;
// LoadOptional is for DefaultFile, the one nobody named: when it does not
// exist every setting is its default (Default) and the Config is Absent.
//
// The values under defaults: (sites.Defaults) are checked here, once, at
// config.yaml's lines; the site files that inherit them are never blamed for
// them. min_schedule_interval is the floor on every schedule, site files'
// included (sites.MinScheduleInterval, a minute, unless lowered).
//
// Relative directories in the file are resolved against the directory of the
// config file itself, so `--config /etc/nianbao/config.yaml` works from any
// working directory. The archive's default, DefaultArchiveDir (data/archive),
// keeps the data beside the config file and out of the source tree.
package config
