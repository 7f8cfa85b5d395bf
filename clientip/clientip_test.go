package clientip_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/clientip"
)

func TestOf(t *testing.T) {
	trusted, err := clientip.ParseList("127.0.0.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		trusted bool
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies configured: header ignored", false, "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"untrusted peer: header ignored", true, "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted proxy forwards for client", true, "127.0.0.1:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"spoofed left hop is not believed", true, "127.0.0.1:4000", []string{"1.2.3.4, 198.51.100.7"}, "198.51.100.7"},
		{"chain of trusted proxies", true, "127.0.0.1:4000", []string{"198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"several header lines", true, "127.0.0.1:4000", []string{"198.51.100.7", "10.1.2.3"}, "198.51.100.7"},
		{"garbage hop stops at last vouched", true, "127.0.0.1:4000", []string{"nonsense, 10.1.2.3"}, "10.1.2.3"},
		{"IPv4-mapped peer", true, "[::ffff:127.0.0.1]:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"IPv6 client", true, "127.0.0.1:1", []string{"2001:db8::1"}, "2001:db8::1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := clientip.New(nil)
			if c.trusted {
				r = clientip.New(trusted)
			}
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = c.peer
			for _, h := range c.xff {
				req.Header.Add("X-Forwarded-For", h)
			}
			if got := r.Of(req).String(); got != c.want {
				t.Errorf("Of = %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseListRejectsGarbage(t *testing.T) {
	for _, s := range []string{"10.0.0.0/33", "not-an-ip", "1.2.3"} {
		if _, err := clientip.ParseList(s); err == nil {
			t.Errorf("ParseList(%q) accepted", s)
		}
	}
}

func TestMiddlewarePutsAddrInContext(t *testing.T) {
	var got string
	h := clientip.New(nil).Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = clientip.String(r.Context())
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.9:555"
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != "192.0.2.9" {
		t.Fatalf("client addr in context = %q", got)
	}
	if s := clientip.String(context.Background()); s != "" {
		t.Fatalf("empty context gives %q", s)
	}
}
