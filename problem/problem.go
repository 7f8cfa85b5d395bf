// Package problem defines the few error kinds motcua's services return and
// the public face of an error: a stable machine code and a Vietnamese
// message, kept apart from the internal cause so that internals never
// reach a user.
package problem

import (
	"errors"
	"fmt"
)

// Error kinds. Services wrap these; the HTTP layer maps each to one status.
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
)

// Error is an error with a public face. Kind is one of the sentinels above,
// Code a stable snake_case machine code, Message a Vietnamese sentence safe
// to show to anyone, Field the input field at fault when there is one.
type Error struct {
	Kind    error
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Field, e.Message)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Kind }

// New returns an *Error of the given kind.
func New(kind error, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Invalid reports bad input in one field.
func Invalid(field, code, message string) *Error {
	return &Error{Kind: ErrInvalid, Code: code, Message: message, Field: field}
}

// NotFound reports a missing thing by its machine code and message.
func NotFound(code, message string) *Error { return New(ErrNotFound, code, message) }

// Forbidden reports an actor acting outside their rights.
func Forbidden(message string) *Error { return New(ErrForbidden, "forbidden", message) }

// Conflict reports a concurrent update that lost.
func Conflict(code, message string) *Error { return New(ErrConflict, code, message) }

// Public extracts the public face of err. Errors without one become a
// generic internal error so their text is never shown.
func Public(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return NotFound("not_found", "Không tìm thấy dữ liệu yêu cầu.")
	case errors.Is(err, ErrConflict):
		return Conflict("conflict", "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại và thử lại.")
	case errors.Is(err, ErrForbidden):
		return Forbidden("Bạn không có quyền thực hiện thao tác này.")
	case errors.Is(err, ErrUnauthorized):
		return New(ErrUnauthorized, "unauthorized", "Vui lòng đăng nhập.")
	}
	return &Error{Code: "internal", Message: "Hệ thống gặp lỗi. Vui lòng thử lại sau."}
}
