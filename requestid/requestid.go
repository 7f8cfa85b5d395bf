// Package requestid gives every HTTP request an ID, returned in the
// X-Request-Id header, shown on error pages and in API errors so a citizen
// or an integrator can quote it, and written on the request's log line
// with who made it — the line an operator finds from that quote.
//
// An incoming X-Request-Id is kept only from a trusted reverse proxy (the
// caller decides, from --trusted-proxies), so one ID follows a request
// through the proxy's log and motcua's; anyone else could send any text,
// so theirs is replaced.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
)

// Header is the request and response header carrying the ID.
const Header = "X-Request-Id"

// maxLen bounds a proxy's ID: UUIDs (36) and HAProxy's unique-id
// formats fit; a longer one is not an ID.
const maxLen = 128

// info is a request's ID and, once authentication has run further in,
// who made it. The access log sits outside authentication and reads it
// after the handler returns, hence the pointer and the lock.
type info struct {
	id string

	mu          sync.Mutex
	actor, unit string
}

type ctxKey struct{}

// Middleware gives each request its ID: the X-Request-Id of a request
// trusted says came from a trusted proxy, when it is a plausible ID
// (1–128 letters, digits and ._:=+/-), else a new random one.
func Middleware(trusted func(*http.Request) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !Valid(id) || !trusted(r) {
			id = New()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(With(r.Context(), id)))
	})
}

// New returns a fresh ID: 96 random bits in hex.
func New() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Valid reports whether id is plausible as a request ID.
func Valid(id string) bool {
	if id == "" || len(id) > maxLen {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '_' || c == ':' || c == '=' || c == '+' || c == '/' || c == '-':
		default:
			return false
		}
	}
	return true
}

// With returns ctx carrying id as its request's ID (Middleware does this;
// tests of a single handler may too).
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, &info{id: id})
}

// ID is the request ID in ctx; "" outside a request.
func ID(ctx context.Context) string {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		return in.id
	}
	return ""
}

// SetActor records who made the request, for its log line: an opaque
// actor reference (never a name or an ID number) and the unit codes it
// acts at. Authentication calls it once the credentials check out.
func SetActor(ctx context.Context, actor, unit string) {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		in.mu.Lock()
		in.actor, in.unit = actor, unit
		in.mu.Unlock()
	}
}

// Actor is what SetActor recorded; "" for an anonymous request.
func Actor(ctx context.Context) (actor, unit string) {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		in.mu.Lock()
		defer in.mu.Unlock()
		return in.actor, in.unit
	}
	return "", ""
}
