// Command fakeportal serves the test suite's fake government portals on
// loopback addresses, so nianbao can be tried without the network:
//
//	go run ./internal/portaltest/fakeportal            # serves http://127.0.0.1:8428/ and http://127.0.0.1:8429/
//	go run ./cmd/nianbao --config examples/offline/config.yaml crawl --all
//
// It is a development tool, not part of nianbao.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nianbao/nianbao/internal/portaltest"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8428", "loopback address to serve the portal on")
	filesAddr := flag.String("files-listen", "127.0.0.1:8429", "loopback address to serve the portal of reports published as files (PDF, DOCX, DOC, WPS, OFD) on")
	flag.Parse()
	if err := serve(*addr, *filesAddr); err != nil {
		fmt.Fprintln(os.Stderr, "fakeportal:", err)
		os.Exit(1)
	}
}

func serve(addr, filesAddr string) error {
	portal := portaltest.NewHandler(portaltest.Portal())
	// The portal's one off-site link points at a port nothing serves.
	portal.SetVar(portaltest.OffsiteVar, "http://127.0.0.1:9")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errs := make(chan error, 2)
	for _, p := range []struct {
		addr string
		h    http.Handler
	}{{addr, portal}, {filesAddr, portaltest.NewHandler(portaltest.Files())}} {
		ln, err := listenLoopback(p.addr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: p.h, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(shutdown)
		}()
		slog.Info("fake portal serving", "url", "http://"+ln.Addr().String()+"/")
		go func() {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				errs <- err
				return
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			stop()
			return err
		}
	}
	return nil
}

// listenLoopback listens on addr, which must be a loopback address.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s is not a loopback address: the fake portal only serves on 127.0.0.0/8", addr)
	}
	return net.Listen("tcp", addr)
}
