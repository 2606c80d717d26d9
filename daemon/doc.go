// Package daemon is `nianbao serve`: the long-running process that crawls
// every site on its schedule, picks up site files as they are added, changed
// or removed, lets a person trigger a crawl, and shows what happened on a
// status page, a JSON API and Prometheus metrics.
//
// The nouns:
//
//   - The registry is the set of sites the daemon knows: the last good
//     version of each site file under sites_dir, with the problems of its file
//     if the file is broken now, and the problems of files that never loaded.
//     It is reloaded when the directory's listing (names, sizes, modification
//     times) changes, which is polled every few seconds (the directory's own
//     time on every poll, each file's every n-th poll for n thousand files),
//     and on Reload (SIGHUP).
//     A broken file never disturbs the other sites, and the last good version
//     of its own site keeps running.
//   - The scheduler is a robfig/cron/v3 instance parsing with
//     sites.ScheduleParser, the same parser `nianbao sites check` uses, so a
//     schedule that checks is a schedule that runs. Each site has one entry.
//   - The jitter offset of a site is a stable delay, derived from a hash of
//     its name, by which each of its scheduled starts is moved later (the
//     cron entry itself fires then), so that 30,000 sites sharing
//     "0 3 * * *" do not start in the same second. It is drawn from
//     [0, schedule_jitter) when that is set, else from the default spread:
//     half the schedule's shortest interval, at most 6 hours
//     (DefaultSpread). An "@every" schedule starts at the same place in each
//     of its periods (counted from the Unix epoch), that place drawn from
//     the whole period (or from [0, schedule_jitter)): sites sharing
//     "@every 24h" fill the day evenly, whenever the daemon was started.
//   - A run is one crawl of one site: harvest.RunSite, the function `nianbao
//     crawl` calls too. A run is queued (waiting for a worker), then
//     running, then ok, failed or cancelled. A site has at most one queued
//     or running run: a tick or a trigger that finds one is skipped and
//     reported, never queued behind it. Its id is the daemon's; the
//     archive's record of the run is in its summary (run_id).
//   - The run queue is where queued runs wait: two FIFOs of entries (a few
//     hundred bytes each, no goroutine), manual runs and scheduled ones,
//     taken by workers, at most as many as sites may crawl at once
//     (max_concurrent_sites, fitted to the file descriptors:
//     Options.FileLimit), started while runs wait and gone when none does.
//     A free worker takes the oldest manual run first, so a person's
//     "Crawl now" waits for a
//     worker, never behind the night's scheduled sites. On shutdown the
//     runs still queued end cancelled at once.
//   - The history is a bounded ring of recent runs per site, kept in memory
//     and seeded at startup from the run records in the archive, so the page
//     is not empty after a restart.
//   - A site's health is how its runs have gone lately: its consecutive
//     failures (failed runs since its last ok run; cancelled runs neither
//     count nor reset them), when that streak began, its last success
//     (moved by ok runs only), and whether it is stale: no ok run for
//     longer than stale_after, counted from its first run when it never
//     succeeded. It is read from the archive's run records when the daemon
//     learns of the site (as far back as the last ok run, beyond the
//     history) and kept up to date as runs end.
//   - A site's health class sorts it for the list: failed (failed runs
//     since its last ok one), else stale, else ok (it has succeeded), else
//     never. The status page lists one page of sites at a time, failed and
//     stale ones first, with the classes counted over every site; its
//     query string (?status=, ?q=, ?page=) holds all its state, and GET
//     /api/sites pages the same way (?limit=, ?offset= or ?page=), in name
//     order.
//   - A site's zone is the one its times are shown in on the status page:
//     its schedule's CRON_TZ, else the daemon's (Options.Location).
//
// Ownership: the caller opens the archive as its one writer (holding the
// archive lock) and passes it in; the Daemon writes to it only through
// harvest.RunSite and never closes it. Run returns after the scheduler is
// stopped, every run has ended (their context is Run's, so cancelling it
// cancels them) and the HTTP server is shut down.
//
// The HTTP surface (see Handler): GET /healthz, GET /api/sites, GET
// /api/sites/{name}, POST /api/sites/{name}/crawl, GET /api/runs?site=, GET
// /metrics, and the server-rendered status pages / and /sites/{name}, which
// need no JavaScript. A site name that names no site is a 404 everywhere,
// with the names of the sites there are. POST requests need the API token when one is set, and
// are refused when they come from another web origin.
//
// Two more nouns guard that surface:
//
//   - The host policy is the set of names the daemon answers to in a
//     request's Host header: localhost, the listen address's name, the
//     machine's host name and allowed_hosts; and IP addresses: loopback
//     ones, the one listened on, or any when listening on every address.
//     Every path answers 421 Misdirected Request to any other name, so
//     that a web page whose name is made to resolve to this machine (DNS
//     rebinding) can neither read the API nor trigger a crawl.
//   - The HTTP limits (HTTPLimits) bound what one client can hold: the
//     time to send headers and a request, to take a response, an idle
//     keep-alive connection's life, and a header's size.
package daemon
