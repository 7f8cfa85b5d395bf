package auth

import (
	"context"

	"github.com/motcua/motcua/store"
)

// PersonalData is what auth's tables hold about the citizen a (Law
// 91/2025, the right of access): the account as registered — no password
// hash, TOTP secret or session — and the identities VNeID linked to it.
// codes (their dossiers) are not auth's business.
func (s *Service) PersonalData(ctx context.Context, a *Actor, codes []string) (any, error) {
	acc, err := store.Records(ctx, s.db, `SELECT username, full_name, kind, email, phone, id_number, address, created_at
		FROM users WHERE id = ?`, a.ID)
	if err != nil {
		return nil, err
	}
	ids, err := store.Records(ctx, s.db, `SELECT issuer, id_number, full_name, birth_date, linked_at, last_login_at
		FROM citizen_identities WHERE user_id = ? ORDER BY linked_at`, a.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"identities": ids}
	if len(acc) == 1 {
		out["account"] = acc[0]
	}
	return out, nil
}
