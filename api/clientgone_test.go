package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/motcua/motcua/problem"
)

// TestClientGoneIsNotAnError: a request its client abandoned (the request's
// context cancelled, the handler's error saying so) is answered 499 and
// not logged as an error; the same error while the client still waits —
// a cancellation from inside, such as a shutdown — is still a 500 with its
// ERROR line.
func TestClientGoneIsNotAnError(t *testing.T) {
	cases := []struct {
		name     string
		gone     bool
		err      error
		status   int
		errorLog bool
	}{
		{"client gone, the store says so", true, fmt.Errorf("store: begin: %w", context.Canceled), problem.StatusClientClosed, false},
		{"client gone, another failure", true, fmt.Errorf("disk full"), 500, true},
		{"client waiting, a cancellation from inside", false, fmt.Errorf("store: begin: %w", context.Canceled), 500, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &Server{Log: slog.New(slog.NewTextHandler(&logs, nil))}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if c.gone {
				cancel()
			}
			req := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/dossiers", nil)
			rec := httptest.NewRecorder()
			s.wrap(func(http.ResponseWriter, *http.Request) error { return c.err })(rec, req)
			if rec.Code != c.status {
				t.Errorf("status %d, want %d", rec.Code, c.status)
			}
			if logged := strings.Contains(logs.String(), "level=ERROR"); logged != c.errorLog {
				t.Errorf("ERROR logged: %v, want %v (%s)", logged, c.errorLog, logs.String())
			}
		})
	}
}
