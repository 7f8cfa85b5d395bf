package esign

import (
	"context"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// OnDossierAnonymised empties the signed e-result of a dossier whose
// retention ended (dossier.Anonymised): the PDF names the applicant. That
// it was signed, by whom and at what level stays.
func OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	_, err := tx.ExecContext(ctx, `UPDATE esign_results SET pdf = ?, file_name = '' WHERE dossier_code = ?`, []byte{}, e.Code)
	return err
}
