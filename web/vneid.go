package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// Federation is the national SSO's OpenID Connect client (*vneid.Client).
type Federation interface {
	// AuthURL is the provider's authorization URL for this attempt.
	AuthURL(ctx context.Context, state, nonce, verifier string) (string, error)
	// Identify exchanges the code and returns the verified identity.
	Identify(ctx context.Context, code, verifier, nonce string) (auth.Identity, error)
}

// Paths of the VNeID sign-in: the button's target and the callback
// registered with the provider (vneid.CallbackPath).
const (
	vneidStart    = "/dang-nhap/vneid"
	vneidCallback = "/dang-nhap/vneid/ve"
	vneidCookie   = "motcua_vneid"
)

// vneidAttempt is what the browser keeps between leaving for the provider
// and coming back: compared with the callback's state, sent as the PKCE
// verifier, compared with the ID token's nonce. It lives in an HttpOnly
// cookie (attemptCookie) for ten minutes and is used once.
type vneidAttempt struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"next"`
	// Link is the citizen account signed in (by password) when the
	// attempt began: the identity joins it if the same session is still
	// signed in on return (auth.Identity.Owner).
	Link int64 `json:"l,omitempty"`
}

func random() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (w *Web) registerVNeID(mux Mux, t *template.Template) {
	mux.HandleFunc("GET "+vneidStart, w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := loginPage{Page: w.Page(r, "login.title"), Next: SafePath(r.URL.Query().Get("next")), VNeID: w.fed != nil}
		if w.fed == nil {
			return w.vneidFailed(rw, r, t, p, problem.NotFound("vneid_off"))
		}
		at := vneidAttempt{State: random(), Nonce: random(), Verifier: random() + random()[:11], Next: p.Next}
		if a := ActorFrom(r.Context()); a != nil && a.IsCitizen() {
			at.Link = a.ID
		}
		u, err := w.fed.AuthURL(r.Context(), at.State, at.Nonce, at.Verifier)
		if err != nil {
			return w.vneidFailed(rw, r, t, p, err)
		}
		b, _ := json.Marshal(at)
		name, path := w.sessions.attemptCookie()
		http.SetCookie(rw, &http.Cookie{Name: name, Value: base64.RawURLEncoding.EncodeToString(b), Path: path,
			MaxAge: 600, HttpOnly: true, Secure: w.sessions.secure(r), SameSite: http.SameSiteLaxMode})
		http.Redirect(rw, r, u, http.StatusFound)
		return nil
	}))
	mux.HandleFunc("GET "+vneidCallback, w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := loginPage{Page: w.Page(r, "login.title"), VNeID: w.fed != nil}
		if w.fed == nil {
			return w.vneidFailed(rw, r, t, p, problem.NotFound("vneid_off"))
		}
		// The attempt is spent whatever happens next: a replayed callback
		// finds no cookie.
		name, path := w.sessions.attemptCookie()
		http.SetCookie(rw, &http.Cookie{Name: name, Path: path, MaxAge: -1, HttpOnly: true,
			Secure: w.sessions.secure(r), SameSite: http.SameSiteLaxMode})
		at, ok := readAttempt(r, name)
		q := r.URL.Query()
		switch {
		case !ok || q.Get("state") == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(at.State)) != 1:
			return w.vneidFailed(rw, r, t, p, problem.Invalid("state", "vneid_state"))
		case q.Get("error") != "":
			return w.vneidFailed(rw, r, t, p, problem.New(problem.ErrUnauthorized, "vneid_cancelled"))
		case q.Get("code") == "":
			return w.vneidFailed(rw, r, t, p, problem.Invalid("code", "vneid_state"))
		}
		p.Next = at.Next
		id, err := w.fed.Identify(r.Context(), q.Get("code"), at.Verifier, at.Nonce)
		if err != nil {
			return w.vneidFailed(rw, r, t, p, err)
		}
		if a := ActorFrom(r.Context()); at.Link != 0 && a != nil && a.ID == at.Link {
			id.Owner = at.Link
		}
		token, _, err := w.sessions.auth.SignInIdentity(r.Context(), id)
		if err != nil {
			return w.vneidFailed(rw, r, t, p, err)
		}
		if _, err := w.sessions.start(r.Context(), rw, r, token); err != nil {
			return err
		}
		next := SafePath(at.Next)
		if next == "/" {
			next = "/ho-so-cua-toi"
		}
		http.Redirect(rw, r, next, http.StatusSeeOther)
		return nil
	}))
}

// attemptCookie is the attempt cookie's name and path: on an https site
// it carries the __Host- prefix (so, as the session cookie, no sibling
// subdomain can plant one to sign the browser in as someone else), which
// requires Path=/; otherwise it is scoped to the callback.
func (s *Sessions) attemptCookie() (name, path string) {
	if s.https {
		return "__Host-" + vneidCookie, "/"
	}
	return vneidCookie, vneidCallback
}

func readAttempt(r *http.Request, name string) (vneidAttempt, bool) {
	var at vneidAttempt
	c, err := r.Cookie(name)
	if err != nil {
		return at, false
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(b, &at) != nil || at.State == "" || at.Verifier == "" || at.Nonce == "" {
		return at, false
	}
	return at, true
}

// vneidFailed shows the login page with what went wrong, in the reader's
// language, and records the failure in the audit log. Errors without a
// public face (a database fault) go to the usual error page.
func (w *Web) vneidFailed(rw http.ResponseWriter, r *http.Request, t *template.Template, p loginPage, err error) error {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	reason := pe.Code
	if pe.Variant != "" {
		reason += "." + pe.Variant
	}
	if aerr := w.sessions.auth.IdentityFailed(r.Context(), "vneid", reason); aerr != nil {
		return aerr
	}
	if w.log != nil {
		w.log.Info("vneid sign-in failed", "reason", reason, "err", err)
	}
	p.Error = w.Message(p.Page, err)
	return w.Render(rw, problem.Status(err), t, p)
}
