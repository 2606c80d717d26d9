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

func newRootCommand(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "nianbao",
		Short: "Archive the annual reports of Chinese government portals as versioned plain text",
		Long: `nianbao crawls the portals configured in the sites directory, finds their
法治政府建设年度报告 and 政府信息公开工作年度报告, strips page chrome, and keeps
each report's text in a versioned archive that people can read, grep and
verify with sha256sum.

Exit codes: 0 done (even if some pages failed), 1 other error,
2 invalid config, site file or usage, 3 archive locked by another process
(the message names it; 'crawl --wait' waits for it, or asks the daemon),
4 archive damaged: 'archive verify' found damage, or the index cannot be
read (every command that needs it says so; 'archive verify --repair' sets it
aside and rebuilds it from the files).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       "0.1.0",
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.PersistentFlags().StringVar(&g.ConfigFile, "config", "config.yaml", "config file")
	root.PersistentFlags().StringVar(&g.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().StringVar(&g.LogFormat, "log-format", "", "log format: text or json (default: log_format from the config)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
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
	if code == exitConfig && isUsage(err) {
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
	)
	switch {
	case errors.As(err, &damage), errors.Is(err, archive.ErrIndexDamaged):
		return exitDamage
	case errors.As(err, &lockErr):
		return exitLocked
	case errors.As(err, &cfgErr), errors.As(err, &probs), isUsage(err):
		return exitConfig
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

// loadConfig loads the config named by --config.
func (g *globalOptions) loadConfig() (*config.Config, error) {
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

// logger builds the logger for a command: to stderr, in the requested format.
func (g *globalOptions) logger(cfg *config.Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.LogLevel)); err != nil {
		return nil, usageError{fmt.Errorf("--log-level %q: use debug, info, warn or error", g.LogLevel)}
	}
	format := g.LogFormat
	if format == "" && cfg != nil {
		format = cfg.LogFormat
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(g.stderr, hopts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(g.stderr, hopts)), nil
	}
	return nil, usageError{fmt.Errorf("--log-format %q: use text or json", format)}
}
