package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/problem"
)

// tokenAuth answers every token request with err.
type tokenAuth struct {
	fakeAuth
	err error
}

func (f tokenAuth) Token(context.Context, string, string, string) (string, time.Time, error) {
	return "", time.Time{}, f.err
}

// Issue 8, findings 3 and 5: a throttled login is 429 and a login refused
// because password hashing is at its memory bound is 503, both with
// Retry-After so clients back off, and a Vietnamese message.
func TestTokenRetryAfter(t *testing.T) {
	throttled := problem.WithRetry(problem.New(problem.ErrTooMany, "login_throttled", 45), 44500*time.Millisecond)
	busy := problem.WithRetry(problem.New(problem.ErrBusy, "busy", 2), 2*time.Second)
	for _, c := range []struct {
		err        error
		status     int
		code, wait string
	}{
		{throttled, 429, "login_throttled", "45"},
		{busy, 503, "busy", "2"},
		{problem.New(problem.ErrUnauthorized, "bad_credentials"), 401, "bad_credentials", ""},
	} {
		s := &Server{Auth: tokenAuth{err: c.err}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		mux := http.NewServeMux()
		s.Register(mux)
		srv := httptest.NewServer(mux)
		w := &world{srv: srv}
		a := w.do(t, "POST", "/api/v1/auth/token", "", `{"username":"an","password":"x"}`, "Content-Type", "application/json")
		srv.Close()
		if a.status != c.status || a.header.Get("Retry-After") != c.wait || a.errorOf()["code"] != c.code {
			t.Errorf("%s: %d Retry-After %q %v", c.code, a.status, a.header.Get("Retry-After"), a.body)
		}
		if msg, _ := a.errorOf()["message"].(string); msg == "" || msg == c.code {
			t.Errorf("%s: no sentence: %v", c.code, a.body)
		}
	}
}
