package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/requestid"
)

const sessionCookie = "motcua_session"

// Sessions keeps browser sessions in HttpOnly, SameSite=Lax cookies that
// carry an auth token (the same revocable, expiring sessions as the API).
type Sessions struct {
	auth *auth.Service
	// cookie is the session cookie's name: on an https site it carries the
	// __Host- prefix, so browsers accept it only Secure, for Path=/ and
	// without Domain — a sibling subdomain or a plain-http page cannot
	// plant or overwrite it.
	cookie string
	https  bool
}

// NewSessions returns a session manager on au for site (nil: plain http).
func NewSessions(au *auth.Service, site *Site) *Sessions {
	s := &Sessions{auth: au, cookie: sessionCookie}
	if site != nil && site.HTTPS() {
		s.cookie, s.https = "__Host-"+sessionCookie, true
	}
	return s
}

// secure: the session cookie is Secure on an https site, and on any
// request that arrived over TLS.
func (s *Sessions) secure(r *http.Request) bool { return s.https || secure(r) }

type actorKey struct{}

// ActorFrom returns the signed-in actor, or nil.
func ActorFrom(ctx context.Context) *auth.Actor {
	a, _ := ctx.Value(actorKey{}).(*auth.Actor)
	return a
}

// RequireActor returns the signed-in actor or ErrUnauthorized (which
// Wrap turns into a redirect to the login page).
func RequireActor(r *http.Request) (*auth.Actor, error) {
	if a := ActorFrom(r.Context()); a != nil {
		return a, nil
	}
	return nil, problem.New(problem.ErrUnauthorized, "unauthorized")
}

// secure: cookies are Secure when the request came over TLS, directly or
// through a TLS-terminating load balancer.
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

var errClientCookie = errors.New("web: a system account's token as a session cookie")

// Middleware resolves the session cookie and, on every state-changing
// request that carries one, checks the form's CSRF token. (Cross-origin
// requests are refused earlier by http.CrossOriginProtection; the token
// also protects old phone browsers that send no Sec-Fetch-Site.)
func (s *Sessions) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookie)
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		a, err := s.auth.Authenticate(r.Context(), c.Value)
		if err == nil && a.Client != nil {
			// A system account's token is for the API, whose client gate
			// holds it to its operations; the pages have no such gate.
			err = errClientCookie
		}
		if err != nil {
			// Expired or revoked: forget the cookie and carry on anonymously.
			http.SetCookie(w, &http.Cookie{Name: s.cookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), actorKey{}, a)
		ref, unit := a.LogRef()
		requestid.SetActor(ctx, ref, unit)
		r = r.WithContext(ctx)
		if a.TOTPDue && !allowedBeforeEnrolment(r.URL.Path) {
			// The unit requires TOTP of this account and it has none yet:
			// the enrolment page first, nothing else.
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, totpEnrolPath, http.StatusSeeOther)
				return
			}
			SecurityHeaders(w.Header())
			http.Error(w, "Đơn vị yêu cầu bật xác thực hai lớp trước: "+totpEnrolPath, http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.validCSRF(r, c.Value) {
				SecurityHeaders(w.Header())
				http.Error(w, "Phiên làm việc không hợp lệ (CSRF). Vui lòng tải lại trang và thử lại.", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// csrfToken derives the form token from the session token, which only the
// browser holding the HttpOnly cookie knows; no server secret is needed,
// so any instance behind a load balancer can check it.
func csrfToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("motcua csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfFor is the form token of the request's session ("" without one).
// Pages built without sessions (handler tests) have a nil *Sessions.
func (s *Sessions) csrfFor(r *http.Request) string {
	if s == nil {
		return ""
	}
	c, err := r.Cookie(s.cookie)
	if err != nil {
		return ""
	}
	return csrfToken(c.Value)
}

func (s *Sessions) validCSRF(r *http.Request, session string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		// Multipart bodies (uploads) carry the token in the query string so
		// it can be checked before the upload is read.
		got = r.URL.Query().Get("csrf")
	}
	if got == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		got = r.PostFormValue("csrf")
	}
	return hmac.Equal([]byte(got), []byte(csrfToken(session)))
}

// Login checks credentials (and the TOTP code of an officer who enabled
// it) and sets the session cookie.
func (s *Sessions) Login(ctx context.Context, w http.ResponseWriter, r *http.Request, username, password, code string) (*auth.Actor, error) {
	token, _, err := s.auth.LoginTOTP(ctx, username, password, code)
	if err != nil {
		return nil, err
	}
	return s.start(ctx, w, r, token)
}

// start sets the session cookie of a new session token.
func (s *Sessions) start(ctx context.Context, w http.ResponseWriter, r *http.Request, token string) (*auth.Actor, error) {
	// The session the browser held before signing in ends: signing in as
	// someone else must not leave the other account's session alive.
	if c, err := r.Cookie(s.cookie); err == nil && c.Value != "" && c.Value != token {
		if err := s.auth.Revoke(ctx, c.Value); err != nil {
			return nil, err
		}
	}
	// MaxAge, not Expires: the browser's clock, not the server's, decides,
	// and the two may disagree. The server still enforces expiry itself.
	http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: token, Path: "/", MaxAge: int(s.auth.SessionTTL().Seconds()),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	return s.auth.Authenticate(ctx, token)
}

// Logout revokes the session and clears the cookie.
func (s *Sessions) Logout(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.cookie); err == nil {
		if err := s.auth.Revoke(ctx, c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookie, Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	return nil
}
