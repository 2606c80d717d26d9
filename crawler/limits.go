package crawler

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Limits are how wide a process crawls: sites in flight (most of them
// waiting out their hosts' delay, holding no page), requests in flight (a
// request counts until the crawl that made it asks for its next one, so its
// page's parsing and archiving count too), and the idle connections kept
// for keep-alive, fitted to the file descriptors the process may open.
type Limits struct {
	Sites     int // site runs at once
	Requests  int // requests in flight, their processing included
	IdleConns int // keep-alive connections kept between requests
	FDs       int // the process's file-descriptor limit they were fitted to (0: unknown)
}

// fdReserve is what the rest of the process may need: the archive's files
// and index, the daemon's listener and clients, the PDF engine, logs.
const fdReserve = 256

// FitLimits fits the wanted sites and requests in flight to fds, the
// process's file-descriptor limit (0: unknown, nothing is cut): a request
// in flight holds a connection and, while its page is archived, a few
// files; a site in flight keeps its host's connection open between
// requests. What does not fit is cut — requests to a quarter of the
// descriptors left after a reserve, sites to what the requests leave — so
// that no fetch or archive write fails for lack of a descriptor.
func FitLimits(sites, requests, fds int) Limits {
	sites, requests = max(1, sites), max(1, requests)
	l := Limits{Sites: sites, Requests: requests, IdleConns: sites, FDs: fds}
	if fds <= 0 {
		return l
	}
	avail := max(fds-fdReserve, 8)
	l.Requests = max(1, min(requests, avail/4))
	l.Sites = max(1, min(sites, avail-2*l.Requests))
	l.IdleConns = l.Sites // one a host (MaxIdleConnsPerHost), and the hosts in flight are the sites'
	return l
}

// String says the limits as the log's start line gives them.
func (l Limits) String() string {
	fds := "unknown"
	if l.FDs > 0 {
		fds = fmt.Sprint(l.FDs)
	}
	return fmt.Sprintf("%d sites and %d requests in flight, %d idle connections kept (file descriptor limit %s)",
		l.Sites, l.Requests, l.IdleConns, fds)
}

// NewTransport returns the HTTP transport a process's crawls share, sized to
// the limits: keep-alive for every host in flight (one idle connection per
// host: each host gets one request at a time), however many hosts that is.
// Go's default keeps 100 idle connections in all, so a crawl of more hosts
// than that opened a new connection (a TLS handshake on real portals) for
// most of its requests.
func NewTransport(l Limits) *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(1, l.IdleConns),
		MaxIdleConnsPerHost:   1,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// Share gives o what every crawl of a process shares under the limits: the
// hosts' turns, with the bound on requests in flight, and the transport
// (unless o has one of its own, as tests do).
func (l Limits) Share(o *Options) {
	o.Hosts = NewLimitedHosts(l.Requests)
	if o.Transport == nil {
		o.Transport = NewTransport(l)
	}
}
