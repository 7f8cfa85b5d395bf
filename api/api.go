// Package api serves motcua's JSON API under /api/v1: the catalog, units,
// tokens, dossiers and their actions, and public tracking. Handlers return
// errors; one adapter turns them into the single error shape
// {"error":{"code","message","field"}} with a Vietnamese message.
package api

import (
	"context"
	"crypto/x509"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/requestid"
)

//go:embed openapi.json
var openapiFS embed.FS

// Server holds what the handlers need.
type Server struct {
	Auth Auth
	// Clients issues system accounts' tokens (oauth.go); nil: none.
	Clients  ClientTokens
	Units    Units
	Catalog  Catalog
	Dossiers Dossiers
	Ratings  Ratings
	Reports  Reports
	Forms    Forms
	Postal   Postal
	Payments Payments
	Calendar Calendar
	Audit    Audit
	// Sohoa digitises papers and keeps the citizens' data stores.
	Sohoa Sohoa
	// Events is the events feed (package webhook).
	Events Events
	// Webhooks are the subscriptions their owners manage (package webhook).
	Webhooks Webhooks
	// Documents keeps the incoming and outgoing documents (package document).
	Documents Documents
	// WorkFiles keeps the work files (hồ sơ công việc, package document).
	WorkFiles WorkFiles
	// MyData answers citizens' rights over their data (package mydata);
	// nil: those routes answer 404.
	MyData MyData
	// Civil reads the civil service registry and the evaluations
	// (package civil); nil: those routes answer 404.
	Civil Civil
	// Land is the land registry's lookups (package land); nil: those
	// routes answer 404.
	Land Land
	Log  *slog.Logger
	// Trust is the trust list signatures are verified against (nil: none).
	Trust *x509.CertPool
	// Now is the clock of the open data's default period; nil is time.Now.
	Now func() time.Time
}

type handler func(w http.ResponseWriter, r *http.Request) error

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
		// RequestID is the X-Request-Id, for the caller to quote.
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

func (s *Server) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		if problem.ClientGone(r, err) {
			w.WriteHeader(problem.StatusClientClosed)
			return
		}
		code := problem.Status(err)
		if code >= 500 && code != http.StatusServiceUnavailable {
			// The route's pattern, not the path: a path may hold a citizen's username.
			s.Log.ErrorContext(r.Context(), "api error", "method", r.Method, "route", r.Pattern, "request_id", requestid.ID(r.Context()), "err", err)
		}
		pub := problem.Public(err)
		var body errorBody
		body.Error.Code, body.Error.Message, body.Error.Field = pub.Code, msg.Vi(pub), pub.Field
		body.Error.RequestID = requestid.ID(r.Context())
		if code == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="motcua"`)
		}
		problem.SetRetryAfter(w.Header(), err)
		writeJSON(w, code, body)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// maxBody is the largest JSON body the API reads (uploads are not JSON
// and have their own limit): a dossier with every field at its maximum
// fits many times over.
const maxBody = 1 << 20

// decode reads a JSON body strictly: unknown fields are an error, so a
// client's typo is reported instead of silently ignored; so is anything
// after the JSON value but white space. A body over maxBody is 413, not
// a malformed body.
func decode(r *http.Request, v any) error { return decodeLimit(r, v, maxBody) }

// decodeLimit is decode with a limit of its own: bodies that carry a
// file in base64 (documents) are larger than maxBody.
func decodeLimit(r *http.Request, v any, limit int64) error {
	r.Body = http.MaxBytesReader(nil, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	trailing := false
	if err == nil {
		if _, err = dec.Token(); err == io.EOF {
			return nil
		}
		trailing = true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return problem.New(problem.ErrTooLarge, "body_too_large.api", limit>>10)
	case trailing:
		return problem.Invalid("body", "invalid_json.trailing")
	case strings.Contains(err.Error(), "unknown field"):
		return problem.Invalid("body", "invalid_json.unknown_field", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return problem.Invalid("body", "invalid_json")
}

type ctxKey struct{}

// actor returns the authenticated actor, or nil for an anonymous request.
func actor(ctx context.Context) *auth.Actor {
	a, _ := ctx.Value(ctxKey{}).(*auth.Actor)
	return a
}

// authenticate resolves a bearer token when one is sent. A bad token is an
// error even on public routes, so a client learns its token expired.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			s.wrap(func(http.ResponseWriter, *http.Request) error {
				return problem.New(problem.ErrUnauthorized, "invalid_authorization")
			})(w, r)
			return
		}
		a, err := s.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
		if err == nil && a.TOTPDue {
			// A token issued before the unit required TOTP: enrol first.
			err = errEnrolTOTP
		}
		if err != nil {
			s.wrap(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
			return
		}
		ref, unit := a.LogRef()
		requestid.SetActor(r.Context(), ref, unit)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, a)))
	})
}

func requireActor(r *http.Request) (*auth.Actor, error) {
	if a := actor(r.Context()); a != nil {
		return a, nil
	}
	return nil, problem.New(problem.ErrUnauthorized, "unauthorized.api")
}
