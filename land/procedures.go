package land

import (
	"context"
	"strings"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// What a land procedure does to the registry.
const (
	opSplit     = "split"    // 1.012784: Tách thửa, or Hợp thửa (merge.go)
	opTransfer  = "transfer" // 1.013831
	opChangeUse = "change_of_use"
	opReissue   = "reissue"  // 1.012783 exchange, 1.012786 re-issue after loss
	opMortgage  = "mortgage" // 1.013990 (code assumed, docs/land.md)
	opRelease   = "mortgage_release"
)

// rule is one land procedure: what it does and what forbids it.
type rule struct {
	op                    string
	noDispute, noMortgage bool
}

// Procedures are the catalog's land procedures the registry follows.
// A dispute forbids each (Land Law 2024, Articles 45 and 220); a
// registered mortgage forbids a transfer and a split without the
// creditor's consent, which motcua does not record (docs/land.md). A
// mortgage may be registered on a mortgaged parcel (Civil Code Art. 296:
// one asset may secure several obligations), not on a disputed one.
var Procedures = map[string]rule{
	"1.012784": {op: opSplit, noDispute: true, noMortgage: true},
	"1.013831": {op: opTransfer, noDispute: true, noMortgage: true},
	"1.013949": {op: opChangeUse, noDispute: true},
	"1.012783": {op: opReissue},
	"1.012786": {op: opReissue},
	"1.013990": {op: opMortgage, noDispute: true},
	"1.013991": {op: opRelease},
}

// IsLand reports whether a procedure changes the registry.
func IsLand(procedure string) bool { _, ok := Procedures[procedure]; return ok }

// parcelOf finds the parcel a land dossier names: by the certificate's
// serial when the form gives one, else by sheet and parcel number at the
// commune that received it (for a service centre, its commune). covered is false when the registry holds no
// parcel of that commune (its records are still on paper): then nothing
// is checked or changed.
func (s *Service) parcelOf(ctx context.Context, q store.Querier, d *dossier.Dossier) (p *Parcel, covered bool, err error) {
	commune, err := s.communeOf(ctx, q, d)
	if err != nil {
		return nil, false, err
	}
	if covered, err = s.Covers(ctx, q, commune); err != nil || !covered {
		return nil, covered, err
	}
	if serial := d.Form["so_phat_hanh_gcn"]; strings.TrimSpace(serial) != "" {
		p, err = s.BySerial(ctx, q, serial)
		if err == nil && p.Commune != commune {
			err = errNotFound()
		}
		if err == nil || problem.Status(err) != 404 {
			return p, true, err
		}
	}
	p, err = s.Find(ctx, q, commune, d.Form["so_to_ban_do"], d.Form["so_thua"])
	return p, true, err
}

// communeOf is the commune whose registry a dossier files in: its
// receiving unit's (Units.RecordsOf).
func (s *Service) communeOf(ctx context.Context, q store.Querier, d *dossier.Dossier) (string, error) {
	if s.cfg.Units == nil {
		return d.ReceivingUnit, nil
	}
	if q == nil {
		q = s.db
	}
	return s.cfg.Units.RecordsOf(ctx, q, d.ReceivingUnit)
}

// Check is the precondition of a land dossier: the parcel exists and is
// active, the applicant is its registered user, and no dispute or
// mortgage forbids the procedure. nil for any other dossier.
func (s *Service) Check(ctx context.Context, q store.Querier, d *dossier.Dossier) (*Parcel, error) {
	r, ok := Procedures[d.Procedure]
	if !ok {
		return nil, nil
	}
	p, covered, err := s.parcelOf(ctx, q, d)
	if !covered || err != nil {
		if err != nil && problem.Status(err) == 404 {
			return nil, problem.New(problem.ErrInvalid, "land_parcel_unknown", d.Form["so_to_ban_do"], d.Form["so_thua"])
		}
		return nil, err
	}
	switch {
	case p.Status != Active:
		return p, problem.New(problem.ErrInvalid, "land_parcel_retired", p.Sheet, p.Number)
	case !p.HeldBy(d.Applicant.IDNumber):
		return p, problem.New(problem.ErrInvalid, "land_not_holder", p.Sheet, p.Number)
	case r.noDispute && p.Dispute != "":
		return p, problem.New(problem.ErrInvalid, "land_disputed", p.Sheet, p.Number)
	case r.noMortgage && p.Mortgage != "":
		return p, problem.New(problem.ErrInvalid, "land_mortgaged", p.Sheet, p.Number)
	}
	if IsMerge(d) {
		if _, err := s.mergeParcels(ctx, q, r, p, d); err != nil {
			return p, err
		}
	}
	return p, checkMortgage(r, p, d)
}

// OnTransitioned is the listener of dossier.Transitioned (server/events.go):
// at a land dossier's submission and reception it checks the
// preconditions, refusing the act; when its result is made (processing
// to result ready, not a refusal) it changes the registry, in the same
// transaction.
func (s *Service) OnTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	if !IsLand(d.Procedure) {
		return nil
	}
	switch {
	case e.Action == dossier.SubmitAction || e.Action == dossier.Receive:
		_, err := s.Check(ctx, tx, d)
		return err
	case e.From == dossier.Processing && d.Status == dossier.ResultReady && e.Action != dossier.Refuse && !d.ResultRefused:
		return s.apply(ctx, tx, e)
	}
	return nil
}
