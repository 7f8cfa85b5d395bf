package land

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// A parcel's pending mortgages are kept in its mortgage column, one a
// line, oldest (first in rank) first: "creditor (hợp đồng số N)". A parcel
// may secure several obligations (Civil Code Art. 296), so a second
// registration is added after the first; a release removes the line of
// its contract. An imported mortgage is whatever text the import gave.

// mortgageLine is what a registration adds to the column.
func mortgageLine(creditor, contract string) string {
	return oneLine(creditor) + " (hợp đồng số " + oneLine(contract) + ")"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// mortgageLines splits the column.
func mortgageLines(m string) []string {
	var out []string
	for _, l := range strings.Split(m, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// mortgageOf is the index of the line naming contract, -1 when none does.
// An imported line is matched when the contract number appears in it.
func mortgageOf(m, contract string) int {
	c := strings.ToUpper(oneLine(contract))
	if c == "" {
		return -1
	}
	for i, l := range mortgageLines(m) {
		u := strings.ToUpper(l)
		if strings.HasSuffix(u, "(HỢP ĐỒNG SỐ "+c+")") || (!strings.Contains(u, "(HỢP ĐỒNG SỐ ") && strings.Contains(u, c)) {
			return i
		}
	}
	return -1
}

// checkMortgage is the part of Check particular to the mortgage
// procedures: a contract registered once, a release of a mortgage the
// parcel has.
func checkMortgage(r rule, p *Parcel, d *dossier.Dossier) error {
	contract := d.Form["so_hop_dong_the_chap"]
	switch {
	case r.op == opMortgage && mortgageOf(p.Mortgage, contract) >= 0:
		return problem.New(problem.ErrInvalid, "land_mortgage_exists", oneLine(contract), p.Sheet, p.Number)
	case r.op == opRelease && p.Mortgage == "":
		return problem.New(problem.ErrInvalid, "land_not_mortgaged", p.Sheet, p.Number)
	case r.op == opRelease && mortgageOf(p.Mortgage, contract) < 0:
		return problem.New(problem.ErrInvalid, "land_mortgage_unknown", oneLine(contract), p.Sheet, p.Number)
	}
	return nil
}

// mortgage registers the form's creditor and contract on the parcel,
// after any mortgage it already has.
func (s *Service) mortgage(ctx context.Context, tx *store.Tx, p *Parcel, e dossier.Transitioned) error {
	d := e.Dossier
	creditor, contract := oneLine(d.Form["ben_nhan_the_chap"]), oneLine(d.Form["so_hop_dong_the_chap"])
	if creditor == "" || contract == "" {
		return problem.Invalid("form.ben_nhan_the_chap", "land_mortgage_form")
	}
	lines := append(mortgageLines(p.Mortgage), mortgageLine(creditor, contract))
	if _, err := tx.ExecContext(ctx, `UPDATE land_parcels SET mortgage = ? WHERE id = ?`, strings.Join(lines, "\n"), p.ID); err != nil {
		return err
	}
	detail := map[string]any{"creditor": creditor, "contract": contract, "contract_date": d.Form["ngay_hop_dong"], "rank": len(lines)}
	if err := s.record(ctx, tx, p.ID, KindMortgage, d.Code, e.ActorName, detail, e.At); err != nil {
		return err
	}
	return s.resultSecurity(ctx, tx, e, "land_mortgage_registered", p)
}

// releaseMortgage removes the line of the form's contract.
func (s *Service) releaseMortgage(ctx context.Context, tx *store.Tx, p *Parcel, e dossier.Transitioned) error {
	d := e.Dossier
	i := mortgageOf(p.Mortgage, d.Form["so_hop_dong_the_chap"])
	if i < 0 { // Check found it; the parcel cannot have changed within the transaction
		return problem.New(problem.ErrInvalid, "land_mortgage_unknown", oneLine(d.Form["so_hop_dong_the_chap"]), p.Sheet, p.Number)
	}
	lines := mortgageLines(p.Mortgage)
	released := lines[i]
	lines = append(lines[:i], lines[i+1:]...)
	if _, err := tx.ExecContext(ctx, `UPDATE land_parcels SET mortgage = ? WHERE id = ?`, strings.Join(lines, "\n"), p.ID); err != nil {
		return err
	}
	detail := map[string]any{"released": released, "contract": oneLine(d.Form["so_hop_dong_the_chap"]), "ground": d.Form["can_cu_xoa"], "remaining": len(lines)}
	if err := s.record(ctx, tx, p.ID, KindMortgageRelease, d.Code, e.ActorName, detail, e.At); err != nil {
		return err
	}
	return s.resultSecurity(ctx, tx, e, "land_mortgage_released", p)
}

// resultSecurity records a registry act made by a dossier's result for the
// audit log, its actor the one who made the result.
func (s *Service) resultSecurity(ctx context.Context, tx *store.Tx, e dossier.Transitioned, action string, p *Parcel) error {
	if s.cfg.Bus == nil {
		return nil
	}
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName,
		Action: action, Object: "land:" + p.Key(), Details: fmt.Sprintf(`{"dossier":%q}`, e.Dossier.Code)})
}

// MortgageLines are a parcel's pending mortgages, oldest first.
func MortgageLines(mortgage string) []string { return mortgageLines(mortgage) }

// Mortgages are the parcel's pending mortgages, oldest first.
func (p *Parcel) Mortgages() []string { return mortgageLines(p.Mortgage) }
