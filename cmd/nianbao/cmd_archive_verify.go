package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
)

// archiveVerifyOptions are the flags of `nianbao archive verify`.
type archiveVerifyOptions struct {
	Repair bool
}

// damageError means verify found damage in the archive's files (exit 4).
type damageError struct{ n int }

func (e damageError) Error() string {
	return fmt.Sprintf("the archive has %d problem(s)", e.n)
}

func newArchiveVerifyCommand(g *globalOptions) *cobra.Command {
	var o archiveVerifyOptions
	cmd := &cobra.Command{
		Use:   "verify [--repair]",
		Short: "Re-hash every archived file and check it against its metadata and the index",
		Long: `Re-hash every version's text and raw bytes and check them against their
metadata and the index; find missing, unexpected and half-written files.
Every problem is printed naming its file; the exit code is 4 if there is any.

What an interrupted write leaves (temporary files, the files of a version
whose metadata was never written) is listed as a note, not a problem: the
next crawl, or --repair, removes it.

--repair rebuilds the index from the files (never the other way round) and
removes leftovers; it needs the archive's lock, like a crawl. The new index
is built aside and moved into place only when complete, so an interrupted
repair leaves the old one. A file that cannot be read is named, skipped, and
the rebuild goes on; what the old index still holds that the files do not
(fetch state, list pages, runs, sources, a version whose metadata is
unreadable but whose text matches) is carried over. A damaged index.db is
kept, moved aside to index.db.corrupt-<time>. An unreadable doc.json or run
record is rewritten (the bad file kept as <name>.corrupt-<time>); version
files are never rewritten, so damage to them is still reported. Documents
of an archive written before one record per report are grouped into
reports, as ` + "`nianbao archive migrate`" + ` does.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runArchiveVerify(cmd.Context(), g, o) },
	}
	cmd.Flags().BoolVar(&o.Repair, "repair", false, "rebuild the index from the files and remove leftovers of interrupted writes")
	return cmd
}

func runArchiveVerify(ctx context.Context, g *globalOptions, o archiveVerifyOptions) error {
	cfg, log, err := g.setup()
	if err != nil {
		return err
	}
	dir := cfg.ArchivePath()
	if archiveMissing(dir) {
		// Nothing to check, nor to repair; a repair must not create it.
		msg := fmt.Sprintf("no archive at %s yet: 0 documents", dir)
		if o.Repair {
			msg += "; nothing to repair"
		}
		fmt.Fprintln(g.stdout, msg)
		return nil
	}
	// A damaged index is what verify reports and --repair replaces.
	a, err := archive.Open(dir, archive.Options{ReadOnly: !o.Repair, DamagedIndexOK: true, Logger: log})
	if err != nil {
		return err
	}
	defer a.Close()
	if o.Repair {
		r, err := a.Repair(ctx)
		if err != nil {
			return err
		}
		printRepaired(g.stdout, dir, r)
	}
	rep, err := a.Verify(ctx, progressLine(g.stderr, "verifying", "documents"))
	if err != nil {
		return err
	}
	for _, l := range rep.Leftovers {
		fmt.Fprintf(g.stdout, "note: %s: %s\n", displayFile(dir, l.File), l.Msg)
	}
	for _, l := range rep.SetAside {
		fmt.Fprintf(g.stdout, "note: %s: %s\n", displayFile(dir, l.File), l.Msg)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(g.stdout, "%s: %s\n", displayFile(dir, p.File), p.Msg)
	}
	if rep.Ungrouped > 0 {
		fmt.Fprintf(g.stdout, "note: %d document(s) are not yet grouped into reports (an archive written before one record per report): `nianbao archive migrate` or `nianbao archive verify --repair` groups them\n", rep.Ungrouped)
	}
	fmt.Fprintf(g.stdout, "verified %d document(s), %d version(s), %d run record(s) in %s: %d problem(s)", rep.Documents, rep.Versions, rep.Runs, dir, len(rep.Problems))
	if len(rep.Leftovers) > 0 {
		fmt.Fprintf(g.stdout, ", %d leftover(s) of interrupted writes (removed by the next crawl, or by --repair)", len(rep.Leftovers))
	}
	fmt.Fprintln(g.stdout)
	if len(rep.Problems) > 0 {
		return damageError{len(rep.Problems)}
	}
	return nil
}

// printRepaired says what --repair did: the damaged index it set aside,
// each file it could not read and what became of it, what it carried over
// from the old index, and the counts.
func printRepaired(w io.Writer, dir string, r archive.Repaired) {
	if r.IndexSetAside != "" {
		fmt.Fprintf(w, "%s: damaged (%s); set aside as %s, the index rebuilt from the files\n",
			displayFile(dir, archive.IndexFile), r.IndexDamage, r.IndexSetAside)
	}
	for _, f := range r.Files {
		fmt.Fprintf(w, "%s: %s\n", displayFile(dir, f.File), f.Msg)
	}
	co := r.CarriedOver
	fmt.Fprintf(w, "carried over from the old index: %d fetch state(s), %d list page(s), %d run record(s), %d source(s), %d version(s), %d document(s)\n",
		co.FetchStates, co.ListPages, co.Runs, co.Sources, co.Versions, co.Documents)
	if len(co.Stopped) > 0 {
		fmt.Fprintf(w, "note: the old index could be read only in part: %s\n", strings.Join(co.Stopped, "; "))
	}
	if len(r.Regrouped.Changes) > 0 || len(r.Regrouped.Skipped) > 0 {
		printRegrouped(w, dir, r.Regrouped, false)
	}
	fmt.Fprintf(w, "repaired %s: removed %d temporary file(s) and %d file(s) of uncommitted versions, finished %d interrupted write(s), rebuilt the index: %d document(s), %d version(s), %d run record(s); %d file(s) could not be read\n",
		dir, r.TempFilesRemoved, r.FilesRemoved, r.WritesFinished, r.DocumentsIndexed, r.VersionsIndexed, r.RunsIndexed, len(r.Files))
}

// displayFile names an archive file by its path as the user can open it.
func displayFile(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + string(os.PathSeparator) + name
}

// progressLine returns a progress callback that redraws one line on w when w
// is a terminal, and nil (no progress) otherwise: logs and pipes get no
// carriage-return noise.
func progressLine(w io.Writer, verb, noun string) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	return func(done, total int) {
		if done%50 != 0 && done != total {
			return
		}
		fmt.Fprintf(w, "\r%s %d/%d %s", verb, done, total, noun)
		if done == total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
