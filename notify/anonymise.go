package notify

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised empties the messages sent about a dossier whose
// retention ended (dossier.Anonymised): their address, subject, text and
// link held the applicant's contacts and name. The rows stay, counted.
// A citizen's preferences belong to the account, which stays.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	for _, q := range []string{
		"-UPDATE notify_outbox SET recipient = '', subject = '', body = '', link = '' WHERE dossier_id = ?",
	} {
		if _, err := tx.ExecContext(ctx, q[1:], e.DossierID); err != nil {
			return err
		}
	}
	return nil
}
