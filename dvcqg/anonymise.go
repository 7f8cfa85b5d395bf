package dvcqg

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised empties the records sent to the national portal
// about a dossier whose retention ended (dossier.Anonymised): their payload
// carried the applicant's data. Their states and times stay.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-UPDATE dvcqg_outbox SET payload = '{}' WHERE dossier_id = ?",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.DossierID); err != nil {
			return err
		}
	}
	return nil
}
