package pdf

import (
	"context"
	"errors"
	"fmt"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// objectsPerInstance is how many page objects a document may have looked
// at in one pdfium instance before the next page is read in a fresh one.
// go-pdfium keeps a handle on every page object it hands out, and with it
// the stack of the call that found it (about 300 bytes in all), until
// the instance closes: 500,000 objects (760 pages of 660 lines) held
// 150 MB of Go heap. A fresh instance opens the document again, which
// for a report takes milliseconds.
const objectsPerInstance = 40_000

// errEncrypted is openInstance's report of a document that needs a
// password.
var errEncrypted = errors.New("encrypted")

// instance is a pdfium instance with a document open in it. go-pdfium
// instantiates the module anew for every instance, so the memory a
// document made pdfium grow is freed with it.
type instance struct {
	rt      *wasmRuntime
	inst    pdfium.Pdfium
	doc     references.FPDF_DOCUMENT
	pages   int // the document's page count
	objects int // page objects looked at in this instance (readPaths)
	// broken is set after an error: pdfium may then be in any state (a
	// trap, as when it runs out of memory, leaves it in the middle of a
	// call), so the instance is discarded without calling into it again.
	broken bool
}

// openInstance opens the document in data in a fresh pdfium instance.
func openInstance(ctx context.Context, rt *wasmRuntime, data []byte) (*instance, error) {
	inst, err := rt.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("get pdfium instance: %w", err)
	}
	in := &instance{rt: rt, inst: inst}
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		in.close()
		return nil, errEncrypted
	case err != nil:
		err = in.fail("open", fmt.Errorf("open: %w", err))
		in.close()
		return nil, err
	}
	in.doc = doc.Document
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: in.doc})
	if err != nil {
		err = in.fail("count pages", fmt.Errorf("count pages: %w", err))
		in.close()
		return nil, err
	}
	in.pages = pc.PageCount
	return in, nil
}

// fail marks the instance broken and returns err, or an ErrMemoryLimit
// error at where if pdfium was refused memory: then that is why it failed.
func (in *instance) fail(where string, err error) error {
	in.broken = true
	if g := in.rt.gauge; g.refused.Load() {
		return fmt.Errorf("%s: %w (%d MiB)", where, ErrMemoryLimit, g.limit>>20)
	}
	return err
}

// close closes the document and the instance, or discards a broken
// instance. It may be called more than once.
func (in *instance) close() {
	switch {
	case in == nil || in.inst == nil:
		return
	case in.broken:
		in.inst.Kill()
	default:
		if in.doc != "" {
			in.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: in.doc})
		}
		in.inst.Close()
	}
	in.inst = nil
}

// read extracts the text of one document within the budgets of cfg,
// reading its pages in order in one pdfium instance after another (see
// objectsPerInstance; cfg.objectsPerInstance overrides it in tests).
func read(ctx context.Context, rt *wasmRuntime, data []byte, cfg Config) (Result, error) {
	rt.gauge.reset()
	in, err := openInstance(ctx, rt, data)
	switch {
	case errors.Is(err, errEncrypted):
		return Result{Status: StatusEncrypted}, nil
	case err != nil:
		return Result{}, err
	}
	defer func() { in.close() }()
	perInstance := objectsPerInstance
	if cfg.objectsPerInstance > 0 {
		perInstance = cfg.objectsPerInstance
	}
	res := Result{Pages: in.pages}
	cut := func(l Limit) { res.Truncated, res.Limit = true, l }
	left := cfg.MaxChars // of the document's budget
	var text joiner
	for i := range res.Pages {
		if i == cfg.MaxPages {
			cut(LimitPages)
			break
		}
		if left == 0 {
			cut(LimitChars)
			break
		}
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		if in.objects >= perInstance {
			in.close()
			if in, err = openInstance(ctx, rt, data); err != nil {
				if errors.Is(err, ErrMemoryLimit) {
					cut(LimitMemory) // the pages before are the text
					break
				}
				return Result{}, fmt.Errorf("page %d: %w", i+1, err)
			}
		}
		budget := min(cfg.MaxPageChars, left)
		p, kind, n, err := readPage(in, i, budget)
		if err != nil {
			err = in.fail(fmt.Sprintf("page %d", i+1), err)
			if errors.Is(err, ErrMemoryLimit) && i > 0 {
				cut(LimitMemory) // the pages before are the text
				break
			}
			return Result{}, err
		}
		res.PagesRead++
		left -= min(n, budget)
		switch {
		case n > budget && budget < cfg.MaxPageChars:
			cut(LimitChars)
		case n > budget:
			cut(LimitPageChars)
		}
		switch kind {
		case pageEmpty:
			res.NoTextPages++
		case pageNoUnicode:
			res.NoUnicodePages++
		default:
			text.add(p)
		}
	}
	res.Text = text.text()
	switch {
	case res.Text != "":
		res.Status = StatusOK
	case res.NoUnicodePages > 0:
		res.Status = StatusNoUnicode
	default:
		res.Status = StatusNoText
	}
	return res, nil
}
