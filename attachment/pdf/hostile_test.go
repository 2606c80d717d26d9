package pdf

import (
	"bytes"
	"cmp"
	"compress/flate"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The hostile PDFs are made at test time: each is small (at most about a
// megabyte) but asks pdfium or the layout for far more. zlibRepeat
// writes the Flate bombs without compressing their hundreds of megabytes.

// zlibRepeat returns a zlib stream that inflates to prefix, then fill
// repeated n times, then suffix. The repeated part is compressed once, a
// mebibyte of it, as a run of self-contained deflate blocks that the
// stream repeats; the checksum is combined, not computed over the whole.
func zlibRepeat(prefix, fill []byte, n int64, suffix []byte) []byte {
	var chunk []byte // fill repeated to about a mebibyte
	reps, tail := int64(0), suffix
	if len(fill) > 0 && n > 0 {
		perChunk := min(n, max(1, int64(1<<20)/int64(len(fill))))
		chunk = bytes.Repeat(fill, int(perChunk))
		reps = n / perChunk
		tail = append(bytes.Repeat(fill, int(n%perChunk)), suffix...)
	}

	out := []byte{0x78, 0xda} // zlib header: deflate, 32 KiB window, best compression
	out = append(out, deflateBlocks(prefix, false)...)
	block := deflateBlocks(chunk, false)
	for range reps {
		out = append(out, block...)
	}
	out = append(out, deflateBlocks(tail, true)...)

	sum := adler32.Checksum(prefix)
	chunkSum := adler32.Checksum(chunk)
	for range reps {
		sum = adler32Combine(sum, chunkSum, int64(len(chunk)))
	}
	sum = adler32Combine(sum, adler32.Checksum(tail), int64(len(tail)))
	return binary.BigEndian.AppendUint32(out, sum)
}

// deflateBlocks compresses p with a fresh compressor, so its blocks refer
// to nothing before them: flushed (byte-aligned, not final) or closed
// (ending the stream).
func deflateBlocks(p []byte, final bool) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		panic(err)
	}
	w.Write(p)
	if final {
		w.Close()
	} else {
		w.Flush()
	}
	return b.Bytes()
}

// adler32Combine is zlib's adler32_combine: the checksum of A followed by
// B from the checksums of A and B and the length of B.
func adler32Combine(a, b uint32, lenB int64) uint32 {
	const base = 65521
	rem := uint32(lenB % base)
	sum1 := a & 0xffff
	sum2 := rem * sum1 % base
	sum1 += b&0xffff + base - 1
	sum2 += a>>16 + b>>16 + base - rem
	if sum1 >= base {
		sum1 -= base
	}
	if sum1 >= base {
		sum1 -= base
	}
	if sum2 >= base<<1 {
		sum2 -= base << 1
	}
	if sum2 >= base {
		sum2 -= base
	}
	return sum1 | sum2<<16
}

// pdfObject is one indirect object of a PDF made by pdfFile: a
// dictionary (or any object), or a stream with its dictionary's entries
// but /Length.
type pdfObject struct {
	body   string
	stream []byte // nil: not a stream
}

// pdfFile assembles a PDF of objs, numbered from 1 in order; object 1
// must be the catalog.
func pdfFile(objs []pdfObject) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		if o.stream == nil {
			b.WriteString(o.body)
		} else {
			fmt.Fprintf(&b, "<<%s /Length %d>>\nstream\n", o.body, len(o.stream))
			b.Write(o.stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// The fonts of pagesPDF: Helvetica, and STSong-Light (not embedded; its
// strings are UCS-2 hex, <4E2D> for 中), which pdfium maps through its
// Adobe-GB1 tables.
const (
	helvetica = "<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>"
	stSong    = "<</Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [" +
		"<</Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo <</Registry (Adobe) /Ordering (GB1) /Supplement 4>> " +
		"/FontDescriptor <</Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 " +
		"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93>> /DW 1000>>]>>"
)

// pagesPDF returns a PDF of n A4 pages, page i showing content stream i,
// or the last one for the pages after (Flate-compressed: each is zlib
// data), with font as /F1 and image, if not nil, as the image XObject
// /Im1.
func pagesPDF(font string, n int, streams [][]byte, image *pdfObject) []byte {
	first := 5 + len(streams) // object number of the first page
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", first+i)
	}
	objs := []pdfObject{
		{body: "<</Type /Catalog /Pages 2 0 R>>"},
		{body: fmt.Sprintf("<</Type /Pages /Count %d /Kids [%s]>>", n, strings.Join(kids, " "))},
		{body: font},
		{body: "null"}, // object 4: the image
	}
	if image != nil {
		objs[3] = *image
	}
	for _, s := range streams {
		objs = append(objs, pdfObject{body: " /Filter /FlateDecode", stream: s})
	}
	for i := range n {
		objs = append(objs, pdfObject{body: fmt.Sprintf("<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "+
			"/Resources <</Font <</F1 3 0 R>> /XObject <</Im1 4 0 R>>>>>>", 5+min(i, len(streams)-1))})
	}
	return pdfFile(objs)
}

// oneStream is the streams argument of pagesPDF for one content stream.
func oneStream(z []byte) [][]byte { return [][]byte{z} }

// spacesBomb is a content stream of a line of text, then 900 MiB of spaces.
func spacesBomb() []byte {
	return zlibRepeat([]byte("BT /F1 12 Tf 72 770 Td (Flate bomb: spaces follow) Tj ET\n"), []byte(" "), 900<<20, []byte("\n"))
}

// textLines is a content stream fill: one line of k glyphs ("a"), shown
// with the ' operator (next line, then show).
func textLines(k int) []byte { return []byte("(" + strings.Repeat("a", k) + ") '\n") }

// hanLetters are the characters of hanLines, 丁 first.
const hanLetters = "丁丈丏世丝两丫串丹乀"

// hanLines is a content stream fill for STSong-Light: ten lines, 3.6
// points apart (in 3-point type), each of 100 times one of hanLetters.
// (Of a page whose lines all hold the same text pdfium keeps one line.)
func hanLines() []byte {
	var b strings.Builder
	for _, r := range hanLetters {
		fmt.Fprintf(&b, "0 -3.6 Td <%s> Tj\n", strings.Repeat(fmt.Sprintf("%04X", r), 100))
	}
	return []byte(b.String())
}

// glyphPage returns a PDF of one page of 25 columns of lines of 100
// glyphs each, set in 0.4 pt so that no two glyphs overlap.
func glyphPage(lines int) []byte {
	column := []byte(fmt.Sprintf("BT /F1 0.4 Tf %g TL 10 835 Td\n%sET 1 0 0 1 22.5 0 cm\n",
		800/float64(lines), bytes.Repeat(textLines(100), lines)))
	return pagesPDF(helvetica, 1, oneStream(zlibRepeat([]byte("q\n"), column, 25, []byte("Q\n"))), nil)
}

// hostileConfig is the Config under which TestHostile reads the hostile
// files: the defaults but a smaller MemoryLimit (256 MiB), which the
// Flate bombs reach sooner, and a smaller MaxChars, so that the long
// documents stop after a few pages. BenchmarkHostile reads them with the
// defaults.
var hostileConfig = Config{MemoryLimit: 256 << 20, MaxChars: 150_000}

// hostileFiles are the hostile PDFs, each with what Text gives under
// hostileConfig: an error that is ErrMemoryLimit and names the page, or
// a Result with the status, limit and pages read given; its Text is
// text, or else a text of only letters ("a" if empty) and spaces, tabs
// and line breaks, with between as[0] and as[1] of the first letter.
var hostileFiles = []struct {
	name string
	make func() []byte
	slow bool // seconds: pdfium inflates hundreds of megabytes (skipped with -short)

	memoryLimit bool // Text fails with ErrMemoryLimit on page 1
	status      Status
	limit       Limit
	pagesRead   int
	text        string
	letters     string
	as          [2]int
}{
	// A page whose content stream is a few words, then 900 MiB of
	// spaces: 918 KB of Flate.
	{name: "flate_bomb_spaces", make: func() []byte { return pagesPDF(helvetica, 1, oneStream(spacesBomb()), nil) },
		slow: true, memoryLimit: true},
	// The same bomb as the second page, after a page of text: the text of
	// the first page.
	{name: "flate_bomb_page_2", make: func() []byte {
		return pagesPDF(helvetica, 2, [][]byte{zlibRepeat([]byte("BT /F1 12 Tf 72 770 Td (The first page) Tj ET\n"), nil, 0, nil), spacesBomb()}, nil)
	}, slow: true, status: StatusOK, limit: LimitMemory, pagesRead: 1, text: "The first page\n"},
	// A page whose content stream is 900 MiB of text-show operators:
	// 14 million lines of 64 glyphs.
	{name: "flate_bomb_text", make: func() []byte {
		fill := textLines(64)
		return pagesPDF(helvetica, 1, oneStream(zlibRepeat([]byte("BT /F1 1 Tf 1.2 TL 20 800 Td\n"), fill, (900<<20)/int64(len(fill)), []byte("ET\n"))), nil)
	}, slow: true, memoryLimit: true},
	// A page of a million glyphs (25 columns of 400 lines of 100) in a
	// 1 MB content stream: its first MaxPageChars characters.
	{name: "million_glyphs", make: func() []byte { return glyphPage(400) },
		status: StatusOK, limit: LimitPageChars, pagesRead: 1, as: [2]int{90_000, DefaultMaxPageChars}},
	// A page of 4 million glyphs (25 columns of 1,600 lines of 100):
	// pdfium needs more than the memory limit to list them.
	{name: "4_million_glyphs", make: func() []byte { return glyphPage(1600) },
		slow: true, memoryLimit: true},
	// A page of 150,000 glyphs (25 columns of 60 lines of 100), then
	// 100 MiB of spaces: pdfium's memory is at 200 MB while the glyphs
	// are copied out.
	{name: "glyphs_and_spaces", make: func() []byte {
		column := fmt.Sprintf("BT /F1 0.4 Tf 13 TL 10 835 Td\n%sET 1 0 0 1 22.5 0 cm\n", bytes.Repeat(textLines(100), 60))
		return pagesPDF(helvetica, 1, oneStream(zlibRepeat([]byte("q\n"+strings.Repeat(column, 25)+"Q\n"), []byte(" "), 100<<20, nil)), nil)
	}, slow: true, status: StatusOK, limit: LimitPageChars, pagesRead: 1, as: [2]int{90_000, DefaultMaxPageChars}},
	// A page showing an image that claims 65536 × 43691 RGB pixels (8 GiB
	// decoded), its data a Flate bomb of 900 MiB of zeros, and a line:
	// pdfium does not decode images to read text.
	{name: "huge_image", make: func() []byte {
		img := &pdfObject{
			body:   " /Type /XObject /Subtype /Image /Width 65536 /Height 43691 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
			stream: zlibRepeat(nil, []byte{0}, 900<<20, nil),
		}
		return pagesPDF(helvetica, 1, oneStream(zlibRepeat([]byte("q 400 0 0 300 100 400 cm /Im1 Do Q BT /F1 12 Tf 72 770 Td (A huge image) Tj ET\n"), nil, 0, nil)), img)
	}, status: StatusOK, pagesRead: 1, text: "A huge image\n"},
	// 5,000 pages of 660 lines of two glyphs, each line a text object:
	// pdfium counts 2,638 characters a page, so MaxChars is reached on
	// page 57, after 37,000 page objects were looked at for table borders
	// (with the defaults, on page 759 after 500,000 objects, in 13
	// pdfium instances: see objectsPerInstance).
	{name: "many_objects", make: func() []byte {
		return pagesPDF(helvetica, 5000, oneStream(zlibRepeat([]byte("BT /F1 1 Tf 20 820 Td\n"), []byte("0 -1.2 Td (ab) Tj\n0 -1.2 Td (cd) Tj\n"), 330, []byte("ET\n"))), nil)
	}, status: StatusOK, limit: LimitChars, pagesRead: 57, letters: "abcd", as: [2]int{18_000, 19_000}},
	// A page of 20,000 Han characters and 100 MiB of spaces, then 4,999
	// pages of the characters alone: pdfium's memory stays at what the
	// first page took while the text of the others (3 bytes a character)
	// is kept. The eighth page reaches MaxChars.
	{name: "han_pages_after_bomb", make: func() []byte {
		han := zlibRepeat([]byte("BT /F1 3 Tf 20 800 Td\n"), hanLines(), 20, []byte("ET\n"))
		first := zlibRepeat([]byte("BT /F1 3 Tf 20 800 Td\n"+strings.Repeat(string(hanLines()), 20)+"ET\n"), []byte(" "), 100<<20, nil)
		return pagesPDF(stSong, 5000, [][]byte{first, han}, nil)
	}, slow: true, status: StatusOK, limit: LimitChars, pagesRead: 8, letters: hanLetters, as: [2]int{14_000, 15_000}},
	// 5,000 pages of 20,000 glyphs each (200 lines of 100): 100 million
	// glyphs, one 20 KB content stream shared by every page. Pages of
	// 20,400 characters as pdfium counts them (with a line break after
	// each line): the eighth reaches MaxChars.
	{name: "many_pages", make: func() []byte {
		return pagesPDF(helvetica, 5000, oneStream(zlibRepeat([]byte("BT /F1 3 Tf 3.6 TL 20 800 Td\n"), textLines(100), 200, []byte("ET\n"))), nil)
	}, status: StatusOK, limit: LimitChars, pagesRead: 8, as: [2]int{140_000, 150_000}},
}

// Hostile files end in a Result or an error that says which budget they
// hit, never garbage, and leave the Engine able to read the next
// document. The Flate bombs take seconds each (pdfium inflates until the
// memory limit) and are skipped with -short.
func TestHostile(t *testing.T) {
	e := newEngine(t, hostileConfig)
	normal := readTestdata(t, "stsong_cmap.pdf")
	want := string(readTestdata(t, "stsong_cmap.golden.txt"))
	for _, f := range hostileFiles {
		t.Run(f.name, func(t *testing.T) {
			if testing.Short() && f.slow {
				t.Skip("a Flate bomb: seconds")
			}
			res, err := e.Text(t.Context(), f.make())
			switch {
			case f.memoryLimit:
				if !errors.Is(err, ErrMemoryLimit) || !strings.Contains(err.Error(), "page 1:") {
					t.Errorf("Text = %+v, %v; want ErrMemoryLimit on page 1", res, err)
				}
			case err != nil:
				t.Errorf("Text: %v", err)
			default:
				if res.Status != f.status || res.Limit != f.limit || res.Truncated != (f.limit != "") || res.PagesRead != f.pagesRead {
					t.Errorf("got status %s, limit %q, truncated %v, %d pages read; want %s, %q, %v, %d",
						res.Status, res.Limit, res.Truncated, res.PagesRead, f.status, f.limit, f.limit != "", f.pagesRead)
				}
				checkHostileText(t, res.Text, f.text, cmp.Or(f.letters, "a"), f.as)
			}
			// The Engine reads the next document as if nothing happened.
			if res, err := e.Text(t.Context(), normal); err != nil || res.Text != want {
				t.Errorf("the next document: %v, %d bytes of text, want %d", err, len(res.Text), len(want))
			}
		})
	}
}

// checkHostileText checks a hostile file's text: text, or else only
// letters and white space, with between as[0] and as[1] of the first
// letter.
func checkHostileText(t *testing.T, got, text, letters string, as [2]int) {
	t.Helper()
	if text != "" {
		if got != text {
			t.Errorf("text %q, want %q", got, text)
		}
		return
	}
	if s := strings.Trim(got, letters+" \t\n"); s != "" {
		t.Errorf("text holds other than %q and white space: %.40q", letters, s)
	}
	first, _ := utf8.DecodeRuneInString(letters)
	if n := strings.Count(got, string(first)); n < as[0] || n > as[1] {
		t.Errorf("text of %d %c, want %d to %d", n, first, as[0], as[1])
	}
}

// The Flate bombs inflate to what they say, checksum included (zlib's
// reader checks it).
func TestZlibRepeat(t *testing.T) {
	for _, tc := range []struct {
		prefix, fill, suffix string
		n                    int64
	}{
		{"BT ", " ", " ET", 3 << 20},
		{"", "(aaa) '\n", "", 1<<20/8*2 + 5},
		{"q ", "x", "", 0},
		{"", "\x00", "", 1},
	} {
		z := zlibRepeat([]byte(tc.prefix), []byte(tc.fill), tc.n, []byte(tc.suffix))
		r, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%q × %d: %v", tc.fill, tc.n, err)
		}
		want := tc.prefix + strings.Repeat(tc.fill, int(tc.n)) + tc.suffix
		if string(got) != want {
			t.Errorf("%q × %d: inflates to %d bytes, want %d", tc.fill, tc.n, len(got), len(want))
		}
	}
}

// hostileEnv makes the test binary a helper process for BenchmarkHostile:
// it runs TestHostileHelper alone, for the hostile file the variable names.
const hostileEnv = "NIANBAO_PDF_HOSTILE"

// hostileCacheEnv names the compilation cache the helper processes share.
const hostileCacheEnv = "NIANBAO_PDF_HOSTILE_CACHE"

// TestHostileHelper is BenchmarkHostile's helper process. It starts an
// Engine on a small PDF, makes the hostile file, returns what it can to
// the OS and resets the high-water mark, then reads the file. It prints
// "hostile <peak MB> <ms> <outcome>": the growth of the resident set's
// high-water mark over the idle process with the engine started, the
// time Text took, and what Text returned.
func TestHostileHelper(t *testing.T) {
	name, ok := os.LookupEnv(hostileEnv)
	if !ok {
		t.Skip("helper process of BenchmarkHostile")
	}
	e := New(Config{CacheDir: os.Getenv(hostileCacheEnv), IdleClose: -1}) // the defaults
	defer e.Close()
	if _, err := e.Text(t.Context(), readTestdata(t, "stsong_cmap.pdf")); err != nil {
		t.Fatal(err)
	}
	var data []byte
	for _, f := range hostileFiles {
		if f.name == name {
			data = f.make()
		}
	}
	if data == nil {
		t.Fatalf("no hostile file %q", name)
	}
	debug.FreeOSMemory()
	idle := procStatus("VmRSS")
	resetPeak()
	start := time.Now()
	res, err := e.Text(context.Background(), data)
	elapsed := time.Since(start)
	peak := procStatus("VmHWM") - idle
	wasm := float64(e.rt.gauge.peak.Load()) / (1 << 20)
	outcome := fmt.Sprintf("error=%q", err)
	if err == nil {
		outcome = fmt.Sprintf("status=%s pages=%d read=%d truncated=%v limit=%s text=%dB",
			res.Status, res.Pages, res.PagesRead, res.Truncated, res.Limit, len(res.Text))
	}
	fmt.Printf("hostile %.1f %.1f %.1f %.1f %d %s\n", peak, float64(elapsed.Milliseconds()), idle, wasm, len(data), outcome)
}

// BenchmarkHostile reads each hostile file in a fresh process (the test
// binary running TestHostileHelper), so that one file's peak does not
// hide another's. Metrics: peak-MB, the growth of the resident set's
// high-water mark over the idle process with the engine started; text-ms,
// the time Text took. The outcome is logged (-v).
//
//	go test ./attachment/pdf -run XXX -bench Hostile -benchtime 1x -v
func BenchmarkHostile(b *testing.B) {
	for _, f := range hostileFiles {
		b.Run(f.name, func(b *testing.B) {
			var peak, ms float64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestHostileHelper$", "-test.count=1")
				cmd.Env = append(os.Environ(), hostileEnv+"="+f.name, hostileCacheEnv+"="+shared.cacheDir)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("helper: %v\n%s", err, out)
				}
				var p, m, idle, wasm float64
				var size int
				var outcome string
				found := false
				for l := range strings.SplitSeq(string(out), "\n") {
					if rest, ok := strings.CutPrefix(l, "hostile "); ok {
						if _, err := fmt.Sscanf(rest, "%f %f %f %f %d", &p, &m, &idle, &wasm, &size); err == nil {
							outcome = strings.SplitN(rest, " ", 6)[5]
							found = true
						}
					}
				}
				if !found {
					b.Fatalf("helper printed no figures:\n%s", out)
				}
				b.Logf("%s: %d bytes, idle %.0f MB, peak +%.0f MB (pdfium's memory %.0f MB), %.0f ms: %s",
					f.name, size, idle, p, wasm, m, outcome)
				peak, ms = peak+p, ms+m
			}
			b.ReportMetric(peak/float64(b.N), "peak-MB")
			b.ReportMetric(ms/float64(b.N), "text-ms")
		})
	}
}

// A file larger than the memory limit fails on open with ErrMemoryLimit
// (its bytes are copied into pdfium's memory), and the Engine goes on.
func TestMemoryLimitOpen(t *testing.T) {
	e := newEngine(t, Config{MemoryLimit: 32 << 20})
	data := readTestdata(t, "lo_table.pdf")
	big := append(bytes.Clone(data), bytes.Repeat([]byte("% a comment to pad the file\n"), 1_500_000)...) // 40 MiB
	if res, err := e.Text(t.Context(), big); !errors.Is(err, ErrMemoryLimit) || !strings.Contains(err.Error(), "open: ") {
		t.Errorf("Text(%d MB) = %+v, %v; want ErrMemoryLimit on open", len(big)>>20, res, err)
	}
	if res, err := e.Text(t.Context(), data); err != nil || res.Text != string(readTestdata(t, "lo_table.golden.txt")) {
		t.Errorf("the next document: %v, %d bytes of text", err, len(res.Text))
	}
}
