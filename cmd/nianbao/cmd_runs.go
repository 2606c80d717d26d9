package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/harvest"
)

// runsOptions are the flags of `nianbao runs`.
type runsOptions struct {
	Site  string
	JSON  bool
	Limit int
}

func newRunsCommand(g *globalOptions) *cobra.Command {
	o := runsOptions{Limit: 20}
	cmd := &cobra.Command{
		Use:   "runs [--site S] [--json] [--limit N]",
		Short: "List recent crawl runs recorded in the archive, newest first",
		Long: `List the crawl runs recorded in the archive, newest first: when each started,
its site, status, pages fetched, pages not modified (304), bytes, reports
found, new reports (a report's page or files archived for the first time
count once), new versions, new sources, errors and duration. The
archive is opened read-only, so this works beside a running daemon. --site
names a site of the site files or of the archive; another name is an error
listing them (exit 2).`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return runRuns(cmd.Context(), g, o) },
	}
	cmd.Flags().StringVar(&o.Site, "site", "", "only this site's runs")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print one JSON object per run: the run record with its summary")
	cmd.Flags().IntVar(&o.Limit, "limit", o.Limit, "at most this many runs")
	return cmd
}

// runRecord is a run as `runs --json` prints it.
type runRecord struct {
	ID      string          `json:"id"`
	Site    string          `json:"site"`
	Started string          `json:"started_at"`
	Ended   string          `json:"finished_at"`
	Status  string          `json:"status"`
	Error   string          `json:"error,omitempty"`
	Summary harvest.Summary `json:"summary"`
}

func runRuns(ctx context.Context, g *globalOptions, o runsOptions) error {
	if o.Limit < 1 {
		return usageError{fmt.Errorf("--limit %d: must be at least 1", o.Limit)}
	}
	a, err := openArchiveRO(g)
	if err != nil {
		return err
	}
	defer a.Close()
	runs, err := a.Runs(ctx, o.Site, o.Limit)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		if err := checkSite(ctx, g, a, o.Site); err != nil {
			return err
		}
		return sayEmpty(g, a.Dir(), "runs", o.JSON, siteFilter(o.Site)...)
	}
	recs := make([]runRecord, 0, len(runs))
	for _, r := range runs {
		rec := runRecord{ID: r.ID, Site: r.Site, Started: r.StartedAt.Format("2006-01-02T15:04:05Z07:00"),
			Ended: r.FinishedAt.Format("2006-01-02T15:04:05Z07:00"), Status: r.Status, Error: r.Error}
		// The record's summary was stored as JSON; read it back as a Summary.
		if b, err := json.Marshal(r.Summary); err == nil {
			if err := json.Unmarshal(b, &rec.Summary); err != nil {
				return fmt.Errorf("run %s: summary: %w", r.ID, err)
			}
		}
		recs = append(recs, rec)
	}
	if o.JSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tb := newTable("STARTED", "SITE", "STATUS", "PAGES", "304", "BYTES", "REPORTS", "NEW REPORTS", "NEW VERSIONS", "NEW SOURCES", "ERRORS", "TIME").
		alignRight(3, 4, 5, 6, 7, 8, 9, 10, 11)
	for i, r := range recs {
		s := r.Summary
		tb.add(runs[i].StartedAt.Local().Format("2006-01-02 15:04:05"), r.Site, r.Status, itoa(s.PagesFetched), itoa(s.NotModified),
			byteSize(s.Bytes), itoa(s.ReportsFound), itoa(s.NewDocuments), itoa(s.NewVersions), itoa(s.NewSources),
			itoa(s.ErrorCount()), s.Duration.Round(100_000_000).String())
	}
	return tb.write(g.stdout)
}

// byteSize writes n bytes the way people read them: 830 B, 12.4 KB, 3.1 MB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
