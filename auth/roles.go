package auth

import (
	"context"
	"strings"

	"github.com/motcua/motcua/store"
)

// What other modules read and change of accounts and roles. Each takes the
// caller's querier or transaction, so a change made for another module
// (a unit merge) commits or rolls back with that module's own change.

// MoveRoles gives every officer holding a role on unit from the same role
// on unit to (a unit merge: they keep working, now for the successor);
// the desk roles (reception, community) go to desk, the successor's
// one-stop desk (0: to itself). The roles on from stay, so the old unit's
// history still names them.
func MoveRoles(ctx context.Context, tx *store.Tx, from, to, desk int64) error {
	if desk == 0 {
		desk = to
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, unit_id, role)
		SELECT user_id, CASE WHEN role IN (?, ?) THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END, role FROM user_roles r WHERE unit_id = ?
		AND NOT EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = r.user_id
			AND x.unit_id = CASE WHEN r.role IN (?, ?) THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END AND x.role = r.role)`,
		Reception, Community, desk, to, from, Reception, Community, desk, to)
	return err
}

// CountHolders counts the accounts holding any role on the unit.
func CountHolders(ctx context.Context, q store.Querier, unitID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM user_roles WHERE unit_id = ?`, unitID).Scan(&n)
	return n, err
}

// Holders lists the enabled accounts holding role on the unit, by id.
func Holders(ctx context.Context, q store.Querier, unitID int64, role string) ([]int64, error) {
	return store.Int64s(ctx, q, `SELECT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.unit_id = ? AND r.role = ? AND u.disabled = 0 ORDER BY r.user_id`, unitID, role)
}

// Holder returns the id of the enabled account username if it holds role
// on the unit; sql.ErrNoRows if not.
func Holder(ctx context.Context, q store.Querier, username string, unitID int64, role string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.username = ? AND r.unit_id = ? AND r.role = ? AND u.disabled = 0`, strings.ToLower(username), unitID, role).Scan(&id)
	return id, err
}

// Usernames returns the username of each account in ids that exists, in
// one query (ids may repeat).
func Usernames(ctx context.Context, q store.Querier, ids ...int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, username FROM users WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// Contact is how to reach an account.
type Contact struct {
	Name, Email, Phone string
	Disabled           bool
}

// ContactOf returns how to reach account id; sql.ErrNoRows if there is none.
func ContactOf(ctx context.Context, q store.Querier, id int64) (Contact, error) {
	var c Contact
	var disabled int64
	err := q.QueryRowContext(ctx, `SELECT full_name, email, phone, disabled FROM users WHERE id = ?`, id).
		Scan(&c.Name, &c.Email, &c.Phone, &disabled)
	c.Disabled = disabled != 0
	return c, err
}
