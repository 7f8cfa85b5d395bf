package land

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// CounterFill is what the registry fills into a land procedure's form at
// the counter (office's counter form): the parcel named by its sheet and
// number, or by its certificate's serial, in the registry of the commune
// the desk at unitCode files in (a service centre files for its commune).
// The caller has checked that a receives at unitCode. The desk reads that
// commune's parcels as the submission's precondition check does, since it
// enters that commune's land dossiers; a parcel of another commune is
// read only where a holds land.read, else it is not found. The user's
// name is filled only when applicantID is a current user's: the desk
// learns no one's name it was not told. holder reports whether it is.
func (s *Service) CounterFill(ctx context.Context, a *auth.Actor, unitCode, sheet, number, serial, applicantID string) (fill map[string]string, holder bool, err error) {
	var p *Parcel
	commune, err := s.RecordsOf(ctx, unitCode)
	if err != nil {
		return nil, false, err
	}
	switch {
	case strings.TrimSpace(serial) != "":
		p, err = s.BySerial(ctx, nil, serial)
	case strings.TrimSpace(sheet) != "" && strings.TrimSpace(number) != "":
		p, err = s.Find(ctx, nil, commune, sheet, number)
	default:
		return nil, false, problem.Invalid("land_sheet", "land_counter_key")
	}
	// Reach first: a parcel out of reach is not found, retired or not.
	if err == nil && p.Commune != commune && s.entitled(ctx, a, p.Commune) != nil {
		err = errNotFound()
	}
	if err == nil && p.Status != Active {
		err = problem.New(problem.ErrInvalid, "land_parcel_retired", p.Sheet, p.Number)
	}
	if err != nil {
		return nil, false, err
	}
	h := p.Holder(strings.TrimSpace(applicantID))
	return Prefill(p, h), h.IDNumber != "", nil
}
