package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/motcua/motcua/auth"
)

// recordingFed is a Federation that records the attempt it was asked to start.
type recordingFed struct{ state, nonce, verifier string }

func (f *recordingFed) AuthURL(_ context.Context, state, nonce, verifier string) (string, error) {
	f.state, f.nonce, f.verifier = state, nonce, verifier
	return "https://sso.example/authorize?state=" + url.QueryEscape(state), nil
}

func (f *recordingFed) Identify(context.Context, string, string, string) (auth.Identity, error) {
	return auth.Identity{}, nil
}

// TestVNeIDStart: the button sends the browser to the provider with a
// fresh state, nonce and a PKCE verifier long enough for RFC 7636, kept in
// an HttpOnly cookie that, on an https site, only this host can set
// (__Host-, Path=/, Secure) and, on plain http, only the callback reads.
func TestVNeIDStart(t *testing.T) {
	for _, tt := range []struct {
		site, cookie, path string
		secure             bool
	}{
		{"https://motcua.example.vn", "__Host-motcua_vneid", "/", true},
		{"http://localhost:8080", "motcua_vneid", "/dang-nhap/vneid/ve", false},
	} {
		t.Run(tt.site, func(t *testing.T) {
			site, err := NewSite(tt.site)
			if err != nil {
				t.Fatal(err)
			}
			fed := &recordingFed{}
			w, err := New(Config{Sessions: NewSessions(nil, site), Federation: fed})
			if err != nil {
				t.Fatal(err)
			}
			lt, err := w.LoginTemplates()
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			w.RegisterLogin(mux, lt)
			seen := map[string]bool{}
			for range 2 {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, httptest.NewRequest("GET", "/dang-nhap/vneid?next=/nop-ho-so/1.001193", nil))
				if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://sso.example/authorize?state="+url.QueryEscape(fed.state) {
					t.Fatalf("start: %d to %s", rec.Code, rec.Header().Get("Location"))
				}
				if len(fed.verifier) < 43 || len(fed.verifier) > 128 || fed.state == "" || fed.nonce == "" || seen[fed.state] {
					t.Fatalf("attempt state %q nonce %q verifier of %d characters", fed.state, fed.nonce, len(fed.verifier))
				}
				seen[fed.state] = true
				cs := rec.Result().Cookies()
				if len(cs) != 1 || cs[0].Name != tt.cookie || cs[0].Path != tt.path || cs[0].Secure != tt.secure || !cs[0].HttpOnly || cs[0].Domain != "" {
					t.Fatalf("cookie %+v", cs)
				}
				req := httptest.NewRequest("GET", "/", nil)
				req.AddCookie(cs[0])
				at, ok := readAttempt(req, tt.cookie)
				if !ok || at.State != fed.state || at.Nonce != fed.nonce || at.Verifier != fed.verifier || at.Next != "/nop-ho-so/1.001193" {
					t.Fatalf("kept attempt %+v", at)
				}
			}
		})
	}
}
