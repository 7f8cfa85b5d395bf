package unit

import (
	"context"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Rename gives a unit a new name and, optionally, a new code. The old code
// stays in the history and keeps resolving to the unit.
func (s *Store) Rename(ctx context.Context, tx *store.Tx, code, newCode, newName, reason string) error {
	u, err := s.byCode(ctx, tx, code)
	if err != nil {
		return err
	}
	if newCode == "" {
		newCode = u.Code
	}
	if !ValidCode(newCode) {
		return problem.Invalid("code", "invalid_unit_code")
	}
	now := s.now().UnixMilli()
	if _, err := tx.ExecContext(ctx, `UPDATE unit_history SET valid_to = ? WHERE unit_id = ? AND valid_to IS NULL`, now, u.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET code = ?, name = ? WHERE id = ?`, newCode, newName, u.ID); err != nil {
		if store.IsUniqueViolation(err) {
			return problem.Conflict("unit_exists")
		}
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO unit_history (unit_id, code, name, valid_from, reason) VALUES (?, ?, ?, ?, ?)`,
		u.ID, newCode, newName, now, reason)
	return err
}

// Merge folds unit from into unit into (the 2025 reorganisation): from
// becomes inactive, its children, officers' open work and open dossiers
// move to into. Closed dossiers and every history event keep pointing at
// from, so they still show the unit that handled them.
func (s *Store) Merge(ctx context.Context, tx *store.Tx, fromCode, intoCode, reason string) error {
	from, err := s.byCode(ctx, tx, fromCode)
	if err != nil {
		return err
	}
	into, err := s.byCode(ctx, tx, intoCode)
	if err != nil {
		return err
	}
	if from.ID == into.ID || !from.Active || !into.Active {
		return problem.Invalid("unit", "invalid_merge")
	}
	// Merging a unit into one of its own descendants would make the tree loop.
	chain, err := s.Ancestors(ctx, tx, into.ID)
	if err != nil {
		return err
	}
	for _, u := range chain {
		if u.ID == from.ID {
			return problem.Invalid("unit", "invalid_merge.descendant")
		}
	}
	now := s.now().UnixMilli()
	stmts := []struct {
		q    string
		args []any
	}{
		{`UPDATE units SET active = 0, merged_into = ? WHERE id = ?`, []any{into.ID, from.ID}},
		{`UPDATE units SET parent_id = ? WHERE parent_id = ?`, []any{into.ID, from.ID}},
		{`UPDATE unit_history SET valid_to = ?, reason = ? WHERE unit_id = ? AND valid_to IS NULL`, []any{now, reason, from.ID}},
		{`UPDATE dossiers SET unit_id = ? WHERE unit_id = ? AND closed_at IS NULL`, []any{into.ID, from.ID}},
		{`UPDATE dossiers SET receiving_unit_id = ? WHERE receiving_unit_id = ? AND closed_at IS NULL`, []any{into.ID, from.ID}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	// Officers of the merged unit keep working, now for the new unit.
	_, err = tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, unit_id, role)
		SELECT user_id, ?, role FROM user_roles r WHERE unit_id = ?
		AND NOT EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = r.user_id AND x.unit_id = ? AND x.role = r.role)`,
		into.ID, from.ID, into.ID)
	return err
}
