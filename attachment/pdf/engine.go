package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	goruntime "runtime"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
)

// Defaults for the zero fields of Config.
const (
	DefaultMaxPages     = 2000
	DefaultMaxPageChars = 100_000
	DefaultMaxChars     = 2_000_000
	DefaultTimeout      = 2 * time.Minute
	DefaultIdleClose    = 5 * time.Minute
	DefaultMemoryLimit  = 384 << 20 // bytes
)

// Config configures an Engine. The zero Config is usable: no compilation
// cache, the defaults above, and no logging.
type Config struct {
	// CacheDir is the directory of wazero's compilation cache, created
	// if missing. With it the runtime starts in 0.1–0.2 s and 47 MB
	// (after the first start has filled it with about 19 MB); without it
	// ("") every start compiles pdfium: 2–3 s on an idle machine and
	// about 300 MB at peak. The files are specific to the wazero version
	// and may be deleted at any time.
	CacheDir string
	// Logger receives the runtime's start and stop (Info) and one line per
	// document (Debug). Nil discards.
	Logger *slog.Logger
	// MaxPages is how many pages of a document are read (0: DefaultMaxPages).
	// A longer document gives the text of its first MaxPages pages and
	// Result.Truncated, with Result.Limit LimitPages.
	MaxPages int
	// MaxPageChars is how many characters of a page are read, as pdfium
	// counts them (0: DefaultMaxPageChars; a dense page of a report has
	// a few thousand). Of a page with more, the first MaxPageChars in the
	// order of its content stream are laid out and the next page is read:
	// Result.Truncated, with Result.Limit LimitPageChars.
	MaxPageChars int
	// MaxChars is how many characters of a document are read in all
	// (0: DefaultMaxChars). The page that reaches it is read up to it
	// and the pages after it are not: Result.Truncated, with Result.Limit
	// LimitChars. MaxPageChars and MaxChars bound the time and the Go
	// memory the layout of a document takes.
	MaxChars int
	// Timeout bounds the reading of one document, on top of the caller's
	// context (0: DefaultTimeout).
	Timeout time.Duration
	// IdleClose stops the runtime when no document has been read for this
	// long, returning its memory (0: DefaultIdleClose; negative: keep it
	// until Close). The next document starts it again.
	IdleClose time.Duration
	// MemoryLimit caps pdfium's WebAssembly memory in bytes, the bytes of
	// the document included (0: DefaultMemoryLimit; pdfium needs 18 MiB to
	// start, and takes that much whatever the limit). On Linux and macOS
	// the memory is a mapping outside the Go heap that holds only the pages
	// pdfium touched and is returned to the OS with the document, so it
	// adds at most MemoryLimit to the process; elsewhere two to three
	// times that, until the garbage collector runs. A document that needs
	// more fails with ErrMemoryLimit while it is opened or its first page
	// read; later, it gives the text of the pages before and
	// Result.Truncated, with Result.Limit LimitMemory.
	MemoryLimit int64

	// objectsPerInstance overrides the constant of that name (tests).
	objectsPerInstance int
}

// ErrNotPDF is returned (wrapped) for data that does not carry a PDF header.
var ErrNotPDF = errors.New("not a PDF")

// ErrMemoryLimit is returned (wrapped) for a document that needs more than
// Config.MemoryLimit to be opened or to have its first page read: a Flate
// bomb, a page of millions of glyphs, a file larger than the limit.
var ErrMemoryLimit = errors.New("memory limit reached")

// ErrClosed is returned by Text after Close.
var ErrClosed = errors.New("pdf: engine closed")

// Engine reads PDFs with pdfium. It is safe for concurrent use; it reads
// one document at a time and the others wait. New starts nothing: the
// runtime is started by the first Text and stopped by Close, or by
// IdleClose after a quiet spell.
type Engine struct {
	cfg Config
	log *slog.Logger
	// slot holds a token while a goroutine reads a document or starts or
	// stops the runtime. Close takes it for good.
	slot chan struct{}
	done chan struct{} // closed by Close

	mu     sync.Mutex // guards the fields below
	rt     *wasmRuntime
	idle   *time.Timer
	closed bool
}

// wasmRuntime is a started pdfium: a wazero runtime with pdfium compiled in,
// and the go-pdfium pool that instantiates it.
type wasmRuntime struct {
	pool  pdfium.Pool
	gauge *memoryGauge            // makes pdfium's memories and holds them to Config.MemoryLimit
	cache wazero.CompilationCache // nil without Config.CacheDir
	// ctx is the context of the pool's modules; kill cancels it, which
	// aborts a call running in pdfium (the runtime is then unusable).
	ctx  context.Context
	kill context.CancelFunc
}

// New returns an Engine for cfg. It is cheap: no runtime, goroutine or
// file is created until the first Text.
func New(cfg Config) *Engine {
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.MaxPageChars <= 0 {
		cfg.MaxPageChars = DefaultMaxPageChars
	}
	if cfg.MaxChars <= 0 {
		cfg.MaxChars = DefaultMaxChars
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.IdleClose == 0 {
		cfg.IdleClose = DefaultIdleClose
	}
	if cfg.MemoryLimit <= 0 {
		cfg.MemoryLimit = DefaultMemoryLimit
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{cfg: cfg, log: log, slot: make(chan struct{}, 1), done: make(chan struct{})}
}

// Started reports whether the runtime is running now: false before the
// first Text, after an idle stop and after Close.
func (e *Engine) Started() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rt != nil
}

// Close stops the runtime and makes later Text calls fail with ErrClosed.
// A document being read is abandoned (its Text returns ErrClosed).
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	if e.idle != nil {
		e.idle.Stop()
	}
	if e.rt != nil {
		e.rt.kill() // abort the document in flight, if any
	}
	e.mu.Unlock()
	close(e.done)
	e.slot <- struct{}{} // wait for the reader; never given back
	return e.stopRuntime("close")
}

// Text extracts the text of the PDF in data. A PDF that opens but has
// no readable text is not an error: its Result has an empty Text and a
// Status saying why. A document larger than a budget of Config gives the
// text read within it and Result.Truncated. Errors are for data that is
// not a PDF (ErrNotPDF), cannot be opened or read, needs more than
// Config.MemoryLimit before its first page is read (ErrMemoryLimit), a
// ctx that ends first, and a closed Engine. A failed document leaves the
// Engine as it was: every document has a pdfium of its own.
func (e *Engine) Text(ctx context.Context, data []byte) (Result, error) {
	if !hasHeader(data) {
		return Result{}, fmt.Errorf("pdf: %w (starts with %q)", ErrNotPDF, data[:min(len(data), 8)])
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	select {
	case e.slot <- struct{}{}:
	case <-ctx.Done():
		return Result{}, fmt.Errorf("pdf: wait for the engine: %w", ctx.Err())
	case <-e.done:
		return Result{}, ErrClosed
	}
	defer e.release()
	rt, err := e.runtime()
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("pdf: %w", err)
	}
	start := time.Now()
	killed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		rt.kill()
		close(killed)
	})
	res, err := read(ctx, rt, data, e.cfg)
	if !stop() {
		<-killed
	}
	if rt.ctx.Err() != nil { // killed by ctx or by Close: the runtime is spent
		if err := e.stopRuntime("abort"); err != nil {
			e.log.Warn("pdf: stop runtime", "error", err)
		}
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("pdf: read: %w", ctx.Err())
		}
		return Result{}, ErrClosed
	}
	if err != nil {
		return Result{}, fmt.Errorf("pdf: %w", err)
	}
	e.log.Debug("pdf: read", "bytes", len(data), "pages", res.Pages, "pages_read", res.PagesRead,
		"status", string(res.Status), "truncated", res.Truncated, "limit", string(res.Limit),
		"memory_bytes", rt.gauge.peak.Load(), "instances", rt.gauge.made.Load(), "duration", time.Since(start))
	return res, nil
}

// hasHeader reports whether data has the "%PDF-" header within its first
// 1024 bytes, where readers accept it.
func hasHeader(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// release gives the slot back after a document and re-arms the idle stop.
func (e *Engine) release() {
	e.mu.Lock()
	if e.rt != nil && !e.closed && e.cfg.IdleClose > 0 {
		if e.idle == nil {
			e.idle = time.AfterFunc(e.cfg.IdleClose, e.idleStop)
		} else {
			e.idle.Reset(e.cfg.IdleClose)
		}
	}
	e.mu.Unlock()
	<-e.slot
}

// idleStop stops the runtime after IdleClose without documents. If a
// document is being read it does nothing: release re-arms the timer.
func (e *Engine) idleStop() {
	select {
	case e.slot <- struct{}{}:
	default:
		return
	}
	defer func() { <-e.slot }()
	if err := e.stopRuntime("idle"); err != nil {
		e.log.Warn("pdf: stop runtime", "error", err)
	}
}

// runtime returns the running runtime, starting it if needed. The caller
// holds the slot.
func (e *Engine) runtime() (*wasmRuntime, error) {
	e.mu.Lock()
	rt, closed := e.rt, e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if rt != nil {
		return rt, nil
	}
	start := time.Now()
	rt, err := startRuntime(e.cfg, e.log)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	closed = e.closed
	if !closed {
		e.rt = rt
	}
	e.mu.Unlock()
	if closed { // Close came during the start and waits for the slot
		return nil, errors.Join(ErrClosed, rt.close())
	}
	e.log.Info("pdf: runtime started", "duration", time.Since(start), "cache_dir", e.cfg.CacheDir)
	return rt, nil
}

// stopRuntime stops the runtime if it runs. The caller holds the slot.
func (e *Engine) stopRuntime(reason string) error {
	e.mu.Lock()
	rt := e.rt
	e.rt = nil
	e.mu.Unlock()
	if rt == nil {
		return nil
	}
	err := rt.close()
	e.log.Info("pdf: runtime stopped", "reason", reason)
	return err
}

func startRuntime(cfg Config, log *slog.Logger) (*wasmRuntime, error) {
	// CloseOnContextDone lets a cancelled context abort a call running in
	// pdfium (the runtime is then spent): a page that never finishes
	// cannot outlive Config.Timeout. It makes reading about half as fast
	// (wazero checks the context at calls and loop heads). The memory
	// limit is the gauge's, not wazero's (see memoryGauge).
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	rt := &wasmRuntime{gauge: newMemoryGauge(cfg.MemoryLimit)}
	if cfg.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			// A cache that cannot be written makes starts slow, not wrong.
			log.Warn("pdf: compilation cache unusable, compiling without it", "cache_dir", cfg.CacheDir, "error", err)
		} else {
			rt.cache = cache
			rc = rc.WithCompilationCache(cache)
		}
	}
	// Compile pdfium on every core (a no-op when the cache has it).
	ctx := experimental.WithCompilationWorkers(context.Background(), goruntime.GOMAXPROCS(0))
	// go-pdfium instantiates pdfium with a context derived from this one,
	// so the gauge makes its memories.
	ctx = experimental.WithMemoryAllocator(ctx, rt.gauge.allocator())
	rt.ctx, rt.kill = context.WithCancel(ctx)
	pool, err := webassembly.Init(webassembly.Config{
		Context:       rt.ctx,
		MinIdle:       0, // nothing instantiated between documents
		MaxIdle:       1,
		MaxTotal:      1,
		RuntimeConfig: rc,
		FSConfig:      wazero.NewFSConfig(), // no file system: documents come as bytes
		Stdout:        io.Discard,
		Stderr:        io.Discard,
	})
	if err != nil {
		rt.kill()
		if rt.cache != nil {
			rt.cache.Close(context.Background())
		}
		return nil, fmt.Errorf("pdf: start pdfium: %w", err)
	}
	rt.pool = pool
	return rt, nil
}

// close releases everything the runtime holds: its module instances, the
// compiled code and the compilation cache's in-memory copy of it.
func (rt *wasmRuntime) close() error {
	err := rt.pool.Close()
	if rt.cache != nil {
		err = errors.Join(err, rt.cache.Close(context.Background()))
	}
	rt.kill()
	if err != nil {
		return fmt.Errorf("pdf: stop pdfium: %w", err)
	}
	return nil
}
