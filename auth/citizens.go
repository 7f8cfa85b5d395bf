package auth

import (
	"context"
	"strings"
)

// Citizens finds citizen accounts for an admin who manages them (see
// manageable: admins of a province-level unit): by username, name, e-mail,
// phone or ID number containing q, at most 50, by username. An empty q
// lists the first 50.
func (ad *Accounts) Citizens(ctx context.Context, a *Actor, q string) ([]Officer, error) {
	if _, err := ad.scope(ctx, a); err != nil {
		return nil, err
	}
	ok, err := ad.units.AdministersCitizens(ctx, a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errCitizenAccounts
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(strings.TrimSpace(q))) + "%"
	rows, err := ad.s.db.QueryContext(ctx, `SELECT id, username, full_name, kind, email, phone, id_number, disabled FROM users
		WHERE kind = 'citizen' AND (username LIKE ? ESCAPE '\' OR LOWER(full_name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\'
			OR phone LIKE ? ESCAPE '\' OR id_number LIKE ? ESCAPE '\')
		ORDER BY username LIMIT 50`, like, like, like, like, like)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Officer
	for rows.Next() {
		var o Officer
		var disabled int64
		if err := rows.Scan(&o.ID, &o.Username, &o.FullName, &o.Kind, &o.Email, &o.Phone, &o.IDNumber, &disabled); err != nil {
			return nil, err
		}
		o.Disabled = disabled == 1
		out = append(out, o)
	}
	return out, rows.Err()
}
