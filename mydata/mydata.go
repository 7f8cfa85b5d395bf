// Package mydata answers a citizen's rights over their personal data
// (Law 91/2025/QH15 on personal data protection, Decree 13/2023 before it):
// the copy of everything motcua holds about them (Export, a ZIP of one
// JSON and their files), their consents for each processing purpose that
// needs one, with withdrawal (Consents, Withdraw), and who read or changed
// their dossiers (Accesses). It owns no table: each module answers from
// its own tables through the small interfaces below (Part, ConsentSource),
// wired in server; this package only assembles, streams and records.
package mydata

import (
	"context"
	"io"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Part is one module's share of a citizen's data: what its own tables hold
// about the citizen a and their dossiers codes, ready for JSON.
type Part interface {
	PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error)
}

// Named is a Part under its key in the exported JSON.
type Named struct {
	Name string
	Part Part
}

// Dossiers is what this package needs of the dossier module
// (*dossier.Service).
type Dossiers interface {
	PersonalData(ctx context.Context, a *auth.Actor) (*dossier.Personal, error)
	OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error)
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
}

// Trail reads the audit log (*audit.Log).
type Trail interface {
	List(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
}

// Accounts names the actors of the audit log (*auth.Service).
type Accounts interface {
	Actor(ctx context.Context, userID int64) (*auth.Actor, error)
}

// Purposes of processing that need the citizen's consent, each kept by
// the module that processes for it.
const (
	// PurposePopulation: looking the citizen up in the national
	// population database (package dancu).
	PurposePopulation = "population_lookup"
	// PurposeReuse: the desk attaching papers from the citizen's data
	// store to a dossier (package sohoa).
	PurposeReuse = "paper_reuse"
	// PurposeEmail and PurposeSMS: notices by e-mail and SMS (package
	// notify); in-app notices need none.
	PurposeEmail = "notify_email"
	PurposeSMS   = "notify_sms"
)

// Consent is one consent as its subject reads it.
type Consent struct {
	Purpose string `json:"purpose"`
	// ID is the consent's row in its module, what Withdraw takes.
	ID int64 `json:"id"`
	// Detail names what it was given for (a draft, a dossier's code).
	Detail string `json:"detail,omitempty"`
	// GivenAt is nil for a default the citizen never chose (e-mail
	// notices to the address they registered with).
	GivenAt     *time.Time `json:"given_at,omitempty"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

// Millis is a consent's time from its column (Unix milliseconds, as
// every table keeps times); 0, a time not set, is nil.
func Millis(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	t := time.UnixMilli(ms)
	return &t
}

// Active reports whether the consent still holds.
func (c Consent) Active() bool { return c.WithdrawnAt == nil }

// ConsentSource is a module that keeps consents for its purposes.
type ConsentSource interface {
	Consents(ctx context.Context, a *auth.Actor) ([]Consent, error)
	// Withdraw records the withdrawal of a's consent id for purpose, a
	// time and not a delete; ok is false when purpose is not the
	// module's.
	Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) (ok bool, err error)
}

// Giver is a ConsentSource whose consent is given on the citizen's data
// page (sohoa's); the others are given where they are used: the lookup's
// box (dancu), the notification settings (notify).
type Giver interface {
	Give(ctx context.Context, a *auth.Actor, purpose string) (ok bool, err error)
}

// Config builds a Service.
type Config struct {
	DB       *store.DB
	Bus      *event.Bus
	Now      func() time.Time
	Dossiers Dossiers
	// Parts are the other modules' shares, in the JSON's order.
	Parts    []Named
	Consents []ConsentSource
	Trail    Trail
	Accounts Accounts
}

// Service answers the citizen's rights.
type Service struct{ cfg Config }

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

var errCitizenOnly = problem.Forbidden("mydata_citizen_only")

func citizen(a *auth.Actor) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	if !a.IsCitizen() {
		return errCitizenOnly
	}
	return nil
}

// Consents lists a's consents of every purpose, module by module.
func (s *Service) Consents(ctx context.Context, a *auth.Actor) ([]Consent, error) {
	if err := citizen(a); err != nil {
		return nil, err
	}
	out := []Consent{}
	for _, src := range s.cfg.Consents {
		cs, err := src.Consents(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// Withdraw withdraws a's consent id for purpose in the module keeping it.
func (s *Service) Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) error {
	if err := citizen(a); err != nil {
		return err
	}
	for _, src := range s.cfg.Consents {
		ok, err := src.Withdraw(ctx, a, purpose, id)
		if err != nil || ok {
			return err
		}
	}
	return problem.NotFound("consent_not_found")
}

// Give records a's fresh consent for purpose, in the module keeping it.
func (s *Service) Give(ctx context.Context, a *auth.Actor, purpose string) error {
	if err := citizen(a); err != nil {
		return err
	}
	for _, src := range s.cfg.Consents {
		if g, ok := src.(Giver); ok {
			ok, err := g.Give(ctx, a, purpose)
			if err != nil || ok {
				return err
			}
		}
	}
	return problem.NotFound("consent_not_found")
}
