// Package clientip finds the address a request came from. Behind a
// reverse proxy the TCP peer is the proxy, so the X-Forwarded-For header
// is read — but only the hops added by proxies in the configured trusted
// list count: anyone can send the header, and believing it from an
// untrusted peer would let an attacker pick the address that throttling
// and the audit log see.
package clientip

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver reads the client address of requests given the trusted proxies.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a resolver trusting X-Forwarded-For hops added by the
// proxies in trusted; with none, the TCP peer is the client.
func New(trusted []netip.Prefix) *Resolver { return &Resolver{trusted: trusted} }

// ParseList parses a comma-separated list of addresses and CIDR prefixes
// ("127.0.0.1, 10.0.0.0/8"), the form of motcua serve --trusted-proxies.
func ParseList(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (r *Resolver) isTrusted(a netip.Addr) bool {
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Of returns the client address of req: the TCP peer, or, while that hop
// is a trusted proxy, the address it says it forwarded for (walking
// X-Forwarded-For from the right). An unparseable hop stops the walk at
// the last address a trusted proxy vouched for.
func (r *Resolver) Of(req *http.Request) netip.Addr {
	peer := parseHost(req.RemoteAddr)
	if !peer.IsValid() || len(r.trusted) == 0 {
		return peer
	}
	var hops []string
	for _, h := range req.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0 && r.isTrusted(addr); i-- {
		next := parseHost(strings.TrimSpace(hops[i]))
		if !next.IsValid() {
			break
		}
		addr = next
	}
	return addr
}

// FromProxy reports whether req's TCP peer is a trusted proxy, whose
// headers (X-Forwarded-For, X-Request-Id) are believed.
func (r *Resolver) FromProxy(req *http.Request) bool {
	peer := parseHost(req.RemoteAddr)
	return peer.IsValid() && r.isTrusted(peer)
}

func parseHost(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

type ctxKey struct{}

// Middleware puts each request's client address in its context (From).
func (r *Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		next.ServeHTTP(w, req.WithContext(With(req.Context(), r.Of(req))))
	})
}

// With returns ctx carrying addr as the client address.
func With(ctx context.Context, addr netip.Addr) context.Context {
	return context.WithValue(ctx, ctxKey{}, addr)
}

// From returns the client address in ctx; the zero Addr when none.
func From(ctx context.Context) netip.Addr {
	a, _ := ctx.Value(ctxKey{}).(netip.Addr)
	return a
}

// String is From as text, "" when unknown (for logs and audit rows).
func String(ctx context.Context) string {
	if a := From(ctx); a.IsValid() {
		return a.String()
	}
	return ""
}
