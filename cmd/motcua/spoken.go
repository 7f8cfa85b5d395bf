package main

import (
	"errors"
	"strings"

	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
)

// spoken renders the service error inside err in Vietnamese, keeping the
// context wrapped around it: services return codes, the CLI is an edge.
func spoken(err error) error {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	return &spokenError{text: strings.Replace(err.Error(), pe.Error(), msg.Vi(pe), 1), err: err}
}

type spokenError struct {
	text string
	err  error
}

func (e *spokenError) Error() string { return e.text }
func (e *spokenError) Unwrap() error { return e.err }
