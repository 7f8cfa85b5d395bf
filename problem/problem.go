// Package problem defines the few error kinds motcua's services return and
// the public face of an error: a stable machine code, the field at fault
// and the values a sentence needs. Services write no sentences: package msg
// turns an Error into Vietnamese or English at the edge (pages, API, PDFs,
// CLI), and the internal cause never reaches a user.
//
// A new error needs its sentence under "err.<code>" (or
// "err.<code>.<variant>") in msg/messages.vi.json and msg/messages.en.json;
// a test in package msg scans the code base for constructor calls and fails
// when a code has no sentence or passes the wrong number of parameters.
package problem

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error kinds. Services wrap these; Status maps each to one HTTP status.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrForbidden    = errors.New("forbidden")
	ErrInvalid      = errors.New("invalid")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrState is an action the dossier's current state or step does not allow.
	ErrState = errors.New("not allowed in this state")
	// ErrNotPermitted is an action the lifecycle table does not give this
	// actor (who may see the dossier, but not act on it this way).
	ErrNotPermitted = errors.New("action not permitted for this actor")
	// ErrTooLarge is an upload over the configured limit.
	ErrTooLarge = errors.New("too large")
	// ErrTooMany is a throttled request (e.g. repeated failed logins).
	ErrTooMany = errors.New("too many requests")
	// ErrBusy is a request refused because a bounded resource (password
	// hashing's memory) stayed full for as long as it may wait.
	ErrBusy = errors.New("busy")
	// ErrUnavailable is a service the request needs that is down for now
	// (e.g. the virus scanner); the request may succeed when retried.
	ErrUnavailable = errors.New("unavailable")
)

// Error is an error with a public face and no words of its own.
//
// Kind is one of the sentinels above; Code a stable snake_case machine code
// (the API's error.code); Field the input field at fault, when there is one.
// Variant picks among sentences that share a Code (the catalog key is
// "err.<code>.<variant>", else "err.<code>"). Params are the values the
// sentence needs, in order: the catalog's sentence formats them with fmt
// verbs (%s, %d, or %[2]s to reorder), and a Key among them is itself a
// catalog key, rendered in the reader's language (a state's name).
type Error struct {
	Kind    error
	Code    string
	Variant string
	Field   string
	Params  []any
}

// Key names a catalog entry passed as a parameter, e.g. Key("state.processing").
type Key string

func (e *Error) Error() string {
	s := e.Code
	if e.Variant != "" {
		s += "." + e.Variant
	}
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if len(e.Params) > 0 {
		s += fmt.Sprint(e.Params)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Kind }

// MessageKey is the catalog key of e's sentence.
func (e *Error) MessageKey() string {
	if e.Variant != "" {
		return "err." + e.Code + "." + e.Variant
	}
	return "err." + e.Code
}

// New returns an *Error of the given kind. code may carry a variant after
// a dot ("invalid_channel.citizen"): the API sees "invalid_channel", the
// catalog key is "err.invalid_channel.citizen".
func New(kind error, code string, params ...any) *Error {
	c, v, _ := strings.Cut(code, ".")
	return &Error{Kind: kind, Code: c, Variant: v, Params: params}
}

// Invalid reports bad input in one field.
func Invalid(field, code string, params ...any) *Error {
	e := New(ErrInvalid, code, params...)
	e.Field = field
	return e
}

// NotFound reports a missing thing.
func NotFound(code string, params ...any) *Error { return New(ErrNotFound, code, params...) }

// Forbidden reports an actor acting outside their rights. Every such error
// has the code "forbidden"; reason picks its sentence ("err.forbidden.<reason>").
func Forbidden(reason string, params ...any) *Error {
	return &Error{Kind: ErrForbidden, Code: "forbidden", Variant: reason, Params: params}
}

// Conflict reports a concurrent update that lost, or a duplicate.
func Conflict(code string, params ...any) *Error { return New(ErrConflict, code, params...) }

// Public extracts the public face of err. Errors without one become a
// generic error of their kind, or "internal" so their text is never shown.
func Public(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return NotFound("not_found")
	case errors.Is(err, ErrConflict):
		return Conflict("conflict")
	case errors.Is(err, ErrForbidden):
		return &Error{Kind: ErrForbidden, Code: "forbidden"}
	case errors.Is(err, ErrUnauthorized):
		return New(ErrUnauthorized, "unauthorized")
	}
	return &Error{Code: "internal"}
}

// status is the one table from error kind to HTTP status, for the API and pages.
var status = []struct {
	kind error
	code int
}{
	{ErrNotFound, http.StatusNotFound},
	{ErrUnauthorized, http.StatusUnauthorized},
	{ErrForbidden, http.StatusForbidden},
	{ErrConflict, http.StatusConflict},
	{ErrState, http.StatusConflict},
	{ErrInvalid, http.StatusUnprocessableEntity},
	{ErrNotPermitted, http.StatusUnprocessableEntity},
	{ErrTooLarge, http.StatusRequestEntityTooLarge},
	{ErrTooMany, http.StatusTooManyRequests},
	{ErrBusy, http.StatusServiceUnavailable},
	{ErrUnavailable, http.StatusServiceUnavailable},
}

// Status returns the HTTP status for err: its kind's, else 500.
func Status(err error) int {
	for _, s := range status {
		if errors.Is(err, s.kind) {
			return s.code
		}
	}
	return http.StatusInternalServerError
}

// StatusClientClosed is the status a request the client abandoned is
// logged with, as nginx logs it: no answer reaches anyone.
const StatusClientClosed = 499

// ClientGone tells an error that only says the client went away — it
// closed the connection or gave up waiting, which cancels the request's
// context — from a failure: nothing failed here, and the operator's log
// should not page anyone for it (a load test's end, a citizen's closed
// tab, a dropped rural line each left a flurry of ERROR lines).
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}
