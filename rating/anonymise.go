package rating

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised empties the comment of a dossier's rating once its
// retention ended (dossier.Anonymised); the score stays for the figures.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-UPDATE ratings SET comment = '' WHERE dossier_id = ?",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.DossierID); err != nil {
			return err
		}
	}
	return nil
}
