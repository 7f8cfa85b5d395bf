package rating

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// PersonalData is what rating's table holds about the citizen a (Law
// 91/2025, the right of access): the ratings they gave. A rating names
// its dossier by row id only; the dossier's code is in the dossier part.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error) {
	return store.Records(ctx, s.db, `SELECT dossier_id, score, comment, created_at FROM ratings WHERE user_id = ? ORDER BY created_at`, a.ID)
}
