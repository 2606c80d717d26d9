package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// reportsArchive is an archive of two reports and a listing, and the ids
// the tests name them by.
type reportsArchive struct {
	cfg, dir string
	// page is a report published as a page (its id, the report's) and a
	// PDF (pdf, joined to it); its page changed once: two report versions.
	page, pdf string
	// word is a report published as a PDF (wordPDF, the report's id) and
	// a DOCX (docx), whose text is the DOCX's: v1 the PDF's, v2 the DOCX's
	// once it came (later than a crawl's files come together).
	wordPDF, docx string
	// stub is the listing page that links to the DOCX report's files.
	stub string
}

// Texts of the reports' renditions.
const (
	pageV1   = "2023年度法治政府建设情况报告\n一、主要举措\n全年办理案件120件。\n"
	pageV2   = "2023年度法治政府建设情况报告\n一、主要举措\n全年办理案件125件。\n"
	pdfText  = "2023年度法治政府建设情况报告 第1页\n一、主要举措\n全年办理案件120件。\n"
	docx     = "2023年度政府信息公开工作年度报告\n一、总体情况\n主动公开信息3000条。\n"
	wordPDF  = "2023年度政府信息公开工作年度报告 - 1 -\n一、总体情况\n主动公开信息3000条。\n"
	stubText = "2023年度政府信息公开工作年度报告\n附件：gk.pdf gk.docx\n"
)

// fileEntry is a file's text to Put into a test archive as a rendition of
// the report doc ("" for a report of its own).
func fileEntry(url, typ, text, report string, at time.Time) archive.Entry {
	e := archiveEntry("demo", url, text, at)
	e.Raw, e.ContentType, e.Encoding = []byte("%"+strings.ToUpper(typ)+" bytes of "+url), "application/octet-stream", ""
	e.File = &archive.File{Name: url[strings.LastIndex(url, "/")+1:], Type: typ, TextStatus: archive.TextOK}
	e.Report = report
	return e
}

// newReportsArchive writes the reports of reportsArchive.
func newReportsArchive(t *testing.T) reportsArchive {
	t.Helper()
	cfg, dir := archiveConfig(t, nil)
	t0 := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	ra := reportsArchive{cfg: cfg, dir: dir}
	ra.page = putAll(t, dir, archiveEntry("demo", "http://a.gov.cn/fz.html", pageV1, t0))[0].Doc
	ra.pdf = putAll(t, dir, fileEntry("http://a.gov.cn/fz.pdf", "pdf", pdfText, ra.page, t0.Add(time.Minute)))[0].Doc
	putAll(t, dir, archiveEntry("demo", "http://a.gov.cn/fz.html", pageV2, t0.Add(3*time.Hour)))

	stub := archiveEntry("demo", "http://a.gov.cn/gk.html", stubText, t0)
	stub.Role = archive.RoleListing
	ra.stub = putAll(t, dir, stub)[0].Doc
	ra.wordPDF = putAll(t, dir, fileEntry("http://a.gov.cn/gk.pdf", "pdf", wordPDF, "", t0.Add(time.Minute)))[0].Doc
	ra.docx = putAll(t, dir, fileEntry("http://a.gov.cn/gk.docx", "docx", docx, ra.wordPDF, t0.Add(2*time.Hour)))[0].Doc
	return ra
}

// `archive ls` lists reports, one row each, its renditions named; a
// listing is none; --json prints each as an archive.Report; --versions
// lists every stored version of every document, the listing's too.
func TestArchiveLsReports(t *testing.T) {
	ra := newReportsArchive(t)
	code, out, errOut := runCmd(t, "--config", ra.cfg, "archive", "ls")
	if code != 0 {
		t.Fatalf("ls: exit %d: %s", code, errOut)
	}
	t.Logf("archive ls:\n%s", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "DOC ") {
		t.Fatalf("ls: %d lines, want a header and 2 reports:\n%s", len(lines), out)
	}
	tests := []struct {
		name, doc string
		want      []string // the row's cells, in order
	}{
		{"a page and its PDF", ra.page, []string{ra.page, "2", "demo", "2023", "fzzf", "page+pdf"}},
		{"a PDF and its DOCX", ra.wordPDF, []string{ra.wordPDF, "2", "demo", "2023", "fzzf", "docx+pdf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var row []string
			for _, l := range lines[1:] {
				if f := strings.Fields(l); f[0] == tt.doc {
					row = f
				}
			}
			if len(row) < len(tt.want) || strings.Join(row[:len(tt.want)], " ") != strings.Join(tt.want, " ") {
				t.Errorf("row %q, want it to start %q", row, tt.want)
			}
		})
	}
	for _, id := range []string{ra.pdf, ra.docx, ra.stub} {
		if strings.Contains(out, id) {
			t.Errorf("ls lists %s, a rendition or listing, as a report", id)
		}
	}

	code, out, errOut = runCmd(t, "--config", ra.cfg, "archive", "ls", "--json")
	if code != 0 {
		t.Fatalf("ls --json: exit %d: %s", code, errOut)
	}
	var reports []archive.Report
	for dec := json.NewDecoder(strings.NewReader(out)); dec.More(); {
		var r archive.Report
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		reports = append(reports, r)
	}
	if len(reports) != 2 {
		t.Fatalf("ls --json: %d reports, want 2\n%s", len(reports), out)
	}
	for _, r := range reports {
		if r.ID == ra.wordPDF && (r.TextFrom.Doc != ra.docx || r.TextFrom.Type != "docx" || r.TextFrom.Reason == "" ||
			len(r.Renditions) != 2 || r.Renditions[0].Doc != ra.docx || r.Version != 2 || r.Versions[0].Type != "pdf") {
			t.Errorf("ls --json: the DOCX report %+v", r)
		}
		if r.ID == ra.page && (r.Version != 2 || len(r.Versions) != 2 || r.TextFrom.Doc != ra.page || len(r.Renditions) != 2) {
			t.Errorf("ls --json: the page report %+v", r)
		}
	}

	code, out, _ = runCmd(t, "--config", ra.cfg, "archive", "ls", "--versions", "--json")
	if n := strings.Count(out, "\n"); code != 0 || n != 6 || !strings.Contains(out, `"doc":"`+ra.stub+`"`) {
		t.Errorf("ls --versions --json: exit %d, %d versions, want 6 with the listing's\n%s", code, n, out)
	}
}

// `archive show` prints a report's chosen text at a report version; a
// rendition's own id shows that rendition's text and names its report; a
// listing is refused in one line; --meta says where the text is from and
// lists the renditions.
func TestArchiveShowReports(t *testing.T) {
	ra := newReportsArchive(t)
	tests := []struct {
		name   string
		ref    string
		code   int
		stdout string
		stderr string // contained in stderr ("" : stderr is empty)
	}{
		{"a report: its latest text", ra.page, exitOK, pageV2, ""},
		{"a report's first version", ra.page + "@v1", exitOK, pageV1, ""},
		{"a report's version it lacks", ra.page + "@v3", exitConfig, "", ra.page + " has versions v1 to v2; no v3"},
		{"a report whose text is its DOCX's", ra.wordPDF[:8], exitOK, docx, ""},
		{"its first version, the PDF's", ra.wordPDF + "@v1", exitOK, wordPDF, ""},
		{"another rendition: its own text", ra.pdf, exitOK, pdfText,
			ra.pdf + " is the pdf rendition of report " + ra.page + ", whose text is read from its page (" + ra.page + ")"},
		{"the chosen rendition", ra.docx + "@v1", exitOK, docx,
			ra.docx + " is the docx rendition of report " + ra.wordPDF + ", whose text is read from it"},
		{"a listing", ra.stub, exitConfig, "", ra.stub + " is a listing page (where a report's files were found), not a report (`nianbao archive show --rendition " + ra.stub + "` prints its own text)\n"},
		{"a listing's own text", "--rendition " + ra.stub, exitOK, stubText, ra.stub + " is a listing page"},
		{"a report's first rendition's own text", "--rendition " + ra.wordPDF, exitOK, wordPDF,
			ra.wordPDF + " is the pdf rendition of report " + ra.wordPDF + ", whose text is read from its docx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", ra.cfg, "archive", "show"}, strings.Fields(tt.ref)...)...)
			if code != tt.code || out != tt.stdout || (tt.stderr == "") != (errOut == "") || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout %q, want %q\nstderr %q, want %q", code, tt.code, out, tt.stdout, errOut, tt.stderr)
			}
		})
	}

	code, out, errOut := runCmd(t, "--config", ra.cfg, "archive", "show", "--meta", ra.wordPDF)
	if code != 0 {
		t.Fatalf("show --meta: exit %d: %s", code, errOut)
	}
	var meta struct {
		archive.Version
		Sources []archive.Source `json:"sources"`
		Report  showReport       `json:"report"`
	}
	if err := json.Unmarshal([]byte(out), &meta); err != nil {
		t.Fatal(err)
	}
	r := meta.Report
	if meta.Doc != ra.docx || meta.File == nil || meta.File.Type != "docx" || len(meta.Sources) != 1 ||
		r.Doc != ra.wordPDF || r.Version != 2 || r.Versions != 2 || r.TextFrom.Doc != ra.docx || !strings.Contains(r.TextFrom.Reason, "DOCX") ||
		len(r.Renditions) != 2 || r.Renditions[1].Type != "pdf" || r.Renditions[1].SHA256 == "" || r.Renditions[1].TextPath == "" {
		t.Errorf("show --meta:\n%s", out)
	}
}

// `archive export` writes one record per report, its chosen text and its
// renditions; --renditions one per rendition; --all-versions one per
// report version; CSV names the renditions in one column.
func TestArchiveExportReports(t *testing.T) {
	ra := newReportsArchive(t)
	export := func(t *testing.T, args ...string) string {
		t.Helper()
		code, out, errOut := runCmd(t, append([]string{"--config", ra.cfg, "archive", "export"}, args...)...)
		if code != 0 {
			t.Fatalf("export %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	records := func(t *testing.T, out string) []map[string]any {
		t.Helper()
		var recs []map[string]any
		for dec := json.NewDecoder(strings.NewReader(out)); dec.More(); {
			var r map[string]any
			if err := dec.Decode(&r); err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
		return recs
	}
	tests := []struct {
		name string
		args []string
		want []string // each record's doc:version:text, in any order
	}{
		{"reports", nil, []string{ra.page + ":2:" + pageV2, ra.wordPDF + ":2:" + docx}},
		{"report versions", []string{"--all-versions"},
			[]string{ra.page + ":1:" + pageV1, ra.page + ":2:" + pageV2, ra.wordPDF + ":1:" + wordPDF, ra.wordPDF + ":2:" + docx}},
		{"renditions", []string{"--renditions"}, []string{ra.page + ":2:" + pageV2, ra.pdf + ":1:" + pdfText, ra.docx + ":1:" + docx, ra.wordPDF + ":1:" + wordPDF}},
		{"rendition versions", []string{"--renditions", "--all-versions"},
			[]string{ra.page + ":1:" + pageV1, ra.page + ":2:" + pageV2, ra.pdf + ":1:" + pdfText, ra.docx + ":1:" + docx, ra.wordPDF + ":1:" + wordPDF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range records(t, export(t, tt.args...)) {
				got = append(got, fmt.Sprintf("%s:%v:%s", r["doc"], r["version"], r["text"]))
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("records\n%q\nwant\n%q", got, want)
			}
		})
	}

	var r map[string]any
	for _, rec := range records(t, export(t, "--site", "demo")) {
		if rec["doc"] == ra.wordPDF {
			r = rec
		}
	}
	if r["from"] != "docx" || r["text_from"].(map[string]any)["doc"] != ra.docx || len(r["renditions"].([]any)) != 2 {
		t.Errorf("the DOCX report's record: %v", r)
	}
	for _, r := range records(t, export(t, "--renditions")) {
		if want := map[string]string{ra.page: ra.page, ra.pdf: ra.page, ra.docx: ra.wordPDF, ra.wordPDF: ra.wordPDF}[r["doc"].(string)]; r["report"] != want {
			t.Errorf("rendition %s: report %v, want %s", r["doc"], r["report"], want)
		}
		if chosen := r["doc"] == ra.page || r["doc"] == ra.docx; r["chosen"] != chosen {
			t.Errorf("rendition %s: chosen %v, want %v", r["doc"], r["chosen"], chosen)
		}
	}

	rows, err := csv.NewReader(strings.NewReader(export(t, "--format", "csv"))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("export csv: %v, %d rows", err, len(rows))
	}
	col := func(name string) int {
		for i, c := range rows[0] {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s in %q", name, rows[0])
		return -1
	}
	byDoc := map[string][]string{rows[1][col("doc")]: rows[1], rows[2][col("doc")]: rows[2]}
	if got := byDoc[ra.page][col("renditions")] + " " + byDoc[ra.wordPDF][col("renditions")]; got != "page;pdf docx;pdf" {
		t.Errorf("CSV renditions %q, want %q", got, "page;pdf docx;pdf")
	}
	if got := byDoc[ra.wordPDF][col("text_from")]; !strings.HasPrefix(got, ra.docx+"@v1: the DOCX") {
		t.Errorf("CSV text_from %q", got)
	}
	rows, err = csv.NewReader(strings.NewReader(export(t, "--format", "csv", "--renditions"))).ReadAll()
	if err != nil || len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(renditionColumns, ",") {
		t.Errorf("export csv --renditions: %v, %d rows, header %q", err, len(rows), rows[0])
	}
}

// `archive diff` compares a report's versions, each read from the
// rendition it was chosen from, and names them.
func TestArchiveDiffReports(t *testing.T) {
	ra := newReportsArchive(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string // contained in stdout, or in stderr when code is not 0
	}{
		{"the last two versions", []string{ra.page}, exitOK,
			[]string{"--- " + ra.page + "@v1  ", "  page " + ra.page + "@v1  http://a.gov.cn/fz.html\n", "+++ " + ra.page + "@v2  ", "+ 全年办理案件12{+5+}件。\n"}},
		{"named by a rendition", []string{ra.pdf[:10], "v1", "v2"}, exitOK, []string{"+++ " + ra.page + "@v2  "}},
		{"from the PDF's text to the DOCX's", []string{ra.docx}, exitOK,
			[]string{"--- " + ra.wordPDF + "@v1  ", "  pdf " + ra.wordPDF + "@v1  http://a.gov.cn/gk.pdf\n",
				"+++ " + ra.wordPDF + "@v2  ", "  docx " + ra.docx + "@v1  http://a.gov.cn/gk.docx\n", "- 2023年度政府信息公开工作年度报告[- - 1 --]\n"}},
		{"the same text", []string{ra.page, "v2", "v2"}, exitOK, []string{"(the same text)\n"}},
		{"a version it lacks", []string{ra.page, "v3"}, exitConfig, []string{ra.page + " has versions v1 to v2; no v3"}},
		{"a listing", []string{ra.stub}, exitConfig, []string{"is a listing page"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"--config", ra.cfg, "archive", "diff"}, tt.args...)...)
			got := out
			if tt.code != 0 {
				got = errOut
			}
			for _, w := range tt.want {
				if code != tt.code || !strings.Contains(got, w) {
					t.Errorf("exit %d, want %d; %q not in\n%s%s", code, tt.code, w, out, errOut)
				}
			}
		})
	}
}
