package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
)

// Guard keeps deliveries away from the province's own network (SSRF): a
// subscription's URL must be https, or http to a loopback host, and none
// of the addresses its host resolves to may be private, loopback,
// link-local, shared (CGNAT) or unspecified — unless the operator
// allowlisted the host or its network (--webhook-allow-hosts). The check
// runs when the subscription is made and again on every connection, on
// the address actually dialled, so a name that later resolves inside is
// refused too.
type Guard struct {
	// Allow lists host names and IP prefixes ("10.1.2.0/24", "127.0.0.1")
	// that may be private.
	Allow []string
	// Resolver resolves names; nil is net.DefaultResolver.
	Resolver *net.Resolver
}

func (g *Guard) resolver() *net.Resolver {
	if g.Resolver != nil {
		return g.Resolver
	}
	return net.DefaultResolver
}

var errPrivate = errors.New("webhook: address refused (private or internal)")

// allowed reports whether ip may be reached for host.
func (g *Guard) allowed(host string, ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, a := range g.Allow {
		if strings.EqualFold(a, host) {
			return true
		}
		if p, err := netip.ParsePrefix(a); err == nil && p.Contains(ip) {
			return true
		}
		if b, err := netip.ParseAddr(a); err == nil && b == ip {
			return true
		}
	}
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() &&
		!slices.ContainsFunc(refused, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// refused are ranges that look global to net/netip but are not a public
// host: shared (CGNAT), reserved and benchmarking IPv4 space, and the IPv6
// forms that carry an IPv4 address inside (IPv4-compatible, NAT64, 6to4,
// Teredo) — through a NAT64 or 6to4 gateway "64:ff9b::a00:5" is 10.0.0.5 —
// and the old site-local range.
var refused = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/96"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("fec0::/10"),
}

// CheckURL refuses a URL a subscription may not name.
func (g *Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return problem.Invalid("url", "webhook_url_invalid")
	}
	host := u.Hostname()
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackName(host) {
			return problem.Invalid("url", "webhook_url_scheme")
		}
	default:
		return problem.Invalid("url", "webhook_url_scheme")
	}
	if _, err := g.resolve(ctx, host); err != nil {
		if errors.Is(err, errPrivate) {
			return problem.Invalid("url", "webhook_url_private")
		}
		return problem.Invalid("url", "webhook_url_invalid")
	}
	return nil
}

func isLoopbackName(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// resolve returns host's addresses, all of them allowed, or errPrivate.
func (g *Guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		addrs, err := g.resolver().LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		ips = addrs
	}
	if len(ips) == 0 || slices.ContainsFunc(ips, func(ip netip.Addr) bool { return !g.allowed(host, ip) }) {
		return nil, fmt.Errorf("%w: %s", errPrivate, host)
	}
	return ips, nil
}

// Client returns an HTTP client whose connections go only to allowed
// addresses (resolved and checked here, then dialled by IP) and which
// follows no redirect (a 3xx is a failed delivery, never a hop inside).
func (g *Guard) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	t := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := g.resolve(ctx, host)
			if err != nil {
				return nil, err
			}
			return d.DialContext(ctx, network, net.JoinHostPort(ips[0].String(), port))
		},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{Transport: t, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Sign is the webhook-signature header's value for a message, as the
// Standard Webhooks specification defines it: "v1," and the base64
// HMAC-SHA256, keyed with the secret after its "whsec_" prefix
// (base64-decoded), of "<id>.<timestamp>.<body>".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook: secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, timestamp)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}
