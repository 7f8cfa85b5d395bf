package vneid_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/motcua/motcua/vneid"
	"github.com/motcua/motcua/vneid/vneidsim"
)

var an = vneidsim.Person{IDNumber: "037085001234", Name: "Nguyễn Văn An", BirthDate: "1985-03-12"}

// provider runs the simulator as its own server; redirect is the
// client's registered callback (never served: the test reads the
// Location the provider sends the browser to).
func provider(t *testing.T) (*vneidsim.Sim, *vneid.Client) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	redirect := "http://rp.example/dang-nhap/vneid/ve"
	sim, err := vneidsim.New(vneidsim.Config{Issuer: srv.URL + "/_sim/vneid", People: []vneidsim.Person{an},
		Clients: []vneidsim.Client{{ID: "rp", Secret: "s3cret", RedirectURIs: []string{redirect}}}})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/_sim/vneid/", http.StripPrefix("/_sim/vneid", sim.Handler()))
	c, err := vneid.New(vneid.Config{Issuer: srv.URL + "/_sim/vneid", ClientID: "rp", ClientSecret: "s3cret", RedirectURL: redirect})
	if err != nil {
		t.Fatal(err)
	}
	return sim, c
}

// signIn walks the browser's part: authorize, the pick page, the
// provider's callback; it returns the code and state sent to the client.
func signIn(t *testing.T, c *vneid.Client, state, nonce, verifier string) (code, gotState string) {
	t.Helper()
	u, err := c.AuthURL(t.Context(), state, nonce, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := url.Parse(u); q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("code_challenge") == "" {
		t.Fatalf("authorize URL without an S256 challenge: %s", u)
	}
	hc := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if r.URL.Host == "rp.example" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasSuffix(resp.Request.URL.Path, "/chon") {
		t.Fatalf("authorize: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	id := resp.Request.URL.Query().Get("id")
	pick := strings.Replace(resp.Request.URL.String(), "?id="+url.QueryEscape(id), "", 1)
	resp, err = hc.PostForm(pick, url.Values{"id": {id}, "subject": {an.Subject()}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("pick: %d, no redirect to the client", resp.StatusCode)
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// TestClientAgainstSimulator: the code flow with PKCE against the
// zitadel-built provider yields the verified identity (ID number from
// the ID token, name and birth date from UserInfo); a replayed code, a
// wrong verifier, a tampered nonce and a provider that is down fail with
// their own error and no identity.
func TestClientAgainstSimulator(t *testing.T) {
	sim, c := provider(t)
	ver := oauth2.GenerateVerifier()
	code, state := signIn(t, c, "st-1", "nonce-1", ver)
	if state != "st-1" || code == "" {
		t.Fatalf("callback state %q code %q", state, code)
	}
	id, err := c.Identify(t.Context(), code, ver, "nonce-1")
	if err != nil {
		t.Fatal(err)
	}
	if id.IDNumber != an.IDNumber || id.FullName != an.Name || id.BirthDate != an.BirthDate || id.Subject != an.Subject() {
		t.Fatalf("identity %+v", id)
	}
	t.Run("replayed code", func(t *testing.T) {
		if _, err := c.Identify(t.Context(), code, ver, "nonce-1"); !errors.Is(err, vneid.ErrRejected) {
			t.Fatalf("replay: %v", err)
		}
	})
	t.Run("wrong verifier", func(t *testing.T) {
		code, _ := signIn(t, c, "st-2", "nonce-2", ver)
		if _, err := c.Identify(t.Context(), code, oauth2.GenerateVerifier(), "nonce-2"); !errors.Is(err, vneid.ErrRejected) {
			t.Fatalf("wrong verifier: %v", err)
		}
	})
	t.Run("tampered nonce", func(t *testing.T) {
		sim.TamperNonce(true)
		defer sim.TamperNonce(false)
		code, _ := signIn(t, c, "st-3", "nonce-3", ver)
		if _, err := c.Identify(t.Context(), code, ver, "nonce-3"); !errors.Is(err, vneid.ErrRejected) {
			t.Fatalf("tampered nonce: %v", err)
		}
	})
	t.Run("provider down", func(t *testing.T) {
		code, _ := signIn(t, c, "st-4", "nonce-4", ver)
		sim.SetDown(true)
		defer sim.SetDown(false)
		if _, err := c.Identify(t.Context(), code, ver, "nonce-4"); !errors.Is(err, vneid.ErrUnavailable) {
			t.Fatalf("down: %v", err)
		}
	})
	t.Run("never reached", func(t *testing.T) {
		c, _ := vneid.New(vneid.Config{Issuer: "http://127.0.0.1:1/x", ClientID: "rp", RedirectURL: "http://rp.example/cb"})
		if _, err := c.AuthURL(t.Context(), "s", "n", ver); !errors.Is(err, vneid.ErrUnavailable) {
			t.Fatalf("unreachable issuer: %v", err)
		}
	})
}
