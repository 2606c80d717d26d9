package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/textdiff"
)

func newArchiveDiffCommand(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "diff DOC [vA [vB]]",
		Short: "Show what changed between two versions of a report",
		Long: `Show what changed between two versions of a report's text, line by line:
by default its last two versions; with vA, vA against the latest; with vA
and vB, those two. DOC is any unique prefix of the report's id or of one of
its renditions' ids (either names the report); its versions are the
report's, as ls counts them and show DOC@vN prints them, each read from the
rendition it was chosen from (the header names it: "docx DOC@v2"). Within a
changed line the changed characters are marked, [-deleted-] and
{+inserted+} (and coloured on a terminal), so a change of one figure in a
long paragraph is easy to find. Unchanged lines are not shown; each change
is headed by its lines in the two versions as a unified diff without
context (diff -U0) numbers them: "@@ -12,2 +12,3 @@" is lines 12–13 of vA
become lines 12–14 of vB; "@@ -7,0 +8 @@" inserts a line 8 after vA's line
7; "@@ -7 +6,0 @@" deletes vA's line 7, which would have followed vB's
line 6.`,
		Args: cobraArgs(cobra.RangeArgs(1, 3)),
		RunE: func(cmd *cobra.Command, args []string) error { return runArchiveDiff(cmd.Context(), g, args) },
	}
}

func runArchiveDiff(ctx context.Context, g *globalOptions, args []string) error {
	a, err := openArchiveRO(g)
	if err != nil {
		return err
	}
	defer a.Close()
	r, latest, _, err := a.ResolveReport(ctx, args[0])
	if err != nil {
		return refError(err, a.Dir())
	}
	versionArg := func(s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimPrefix(s, "v"))
		if err != nil || n < 1 {
			return 0, usageError{fmt.Errorf("%q: a version is written vN, as in v2", s)}
		}
		if n > latest {
			return 0, usageError{&archive.RefError{Ref: s, Err: archive.ErrNotFound, Doc: r.ID, Versions: latest, Want: n}}
		}
		return n, nil
	}
	va, vb := latest-1, latest
	switch len(args) {
	case 2:
		if va, err = versionArg(args[1]); err != nil {
			return err
		}
	case 3:
		if va, err = versionArg(args[1]); err != nil {
			return err
		}
		if vb, err = versionArg(args[2]); err != nil {
			return err
		}
	}
	if va < 1 {
		fmt.Fprintf(g.stdout, "%s has one version: nothing to compare\n", r.ID)
		return nil
	}
	load := func(n int) (archive.Version, string, error) {
		_, _, v, err := a.ResolveReport(ctx, fmt.Sprintf("%s@v%d", r.ID, n))
		if err != nil {
			return v, "", err
		}
		text, err := a.ReadText(v)
		return v, string(text), err
	}
	A, textA, err := load(va)
	if err != nil {
		return err
	}
	B, textB, err := load(vb)
	if err != nil {
		return err
	}
	color := isTerminal(g.stdout)
	rA, rB := r.Versions[va-1], r.Versions[vb-1]
	fmt.Fprintf(g.stdout, "--- %s@v%d  %s  %s %s@v%d  %s\n", r.ID, va, rA.At.Local().Format("2006-01-02 15:04"), rA.Type, A.Doc, A.Version, A.URL)
	fmt.Fprintf(g.stdout, "+++ %s@v%d  %s  %s %s@v%d  %s\n", r.ID, vb, rB.At.Local().Format("2006-01-02 15:04"), rB.Type, B.Doc, B.Version, B.URL)
	if rA.SHA256 == rB.SHA256 {
		fmt.Fprintln(g.stdout, "(the same text)")
		return nil
	}
	for _, h := range textdiff.Hunks(textdiff.Lines(textA, textB)) {
		fmt.Fprintln(g.stdout, h.Header())
		for _, e := range h.Edits {
			fmt.Fprintln(g.stdout, formatEdit(e, color))
		}
	}
	return nil
}

// formatEdit renders one changed line with its changed characters marked.
func formatEdit(e textdiff.Edit, color bool) string {
	var b strings.Builder
	b.WriteByte(byte(e.Kind))
	b.WriteByte(' ')
	if e.Spans == nil {
		if color {
			b.WriteString(colorOf(e.Kind) + e.Text + "\033[0m")
		} else {
			b.WriteString(e.Text)
		}
		return b.String()
	}
	for _, s := range e.Spans {
		switch {
		case !s.Changed:
			b.WriteString(s.Text)
		case color:
			b.WriteString(colorOf(e.Kind) + s.Text + "\033[0m")
		case e.Kind == textdiff.Delete:
			b.WriteString("[-" + s.Text + "-]")
		default:
			b.WriteString("{+" + s.Text + "+}")
		}
	}
	return b.String()
}

func colorOf(k textdiff.Kind) string {
	if k == textdiff.Delete {
		return "\033[1;31m"
	}
	return "\033[1;32m"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
