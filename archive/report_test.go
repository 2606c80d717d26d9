package archive_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// reportText is a report's text long enough to be one.
var reportText = strings.Repeat("一、主要举措和成效。全区深入推进依法行政，规范性文件审核率达到百分之百。\n", 20)

// typed is fileEntry for a file of type typ at url with text.
func typed(url, typ, text string, raw string) archive.Entry {
	e := fileEntry(url, text, []byte(raw), archive.TextOK)
	e.File.Type, e.File.Name = typ, "report."+typ
	if text == "" {
		e.File.TextStatus = "no_text_layer"
	}
	return e
}

// TestReports: renditions join a report; its text is the best rendition's,
// with the reason; a file re-saved with the same text is kept without a
// new report version; the same text in another form is a rendition, not a
// repost; a listing is no report.
func TestReports(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	ctx := context.Background()
	const base = "https://sf.example.gov.cn/"

	page := entry(base+"t1.html", "现将2023年度法治政府建设情况报告予以公开。", t0)
	page.Role = archive.RoleListing
	listing := put(t, a, page, archive.NewDocument)
	if listing.Report != "" {
		t.Errorf("a listing's report is %q, want none", listing.Report)
	}
	pdf := put(t, a, typed(base+"a.pdf", "pdf", reportText+"第1页\n", "%PDF-1 one"), archive.NewDocument)
	e := typed(base+"a.docx", "docx", reportText, "PK docx")
	e.Report = pdf.Doc
	docx := put(t, a, e, archive.NewDocument)
	scan := typed(base+"scan.pdf", "pdf", "", "%PDF-1 scan")
	scan.Report = docx.Doc // a rendition's report is its report's
	sc := put(t, a, scan, archive.NewDocument)
	if docx.Report != pdf.Doc || sc.Report != pdf.Doc {
		t.Fatalf("docx joined %q, the scan %q; want %s", docx.Report, sc.Report, pdf.Doc)
	}
	bad := typed(base+"b.pdf", "pdf", "另一份报告", "%PDF-1 other")
	bad.Report = listing.Doc
	if _, err := a.Put(ctx, bad); err == nil || !strings.Contains(err.Error(), "listing") {
		t.Errorf("joining a listing: %v, want an error saying it is a listing", err)
	}

	rs, err := a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d reports, want 1: %+v", len(rs), rs)
	}
	r := rs[0]
	if r.ID != pdf.Doc || len(r.Renditions) != 3 || r.TextFrom.Doc != docx.Doc || r.Version != 1 ||
		!strings.Contains(r.TextFrom.Reason, "DOCX") || r.Renditions[0].Doc != docx.Doc {
		t.Errorf("report %s: %d renditions, text from %+v, version %d; want %s, 3, the DOCX (first), 1", r.ID, len(r.Renditions), r.TextFrom, r.Version, pdf.Doc)
	}
	if _, err := a.Reports(ctx, archive.Filter{Doc: listing.Doc}); err != nil {
		t.Error(err)
	}
	if _, _, _, err := a.ResolveReport(ctx, listing.Doc); !errors.Is(err, archive.ErrListing) {
		t.Errorf("ResolveReport(listing) = %v, want ErrListing", err)
	}
	if got, n, v, err := a.ResolveReport(ctx, sc.Doc[:6]); err != nil || got.ID != pdf.Doc || n != 1 || v.Doc != docx.Doc {
		t.Errorf("ResolveReport(the scan's prefix) = %s v%d from %s, %v; want %s v1 from the DOCX", got.ID, n, v.Doc, err, pdf.Doc)
	}

	// The PDF re-saved a day later: the same text, other bytes.
	re := typed(base+"a.pdf", "pdf", reportText+"第1页\n", "%PDF-1 one, re-saved")
	re.FetchedAt = t0.Add(24 * time.Hour)
	put(t, a, re, archive.FileChanged)
	put(t, a, re, archive.Unchanged)
	// The DOCX's text changes a week later: a new report version.
	ch := typed(base+"a.docx", "docx", reportText+"二、存在的不足和原因。\n", "PK docx 2")
	ch.FetchedAt = t0.Add(7 * 24 * time.Hour)
	put(t, a, ch, archive.NewVersion)
	// The same text as a DOC at a new URL: a rendition, not a repost.
	doc := typed(base+"a.doc", "doc", reportText+"二、存在的不足和原因。\n", "\xd0\xcf doc")
	doc.FetchedAt = ch.FetchedAt
	if res := put(t, a, doc, archive.NewDocument); res.Report != pdf.Doc {
		t.Errorf("the DOC with the DOCX's text joined %q, want %s", res.Report, pdf.Doc)
	}
	rs, err = a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	r = rs[0]
	if len(rs) != 1 || r.Version != 2 || len(r.Renditions) != 4 || r.Versions[1].Doc != docx.Doc || r.Versions[1].DocVersion != 2 {
		t.Errorf("after a re-saved PDF and a changed DOCX: %d reports, version %d, %d renditions, versions %+v; want 1, 2, 4, v2 the DOCX's v2",
			len(rs), r.Version, len(r.Renditions), r.Versions)
	}
	// The PDF corrected two weeks later, the DOCX left as it was: the two
	// no longer agree, and the newer text is the report's.
	fix := typed(base+"a.pdf", "pdf", reportText+"二、存在的不足和原因（更正）。\n", "%PDF-1 corrected")
	fix.FetchedAt = t0.Add(14 * 24 * time.Hour)
	put(t, a, fix, archive.NewVersion)
	rs, err = a.Reports(ctx, archive.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if r := rs[0]; r.Version != 3 || r.TextFrom.Doc != pdf.Doc || !strings.Contains(r.TextFrom.Reason, "changed after") {
		t.Errorf("after a corrected PDF: version %d, text from %+v; want 3, the PDF's, saying it changed after the others", r.Version, r.TextFrom)
	}
	// Everything here was grouped as it was archived: nothing to regroup.
	if g, err := a.Regroup(ctx, false); err != nil || len(g.Changes) != 0 {
		t.Errorf("Regroup of an archive written today: %+v, %v; want no change", g.Changes, err)
	}
	archivetest.Check(t, dir)
}

// TestRoleFollowsThePage: a page archived as a stub that later carries its
// report becomes a report, and one that later only announces its files
// becomes a listing — unless a file is a rendition of its report.
func TestRoleFollowsThePage(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	const u = "https://sf.example.gov.cn/t1.html"
	stub := entry(u, "2023年度报告\n现将报告予以公开。\n", t0)
	stub.Role = archive.RoleListing
	if r := put(t, a, stub, archive.NewDocument); r.Report != "" {
		t.Fatalf("a stub's report is %q", r.Report)
	}
	full := entry(u, "2023年度报告\n"+reportText, t0.Add(time.Hour))
	if r := put(t, a, full, archive.NewVersion); r.Report != r.Doc {
		t.Errorf("a listing now carrying its report: report %q, want %s", r.Report, r.Doc)
	}
	back := entry(u, "2023年度报告\n现将报告予以公开，详见附件。\n", t0.Add(2*time.Hour))
	back.Role = archive.RoleListing
	r := put(t, a, back, archive.NewVersion)
	if r.Report != "" {
		t.Errorf("a report page turned stub: report %q, want none (a listing)", r.Report)
	}
	// With a rendition of its report, a page stays the report.
	const v = "https://sf.example.gov.cn/t2.html"
	p := put(t, a, entry(v, "2024年度报告\n"+reportText, t0), archive.NewDocument)
	f := typed("https://sf.example.gov.cn/t2.pdf", "pdf", reportText, "%PDF t2")
	f.Report = p.Doc
	put(t, a, f, archive.NewDocument)
	st := entry(v, "2024年度报告\n现将报告予以公开。\n", t0.Add(time.Hour))
	st.Role = archive.RoleListing
	if r := put(t, a, st, archive.NewVersion); r.Report != p.Doc {
		t.Errorf("a page with a rendition turned stub: report %q, want it kept (%s)", r.Report, p.Doc)
	}
	a.Close()
	archivetest.Check(t, dir)
}

func TestSameKindAndYear(t *testing.T) {
	for _, c := range []struct {
		ka   string
		ya   int
		kb   string
		yb   int
		want bool
	}{
		{"xxgk", 2022, "xxgk", 2023, false},
		{"xxgk", 2023, "fzzf", 2023, false},
		{"xxgk", 2023, "xxgk", 2023, true},
		{"other", 2023, "xxgk", 0, true},
		{"fzzf", 0, "fzzf", 2021, true},
	} {
		if got := archive.SameKindAndYear(c.ka, c.ya, c.kb, c.yb); got != c.want {
			t.Errorf("SameKindAndYear(%s %d, %s %d) = %v, want %v", c.ka, c.ya, c.kb, c.yb, got, c.want)
		}
	}
}

func TestIsStub(t *testing.T) {
	names := []string{"附件：江北区2023年度法治政府建设情况报告.pdf", "江北区2023年度法治政府建设情况报告.docx"}
	for _, c := range []struct {
		name, text string
		files      []string
		want       bool
	}{
		{"announcement", "江北区2023年度法治政府建设情况报告\n现将我局2023年度法治政府建设情况报告予以公开。\n附件：江北区2023年度法治政府建设情况报告.pdf\n江北区2023年度法治政府建设情况报告.docx", names, true},
		{"title and names only", "江北区2023年度法治政府建设情况报告\n附件：江北区2023年度法治政府建设情况报告.pdf", names, true},
		{"信息公开 preamble", "江北区2023年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开条例》规定，现公布江北区2023年政府信息公开工作年度报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。如对本报告有疑问，请与江北区人民政府办公室联系（地址：江北区建新东路1号，电话：023-67855555）。详见附件。", names, true},
		{"a short report, no announcement", "江北区司法局2022年度法治政府建设情况报告\n2022年，区司法局在区委、区政府的坚强领导下，统筹推进法治政府建设各项工作，为全区经济社会发展提供了有力法治保障。一是抓好规范性文件合法性审核，全年审核规范性文件18件。", names, false},
		{"a report that mentions its attachment", "江北区2023年度法治政府建设情况报告\n" + reportText + "附件：统计表.pdf", names, false},
		{"no attachments", "江北区2023年度法治政府建设情况报告\n现将报告予以公开。", nil, false},
		{"a short report that follows its announcement", "某镇2023年度法治政府建设情况报告\n现将我镇2023年度法治政府建设情况报告公布如下：\n2023年，我镇坚持以习近平法治思想为指导，深入推进依法行政。一是健全依法决策机制，重大行政决策全部经过合法性审查；二是加强行政执法监督，全年开展执法检查12次；三是深化普法宣传，举办法治讲座8场。2024年，我镇将继续推进法治政府建设。\n附件1：统计表.pdf", names, false},
	} {
		if got := archive.IsStub(c.text, c.files); got != c.want {
			t.Errorf("%s: IsStub = %v, want %v", c.name, got, c.want)
		}
	}
}
