package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestExtractGBKFile(t *testing.T) {
	page := `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="天津市司法局2020年度法治政府建设情况报告">
<meta name="PubDate" content="2021-03-26 10:03">
<title>天津市司法局2020年度法治政府建设情况报告_天津市司法局</title></head>
<body><div class="crumb">当前位置:首页 > 公示公告 > 通知公告</div>
<div class="TRS_Editor"><p>2020年,天津市司法局坚持以习近平新时代中国特色社会主义思想为指导,法治政府建设取得明显成效。</p>
<p>一、强化法治思维,履行推进法治建设第一责任人职责</p>
<p>市司法局始终把坚持党的领导贯彻到法治政府建设全过程和各方面,认真落实主要负责人履行推进法治建设第一责任人职责。</p></div>
<div class="share">分享到:</div></body></html>`
	raw, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "t20210326_5395336.html")
	if err := os.WriteFile(f, raw, 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCmd(t, "extract", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "一、强化法治思维,履行推进法治建设第一责任人职责\n") || strings.Contains(out, "分享到") || strings.Contains(out, "当前位置") {
		t.Errorf("text:\n%s", out)
	}

	code, out, errOut = runCmd(t, "extract", "--json", "--url", "https://sf.tj.gov.cn/XXGS8259/TZGG8848/202103/t20210326_5395336.html", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got extracted
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.File != f || got.Title != "天津市司法局2020年度法治政府建设情况报告" || !strings.HasPrefix(got.Published, "2021-03-26") ||
		got.Encoding != "gb18030" || got.Kind != "fzzf" || got.Year != 2020 || !strings.Contains(got.Text, "明显成效") {
		t.Errorf("extract --json = %+v", got)
	}

	if code, _, errOut := runCmd(t, "extract", filepath.Join(t.TempDir(), "missing.html")); code != exitError || !strings.Contains(errOut, "missing.html") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

// Files are read as the crawler reads attachments; the kind is told by the
// bytes, not the name.
func TestExtractFiles(t *testing.T) {
	docx, err := os.ReadFile(filepath.Join("..", "..", "internal", "portaltest", "files", "fzzf", "202403", "P020240302000000001.docx"))
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "download.bin")
	if err := os.WriteFile(f, docx, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "extract", "--json", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got extracted
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.FileType != "docx" || got.TextStatus != "ok" || got.Title != "江北区2023年政府信息公开工作年度报告" || got.Kind != "xxgk" ||
		got.Year != 2023 || !strings.Contains(got.Text, "一、本年新收政府信息公开申请数量\t152\t11\t2\t165\n") {
		t.Errorf("extract --json of a DOCX = %+v", got)
	}
}

// A file that cannot be read is unreadable, as a crawl records it: a status
// line and exit 0, like a file without a text layer, not the reader's error
// as the command's failure.
func TestExtractDamagedFiles(t *testing.T) {
	docx, err := os.ReadFile(filepath.Join("..", "..", "internal", "portaltest", "files", "fzzf", "202403", "P020240302000000001.docx"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		data     []byte
		wantType string
	}{
		{"bad.pdf", []byte("%PDF-1.4 garbage"), "pdf"},
		{"cut.docx", docx[:len(docx)/2], "docx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), tt.name)
			if err := os.WriteFile(f, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCmd(t, "extract", f)
			if code != exitOK || out != "" || !strings.Contains(errOut, f+": no text: unreadable\n") || strings.Contains(errOut, "nianbao: ") {
				t.Errorf("extract %s: exit %d, stdout %q, stderr %q; want exit 0 and %q", tt.name, code, out, errOut, f+": no text: unreadable")
			}
			code, out, errOut = runCmd(t, "--log-level", "error", "extract", "--json", f)
			var got extracted
			if err := json.Unmarshal([]byte(out), &got); code != exitOK || err != nil || got.TextStatus != "unreadable" || got.FileType != tt.wantType || got.Text != "" {
				t.Errorf("extract --json %s: exit %d, %+v (%v), stderr %q", tt.name, code, got, err, errOut)
			}
		})
	}
}
