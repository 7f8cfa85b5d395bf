package payment

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// Receipt is the electronic fee receipt (biên lai điện tử, Decree
// 123/2020) of a confirmed payment: issued by the collecting unit, with
// its series and number, the payer, the amount in figures and words, and
// the gateway's transaction number.
type Receipt struct {
	Payment *Payment
	Dossier *dossier.Dossier
}

// Receipt returns the receipt of payment ref of dossier code, for whoever
// may see the dossier. A payment not confirmed has none; a refunded one
// keeps its receipt, which then says so.
func (s *Service) Receipt(ctx context.Context, a *auth.Actor, code, ref string) (*Receipt, error) {
	p, err := s.Get(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	if p.Dossier != code {
		return nil, errNoPayment
	}
	if p.ReceiptNo == "" {
		return nil, problem.New(problem.ErrState, "receipt_not_issued")
	}
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return &Receipt{Payment: p, Dossier: d}, nil
}
