package auth

import (
	"context"

	"github.com/motcua/motcua/store"
)

// UnitRole is one role an officer holds at a unit, as a reorganisation's
// report lists it (package reorg).
type UnitRole struct {
	UserID   int64
	Username string
	Role     string
	UnitID   int64
}

// RolesAt returns the roles held at units, and every role of users
// (either list may be empty).
func RolesAt(ctx context.Context, q store.Querier, units, users []int64) ([]UnitRole, error) {
	var out []UnitRole
	for _, f := range []struct {
		col string
		ids []int64
	}{{"r.unit_id", units}, {"r.user_id", users}} {
		ids := f.ids
		for len(ids) > 0 {
			batch := ids[:min(len(ids), 500)]
			ids = ids[len(batch):]
			args := make([]any, len(batch))
			for i, id := range batch {
				args[i] = id
			}
			rows, err := q.QueryContext(ctx, `SELECT r.user_id, u.username, r.role, r.unit_id
				FROM user_roles r JOIN users u ON u.id = r.user_id
				WHERE `+f.col+` IN (`+store.Placeholders(len(batch))+`) ORDER BY u.username, r.unit_id, r.role`, args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var r UnitRole
				if err := rows.Scan(&r.UserID, &r.Username, &r.Role, &r.UnitID); err != nil {
					rows.Close()
					return nil, err
				}
				out = append(out, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
