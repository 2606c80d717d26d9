package harvest_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/harvest"
	"github.com/nianbao/nianbao/internal/archivetest"
	"github.com/nianbao/nianbao/internal/portaltest"
)

// scan is a JPEG of one page of a report posted as pictures.
func scan(t *testing.T, page int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 40, 56))
	for i := range img.Pix {
		img.Pix[i] = uint8(255 - (i*page)%97)
	}
	img.SetGray(page, page, color.Gray{})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRunSiteImagesOnly: a report posted as scanned pages (a Hanweb page of
// six lazy-loaded JPEGs, a footer with 主办单位 and 联系地址) is archived as
// such: the page with its title as text, text status images_only and the
// pictures' URLs; each picture as a file listed on the page, kept as
// received; counted in the summary. Never the footer as the report's text.
func TestRunSiteImagesOnly(t *testing.T) {
	page, err := os.ReadFile("../extract/testdata/images_only_hanweb.html")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "art/2024/3/28/"
	fs := fstest.MapFS{
		"c/index.html": {Data: []byte(`<html><body><ul>
<li><a href="/` + dir + `art_1229549875_58912345.html">吴兴区司法局2023年度法治政府建设工作报告</a></li></ul></body></html>`)},
		dir + "art_1229549875_58912345.html": {Data: page},
	}
	for i := 1; i <= 6; i++ {
		fs[fmt.Sprintf("%sart_1229549875_58912345_files/W020240328_%02d.jpg", dir, i)] = &fstest.MapFile{Data: scan(t, i)}
	}
	srv := portaltest.NewServer(t, fs)
	adir := t.TempDir()
	a := openArchive(t, adir)
	deps := harvest.Deps{Archive: a, Crawl: crawler.Options{UserAgent: "t"}}
	sum, err := harvest.RunSite(context.Background(), testSite(t, srv, ""), deps)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != "ok" || sum.ImagesOnly != 1 || sum.NewDocuments != 1 || sum.NewRenditions != 6 || sum.FilesWithoutText["image"] != 6 || sum.ErrorCount() != 0 {
		t.Errorf("summary %+v", sum)
	}
	var pageV archive.Version
	var images []archive.Version
	for _, v := range archivetest.Check(t, adir) {
		if v.File == nil {
			pageV = v
		} else {
			images = append(images, v)
		}
	}
	if pageV.TextStatus != archive.TextImagesOnly || len(pageV.Images) != 6 || !strings.HasSuffix(pageV.Images[3], "W020240328_04.jpg") {
		t.Errorf("page version %+v", pageV)
	}
	text, err := a.ReadText(pageV)
	if err != nil {
		t.Fatal(err)
	}
	if string(text) != "吴兴区司法局2023年度法治政府建设工作报告\n" {
		t.Errorf("page text %q, want the title line alone", text)
	}
	if len(images) != 6 {
		t.Fatalf("%d pictures archived, want 6", len(images))
	}
	for _, v := range images {
		f := v.File
		if f.Type != "jpg" || f.TextStatus != "image" || f.ListedOn != pageV.URL || f.ListedOnDoc != pageV.Doc ||
			v.Title != pageV.Title || v.Kind != "fzzf" || v.Year != 2023 || v.Raw == nil || !strings.HasSuffix(v.Raw.Path, ".jpg") {
			t.Errorf("picture %s: version %+v, file %+v", v.URL, v, f)
		}
		raw, err := a.ReadRaw(v)
		if err != nil || !bytes.HasPrefix(raw, []byte{0xFF, 0xD8, 0xFF}) {
			t.Errorf("picture %s not kept as received: %v", v.URL, err)
		}
	}

	// Again: nothing new, each picture fetched once more at most.
	again, err := harvest.RunSite(context.Background(), testSite(t, srv, ""), deps)
	if err != nil || again.NewDocuments != 0 || again.NewVersions != 0 || again.ErrorCount() != 0 {
		t.Errorf("second run: %+v, %v", again, err)
	}
	if n := srv.Count("/" + dir + "art_1229549875_58912345_files/W020240328_01.jpg"); n > 2 {
		t.Errorf("a picture was fetched %d times in two runs", n)
	}
	// Re-extraction reads the page to the same title and status, and the
	// pictures to no text again.
	rs, err := harvest.Reextract(context.Background(), a, nil, "t", nil, nil, nil)
	if err != nil || rs.Documents != 7 || rs.Unchanged != 7 || rs.NewVersions != 0 || rs.Failed != 0 {
		t.Errorf("reextract: %+v, %v", rs, err)
	}
	archivetest.Check(t, adir)
}
