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
	archivetest.Check(t, dir)
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
	} {
		if got := archive.IsStub(c.text, c.files); got != c.want {
			t.Errorf("%s: IsStub = %v, want %v", c.name, got, c.want)
		}
	}
}
