package main

import (
	"errors"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// spoken renders the service error inside err in Vietnamese, keeping the
// context wrapped around it: services return codes, the CLI is an edge.
func spoken(err error) error {
	var newer *store.UnknownMigrationError
	if errors.As(err, &newer) {
		return newerDatabase(newer, binaryVersion())
	}
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	return &spokenError{text: strings.Replace(err.Error(), pe.Error(), msg.Vi(pe), 1), err: err}
}

// newerDatabase is the refusal of a database a newer motcua migrated, in
// both languages and with its code: the IT officer who meets it may paste
// it into a ticket or a search, and must not mistake it for damage.
func newerDatabase(e *store.UnknownMigrationError, binary string) error {
	pe := problem.New(problem.ErrConflict, "schema_newer", e.Module, e.File(), binary)
	en := msg.Default().Error("en", pe)
	return &spokenError{text: msg.Vi(pe) + "\n" + en + "\n[" + pe.Code + "]", err: e}
}

// binaryVersion is this binary's release (as `motcua version` names it)
// and its commit's first 12 digits, on one line, for the refusal.
func binaryVersion() string {
	bi, _ := debug.ReadBuildInfo()
	first, _, _ := strings.Cut(versionText(release, bi, runtime.Version()), "\n")
	v := strings.TrimPrefix(first, "motcua ")
	if bi != nil {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return v
}

type spokenError struct {
	text string
	err  error
}

func (e *spokenError) Error() string { return e.text }
func (e *spokenError) Unwrap() error { return e.err }
