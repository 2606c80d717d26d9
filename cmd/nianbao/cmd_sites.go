package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/harvest"
)

func newSitesCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sites",
		Short: "Check or list the site files",
		Args:  cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("sites needs a subcommand: check, list, try or add")}
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Load config.yaml and every site file strictly; report every problem as file:line: field: problem",
		Long: `Load config.yaml and every site file strictly, as crawl does, and
report every problem as <file>:<line>: <field>: <problem>: unknown
keys, malformed YAML, schedules that do not parse, start URLs that are not
absolute http(s), regular expressions that do not compile, invalid or
duplicate names, missing start pages; and, as <file>: <problem>, entries
named *.yaml that are not read: a directory, FIFO or device, a symlink to
outside the sites directory, a file over 1 MiB. Exit 2 if there is any
problem.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runSitesCheck(cmd.Context(), g) },
	}, &cobra.Command{
		Use:   "list",
		Short: "Show each site's name, title, schedule, start URLs and the report columns runs found from them",
		Args:  cobraArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return runSitesList(cmd.Context(), g) },
	}, newSitesTryCommand(g), newSitesAddCommand(g))
	return cmd
}

// runSitesCheck loads everything as crawl and serve do. Cancelling ctx
// (SIGINT, SIGTERM) stops the load between two files.
func runSitesCheck(ctx context.Context, g *globalOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	all, probs, err := cfg.LoadSitesContext(ctx)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w\n%d problem(s) in %d site file(s)", probs, len(probs), len(probs.Files()))
	}
	fmt.Fprintf(g.stdout, "ok: %s and %d site(s) in %s\n", cfg.Source(), len(all), cfg.SitesPath())
	return nil
}

func runSitesList(ctx context.Context, g *globalOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	all, probs, err := cfg.LoadSitesContext(ctx)
	if err != nil {
		return err
	}
	loadErr := probs.Err()
	// The report columns runs found from home pages, from the archive's
	// run records (read-only, no lock: works beside a daemon).
	a, err := archive.Open(cfg.ArchivePath(), archive.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer a.Close()
	tb := newTable("NAME", "TITLE", "SCHEDULE", "START", "COLUMNS FOUND")
	for _, s := range all {
		cols, _, err := harvest.FoundColumns(ctx, a, s.Name)
		if err != nil {
			return err
		}
		found := "-"
		if len(cols) > 0 {
			found = strings.Join(cols, " ")
		}
		tb.add(s.Name, s.Title, s.Schedule, strings.Join(s.Start, " "), found)
	}
	if err := tb.write(g.stdout); err != nil {
		return err
	}
	return loadErr
}
