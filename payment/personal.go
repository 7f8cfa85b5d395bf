package payment

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// PersonalData is what payment's tables hold about the citizen's dossiers
// codes (Law 91/2025, the right of access): each fee request with its
// history. The gateway's raw callbacks are left out: they name the
// merchant, not the person.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error) {
	out := map[string]any{"payments": []store.Record{}, "events": []store.Record{}}
	if len(codes) == 0 {
		return out, nil
	}
	in, args := store.Placeholders(len(codes)), make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	ps, err := store.Records(ctx, s.db, `SELECT ref, dossier_code, unit_code, unit_name, state, gateway, amount, lines, payer_name,
		created_at, started_at, expires_at, paid_at, gateway_txn, bank_code, receipt_series, receipt_no
		FROM payments WHERE dossier_code IN (`+in+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	ev, err := store.Records(ctx, s.db, `SELECT p.ref, e.at, e.actor_name, e.action, e.from_state, e.to_state, e.note
		FROM payment_events e JOIN payments p ON p.id = e.payment_id WHERE p.dossier_code IN (`+in+`) ORDER BY e.id`, args...)
	if err != nil {
		return nil, err
	}
	out["payments"], out["events"] = ps, ev
	return out, nil
}
