package archive_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// preRenditions is the files portal's archive as the layout before reports
// wrote it (harvest's TestPreRenditionsArchive keeps it): every page and
// every file its own document.
const preRenditions = "../harvest/testdata/pre-renditions"

// memberships lists each document's report and role, as the index has them.
func memberships(t *testing.T, a *archive.Archive) map[string]string {
	t.Helper()
	docs, err := a.Reports(context.Background(), archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range docs {
		for _, rd := range r.Renditions {
			out[rd.Doc] = r.ID
		}
	}
	return out
}

// TestRegroupPreRenditions upgrades an archive written before reports: the
// two stub pages become listings, the PDF of the report its page carries
// joins it, every other document is a report; every stored version is
// still there and verifies; a second run changes nothing.
func TestRegroupPreRenditions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	archivetest.Copy(t, preRenditions, dir)
	before := archivetest.Check(t, dir)

	ro, err := archive.Open(dir, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ro.Verify(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || rep.Ungrouped != 3 {
		t.Errorf("verify before the upgrade: %d problems, %d documents to regroup; want 0, 3", len(rep.Problems), rep.Ungrouped)
	}
	if rs, err := ro.Reports(ctx, archive.Filter{}); err != nil || len(rs) != 10 {
		t.Errorf("before the upgrade: %d reports (%v), want 10: one a document", len(rs), err)
	}
	ro.Close()

	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := a.Regroup(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if g.Listings != 2 || g.Renditions != 1 || g.Reports != 7 || len(g.Changes) != 3 || len(g.Skipped) != 0 {
		t.Errorf("regrouped: %+v; want 2 listings, 1 rendition, 7 reports, 3 changes", g)
	}
	rs, err := a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 7 {
		t.Fatalf("%d reports after the upgrade, want 7", len(rs))
	}
	var twoForms *archive.Report
	for i, r := range rs {
		if len(r.Renditions) == 2 {
			twoForms = &rs[i]
		}
		if len(r.Renditions) > 2 || r.Version < 1 || r.Text.Path == "" {
			t.Errorf("report %s: %d renditions, version %d, text %q", r.ID, len(r.Renditions), r.Version, r.Text.Path)
		}
	}
	if twoForms == nil {
		t.Fatal("no report has its page and its PDF")
	}
	if twoForms.TextFrom.Type != "page" || twoForms.Renditions[0].Type != "page" || twoForms.Renditions[1].Type != "pdf" ||
		!strings.Contains(twoForms.TextFrom.Reason, "page carries") {
		t.Errorf("the inline report's text is from %+v, renditions %+v; want the page's, then the PDF", twoForms.TextFrom, twoForms.Renditions)
	}
	again, err := a.Regroup(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes) != 0 {
		t.Errorf("a second regrouping changed %+v; want nothing", again.Changes)
	}
	want := memberships(t, a)
	a.Close()
	after := archivetest.Check(t, dir)
	if len(after) != len(before) {
		t.Errorf("%d versions after the upgrade, %d before", len(after), len(before))
	}
	for i := range before {
		if before[i].SHA256 != after[i].SHA256 || before[i].Path != after[i].Path {
			t.Errorf("version %s@v%d changed: %s %s -> %s %s", before[i].Doc, before[i].Version, before[i].Path, before[i].SHA256, after[i].Path, after[i].SHA256)
		}
	}

	// A kill at any point: after k changes made whole, the next one's
	// doc.json written and its index row not. The archive verifies (the
	// half-made change a leftover), and the next run finishes it, to the
	// same reports.
	for k := range g.Changes {
		t.Run(g.Changes[k].Doc, func(t *testing.T) {
			dir := t.TempDir()
			archivetest.Copy(t, preRenditions, dir)
			a, err := archive.Open(dir, archive.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range g.Changes[:k] {
				if err := a.ApplyMembershipForTest(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.WriteMembershipFileForTest(g.Changes[k]); err != nil {
				t.Fatal(err)
			}
			a.Close()
			archivetest.Check(t, dir)
			a, err = archive.Open(dir, archive.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Regroup(ctx, true); err != nil {
				t.Fatal(err)
			}
			got := memberships(t, a)
			rep, err := a.Verify(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			if len(rep.Problems)+len(rep.Leftovers) != 0 || rep.Ungrouped != 0 {
				t.Errorf("after the rerun: problems %v, leftovers %v, %d to regroup", rep.Problems, rep.Leftovers, rep.Ungrouped)
			}
			if !maps.Equal(got, want) {
				t.Errorf("reports after a killed and rerun upgrade:\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// TestRegroupListedFiles: files of an earlier release linked straight from
// a list — a report's PDF and its DOCX, another year's PDF — are grouped by
// site, year and text: the DOCX joins the PDF's report, the other year
// stays apart.
func TestRegroupListedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, dir)
	const base = "https://sf.example.gov.cn/"
	pdf := put(t, a, typed(base+"a.pdf", "pdf", reportText+"第1页\n", "%PDF a"), archive.NewDocument)
	docx := put(t, a, typed(base+"a.docx", "docx", reportText, "PK a"), archive.NewDocument)
	other := typed(base+"b.pdf", "pdf", strings.ReplaceAll(reportText, "一", "壹"), "%PDF b")
	other.Year = 2022
	put(t, a, other, archive.NewDocument)
	a.Close()
	// As an earlier release wrote them: no grouping decided.
	for _, d := range []string{pdf.Doc, docx.Doc} {
		name := filepath.Join(dir, "demo", "2023", d, "doc.json")
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(strings.Replace(string(b), `"grouped": true`, `"grouped": false`, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a = open(t, dir)
	g, err := a.Regroup(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if g.Renditions != 1 || g.Reports != 2 || len(g.Changes) != 1 || g.Changes[0].Doc != docx.Doc || g.Changes[0].Report != pdf.Doc {
		t.Errorf("regrouped %+v; want the DOCX joined to the PDF's report, 2 reports", g)
	}
	a.Close()
	archivetest.Check(t, dir)
}
