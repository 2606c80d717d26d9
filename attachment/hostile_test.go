package attachment

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var hostile = flag.Bool("hostile", false, "run TestHostile: read hostile files in child processes and log their cost")

// hostileCase is a hostile file and the outcome it must have.
type hostileCase struct {
	name  string
	kind  Kind
	build func(t testing.TB) []byte
	want  error // what the error wraps; nil: a text
}

// hostileCases are built at the full size of the budgets, so that what a
// file can cost shows.
var hostileCases = []hostileCase{
	{"docx: states 1 TiB inflated", KindDOCX, func(t testing.TB) []byte { return zipClaiming(t, "word/document.xml", 1<<40) }, errTooLarge},
	{"docx: 127 MiB of text in one run", KindDOCX, func(t testing.TB) []byte {
		return zipStream(t, "word/document.xml", `<w:document><w:body><w:p><w:r><w:t>`, "报告正文", 127<<20, `</w:t></w:r></w:p></w:body></w:document>`)
	}, errTooLarge},
	{"docx: 127 MiB of paragraphs", KindDOCX, func(t testing.TB) []byte {
		return zipStream(t, "word/document.xml", `<w:document><w:body>`, "<w:p><w:r><w:t>报告正文</w:t></w:r></w:p>", 127<<20, `</w:body></w:document>`)
	}, errTooLarge},
	{"docx: 31 MiB of text in 4 KiB paragraphs", KindDOCX, func(t testing.TB) []byte {
		return zipStream(t, "word/document.xml", `<w:document><w:body>`, "<w:p><w:r><w:t>"+strings.Repeat("报告正文", 341)+"</w:t></w:r></w:p>", 31<<20, `</w:body></w:document>`)
	}, nil},
	{"docx: 129 MiB of text (over the part budget)", KindDOCX, func(t testing.TB) []byte {
		return zipStream(t, "word/document.xml", `<w:document><w:body><w:p><w:r><w:t>`, "报告正文", 129<<20, `</w:t></w:r></w:p></w:body></w:document>`)
	}, errTooLarge},
	{"docx: one 127 MiB attribute", KindDOCX, func(t testing.TB) []byte {
		return zipStream(t, "word/document.xml", `<w:document><w:body><w:p w:x="`, "a", 127<<20, `"/></w:body></w:document>`)
	}, errTooLarge},
	{"docx: 1,000 elements with 120 KiB attributes", KindDOCX, func(t testing.TB) []byte {
		return zipStream(t, "word/document.xml", `<w:document><w:body>`, `<w:p w:x="`+strings.Repeat("a", 120<<10)+`"/>`, 1000*(120<<10+12), `</w:body></w:document>`)
	}, nil},
	{"docx: 100,000 elements deep", KindDOCX, func(t testing.TB) []byte {
		return zipOf(t, "word/document.xml", strings.Repeat("<w:p>", 100000))
	}, errTooLarge},
	{"docx: 20,000 zip entries", KindDOCX, func(t testing.TB) []byte { return zipEntries(t, 20000) }, errTooLarge},
	{"docx: 1,000,000 zip entries", KindDOCX, func(t testing.TB) []byte { return zipEntries(t, 1000000) }, errTooLarge},
	{"docx: text of private-use code points", KindDOCX, func(t testing.TB) []byte {
		return zipOf(t, "word/document.xml", `<w:document><w:body><w:p><w:r><w:t>`+strings.Repeat("\ue11e\ue236报", 100)+`</w:t></w:r></w:p></w:body></w:document>`)
	}, errGarbled},
	{"ofd: 12,000 pages", KindOFD, func(t testing.TB) []byte { return ofdPages(t, 12000) }, errTooLarge},
	{"ofd: 3 pages of 100 MiB", KindOFD, func(t testing.TB) []byte {
		return zipStreams(t, ofdHead(3, func(i int) string { return fmt.Sprintf("P%d.xml", i) }),
			[]string{"Doc_0/P0.xml", "Doc_0/P1.xml", "Doc_0/P2.xml"}, `<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>`, " ", 100<<20, `</ofd:Layer></ofd:Content></ofd:Page>`)
	}, errTooLarge},
	{"ofd: 5,000 pages naming one 1 MiB page", KindOFD, func(t testing.TB) []byte {
		return zipStreams(t, ofdHead(5000, func(int) string { return "P.xml" }),
			[]string{"Doc_0/P.xml"}, `<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>`, textObject("甲"), 1<<20, `</ofd:Layer></ofd:Content></ofd:Page>`)
	}, nil},
	{"ofd: 300 pages of 1 MiB", KindOFD, func(t testing.TB) []byte {
		names := make([]string, 300)
		for i := range names {
			names[i] = "Doc_0/P" + strconv.Itoa(i) + ".xml"
		}
		return zipStreams(t, ofdHead(300, func(i int) string { return "P" + strconv.Itoa(i) + ".xml" }),
			names, `<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>`, textObject("甲"), 1<<20, `</ofd:Layer></ofd:Content></ofd:Page>`)
	}, errTooLarge},
	{"ofd: 1,000,000 lines of text on a page", KindOFD, func(t testing.TB) []byte { return ofdLines(t, 1, 1000000) }, errTooLarge},
	{"ofd: 100,000 lines of text on a page", KindOFD, func(t testing.TB) []byte { return ofdLines(t, 1, 100000) }, nil},
	{"doc: FAT chain loops", KindDOC, func(t testing.TB) []byte { return loopingDOC(t, "fat") }, nil},
	{"doc: piece table loops", KindDOC, func(t testing.TB) []byte { return loopingDOC(t, "pieces") }, nil},
}

// TestHostile reads each hostile file in a child process of its own and
// logs a table of what it cost: the outcome, the peak RSS over the
// process with the file loaded, and the time. The outcome is checked; the
// figures are measured, not asserted. It builds files of hundreds of MiB:
//
//	go test ./attachment -run Hostile -hostile -v
func TestHostile(t *testing.T) {
	if !*hostile {
		t.Skip("a measurement: run with -hostile")
	}
	dir := t.TempDir()
	var table []string
	for i, hc := range hostileCases {
		data := hc.build(t)
		file := filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		data = nil
		cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.v")
		cmd.Env = append(os.Environ(), "NIANBAO_HOSTILE="+strconv.Itoa(i)+":"+file)
		out, err := cmd.CombinedOutput()
		var res hostileResult
		for l := range strings.Lines(string(out)) {
			if j, ok := strings.CutPrefix(l, "hostile: "); ok {
				err = json.Unmarshal([]byte(j), &res)
			}
		}
		if err != nil || res.Size == 0 {
			t.Errorf("%s: child: %v\n%s", hc.name, err, out)
			continue
		}
		if !res.OK {
			t.Errorf("%s: %s", hc.name, res.Err)
		}
		table = append(table, fmt.Sprintf("| %s | %s | %s | %s | %d MB | %s |", hc.name, mib(uint64(res.Size)), res.Status, firstLine(res.Err),
			res.PeakKB/1000, time.Duration(res.NS).Round(time.Millisecond)))
	}
	t.Logf("\n| hostile file | size | status | error | peak RSS over idle | time |\n|---|---|---|---|---|---|\n%s", strings.Join(table, "\n"))
}

// hostileResult is what the child reports.
type hostileResult struct {
	Size   int
	Status Status
	Err    string
	OK     bool // the outcome is the case's
	PeakKB int  // VmHWM while reading, less VmRSS before
	NS     int64
}

// TestHostileChild is TestHostile's child: it reads one file through a
// Reader and prints a hostileResult.
func TestHostileChild(t *testing.T) {
	arg := os.Getenv("NIANBAO_HOSTILE")
	if arg == "" {
		t.Skip("run by TestHostile")
	}
	i, file, _ := strings.Cut(arg, ":")
	n, _ := strconv.Atoi(i)
	hc := hostileCases[n]
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(ReaderConfig{})
	defer r.Close()
	runtime.GC()
	idle := procStatusKB(t, "VmRSS")
	// Reset the peak (VmHWM) to the resident set now.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	text, err := r.Text(context.Background(), hc.kind, data)
	res := hostileResult{Size: len(data), Status: text.Status, NS: int64(time.Since(start)), PeakKB: procStatusKB(t, "VmHWM") - idle}
	if err != nil {
		res.Err = err.Error()
	}
	switch {
	case hc.want == nil && hc.kind == KindDOC:
		res.OK = err != nil && text.Status == StatusUnreadable // the damage is found
	case hc.want == nil:
		res.OK = err == nil
	default:
		res.OK = errors.Is(err, hc.want) && text.Status == StatusUnreadable
	}
	j, _ := json.Marshal(res)
	fmt.Printf("hostile: %s\n", j)
}

func procStatusKB(t testing.TB, key string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), key+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", key)
	return 0
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// zipStream is a zip holding one part: head, then unit repeated to size
// bytes, then tail, deflated as it is written.
func zipStream(t testing.TB, name, head, unit string, size int, tail string) []byte {
	return zipStreams(t, nil, []string{name}, head, unit, size, tail)
}

// zipStreams is a zip of the small parts (name, data pairs), then of big
// parts made as zipStream makes its one.
func zipStreams(t testing.TB, small []string, names []string, head, unit string, size int, tail string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(small); i += 2 {
		w, err := zw.Create(small[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(small[i+1]))
	}
	// Whole units only, so that the XML stays well formed.
	block := []byte(strings.Repeat(unit, max(1, (64<<10)/max(1, len(unit)))))
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(head))
		n := 0
		for ; unit != "" && n+len(block) <= size; n += len(block) {
			w.Write(block)
		}
		for ; unit != "" && n+len(unit) <= size; n += len(unit) {
			w.Write([]byte(unit))
		}
		w.Write([]byte(tail))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipEntries is a zip of n empty entries.
func zipEntries(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range n {
		if _, err := zw.CreateRaw(&zip.FileHeader{Name: strconv.Itoa(i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ofdHead is the OFD.xml and Document.xml of a document of n pages, page
// i at Doc_0/loc(i).
func ofdHead(n int, loc func(i int) string) []string {
	const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`
	var pages strings.Builder
	for i := range n {
		pages.WriteString(`<ofd:Page ID="` + strconv.Itoa(i+1) + `" BaseLoc="` + loc(i) + `"/>`)
	}
	return []string{
		"OFD.xml", `<ofd:OFD ` + ns + `><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
		"Doc_0/Document.xml", `<ofd:Document ` + ns + `><ofd:Pages>` + pages.String() + `</ofd:Pages></ofd:Document>`,
	}
}

// ofdLines is an OFD of pages pages naming one part of n lines, each a
// TextObject of its own.
func ofdLines(t testing.TB, pages, n int) []byte {
	var b strings.Builder
	for i := range n {
		b.WriteString(`<TextObject Boundary="0 ` + strconv.Itoa(i) + ` 9 9"><TextCode>甲</TextCode></TextObject>`)
	}
	return zipStreams(t, ofdHead(pages, func(int) string { return "P.xml" }), []string{"Doc_0/P.xml"}, `<Page><Content><Layer>`+b.String(), "", 0, `</Layer></Content></Page>`)
}

// ofdPages is an OFD whose document lists n pages (their content parts
// are not needed to read the count).
func ofdPages(t testing.TB, n int) []byte {
	return zipOf(t, ofdHead(n, func(i int) string { return "Pages/Page_" + strconv.Itoa(i) + "/Content.xml" })...)
}
