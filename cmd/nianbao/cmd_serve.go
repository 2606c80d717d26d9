package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // CRON_TZ=Asia/Shanghai must work on a host without /usr/share/zoneinfo

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/daemon"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/sites"
)

// serveOptions are the flags of `nianbao serve`.
type serveOptions struct {
	PollInterval time.Duration
	// LockPoll is how often to try the archive lock while a crawl holds it.
	LockPoll time.Duration
}

func newServeCommand(g *globalOptions) *cobra.Command {
	o := serveOptions{LockPoll: time.Second}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run as a service: crawl every site on its schedule; serve a status page, an API and metrics",
		Long: `Run until stopped: crawl each site on its schedule (its own, or
defaults.schedule, spread over half its interval, at most 6h, an @every
schedule over its whole period, unless schedule_jitter says otherwise), at
most max_concurrent_sites at once and never one site twice at once; pick
up site files added, changed or removed in the sites directory within
seconds (and on SIGHUP); and serve on listen:

  /                         status page: sites failing, stale, ok and never run,
                            then 100 sites a page, failing and stale first
                            (?status=failed|stale|ok|never, ?q=NAME, ?page=N)
  /healthz                  "ok"
  /api/sites                one page of sites as JSON (limit, offset or page,
                            status, q; total and counts): schedule, next run,
                            last run, consecutive_failures, last_success,
                            stale, file problems
  /api/runs?site=NAME       recent runs with their summaries (404 for an unknown site)
  POST /api/sites/NAME/crawl  crawl a site now (202 with the run's id)
  /metrics                  Prometheus metrics (nianbao_*)

A run that could read none of a site's start pages has failed. The status
page, the API and the metrics count a site's failed runs since its last
ok one (nianbao_site_consecutive_failures), and flag it stale when it has
had no ok run for stale_after (default 7 days; nianbao_site_stale).

The daemon is the archive's one writer for as long as it runs. Beside it,
'nianbao crawl --wait SITE' asks it to crawl and prints the summaries;
without --wait, crawl exits 3 naming the daemon.

A listen address that is not loopback needs an API token (api_token or
NIANBAO_API_TOKEN), sent as "Authorization: Bearer TOKEN" with every POST.

Every path answers only to the names of this daemon in the Host header:
localhost, the listen address's name, the machine's host name and the
names of allowed_hosts, and IP addresses (loopback ones, the one listened
on, any when listening on 0.0.0.0 or ::). Others get 421 Misdirected
Request: a web page cannot reach the daemon by rebinding its own name.

SIGTERM or SIGINT stops scheduling, cancels running crawls and exits 0.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), g, o)
		},
	}
	cmd.Flags().DurationVar(&o.PollInterval, "poll-interval", daemon.DefaultPollInterval,
		"how often to look for added, changed or removed site files")
	return cmd
}

func runServe(ctx context.Context, g *globalOptions, o serveOptions) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	if o.PollInterval <= 0 {
		return usageError{fmt.Errorf("--poll-interval %s: must be more than 0", o.PollInterval)}
	}
	token := cfg.Token(os.Getenv)
	if !cfg.ListenIsLoopback() && token == "" {
		return &config.Error{Problems: []string{fmt.Sprintf(
			"%s: listen: %s is reachable from other machines: set api_token (or the environment variable %s) so that only you can trigger crawls, or listen on 127.0.0.1",
			cfg.File, cfg.Listen, config.TokenEnv)}}
	}

	// A daemon without a sites directory has nothing to do: say so before
	// the archive is created. (Site files that do not load are shown on
	// the status page instead.)
	if err := cfg.CheckSitesDir(); err != nil {
		return err
	}

	// SIGHUP reloads the site files; caught from here on, so that one sent
	// while starting does not kill the daemon (its default action).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	a, err := openArchiveWaiting(ctx, cfg.ArchivePath(), log, o.LockPoll)
	if err != nil {
		if ctx.Err() != nil {
			log.Info("stopped while waiting for the archive lock")
			return nil
		}
		var le *archive.LockError
		if errors.As(err, &le) {
			if l := le.Holding().Listen; l != "" {
				return fmt.Errorf("%w; its status page: http://%s/", err, l)
			}
		}
		return err
	}
	defer func() {
		if err := a.Close(); err != nil {
			log.Error("closing the archive", "err", err)
		}
	}()

	files := attachment.NewReader(attachment.ReaderConfig{CacheDir: cfg.CachePath(os.Getenv), Logger: log})
	defer files.Close()
	d, err := daemon.New(ctx, daemon.Options{
		Config:       cfg,
		Archive:      a,
		Logger:       log,
		Token:        token,
		PollInterval: o.PollInterval,
		Files:        files,
		StaleAfter:   time.Duration(cfg.StaleAfter),
		FileLimit:    crawler.FileLimit(),
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	addr := ln.Addr().String()
	// The lock file now tells other nianbao processes where to ask for crawls.
	if err := a.SetLockHolder("nianbao serve, listen " + addr); err != nil {
		log.Warn("cannot record the daemon's address in the archive lock", "err", err)
	}

	hupCtx, stopHUP := context.WithCancel(ctx)
	defer stopHUP()
	go func() {
		for {
			select {
			case <-hupCtx.Done():
				return
			case <-hup:
				log.Info("SIGHUP: reloading the site files")
				_ = d.Reload(hupCtx) // logged there
			}
		}
	}()

	log.Info("serving", "url", "http://"+addr+"/", "archive", cfg.ArchivePath(), "sites_dir", cfg.SitesPath())
	return d.Run(ctx, ln)
}

// openArchiveWaiting opens the archive for writing, waiting while another
// `nianbao crawl` holds its lock (its holder line names it). A daemon
// holding the lock is not waited for, as it holds it until stopped: its
// *archive.LockError is returned, so that the caller can ask the daemon
// instead.
func openArchiveWaiting(ctx context.Context, dir string, log *slog.Logger, poll time.Duration) (*archive.Archive, error) {
	waiting := false
	for {
		a, err := archive.Open(dir, archive.Options{Logger: log})
		var le *archive.LockError
		if !errors.As(err, &le) {
			if err == nil && waiting {
				log.Info("got the archive lock")
			}
			return a, err
		}
		if le.Holding().Listen != "" {
			return nil, err
		}
		if !waiting {
			log.Warn("the archive is locked by another nianbao process; waiting until it is done", "holder", le.Holder)
			waiting = true
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("interrupted while waiting for the archive lock (%s): %w", le.Holder, ctx.Err())
		case <-t.C:
		}
	}
}

// lockedHint adds to a lock error what to do about it; the error still
// unwraps to the *archive.LockError, so the exit code stays 3.
func lockedHint(err error, le *archive.LockError) error {
	if le.Holding().Listen != "" {
		return fmt.Errorf("%w; it is the daemon: run crawl with --wait to have it crawl the sites and print the summaries", err)
	}
	return fmt.Errorf("%w; run crawl with --wait to wait until it is done", err)
}

// crawlViaDaemon has the daemon that holds the archive crawl the sites:
// the daemon is the one writer, and never runs a site twice at once. It
// triggers every site, waits for the runs and prints their summaries like a
// local crawl. A site the daemon is crawling already is not crawled again:
// the run going on is waited for.
func crawlViaDaemon(ctx context.Context, g *globalOptions, o crawlOptions, cfg *config.Config,
	chosen []*sites.Site, h archive.LockHolder, loadErr error) error {
	log, err := g.logger(cfg)
	if err != nil {
		return err
	}
	c := daemon.NewClient(h.Listen, cfg.Token(os.Getenv))
	log.Info("the archive belongs to a running daemon: asking it to crawl", "daemon", c.BaseURL, "pid", h.PID)
	runs := make([]daemon.RunInfo, len(chosen))
	errs := make([]error, len(chosen))
	for i, s := range chosen {
		runs[i], errs[i] = c.Crawl(ctx, s.Name)
		if daemon.IsUnknownSite(errs[i]) {
			errs[i] = fmt.Errorf("the daemon (pid %d) has no site %s: is its site file in the daemon's sites_dir? (%w)", h.PID, s.Name, errs[i])
		}
	}
	sums := make([]harvest.Summary, len(chosen))
	for i, s := range chosen {
		if errs[i] == nil {
			var r daemon.RunInfo
			r, errs[i] = c.Wait(ctx, s.Name, runs[i].ID)
			if ctx.Err() != nil {
				log.Warn("interrupted: the daemon's runs go on", "daemon", c.BaseURL)
				return interruptedError{ctx.Err()}
			}
			if errs[i] == nil {
				runs[i] = r
				// A failed run is the site's failure (exit 5, below),
				// with its cause in the summary; anything else that
				// is not ok (cancelled) is an error.
				if r.Status != daemon.StatusOK && !(r.Status == daemon.StatusFailed && r.Summary != nil) {
					errs[i] = fmt.Errorf("crawl %s (daemon run %s): %s: %s", s.Name, r.ID, r.Status, r.Error)
				}
			}
		}
		switch {
		case runs[i].Summary != nil:
			sums[i] = *runs[i].Summary
		case errs[i] != nil:
			sums[i] = harvest.Summary{Site: s.Name, Status: "failed", Error: errs[i].Error()}
		default:
			sums[i] = harvest.Summary{Site: s.Name, Status: runs[i].Status, Error: runs[i].Error}
		}
	}
	if err := writeSummaries(g.stdout, o.JSON, sums); err != nil {
		return err
	}
	return errors.Join(errors.Join(errs...), loadErr, failedSites(sums))
}
