package postal

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised removes the delivery address of a dossier whose
// retention ended (dossier.Anonymised) and the receiver of its shipments;
// the shipments' codes, states and provinces stay for the statistics.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-DELETE FROM dossier_addresses WHERE dossier_code = ?",
		"-UPDATE postal_shipments SET receiver_name = '', receiver_phone = '', detail = '', receiver_address = '' WHERE dossier_code = ?",
		"-UPDATE postal_events SET note = '', location = '' WHERE shipment_id IN (SELECT id FROM postal_shipments WHERE dossier_code = ?)",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.Code); err != nil {
			return err
		}
	}
	return nil
}
