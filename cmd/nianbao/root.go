package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/sites"
)

// Exit codes, documented in the README and in `nianbao --help`.
const (
	exitOK     = 0 // done, even if some pages failed
	exitError  = 1 // anything else
	exitConfig = 2 // invalid config, site file or usage
	exitLocked = 3 // another process is writing the archive (crawl --wait waits for it, or asks the daemon)
	exitDamage = 4 // archive damaged: verify found damage, or the index cannot be read (archive verify --repair)
	exitFailed = 5 // crawl: a site it was asked to crawl failed (nothing of it could be read, or its run broke off)
)

// globalOptions are the flags every command has.
type globalOptions struct {
	ConfigFile string
	LogLevel   string
	LogFormat  string
	stdout     io.Writer
	stderr     io.Writer
}

// usageError is a mistake in the command line.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func newRootCommand(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "nianbao",
		Short: "Archive the annual reports of Chinese government portals as versioned plain text",
		Long: `nianbao crawls the portals configured in the sites directory, finds their
法治政府建设年度报告 and 政府信息公开工作年度报告, strips page chrome, and keeps
each report's text in a versioned archive that people can read, grep and
verify with sha256sum.

Exit codes: 0 done (even if some pages failed), 1 other error (also
when interrupted, or an archive that cannot be written), 2 invalid config,
site file or usage (a bad flag value too, or a --site, DOC or version that
names nothing), 3 archive locked by another process (the message names it; 'crawl
--wait' waits for it, or asks the daemon), 4 archive damaged: 'archive
verify' found damage, or the index cannot be read (every command that
needs it says so; 'archive verify --repair' sets it aside and rebuilds it
from the files), 5 crawl, sites try: a site failed — none of its start
pages could be read, or no report column was found from a home page, or
its run broke off (the summary and the last line name the cause); sites
add: a portal got no site file.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       "0.1.0",
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.PersistentFlags().StringVar(&g.ConfigFile, "config", "", "config file (default: config.yaml in the working directory if there is one, else the built-in defaults)")
	root.PersistentFlags().StringVar(&g.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().StringVar(&g.LogFormat, "log-format", "", "log format: text or json (default: log_format from the config)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// The global flags are checked before any command runs, so that a bad
	// value is a usage error whatever the command, and whether or not it
	// logs (extract does not read the config, yet takes --log-level).
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return g.check() }
	root.AddCommand(
		newCrawlCommand(g),
		newServeCommand(g),
		newSitesCommand(g),
		newArchiveCommand(g),
		newExtractCommand(g),
		newRunsCommand(g),
	)
	return root
}

// run executes the command line and maps its error to an exit code; main
// and the tests both call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globalOptions{stdout: stdout, stderr: stderr}
	root := newRootCommand(g)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	msg := err.Error()
	if !strings.Contains(msg, "\n") {
		msg = "nianbao: " + msg
	}
	fmt.Fprintln(stderr, msg)
	// A reference that names nothing (archive show DOC@v7) is a usage
	// error whose message says all there is: no pointer to --help.
	var ref *archive.RefError
	if code == exitConfig && isUsage(err) && !errors.As(err, &ref) {
		path := "nianbao"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", path)
	}
	return code
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u) || strings.HasPrefix(err.Error(), "unknown command") ||
		strings.Contains(err.Error(), "arg(s)") || strings.HasPrefix(err.Error(), "unknown flag")
}

// exitCode is the one place errors become exit codes.
func exitCode(err error) int {
	var (
		cfgErr  *config.Error
		probs   sites.Problems
		lockErr *archive.LockError
		damage  damageError
		failed  *sitesFailedError
		noFile  *sitesAddError
	)
	switch {
	case errors.As(err, &damage), errors.Is(err, archive.ErrIndexDamaged):
		return exitDamage
	case errors.As(err, &lockErr):
		return exitLocked
	case errors.As(err, &cfgErr), errors.As(err, &probs), isUsage(err):
		return exitConfig
	case errors.As(err, &failed), errors.As(err, &noFile):
		return exitFailed
	default:
		return exitError
	}
}

// cobraArgs wraps a cobra argument check so that its error is a usage error.
func cobraArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// loadConfig loads the config named by --config, which must exist; without
// --config, config.yaml in the working directory if there is one, else the
// built-in defaults.
func (g *globalOptions) loadConfig() (*config.Config, error) {
	if g.ConfigFile == "" {
		return config.LoadOptional(config.DefaultFile)
	}
	return config.Load(g.ConfigFile)
}

// setup loads the config and builds the logger, as most commands begin.
func (g *globalOptions) setup() (*config.Config, *slog.Logger, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	log, err := g.logger(cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, log, nil
}

// logLevels are the values --log-level takes, in any case. slog would also
// parse offsets such as "INFO+2": a value the help does not name is a
// mistake, not a hidden feature.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// check reports a global flag with a value outside its list as a usage error.
func (g *globalOptions) check() error {
	if _, ok := logLevels[strings.ToLower(g.LogLevel)]; !ok {
		return usageError{fmt.Errorf("--log-level %q: use debug, info, warn or error", g.LogLevel)}
	}
	switch g.LogFormat {
	case "", "text", "json":
	default:
		return usageError{fmt.Errorf("--log-format %q: use text or json", g.LogFormat)}
	}
	return nil
}

// logger builds the logger for a command: to stderr, in the requested format.
func (g *globalOptions) logger(cfg *config.Config) (*slog.Logger, error) {
	return g.loggerTo(g.stderr, cfg)
}

// loggerTo builds the logger for a command, writing to w (stderr, or the
// terminal view that keeps log records off its progress lines).
func (g *globalOptions) loggerTo(w io.Writer, cfg *config.Config) (*slog.Logger, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	format := g.LogFormat
	if format == "" && cfg != nil {
		format = cfg.LogFormat
	}
	hopts := &slog.HandlerOptions{Level: logLevels[strings.ToLower(g.LogLevel)]}
	if format == "json" { // config.Load allows only text and json
		return slog.New(slog.NewJSONHandler(w, hopts)), nil
	}
	return slog.New(slog.NewTextHandler(w, hopts)), nil
}
