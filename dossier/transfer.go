package dossier

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Reception regardless of administrative boundaries (phi địa giới).
//
// Decree 118/2025/NĐ-CP (in force 01/07/2025) defines carrying out a
// procedure "không phụ thuộc vào địa giới hành chính" as letting the
// applicant file and collect the result online, by public post or at any
// one-stop desk, whatever the level of government, the place of residence
// or the place that issued their papers; the provincial and commune
// Public Administration Service Centres receive, within the province, the
// procedures of the provincial and commune People's Committees on the list
// the Chairman of the provincial People's Committee publishes. The desk
// that receives checks the dossier as its own, receives it on behalf of
// the competent unit, transfers it there and, if the applicant so chose,
// hands the result back. Our notes (shared domain regulations.md §0) mark
// the article numbers [V2]: they are not cited here until checked against
// the official text.
//
// The transfer time is the procedure's list entry's
// (catalog.Boundless.TransferTime): by default the one-stop rule for
// hand-offs, the same working day or the next one when received after
// 15:00 (Decree 61/2018 art. 19, carried into Decree 118). The receiving
// desk answers for it: it is judged like any deadline, by the calendar's
// one lateness rule (calendar.Calendar.Judge), and shown on form 06. The
// appointment on form 01 is the competent unit's processing time counted
// from the end of the transfer time, so the applicant is never promised a
// day the competent unit's own time limit does not allow.

// Where the applicant collects the result of a transferred dossier.
const (
	ReturnReceiving = "receiving"
	ReturnCompetent = "competent"
)

// competentFor checks a reception for another unit of the province: the
// procedure must be on the province's list (catalog.Procedure.Boundless),
// the competent unit active, in the receiving desk's province and at a
// level the procedure is carried out at. It returns the competent unit,
// or a zero Unit when the dossier is the receiving unit's own (no
// competent unit named, the receiving unit itself or one above it).
func (s *Service) competentFor(ctx context.Context, p catalog.Procedure, desk unit.Unit, code, returnAt string) (unit.Unit, bool, error) {
	if returnAt != "" && returnAt != ReturnReceiving && returnAt != ReturnCompetent {
		return unit.Unit{}, false, problem.Invalid("return_at", "invalid_return_at")
	}
	if code == "" || code == desk.Code {
		return unit.Unit{}, false, nil
	}
	cu, err := s.units.ByCode(ctx, code)
	if err != nil {
		return unit.Unit{}, false, problem.Invalid("competent_unit", "unit_not_found.competent", code)
	}
	if !cu.Active {
		return unit.Unit{}, false, problem.Invalid("competent_unit", "unit_inactive", cu.Name, cu.MergedInto)
	}
	if cu.Kind != unit.Committee {
		// A service centre receives for its commune; a branch or agency
		// decides no dossier filed with it: the competent unit is a committee.
		return unit.Unit{}, false, problem.Invalid("competent_unit", "procedure_not_at_unit", cu.Name)
	}
	deskChain, err := s.units.Chain(ctx, s.db, desk.ID)
	if err != nil {
		return unit.Unit{}, false, err
	}
	if slices.Contains(deskChain, cu.ID) {
		return unit.Unit{}, false, nil // the desk's own unit or one above it: not another area
	}
	chain, err := s.units.Chain(ctx, s.db, cu.ID)
	if err != nil {
		return unit.Unit{}, false, err
	}
	if len(chain) == 0 || len(deskChain) == 0 || chain[len(chain)-1] != deskChain[len(deskChain)-1] {
		return unit.Unit{}, false, problem.Invalid("competent_unit", "competent_outside_province", cu.Name)
	}
	if p.Boundless == nil {
		return unit.Unit{}, false, problem.Invalid("competent_unit", "boundless_not_allowed", p.Name)
	}
	if !contains(p.Levels, cu.Level) {
		return unit.Unit{}, false, problem.Invalid("competent_unit", "procedure_not_at_unit", cu.Name)
	}
	return cu, returnAt == ReturnCompetent, nil
}

// root is the unit whose chain processes the dossier: the competent unit
// of a dossier received elsewhere, else the receiving unit.
func (d *Dossier) root() int64 {
	if d.competentID != 0 {
		return d.competentID
	}
	return d.receivingID
}

// stepUnit is the unit that does step i of p for d, as the organisation
// stands now (unit.Store.ForStep): after a reorganisation an open dossier
// continues at the unit the new chart makes competent.
func (s *Service) stepUnit(ctx context.Context, q store.Querier, d *Dossier, p catalog.Procedure, i int) (unit.Unit, error) {
	st := p.Steps[i]
	return s.units.ForStep(ctx, q, d.root(), unit.Step{Level: st.Level, Kind: st.Kind, Procedure: p.Code}, s.cfg.Now())
}

// where says whether the dossier was received for another unit.
func (d *Dossier) where() Where {
	if d.competentID != 0 {
		return Elsewhere
	}
	return Here
}

// returnDesk is the desk the result goes back to: the receiving desk, or
// the competent unit's when the applicant chose to collect it there.
func (d *Dossier) returnDesk() int64 {
	if d.competentID != 0 && d.returnCompetent {
		return d.competentID
	}
	return d.receivingID
}

// deskFor is the desk whose officers take an at-receiving action from a
// state: the return desk for the result, the receiving desk otherwise.
func (d *Dossier) deskFor(from State) int64 {
	if from == ResultReady {
		return d.returnDesk()
	}
	return d.receivingID
}

// receiveElsewhere is a reception on behalf of the competent unit: the
// transfer deadline, and the appointment counted from its end.
func (s *Service) receiveElsewhere(c *change, p catalog.Procedure, now time.Time) (time.Time, error) {
	tt := p.Boundless.TransferTime()
	transferDue, err := s.cal.Due(now, tt.Unit, tt.Value)
	if err != nil {
		return time.Time{}, fmt.Errorf("dossier: transfer time of %s: %w", p.Code, err)
	}
	due, err := s.cal.Due(transferDue, p.Time.Unit, p.Time.Value)
	if err != nil {
		return time.Time{}, fmt.Errorf("dossier: due for %s: %w", p.Code, err)
	}
	c.set("received_at", now.UnixMilli())
	c.set("due_at", due.UnixMilli())
	c.set("transfer_due_at", transferDue.UnixMilli())
	return due, nil
}

// transfer hands the dossier to the competent unit's first processing step.
func (s *Service) transfer(ctx context.Context, tx *store.Tx, c *change, d *Dossier, p catalog.Procedure, assignee string, now time.Time) (int, int64, error) {
	step := firstWorkStep(p)
	u, err := s.stepUnit(ctx, tx, d, p, step)
	if err != nil {
		return 0, 0, err
	}
	if err := s.assign(ctx, tx, c, assignee, p.Steps[step].Role, u.ID); err != nil {
		return 0, 0, err
	}
	c.set("step_started_at", now.UnixMilli())
	c.set("transferred_at", now.UnixMilli())
	return step, u.ID, nil
}
