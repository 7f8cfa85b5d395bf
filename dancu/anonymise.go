package dancu

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised removes the identity numbers and names of the
// population-database lookups and consents made for a dossier whose
// retention ended (dossier.Anonymised); that a lookup was made, by which
// officer and with what outcome stays.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-UPDATE dancu_consents SET id_number = '', user_name = '' WHERE dossier_code = ?",
		"-UPDATE dancu_lookups SET id_number = '' WHERE dossier_code = ?",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.Code); err != nil {
			return err
		}
	}
	return nil
}
