package vneid_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/motcua/motcua/vneid"
)

// tokenProvider is a bare OpenID provider whose token endpoint answers
// with an ID token of whatever claims the test sets, signed with its key:
// the checks the simulator's well-behaved tokens never exercise.
type tokenProvider struct {
	srv    *httptest.Server
	mu     sync.Mutex
	claims map[string]any
}

func newTokenProvider(t *testing.T) *tokenProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	p := &tokenProvider{}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		u := p.srv.URL
		reply(w, map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
			"jwks_uri": u + "/jwks", "userinfo_endpoint": u + "/userinfo", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		b, _ := json.Marshal(p.claims)
		p.mu.Unlock()
		obj, err := signer.Sign(b)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		raw, _ := obj.CompactSerialize()
		reply(w, map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": raw})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		reply(w, map[string]any{"sub": p.claims["sub"]})
	})
	return p
}

// TestIDTokenChecks: an ID token is refused when it was issued by
// another issuer, for another client, to another client that lists this
// one among its audiences, or has expired; one whose ID number is not 12
// digits carries no usable identity. A proper one, also with several
// audiences when azp names this client, is accepted.
func TestIDTokenChecks(t *testing.T) {
	p := newTokenProvider(t)
	c, err := vneid.New(vneid.Config{Issuer: p.srv.URL, ClientID: "rp", ClientSecret: "s", RedirectURL: "http://rp.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	good := func() map[string]any {
		return map[string]any{"iss": p.srv.URL, "sub": "sub-1", "aud": "rp", "exp": now.Add(5 * time.Minute).Unix(),
			"iat": now.Unix(), "nonce": "n1", vneid.ClaimIDNumber: "037085001234", vneid.ClaimName: "Nguyễn Văn An",
			vneid.ClaimBirthDate: "1985-03-12"}
	}
	for _, tt := range []struct {
		name string
		edit func(map[string]any)
		want error
	}{
		{"proper", func(map[string]any) {}, nil},
		{"several audiences, azp this client", func(m map[string]any) { m["aud"] = []string{"rp", "other"}; m["azp"] = "rp" }, nil},
		{"another issuer", func(m map[string]any) { m["iss"] = "https://evil.example" }, vneid.ErrRejected},
		{"another audience", func(m map[string]any) { m["aud"] = "other" }, vneid.ErrRejected},
		{"several audiences, no azp", func(m map[string]any) { m["aud"] = []string{"other", "rp"} }, vneid.ErrRejected},
		{"issued to another client", func(m map[string]any) { m["aud"] = []string{"other", "rp"}; m["azp"] = "other" }, vneid.ErrRejected},
		{"expired", func(m map[string]any) { m["exp"] = now.Add(-time.Minute).Unix() }, vneid.ErrRejected},
		{"another nonce", func(m map[string]any) { m["nonce"] = "n2" }, vneid.ErrRejected},
		{"an 11-digit ID number", func(m map[string]any) { m[vneid.ClaimIDNumber] = "03708500123" }, vneid.ErrClaims},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := good()
			tt.edit(m)
			p.mu.Lock()
			p.claims = m
			p.mu.Unlock()
			id, err := c.Identify(t.Context(), "code", "verifier", "n1")
			if tt.want == nil {
				if err != nil || id.IDNumber != "037085001234" || id.Subject != "sub-1" {
					t.Fatalf("refused: %+v, %v", id, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %+v, %v; want %v", id, err, tt.want)
			}
		})
	}
}
