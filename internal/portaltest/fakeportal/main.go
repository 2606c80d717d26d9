// Command fakeportal serves the test suite's fake government portal on a
// loopback address, so nianbao can be tried without the network:
//
//	go run ./internal/portaltest/fakeportal            # serves http://127.0.0.1:8428/
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
	addr := flag.String("listen", "127.0.0.1:8428", "loopback address to serve on")
	flag.Parse()
	if err := serve(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "fakeportal:", err)
		os.Exit(1)
	}
}

func serve(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: the fake portal only serves on 127.0.0.0/8", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	h := portaltest.NewHandler(portaltest.Portal())
	// The portal's one off-site link points at a port nothing serves.
	h.SetVar(portaltest.OffsiteVar, "http://127.0.0.1:9")
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	slog.Info("fake portal serving", "url", "http://"+ln.Addr().String()+"/")
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
