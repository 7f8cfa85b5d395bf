package unit

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The tree half of the scope table (auth.Scopes): auth knows which role
// reaches how far, the unit store knows which units lie above which.

// Chain returns the ids of the unit and its ancestors, nearest first: the
// argument auth.Actor.Can takes. One recursive query, not one per level
// as Ancestors: it runs inside write transactions (every webhook event of
// a dossier act), where each statement holds the writer. Depth is bounded
// as Ancestors' is.
func (s *Store) Chain(ctx context.Context, q store.Querier, id int64) ([]int64, error) {
	if id == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE chain (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM units WHERE id = ?
			UNION ALL
			SELECT u.id, u.parent_id, c.depth + 1 FROM units u JOIN chain c ON u.id = c.parent_id WHERE c.depth < 15)
		SELECT id FROM chain ORDER BY depth`, id)
	if err != nil {
		return nil, fmt.Errorf("unit: ancestors of %d: %w", id, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("unit: ancestors of %d: %w", id, sql.ErrNoRows)
	}
	return out, nil
}

// Entitled returns nil when a has right r at the unit with code (current
// or former), and a 403 problem otherwise.
func (s *Store) Entitled(ctx context.Context, a *auth.Actor, r auth.Right, code string) error {
	u, err := s.byCode(ctx, s.db, code)
	if err != nil {
		return err
	}
	chain, err := s.Chain(ctx, s.db, u.ID)
	if err != nil {
		return err
	}
	if !a.Can(r, chain) {
		return problem.Forbidden("not_your_unit")
	}
	return nil
}

// AtProvince returns nil when a has right r at a province: a unit of
// province level with no parent (the top of the tree). Rights that change
// what every unit lives by (the calendar, the shipped procedures) are held
// there only.
func (s *Store) AtProvince(ctx context.Context, a *auth.Actor, r auth.Right) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL AND level = ?`, Province)
	if err != nil {
		return err
	}
	defer rows.Close()
	ok := false
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ok = ok || a.Can(r, []int64{id})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !ok {
		return problem.Forbidden("province_admin_only")
	}
	return nil
}

// Provinces lists the active provinces at the top of the tree: one for a
// provincial deployment (calendar.Store counts with its lateness rule).
// Merged-away provinces are not among them.
func (s *Store) Provinces(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL AND level = ? AND active = 1 AND merged_into IS NULL ORDER BY id`, Province)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Reach returns the ids of the units where a has right r: those where a
// holds a role of the row's Own, and every unit below one where a holds a
// role of its Below.
func (s *Store) Reach(ctx context.Context, q store.Querier, a *auth.Actor, r auth.Right) ([]int64, error) {
	own, below := a.Reach(r)
	ids, err := Below(ctx, q, below)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []int64
	for _, id := range append(ids, own...) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}
