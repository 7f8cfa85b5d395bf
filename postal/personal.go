package postal

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// PersonalData is what postal's tables hold about the citizen's dossiers
// codes (Law 91/2025, the right of access): the delivery addresses given,
// the shipments of results and their tracking events.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error) {
	out := map[string]any{"addresses": []store.Record{}, "shipments": []store.Record{}, "events": []store.Record{}}
	if len(codes) == 0 {
		return out, nil
	}
	in, args := store.Placeholders(len(codes)), make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	var err error
	if out["addresses"], err = store.Records(ctx, s.db, `SELECT dossier_code, province_code, commune_code, detail, updated_at
		FROM dossier_addresses WHERE dossier_code IN (`+in+`) ORDER BY dossier_code`, args...); err != nil {
		return nil, err
	}
	if out["shipments"], err = store.Records(ctx, s.db, `SELECT dossier_code, reference, item_code, service, cod_amount, receiver_name,
		receiver_phone, receiver_address, created_by_name, created_at, handed_over_at, cancelled_at
		FROM postal_shipments WHERE dossier_code IN (`+in+`) ORDER BY id`, args...); err != nil {
		return nil, err
	}
	if out["events"], err = store.Records(ctx, s.db, `SELECT s.reference, e.status, e.provider_name, e.at, e.location, e.note
		FROM postal_events e JOIN postal_shipments s ON s.id = e.shipment_id WHERE s.dossier_code IN (`+in+`) ORDER BY e.id`, args...); err != nil {
		return nil, err
	}
	return out, nil
}
