package catalog

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// FeeConfirmation is an admin's confirmation that the fees of a version
// are the amounts the provincial People's Council set, replacing the
// typical (indicative) amounts the shipped catalog carries.
type FeeConfirmation struct {
	// By is the admin's username, ByID their account id.
	By   string    `json:"by"`
	ByID int64     `json:"by_id"`
	At   time.Time `json:"at"`
}

// HasTypicalFees reports whether any fee is still only indicative: the
// catalog page and form 01 then say "mức thu tham khảo, chờ đơn vị xác nhận".
func (p Procedure) HasTypicalFees() bool {
	for _, f := range p.Fees {
		if f.Typical {
			return true
		}
	}
	return false
}

// ConfirmFees publishes, as a new version in force from today, the
// version in force with its typical fees confirmed at the amounts given
// (amounts[i] for fee i; a fee that is not typical keeps its amount and
// needs none), recording who confirmed them and when. It takes the same
// right as Edit and leaves the same audit row, with its own action.
func (s *Store) ConfirmFees(ctx context.Context, a *auth.Actor, code string, amounts map[int]int64) (Procedure, error) {
	if a == nil {
		return Procedure{}, problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	cur, err := s.Get(ctx, code)
	if err != nil {
		return Procedure{}, err
	}
	// The right first: whoever may not edit learns nothing of the fees.
	if err := s.mayEdit(ctx, a, cur.Unit); err != nil {
		return Procedure{}, err
	}
	if !cur.HasTypicalFees() {
		return Procedure{}, problem.New(problem.ErrState, "fees_already_confirmed")
	}
	p := cur
	p.Fees = append([]Fee(nil), cur.Fees...)
	for i := range p.Fees {
		if !p.Fees[i].Typical {
			continue
		}
		amt, ok := amounts[i]
		if !ok {
			return Procedure{}, problem.Invalid("amount", "fee_amount_required", p.Fees[i].Name)
		}
		if amt < 0 {
			return Procedure{}, problem.Invalid("amount", "fee_amount_negative", p.Fees[i].Name)
		}
		p.Fees[i].Amount, p.Fees[i].Typical = amt, false
	}
	p.EffectiveFrom = ""
	p.FeeConfirmation = &FeeConfirmation{By: a.Username, ByID: a.ID, At: s.cfg.Now().UTC().Truncate(time.Second)}
	return s.edit(ctx, a, p, "procedure_fees_confirmed")
}
