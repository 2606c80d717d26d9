package archive_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/archivetest"
)

// Many goroutines putting the same texts from different URLs at once end as
// they would one after another: one document per text, every URL one of
// its sources. Without the per-text serialisation two of them both find
// the text unknown and make two documents.
func TestConcurrentPutsSameText(t *testing.T) {
	tests := []struct {
		name        string
		texts, urls int // each text put from this many URLs
	}{
		{"one text from 32 URLs", 1, 32},
		{"8 texts from 8 URLs each", 8, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			a := open(t, dir)
			start := make(chan struct{})
			type put struct {
				text int
				r    archive.Result
				err  error
			}
			results := make(chan put, tt.texts*tt.urls)
			var wg sync.WaitGroup
			for i := range tt.texts {
				for j := range tt.urls {
					wg.Go(func() {
						e := entry(fmt.Sprintf("https://a.gov.cn/%d/%d.html", i, j), fmt.Sprintf("报告%d的正文。\n", i), t0)
						<-start
						r, err := a.Put(context.Background(), e)
						results <- put{i, r, err}
					})
				}
			}
			close(start)
			wg.Wait()
			close(results)
			docs := map[int]map[string]bool{} // text → documents it went to
			created := map[int]int{}
			for p := range results {
				if p.err != nil {
					t.Fatal(p.err)
				}
				if docs[p.text] == nil {
					docs[p.text] = map[string]bool{}
				}
				docs[p.text][p.r.Doc] = true
				switch p.r.Outcome {
				case archive.NewDocument:
					created[p.text]++
				case archive.NewSource:
				default:
					t.Errorf("text %d: outcome %s", p.text, p.r.Outcome)
				}
			}
			for i := range tt.texts {
				if len(docs[i]) != 1 || created[i] != 1 {
					t.Errorf("text %d went to %d documents (%d created), want 1", i, len(docs[i]), created[i])
				}
				for id := range docs[i] {
					d, err := a.Doc(context.Background(), id)
					if err != nil {
						t.Fatal(err)
					}
					if len(d.Sources) != tt.urls {
						t.Errorf("text %d: document %s has %d sources, want %d", i, id, len(d.Sources), tt.urls)
					}
				}
			}
			a.Close()
			if vers := archivetest.Check(t, dir); len(vers) != tt.texts {
				t.Errorf("archive holds %d versions, want %d", len(vers), tt.texts)
			}
		})
	}
}

// childEnv makes the test binary, run again, the child of
// TestKilledDuringConcurrentPuts: it puts forever into the archive named.
const childEnv = "NIANBAO_ARCHIVE_CRASH_CHILD"

// TestConcurrentPutChild is the child: 16 goroutines putting new
// documents, new versions of them and reposts of their texts, each line on
// stdout a Put that returned ("url doc version"), until it is killed.
func TestConcurrentPutChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("run by TestKilledDuringConcurrentPuts")
	}
	round, _ := strconv.Atoi(os.Getenv(childEnv + "_ROUND"))
	a, err := archive.Open(dir, archive.Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				// A new document, a new version of one (same URL, new
				// text), or a repost (a known text, a new URL).
				n := i / 3
				var e archive.Entry
				switch i % 3 {
				case 0:
					e = entry(fmt.Sprintf("https://a.gov.cn/r%d/g%d/%d.html", round, g, n), fmt.Sprintf("第%d轮%d组%d号。\n", round, g, n), t0)
				case 1:
					e = entry(fmt.Sprintf("https://a.gov.cn/r%d/g%d/%d.html", round, g, n), fmt.Sprintf("第%d轮%d组%d号，改过了。\n", round, g, n), t0.Add(time.Hour))
				case 2:
					e = entry(fmt.Sprintf("https://b.gov.cn/r%d/g%d/%d.html", round, g, n), fmt.Sprintf("第%d轮%d组%d号。\n", round, g, n), t0.Add(2*time.Hour))
				}
				e.Raw = []byte(strings.Repeat("<p>"+string(e.Text)+"</p>", 200))
				r, err := a.Put(context.Background(), e)
				if err != nil {
					fmt.Println("put:", err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Fprintf(out, "%s %s %d\n", e.URL, r.Doc, r.Version)
				out.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// A process doing concurrent Puts killed (SIGKILL) at random points leaves
// an archive that verifies as it is, that the next writer opens, finishing
// or dropping the interrupted writes, and that holds every Put that had
// returned: its URL a source of its document, its version there.
func TestKilledDuringConcurrentPuts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 18))
	type done struct {
		url, doc string
		version  int
	}
	var returned []done
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentPutChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+dir, childEnv+"_ROUND="+strconv.Itoa(round))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Killed after a random number of returned Puts: many more are
		// in flight, at every stage of their writes.
		kill := 20 + rng.IntN(300)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 3 {
				t.Fatalf("child said %q", sc.Text())
			}
			n, _ := strconv.Atoi(f[2])
			returned = append(returned, done{f[0], f[1], n})
			if kill--; kill == 0 {
				cmd.Process.Signal(syscall.SIGKILL)
			}
		}
		// Lines the child wrote before it died are Puts that returned.
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: the child ended before it was killed: %v", round, err)
		}
		t.Logf("round %d: killed after %d Puts had returned", round, len(returned))

		archivetest.Check(t, dir) // as the crash left it
		a := open(t, dir)         // the next writer finishes what it can
		ctx := context.Background()
		for _, d := range returned {
			doc, err := a.Doc(ctx, d.doc)
			if err != nil {
				t.Fatalf("round %d: %s (put of %s returned): %v", round, d.doc, d.url, err)
			}
			if !slices.ContainsFunc(doc.Sources, func(s archive.Source) bool { return s.URL == d.url }) {
				t.Errorf("round %d: %s is not a source of %s, though its Put returned", round, d.url, d.doc)
			}
			if d.version > 0 {
				if _, err := a.Resolve(ctx, fmt.Sprintf("%s@v%d", d.doc, d.version)); err != nil {
					t.Errorf("round %d: %s@v%d (put of %s returned): %v", round, d.doc, d.version, d.url, err)
				}
			}
		}
		a.Close()
		archivetest.Check(t, dir)
		if left, _ := os.ReadDir(filepath.Join(dir, "_pending")); len(left) > 0 {
			t.Errorf("round %d: pending markers left after the next Open: %d", round, len(left))
		}
		if t.Failed() {
			return
		}
	}
}

// An archive written before group commit and sources.jsonl
// (testdata/old-archive, made by the archive package as it was before
// issue 18: two documents with versions and a repost in doc.json, a file
// version, a run record, its index.db) opens, verifies and takes new
// versions and sources, and rebuilds its index from its files.
func TestOldArchive(t *testing.T) {
	dir := t.TempDir()
	archivetest.Copy(t, filepath.Join("testdata", "old-archive"), dir)
	if vers := archivetest.Check(t, dir); len(vers) != 4 {
		t.Fatalf("old archive holds %d versions, want 4", len(vers))
	}
	a := open(t, dir)
	ctx := context.Background()
	const u1, u2 = "https://sf.tj.gov.cn/fzzfjs/202103/t20210326_1.html", "https://www.tj.gov.cn/zwgk/t20210326_1.html"
	at := t0.Add(24 * time.Hour)
	put(t, a, entry(u2, "第二版。\n", at), archive.Unchanged)
	r := put(t, a, entry(u1, "第三版。\n", at), archive.NewVersion)
	if r.Version != 3 {
		t.Errorf("new version is v%d, want v3", r.Version)
	}
	const u5 = "https://www.tj.gov.cn/zwgk/t20210326_5.html"
	put(t, a, entry(u5, "第一版。\n", at), archive.NewSource)
	d, err := a.Doc(ctx, r.Doc)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, s := range d.Sources {
		urls = append(urls, s.URL)
	}
	if want := []string{u1, u2, u5}; !slices.Equal(urls, want) {
		t.Errorf("sources %v, want %v", urls, want)
	}
	put(t, a, entry("https://sf.tj.gov.cn/new.html", "新的报告。\n", at), archive.NewDocument)
	a.Close()
	if vers := archivetest.Check(t, dir); len(vers) != 6 {
		t.Errorf("archive holds %d versions, want 6", len(vers))
	}
	// Rebuilt from its files, the index says the same.
	b := open(t, dir)
	if _, err := b.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	d2, err := b.Doc(ctx, r.Doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(d2.Sources) != 3 {
		t.Errorf("after a rebuild %s has %d sources, want 3", r.Doc, len(d2.Sources))
	}
}
