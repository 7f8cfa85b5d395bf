package problem_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/motcua/motcua/problem"
)

// A throttled error keeps its kind and public face, and carries its wait
// to the Retry-After header in whole seconds, rounded up.
func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		after time.Duration
		want  string
	}{{90 * time.Second, "90"}, {1500 * time.Millisecond, "2"}, {0, "1"}} {
		err := problem.WithRetry(problem.New(problem.ErrTooMany, "track_throttled", 2), tt.after)
		if !errors.Is(err, problem.ErrTooMany) || problem.Status(err) != http.StatusTooManyRequests || problem.Public(err).Code != "track_throttled" {
			t.Fatalf("%v: kind, status or public face lost", err)
		}
		h := http.Header{}
		problem.SetRetryAfter(h, err)
		if got := h.Get("Retry-After"); got != tt.want {
			t.Errorf("wait %v: Retry-After %q, want %q", tt.after, got, tt.want)
		}
	}
	h := http.Header{}
	problem.SetRetryAfter(h, problem.New(problem.ErrTooMany, "account_locked"))
	if _, ok := h["Retry-After"]; ok {
		t.Error("Retry-After set for an error without a wait")
	}
}
