package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// ClientTokens issues system accounts' tokens (*auth.Service).
type ClientTokens interface {
	ClientToken(ctx context.Context, clientID, secret, scope string) (string, time.Time, []string, error)
}

const tokenRoute = "POST /api/v1/oauth/token"

// oauthToken is RFC 6749 §4.4 (client credentials). The client
// authenticates by HTTP Basic (§2.3.1: id and secret form-encoded) or by
// client_id and client_secret in the form, never both; errors have the
// shape of §5.2, not the API's, since OAuth libraries parse them.
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) error {
	fail := func(status int, code string) error {
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="motcua"`)
		}
		w.Header().Set("Pragma", "no-cache")
		return writeJSON(w, status, map[string]string{"error": code})
	}
	if s.Clients == nil {
		return fail(http.StatusBadRequest, "unauthorized_client")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 8<<10)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.ParseForm() != nil {
		return fail(http.StatusBadRequest, "invalid_request")
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		var e1, e2 error
		id, e1 = url.QueryUnescape(id)
		secret, e2 = url.QueryUnescape(secret)
		if e1 != nil || e2 != nil || r.PostForm.Has("client_secret") {
			return fail(http.StatusBadRequest, "invalid_request")
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if r.Header.Get("Authorization") != "" && !basic {
		return fail(http.StatusBadRequest, "invalid_request")
	}
	switch gt := r.PostForm.Get("grant_type"); {
	case gt == "":
		return fail(http.StatusBadRequest, "invalid_request")
	case gt != "client_credentials":
		return fail(http.StatusBadRequest, "unsupported_grant_type")
	}
	if id == "" || secret == "" {
		return fail(http.StatusUnauthorized, "invalid_client")
	}
	token, exp, ops, err := s.Clients.ClientToken(r.Context(), id, secret, r.PostForm.Get("scope"))
	var pe *problem.Error
	switch {
	case err == nil:
	case errors.Is(err, problem.ErrTooMany):
		problem.SetRetryAfter(w.Header(), err)
		return fail(http.StatusTooManyRequests, "rate_limited")
	case errors.As(err, &pe) && pe.Code == "invalid_client":
		return fail(http.StatusUnauthorized, "invalid_client")
	case errors.As(err, &pe) && pe.Code == "invalid_scope":
		return fail(http.StatusBadRequest, "invalid_scope")
	default:
		return err
	}
	w.Header().Set("Pragma", "no-cache")
	return writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token, "token_type": "Bearer",
		"expires_in": int(exp.Sub(exp.Add(-auth.ClientTokenTTL)) / time.Second), "scope": strings.Join(ops, " "),
	})
}

// ClientOp is the operation scope a route needs when a system account
// calls it: "" with ok for the public reads anyone may make, !ok for the
// routes no system account may call (people's accounts, administration,
// gateways' callbacks). A route not named here is closed to clients, so a
// new route is opened to them only on purpose.
func ClientOp(pattern string) (op string, ok bool) {
	method, path, _ := strings.Cut(pattern, " ")
	read := method == http.MethodGet
	pick := func(r, w string) (string, bool) {
		if read {
			return r, true
		}
		return w, true
	}
	has := func(p string) bool { return strings.HasPrefix(path, p) }
	switch {
	case path == "/api/v1/oauth/token":
		return "", true
	case path == "/api/v1/payments/vnpay/ipn", path == "/api/v1/dossiers/{code}/accesses":
		// The access log of a dossier is its citizen's (package mydata).
		return "", false
	case strings.Contains(path, "/payment"):
		return pick(auth.OpPaymentsRead, auth.OpPaymentsWrite)
	case has("/api/v1/dossiers"), has("/api/v1/digitised"), path == "/api/v1/units/{code}/tracking-book":
		return pick(auth.OpDossiersRead, auth.OpDossiersWrite)
	case has("/api/v1/documents"):
		return pick(auth.OpDocumentsRead, auth.OpDocumentsWrite)
	case has("/api/v1/events"):
		return auth.OpEventsRead, true
	case has("/api/v1/webhooks"):
		return auth.OpWebhooksManage, true
	case has("/api/v1/reports"):
		if read {
			return auth.OpReportsRead, true
		}
	case read && (path == "/api/v1/openapi.json" || path == "/api/v1/units" || has("/api/v1/procedures") ||
		has("/api/v1/calendar/holidays") || has("/api/v1/track") || has("/api/v1/open/") || path == "/api/v1/postal/areas"):
		return "", true
	}
	return "", false
}

// clientGate refuses a system account's token on a route its operations
// do not cover (403 client_scope); people's tokens pass untouched.
func (s *Server) clientGate(pattern string, next http.Handler) http.Handler {
	op, ok := ClientOp(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := actor(r.Context()); a != nil && a.Client != nil && (!ok || op != "" && !a.Client.Allows(op)) {
			s.wrap(func(http.ResponseWriter, *http.Request) error {
				return problem.Forbidden("client_scope", op)
			})(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
