package document

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised unlinks the result file of a dossier whose retention
// ended (dossier.Anonymised): the file row is gone. The issued decision
// itself stays in the register under its number: it names only the
// dossier's code and procedure (Service.OnTransitioned).
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	_, err := tx.ExecContext(ctx, `UPDATE documents SET result_file_id = 0 WHERE dossier_code = ?`, e.Code)
	return err
}
