package unit

import (
	"context"
	"time"

	"github.com/motcua/motcua/event"
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

// Merged is published inside Merge's transaction: unit From was folded
// into unit Into. The modules that own rows at a unit move them there
// (dossier.MoveUnit: open dossiers; auth.MoveRoles: officers' roles); an
// error from any of them undoes the merge.
type Merged struct {
	From, Into         int64
	FromCode, IntoCode string
	Reason             string
	At                 time.Time
}

// Merge folds unit from into unit into (the 2025 reorganisation): from
// becomes inactive, its children move under into, and Merged tells the
// listeners wired at startup to move officers' roles and open dossiers.
// Closed dossiers and every history event keep pointing at from, so they
// still show the unit that handled them.
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
	at := s.now()
	now := at.UnixMilli()
	stmts := []struct {
		q    string
		args []any
	}{
		{`UPDATE units SET active = 0, merged_into = ? WHERE id = ?`, []any{into.ID, from.ID}},
		{`UPDATE units SET parent_id = ? WHERE parent_id = ?`, []any{into.ID, from.ID}},
		{`UPDATE unit_history SET valid_to = ?, reason = ? WHERE unit_id = ? AND valid_to IS NULL`, []any{now, reason, from.ID}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return event.Publish(ctx, s.cfg.Bus, tx, Merged{From: from.ID, Into: into.ID, FromCode: from.Code, IntoCode: into.Code,
		Reason: reason, At: at})
}
