// Package vneidsim is a stand-in for VNeID, the national SSO: a real
// OpenID Connect provider built with github.com/zitadel/oidc/v3/pkg/op
// (discovery, authorization with PKCE, token, UserInfo, keys), with
// in-memory storage and a page to pick one of a few demo identities
// instead of signing in. motcua serve --demo mounts it under
// /_sim/vneid/; tests run it as an httptest server. It can misbehave on
// purpose: be down, or put a wrong nonce in its ID tokens.
package vneidsim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// Person is a demo identity the provider can assert.
type Person struct {
	IDNumber, Name string
	// BirthDate is YYYY-MM-DD.
	BirthDate string
}

// Subject is the provider's opaque, stable key for p.
func (p Person) Subject() string {
	h := sha256.Sum256([]byte("vneidsim/" + p.IDNumber))
	return hex.EncodeToString(h[:12])
}

// Client is a relying party's registration.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// Config sets up the simulator.
type Config struct {
	// Issuer is the simulator's public address, with the path it is
	// mounted at (http://localhost:8080/_sim/vneid).
	Issuer  string
	Clients []Client
	People  []Person
	Log     *slog.Logger
}

// Demo client registration of motcua serve --demo.
const (
	DemoClientID     = "motcua-demo"
	DemoClientSecret = "motcua-demo-secret"
)

// Sim is the provider.
type Sim struct {
	cfg      Config
	store    *storage
	provider *op.Provider
	page     *template.Template
	down     atomic.Bool
}

// New builds the provider with a fresh signing key.
func New(cfg Config) (*Sim, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	st := &storage{clients: map[string]*client{}, people: map[string]Person{}, requests: map[string]*authRequest{},
		codes: map[string]string{}, tokens: map[string]accessToken{}, key: key, keyID: "vneidsim-1"}
	for _, c := range cfg.Clients {
		st.clients[c.ID] = &client{id: c.ID, secret: c.Secret, redirects: c.RedirectURIs,
			loginURL: func(id string) string { return cfg.Issuer + "/chon?id=" + id }}
	}
	for _, p := range cfg.People {
		st.people[p.Subject()] = p
	}
	var cryptoKey [32]byte
	rand.Read(cryptoKey[:])
	prov, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey, CodeMethodS256: true, AuthMethodPost: true,
		SupportedScopes: []string{"openid", "profile", "citizen"}},
		st, op.StaticIssuer(cfg.Issuer), op.WithAllowInsecure(), op.WithLogger(cfg.Log))
	if err != nil {
		return nil, err
	}
	page, err := template.New("pick").Parse(pickHTML)
	if err != nil {
		return nil, err
	}
	return &Sim{cfg: cfg, store: st, provider: prov, page: page}, nil
}

// SetDown makes every endpoint answer 503 (down=true) or work again.
func (s *Sim) SetDown(down bool) { s.down.Store(down) }

// TamperNonce makes ID tokens carry a nonce other than the client's.
func (s *Sim) TamperNonce(on bool) {
	s.store.mu.Lock()
	s.store.tamperNonce = on
	s.store.mu.Unlock()
}

// People are the identities offered on the pick page.
func (s *Sim) People() []Person { return s.cfg.People }

// Handler serves the provider and its pick page, relative to the mount
// point (strip the issuer's path before it).
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /chon", s.pickPage)
	mux.HandleFunc("POST /chon", s.pick)
	mux.Handle("/", s.provider)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			http.Error(w, "VNeID simulator is down", http.StatusServiceUnavailable)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

type pickData struct {
	ID     string
	People []Person
}

func (s *Sim) pickPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if _, err := s.store.AuthRequestByID(r.Context(), id); err != nil {
		http.Error(w, "Yêu cầu đăng nhập không tồn tại hoặc đã hết hạn.", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	s.page.Execute(w, pickData{ID: id, People: s.cfg.People})
}

// pick completes the sign-in as the chosen person and hands the browser
// back to the library, which redirects to the client with the code.
func (s *Sim) pick(w http.ResponseWriter, r *http.Request) {
	id, subject := r.PostFormValue("id"), r.PostFormValue("subject")
	if err := s.store.done(id, subject); err != nil {
		http.Error(w, "Yêu cầu đăng nhập không tồn tại hoặc đã hết hạn.", http.StatusBadRequest)
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), s.cfg.Issuer)
	http.Redirect(w, r, op.AuthCallbackURL(s.provider)(ctx, id), http.StatusFound)
}

// Authenticate completes the sign-in of request id as p without the page
// (for tests that drive the provider without a browser).
func (s *Sim) Authenticate(_ context.Context, id string, p Person) error {
	if err := s.store.done(id, p.Subject()); err != nil {
		return errors.New("vneidsim: unknown request or person")
	}
	return nil
}

const pickHTML = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>VNeID (mô phỏng) — Chọn danh tính</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
header{background:#b71c1c;color:#fff;padding:1rem}button{display:block;width:100%;margin:.5rem 0;padding:.8rem;text-align:left;font-size:1rem}</style>
</head><body>
<header><strong>VNeID — Định danh điện tử quốc gia (mô phỏng)</strong></header>
<h1>Chọn danh tính để đăng nhập</h1>
<p>Đây là trình mô phỏng dùng cho thử nghiệm: không có mật khẩu, không có dữ liệu thật.</p>
<form method="post" action="chon">
<input type="hidden" name="id" value="{{.ID}}">
{{range .People}}<button type="submit" name="subject" value="{{.Subject}}" data-id-number="{{.IDNumber}}">{{.Name}} — CCCD {{.IDNumber}} — sinh ngày {{.BirthDate}}</button>
{{end}}</form>
</body></html>`
