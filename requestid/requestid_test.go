package requestid

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMiddleware(t *testing.T) {
	cases := []struct {
		name    string
		sent    string
		trusted bool
		keep    bool
	}{
		{"from a trusted proxy", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", true, true},
		{"from anyone else", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", false, false},
		{"none sent", "", true, false},
		{"markup", "<b>x</b>", true, false},
		{"too long", strings.Repeat("a", 129), true, false},
		{"longest kept", strings.Repeat("a", 128), true, true},
		{"a space", "a b", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var seen, actor, unit string
			h := Middleware(func(*http.Request) bool { return c.trusted }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = ID(r.Context())
				SetActor(r.Context(), "officer:7", "000.04.07.H40")
				actor, unit = Actor(r.Context())
			}))
			req := httptest.NewRequest("GET", "/", nil)
			if c.sent != "" {
				req.Header.Set(Header, c.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get(Header)
			if got != seen || got == "" {
				t.Fatalf("header %q, context %q", got, seen)
			}
			if (got == c.sent) != c.keep {
				t.Errorf("id %q for %q sent (keep %v)", got, c.sent, c.keep)
			}
			if actor != "officer:7" || unit != "000.04.07.H40" {
				t.Errorf("actor %q unit %q", actor, unit)
			}
		})
	}
	if a, u := Actor(t.Context()); a != "" || u != "" || ID(t.Context()) != "" {
		t.Error("outside a request there is no ID or actor")
	}
	SetActor(t.Context(), "x", "y") // outside a request: nothing to record, no panic
}
