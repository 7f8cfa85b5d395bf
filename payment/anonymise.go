package payment

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised removes the payer's name from a dossier's fees
// once its retention ended (dossier.Anonymised); amounts, states, receipts'
// numbers and the gateway's references stay for the accounts.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-UPDATE payments SET payer_name = '' WHERE dossier_code = ?",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.Code); err != nil {
			return err
		}
	}
	return nil
}
