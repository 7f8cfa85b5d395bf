package problem

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// retry is a refusal the client may try again after a while: a throttled
// request (ErrTooMany). It is e for everything else (Public, Status).
type retry struct {
	e     *Error
	after time.Duration
}

func (r *retry) Error() string { return r.e.Error() }
func (r *retry) Unwrap() error { return r.e }

// WithRetry returns e carrying how long the client should wait before
// trying again; the API and the pages send it as Retry-After.
func WithRetry(e *Error, after time.Duration) error { return &retry{e: e, after: after} }

// RetryAfter is the wait err carries (WithRetry), if any.
func RetryAfter(err error) (time.Duration, bool) {
	var r *retry
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}

// SetRetryAfter sets the Retry-After header (whole seconds, rounded up,
// at least 1) when err carries a wait.
func SetRetryAfter(h http.Header, err error) {
	if d, ok := RetryAfter(err); ok {
		h.Set("Retry-After", strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10))
	}
}
