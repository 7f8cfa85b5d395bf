package payment

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// RequestInput is what an officer enters when asking for a fee.
type RequestInput struct {
	Pages  int    `json:"pages,omitempty"`
	Copies int    `json:"copies,omitempty"`
	Exempt string `json:"exempt,omitempty"`
	Note   string `json:"note,omitempty"`
}

// MaxCount bounds pages and copies (a typo of 20000 pages is caught).
const MaxCount = 10000

// MayRequest reports whether officer a may ask for d's fee: the receiving
// desk (reception), or whoever processes the dossier at its current unit.
func MayRequest(a *auth.Actor, d *dossier.Dossier) bool {
	return a.HoldsAt(d.ReceivingUnitID(), auth.Reception) || a.HoldsAt(d.UnitID(), auth.Specialist, auth.Leader, auth.Clerk)
}

// MayRefund reports whether officer a may record a refund of d's fee: a
// leader of the receiving or the processing unit.
func MayRefund(a *auth.Actor, d *dossier.Dossier) bool {
	return a.HoldsAt(d.ReceivingUnitID(), auth.Leader) || a.HoldsAt(d.UnitID(), auth.Leader)
}

func (s *Service) dossierFor(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, catalog.Procedure, error) {
	if err := needActor(a); err != nil {
		return nil, catalog.Procedure{}, err
	}
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, catalog.Procedure{}, err
	}
	p, err := s.dossiers.ProcedureFor(ctx, d)
	return d, p, err
}

// checkCounts bounds in's counts; counts left at 0 take what the
// applicant declared on the e-form (CountsFromForm).
func checkCounts(d *dossier.Dossier, p catalog.Procedure, in *RequestInput) error {
	pages, copies := CountsFromForm(d.Form)
	if in.Pages == 0 {
		in.Pages = min(pages, MaxCount)
	}
	if in.Copies == 0 {
		in.Copies = min(copies, MaxCount)
	}
	switch {
	case in.Pages < 0 || in.Pages > MaxCount:
		return problem.Invalid("pages", "invalid_pages")
	case in.Copies < 0 || in.Copies > MaxCount:
		return problem.Invalid("copies", "invalid_copies")
	}
	in.Exempt = strings.TrimSpace(in.Exempt)
	if in.Exempt != "" && exemptMatch(ExemptGroups(p), in.Exempt) == "" {
		return problem.Invalid("exempt", "invalid_exempt")
	}
	return nil
}

// Request asks the applicant of dossier code for its fee, computed from
// the procedure version the dossier was filed under and in's counts. A
// request the applicant has not started yet is amended instead; while an
// order is at the gateway, nothing can be asked.
func (s *Service) Request(ctx context.Context, a *auth.Actor, code string, in RequestInput) (*Payment, error) {
	d, p, err := s.dossierFor(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() || !MayRequest(a, d) {
		return nil, problem.New(problem.ErrNotPermitted, "payment_not_permitted")
	}
	if d.Status.Final() {
		return nil, problem.New(problem.ErrState, "dossier_closed")
	}
	if err := checkCounts(d, p, &in); err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 2000 {
		return nil, problem.Invalid("note", "note_too_long.payment")
	}
	lines, total := ComputeFee(p, in.Pages, in.Copies, in.Exempt)
	if total <= 0 {
		return nil, problem.Invalid("exempt", "no_fee")
	}
	linesJSON, err := json.Marshal(lines)
	if err != nil {
		return nil, err
	}
	unitName := s.unitName(ctx, d)
	var out *Payment
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.cfg.Now()
		ps, err := s.ofDossiers(ctx, tx, d.Code)
		if err != nil {
			return err
		}
		if last := lastOf(ps); last != nil && last.State == Requested {
			ok, err := change(ctx, tx, s.cfg.Events, last, Request, refAt(a, d), now, in.Note,
				map[string]any{"amount": total, "lines": string(linesJSON), "requested_by": a.ID})
			if err != nil {
				return err
			}
			if !ok {
				return problem.Conflict("payment_changed.request")
			}
			out = last
		} else {
			if last != nil && last.State == Pending {
				if !s.stale(last) {
					return problem.New(problem.ErrState, "payment_in_progress")
				}
				if _, err := change(ctx, tx, s.cfg.Events, last, Expire, s.atUnit(ctx, tx, systemRef, last), now, "", nil); err != nil {
					return err
				}
			}
			ref, err := s.newRef(ctx, tx)
			if err != nil {
				return err
			}
			var id int64
			err = tx.QueryRowContext(ctx, `INSERT INTO payments (ref, dossier_code, unit_code, unit_name, state, amount, lines,
				payer_name, requested_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				ref, d.Code, d.ReceivingUnit, unitName, string(Requested), total, string(linesJSON), d.Applicant.Name,
				a.ID, now.UnixMilli(), now.UnixMilli()).Scan(&id)
			if err != nil {
				return err
			}
			if err := appendEvent(ctx, tx, s.cfg.Events, id, ref, now, refAt(a, d), Request, None, Requested, in.Note); err != nil {
				return err
			}
			if out, err = s.byRef(ctx, tx, ref); err != nil {
				return err
			}
		}
		out.Lines, out.Amount = lines, total
		out.decorate()
		if s.cfg.OnFeeRequested != nil {
			return s.cfg.OnFeeRequested(ctx, tx, d, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, out.Ref)
}

// unitName is the receiving unit's name as the receipt will show it.
func (s *Service) unitName(ctx context.Context, d *dossier.Dossier) string {
	if d.ReceivingUnit == d.Unit {
		return d.UnitName
	}
	if u, err := s.units.ByCode(ctx, d.ReceivingUnit); err == nil {
		return u.Name
	}
	return d.ReceivingUnit
}

func lastOf(ps []*Payment) *Payment {
	if len(ps) == 0 {
		return nil
	}
	return ps[len(ps)-1]
}

// Get returns one payment with its history, if a may see its dossier.
func (s *Service) Get(ctx context.Context, a *auth.Actor, ref string) (*Payment, error) {
	if err := needActor(a); err != nil {
		return nil, err
	}
	p, err := s.byRef(ctx, s.db, ref)
	if err != nil {
		return nil, err
	}
	if _, err := s.dossiers.Get(ctx, a, p.Dossier); err != nil {
		return nil, errNoPayment // do not reveal the reference exists
	}
	if s.stale(p) {
		if err := s.expire(ctx, p); err != nil {
			return nil, err
		}
	}
	if p.History, err = s.history(ctx, p.id); err != nil {
		return nil, err
	}
	return p, nil
}

// Refund records that a paid fee was paid back, with the reason.
func (s *Service) Refund(ctx context.Context, a *auth.Actor, ref, note string) (*Payment, error) {
	p, err := s.Get(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	d, err := s.dossiers.Get(ctx, a, p.Dossier)
	if err != nil {
		return nil, err
	}
	if !MayRefund(a, d) {
		return nil, problem.New(problem.ErrNotPermitted, "payment_not_permitted.refund")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, problem.Invalid("note", "note_required.refund")
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		ok, err := change(ctx, tx, s.cfg.Events, p, Refund, refAt(a, d), s.cfg.Now(), note, nil)
		if err == nil && !ok {
			err = problem.New(problem.ErrState, "invalid_transition.refund", problem.Key("payment.state."+string(p.State)))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, ref)
}
