package archive_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// fileEntry is an attachment's text as harvest hands it over.
func fileEntry(url, text string, raw []byte, status string) archive.Entry {
	return archive.Entry{
		Site: "demo", URL: url, Title: "2023年度法治政府建设情况报告", Kind: "fzzf", Year: 2023,
		Text: []byte(text), Extractor: "attachment/1", FetchedAt: t0,
		Raw: raw, Status: 200, ContentType: "application/pdf",
		File: &archive.File{Name: "2023年度法治政府建设情况报告.pdf", Type: "pdf", TextStatus: status, Pages: 3,
			ListedOn: "https://sf.example.gov.cn/t1.html", LinkText: "附件：2023年度法治政府建设情况报告.pdf"},
	}
}

func TestPutFile(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	ctx := context.Background()
	pdf := []byte("%PDF-1.7 the bytes of a report")
	r := put(t, a, fileEntry("https://sf.example.gov.cn/att/1.pdf", "报告正文。\n", pdf, archive.TextOK), archive.NewDocument)
	v := mustResolve(t, a, r.Doc)
	if v.File == nil || v.File.Type != "pdf" || v.File.TextStatus != "ok" || v.Raw == nil {
		t.Fatalf("version metadata: %+v", v)
	}
	if !strings.HasSuffix(v.Raw.Path, "/v1.pdf") || v.Raw.Bytes != len(pdf) {
		t.Fatalf("raw: %+v", v.Raw)
	}
	// The file is kept as received, so a person can open it, and its sha256
	// verifies with sha256sum.
	onDisk, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(v.Raw.Path)))
	if err != nil || !bytes.Equal(onDisk, pdf) {
		t.Fatalf("file on disk: %q, %v", onDisk, err)
	}
	got, err := a.ReadRaw(v)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("ReadRaw: %q, %v", got, err)
	}
	archivetest.Check(t, dir)

	// Damage to the file is named.
	p := filepath.Join(dir, filepath.FromSlash(v.Raw.Path))
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, append(pdf, 'x'), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].File != v.Raw.Path {
		t.Fatalf("verify after damage: %+v", rep.Problems)
	}
}

func TestPutFileWithoutText(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	scan1 := []byte("%PDF-1.4 scanned pages, one")
	scan2 := []byte("%PDF-1.4 scanned pages, two")
	const u1, u2 = "https://sf.example.gov.cn/att/1.pdf", "https://sf.example.gov.cn/att/2.pdf"

	r1 := put(t, a, fileEntry(u1, "", scan1, "no_text_layer"), archive.NewDocument)
	// Two scans have the same (empty) text but are not the same report.
	r2 := put(t, a, fileEntry(u2, "", scan2, "no_text_layer"), archive.NewDocument)
	if r1.Doc == r2.Doc {
		t.Fatal("two different scans were taken for one document")
	}
	put(t, a, fileEntry(u1, "", scan1, "no_text_layer"), archive.Unchanged)
	// The same scan at a third URL is a repost.
	put(t, a, fileEntry("https://sf.example.gov.cn/att/3.pdf", "", scan1, "no_text_layer"), archive.NewSource)
	// A changed scan is a new version.
	put(t, a, fileEntry(u1, "", append(scan1, '!'), "no_text_layer"), archive.NewVersion)

	v := mustResolve(t, a, r1.Doc)
	if v.HasText() || v.Bytes != 0 || v.File.TextStatus != "no_text_layer" {
		t.Fatalf("scan version: %+v", v)
	}
	// An empty text is refused unless the file says why it has none.
	if _, err := a.Put(context.Background(), fileEntry("https://sf.example.gov.cn/att/4.pdf", "", scan1, archive.TextOK)); err == nil {
		t.Fatal("an empty text from a file with text status ok was accepted")
	}
	bad := fileEntry("https://sf.example.gov.cn/att/5.exe", "文字。", []byte("MZ"), archive.TextOK)
	bad.File.Type = "exe"
	if _, err := a.Put(context.Background(), bad); err == nil {
		t.Fatal("a file type outside the known ones was accepted")
	}
	archivetest.Check(t, dir)

	// The index rebuilt from the files keeps scans apart the same way.
	if err := a.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	put(t, a, fileEntry(u2, "", scan2, "no_text_layer"), archive.Unchanged)
	put(t, a, fileEntry("https://sf.example.gov.cn/att/6.pdf", "", scan2, "no_text_layer"), archive.NewSource)
}
