package daemon

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// hostPolicy is which names the daemon answers to, as a request's Host
// header gives them: the defence against DNS rebinding, where a web page at
// a name its author controls has that name resolve to this machine, so that
// the visitor's browser sends the page's requests — with the page's name as
// Host — to the daemon, and lets the page read the answers.
//
// Ports are not compared: a rebinding page's name is refused on any port,
// and a daemon reached through an SSH tunnel or a reverse proxy is reached
// on another port than its own.
type hostPolicy struct {
	// names are the host names answered to, lower-case, without a
	// trailing dot: localhost, the listen address's name if it has one,
	// the machine's host name, and allowed_hosts.
	names map[string]bool
	// ips are the IP addresses answered to besides loopback ones: the
	// address listened on, and the IP addresses of allowed_hosts.
	ips map[netip.Addr]bool
	// anyIP is set when the daemon listens on every address (0.0.0.0, ::):
	// any IP address is then one of this machine's.
	anyIP bool
}

// newHostPolicy is the policy of a daemon configured to listen on listen
// ("127.0.0.1:8427", "0.0.0.0:8427", "nianbao.lan:8427"), listening on
// bound, on a machine named hostname, with the names of allowed_hosts.
//
// An IP address in the Host header cannot be rebound (the browser connects
// to exactly that address), so IP addresses are accepted more widely than
// names: every loopback address (a tunnel to a daemon listening on a LAN
// address arrives on loopback), the address listened on, and, for a daemon
// listening on every address, any address, since the machine's addresses
// change (DHCP) and a list made at start would go stale.
func newHostPolicy(listen string, bound net.Addr, hostname string, allowed []string) hostPolicy {
	p := hostPolicy{names: map[string]bool{"localhost": true}, ips: map[netip.Addr]bool{}}
	add := func(h string) {
		h = normalHost(h)
		if h == "" {
			return
		}
		if ip, err := netip.ParseAddr(h); err == nil {
			p.ips[ip.WithZone("").Unmap()] = true
			return
		}
		p.names[h] = true
	}
	if host, _, err := net.SplitHostPort(listen); err == nil {
		add(host)
	}
	if tcp, ok := bound.(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(tcp.IP); ok {
			ip = ip.Unmap()
			if ip.IsUnspecified() {
				p.anyIP = true
			}
			p.ips[ip] = true
		}
	}
	for ip := range p.ips {
		if ip.IsUnspecified() {
			p.anyIP = true
		}
	}
	add(hostname)
	for _, h := range allowed {
		add(h)
	}
	return p
}

// normalHost is a Host header's host without its port or brackets, in
// lower case, without the trailing dot of a fully qualified name.
func normalHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// allows reports whether the daemon answers a request whose Host header is
// host. An empty Host (an HTTP/1.0 request; no browser sends one) is
// allowed: it cannot carry a rebinding page's name.
func (p hostPolicy) allows(host string) bool {
	if host == "" {
		return true
	}
	h := normalHost(host)
	if ip, err := netip.ParseAddr(h); err == nil {
		ip = ip.WithZone("").Unmap()
		return ip.IsLoopback() || p.anyIP || p.ips[ip]
	}
	return p.names[h]
}

// maxLoggedHosts bounds the refused names remembered for logging, so that
// a page trying names in a loop cannot grow the daemon's memory.
const maxLoggedHosts = 64

// checkHost answers 421 Misdirected Request to every request whose Host
// the policy refuses, on every path: the status pages, /api (reads and
// POSTs), /metrics and /healthz. A monitor scraping by IP address or
// localhost passes; one scraping by a name needs that name in
// allowed_hosts, like a person's browser. The first refusal of each name
// is logged.
func (d *Daemon) checkHost(p hostPolicy, next http.Handler) http.Handler {
	var (
		mu     sync.Mutex
		logged = map[string]bool{}
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.allows(r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		name := normalHost(r.Host)
		mu.Lock()
		first := !logged[name] && len(logged) < maxLoggedHosts
		if first {
			logged[name] = true
		}
		mu.Unlock()
		if first {
			d.log.Warn("refused a request for a host name this daemon does not answer to (add it to allowed_hosts if it is this machine's)",
				slog.String("host", r.Host), slog.String("path", r.URL.Path), slog.String("remote", r.RemoteAddr))
		}
		// The page that sent a rebound request can read this answer: it
		// names nothing of the machine (no listen address, no names
		// allowed, no path of the config).
		msg := "this nianbao daemon does not answer to the host name " + strconv.Quote(name) +
			". If it is a name of this machine, add it to allowed_hosts in the daemon's config.yaml (allowed_hosts: [" + name +
			"]) and restart the daemon; or reach the daemon by its IP address, or as localhost on the machine itself."
		w.Header().Set("Connection", "close")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeJSON(w, http.StatusMisdirectedRequest, errorBody{Error: msg})
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, msg, http.StatusMisdirectedRequest)
	})
}
