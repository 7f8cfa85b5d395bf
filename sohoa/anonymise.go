package sohoa

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised removes the holder of the papers digitised from a
// dossier whose retention ended (dossier.Anonymised), and who reused them;
// the papers' codes and kinds stay, counted by the digitisation figures.
// Their files go with the dossier's (dossier.CollectBlobs).
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-UPDATE sohoa_papers SET holder_id_number = '', holder_name = '', holder_user_id = NULL, name = '', search = dossier_code WHERE dossier_id = ?",
		"-UPDATE sohoa_reuses SET by_name = '' WHERE dossier_id = ?",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.DossierID); err != nil {
			return err
		}
	}
	return nil
}
