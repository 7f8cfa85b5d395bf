// Package dancu owns once-only data from the national population
// database (Cơ sở dữ liệu quốc gia về dân cư): looking a person up by
// their personal ID number (name, date of birth, sex, permanent and
// current residence) to prefill an online application or to let
// reception verify an applicant, always under a consent recorded first
// (Law 91/2025 on personal data protection), and the record of every
// lookup the person can read. Lookups are reads: nothing outside changes,
// so there is no outbox; they time out quickly and the pages fall back to
// typing. It owns dancu_consents and dancu_lookups. The service's wire
// format is assumed (wire.go); package dancusim speaks it.
package dancu

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Person is what the register says about someone.
type Person struct {
	IDNumber, FullName string
	BirthDate          string // YYYY-MM-DD
	Sex                string // "nam", "nu" or "" when not given
	Permanent, Current string // thường trú, nơi ở hiện tại
}

// Purposes of a lookup.
const (
	// PurposePrefill: a citizen fills their own online application.
	PurposePrefill = "prefill"
	// PurposeVerify: the officer at reception checks the applicant.
	PurposeVerify = "verify"
)

// Request is one lookup asked for by a page.
type Request struct {
	IDNumber string
	Purpose  string
	// DraftID (prefill) or DossierCode (verify) the lookup is for.
	DraftID     int64
	DossierCode string
	// Consent: the person consented (the citizen ticked the box, or the
	// officer confirms the applicant consented at the counter).
	Consent bool
}

// Query is what the register is asked.
type Query struct {
	IDNumber, Purpose, Requester string
	ConsentID                    int64
}

// Register finds people (a *Client, or a fake in tests).
type Register interface {
	Find(ctx context.Context, q Query) (Person, error)
}

// Dossiers lets the service check an officer may read the dossier whose
// applicant they look up (*dossier.Service).
type Dossiers interface {
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
}

// Config builds a Service.
type Config struct {
	// Register is the population database; nil: lookups are off and the
	// pages say so.
	Register Register
	Dossiers Dossiers
	Now      func() time.Time
	Bus      *event.Bus
	// Timeout bounds one lookup (default 4 s): the citizen is waiting,
	// and typing is always possible.
	Timeout time.Duration
	// PerHour caps the lookups one account asks for in an hour (default
	// 30): a receptionist could otherwise walk through ID numbers by
	// registering dossiers for them. A real desk needs a handful.
	PerHour int
}

// Service records consents and lookups and asks the register.
type Service struct {
	db  *store.DB
	cfg Config
}

// New returns a Service.
func New(db *store.DB, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 4 * time.Second
	}
	if cfg.PerHour == 0 {
		cfg.PerHour = 30
	}
	return &Service{db: db, cfg: cfg}
}

// Enabled reports whether a register is connected.
func (s *Service) Enabled() bool { return s != nil && s.cfg.Register != nil }

var idNumberRE = regexp.MustCompile(`^[0-9]{12}$`)

// Lookup records the consent, asks the register under it and records the
// lookup with its outcome. A citizen may look up only the identity VNeID
// verified for them; an officer only the applicant of a dossier they may
// read, at its receiving unit's reception. Not found is problem "dancu_not_found"; a failure or a timeout
// "dancu_unavailable" (the page then asks to type the data).
func (s *Service) Lookup(ctx context.Context, a *auth.Actor, r Request) (*Person, error) {
	if !s.Enabled() {
		return nil, problem.New(problem.ErrUnavailable, "dancu_off")
	}
	if !r.Consent {
		return nil, problem.Invalid("consent", "dancu_consent_required")
	}
	if !idNumberRE.MatchString(r.IDNumber) {
		return nil, problem.Invalid("id_number", "dancu_id_number")
	}
	switch {
	case a.IsCitizen():
		if a.Verified == nil || a.Verified.IDNumber != r.IDNumber {
			return nil, problem.Forbidden("dancu_own_only")
		}
		r.Purpose, r.DossierCode = PurposePrefill, ""
	default:
		if r.DossierCode == "" {
			return nil, problem.Forbidden("dancu_dossier_only")
		}
		d, err := s.cfg.Dossiers.Get(ctx, a, r.DossierCode)
		if err != nil {
			return nil, err
		}
		if d.Applicant.IDNumber != r.IDNumber {
			return nil, problem.Forbidden("dancu_dossier_only")
		}
		if !a.HoldsAt(d.ReceivingUnitID(), auth.Reception) {
			return nil, problem.Forbidden("dancu_reception_only")
		}
		r.Purpose, r.DraftID = PurposeVerify, 0
	}
	// The consent is committed before the register is asked: no lookup
	// exists without one, even if motcua stops in between.
	var consent int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// Consents, not lookups, are counted: one is written for every
		// attempt that reaches the register, answered or not.
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dancu_consents WHERE user_id = ? AND given_at > ?`,
			a.ID, s.cfg.Now().Add(-time.Hour).UnixMilli()).Scan(&recent); err != nil {
			return err
		}
		if recent >= s.cfg.PerHour {
			return problem.New(problem.ErrTooMany, "dancu_too_many")
		}
		return tx.QueryRowContext(ctx, `INSERT INTO dancu_consents (user_id, user_name, user_kind, id_number, purpose, draft_id, dossier_code, given_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.ID, a.Username, a.Kind, r.IDNumber, r.Purpose, r.DraftID, r.DossierCode,
			s.cfg.Now().UnixMilli()).Scan(&consent)
	})
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	p, ferr := s.cfg.Register.Find(cctx, Query{IDNumber: r.IDNumber, Purpose: r.Purpose, Requester: a.Username, ConsentID: consent})
	cancel()
	outcome := "found"
	switch {
	case errors.Is(ferr, errNotFound):
		outcome = "not_found"
	case ferr != nil:
		outcome = "unavailable"
	}
	// Recorded even when the request was cancelled: the register may have
	// answered.
	wctx := context.WithoutCancel(ctx)
	err = s.db.InTx(wctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(wctx, `INSERT INTO dancu_lookups (consent_id, actor_id, actor_name, actor_kind, id_number, purpose, draft_id, dossier_code, outcome, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, consent, a.ID, a.Username, a.Kind, r.IDNumber, r.Purpose, r.DraftID, r.DossierCode,
			outcome, s.cfg.Now().UnixMilli()); err != nil {
			return err
		}
		obj := "draft:" + strconv.FormatInt(r.DraftID, 10)
		if r.DossierCode != "" {
			obj = "dossier:" + r.DossierCode
		}
		return event.Publish(wctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
			Action: "population_lookup", Object: obj, Details: r.Purpose + " " + outcome})
	})
	if err != nil {
		return nil, err
	}
	switch outcome {
	case "not_found":
		return nil, problem.NotFound("dancu_not_found")
	case "unavailable":
		return nil, problem.New(problem.ErrUnavailable, "dancu_unavailable")
	}
	return &p, nil
}

// Record is one lookup as its subject reads it.
type Record struct {
	At          time.Time
	ActorName   string
	ActorKind   string
	Purpose     string
	DraftID     int64
	DossierCode string
	Outcome     string
}

// About lists, newest first, the lookups of the person behind a citizen
// account: of the ID number VNeID verified for it (by anyone, officers
// too), and those the account made itself; at most 200.
func (s *Service) About(ctx context.Context, a *auth.Actor) ([]Record, error) {
	idn := "-"
	if a.Verified != nil {
		idn = a.Verified.IDNumber
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, actor_name, actor_kind, purpose, draft_id, dossier_code, outcome FROM dancu_lookups
		WHERE id_number = ? OR actor_id = ? ORDER BY at DESC, id DESC LIMIT 200`, idn, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var at int64
		if err := rows.Scan(&at, &r.ActorName, &r.ActorKind, &r.Purpose, &r.DraftID, &r.DossierCode, &r.Outcome); err != nil {
			return nil, err
		}
		r.At = time.UnixMilli(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Compare sets, for each field the applicant gave, whether the register
// agrees: what reception shows the officer.
func Compare(app dossier.Applicant, p *Person) []Field {
	out := []Field{
		{Key: "name", Given: app.Name, Register: p.FullName, Match: sameText(app.Name, p.FullName)},
		{Key: "id_number", Given: app.IDNumber, Register: p.IDNumber, Match: app.IDNumber == p.IDNumber},
	}
	if app.BirthDate != "" {
		out = append(out, Field{Key: "birth_date", Given: app.BirthDate, Register: p.BirthDate, Match: app.BirthDate == p.BirthDate})
	}
	out = append(out, Field{Key: "permanent", Given: app.Address, Register: p.Permanent, Match: app.Address == "" || sameText(app.Address, p.Permanent) || sameText(app.Address, p.Current)},
		Field{Key: "current", Register: p.Current, Match: true})
	return out
}

// Field is one line of the comparison.
type Field struct {
	Key, Given, Register string
	Match                bool
}
