package unit

import (
	"context"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The changes a reorganisation makes to the tree. Each takes the instant
// it takes effect (the plan's effective date; now for an admin's change
// by hand), closes the unit's history row there and opens the next, so
// TreeAt answers for any date. None may be dated before the unit's last
// change: history is written forwards only.

// Rename gives a unit a new name and, optionally, a new code, now. The
// old code stays in the history and keeps resolving to the unit.
func (s *Store) Rename(ctx context.Context, tx *store.Tx, code, newCode, newName, reason string) error {
	return s.RenameAt(ctx, tx, code, Renaming{Code: newCode, Name: newName}, reason, s.now())
}

// Renaming is what RenameAt changes; empty fields keep the current value.
type Renaming struct {
	Code, Name, ShortName, StatCode string
}

// RenameAt renames a unit from `at` on.
func (s *Store) RenameAt(ctx context.Context, tx *store.Tx, code string, r Renaming, reason string, at time.Time) error {
	u, err := s.byCode(ctx, tx, code)
	if err != nil {
		return err
	}
	if r.Code == "" {
		r.Code = u.Code
	}
	if r.Name == "" {
		r.Name = u.Name
	}
	if r.ShortName == "" {
		r.ShortName = u.ShortName
	}
	if r.StatCode == "" {
		r.StatCode = u.StatCode
	}
	if !ValidCode(r.Code) {
		return problem.Invalid("code", "invalid_unit_code")
	}
	if r.StatCode != "" && !ValidStatCode(r.StatCode) {
		return problem.Invalid("stat_code", "invalid_stat_code")
	}
	if err := s.notBefore(ctx, tx, u.ID, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET code = ?, name = ?, short_name = ?, stat_code = ? WHERE id = ?`,
		r.Code, r.Name, r.ShortName, r.StatCode, u.ID); err != nil {
		if store.IsUniqueViolation(err) {
			return problem.Conflict("unit_exists")
		}
		return err
	}
	return s.open(ctx, tx, u.ID, at.UnixMilli(), reason)
}

// notBefore refuses a change dated before the unit's current history row began.
func (s *Store) notBefore(ctx context.Context, tx *store.Tx, id int64, at time.Time) error {
	var from int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(valid_from), 0) FROM unit_history WHERE unit_id = ?`, id).Scan(&from)
	if err == nil && at.UnixMilli() < from {
		return problem.Invalid("effective", "change_before_history", time.UnixMilli(from).In(Vietnam).Format(time.DateOnly))
	}
	return err
}

// Merged is published inside Merge's transaction: unit From was folded
// into unit Into. The modules that own rows at a unit move them there
// (dossier.MoveUnit: open dossiers; auth.MoveRoles: officers' roles;
// forms: the numbering registers); an error from any of them undoes the merge.
type Merged struct {
	From, Into         int64
	FromCode, IntoCode string
	// Desk is Into's one-stop desk (Store.Desk): where the dossiers From
	// received and its reception roles go.
	Desk   int64
	Reason string
	At     time.Time
}

// Merge folds unit from into unit into now; see MergeAt.
func (s *Store) Merge(ctx context.Context, tx *store.Tx, fromCode, intoCode, reason string) error {
	return s.MergeAt(ctx, tx, fromCode, intoCode, reason, s.now())
}

// MergeAt folds unit from into unit into from `at` on (the 2025
// reorganisations): from ends, its children move under into, and Merged
// tells the listeners wired at startup to move officers' roles, open
// dossiers and registers. Closed dossiers and every history event keep
// pointing at from, so they still show the unit that handled them.
func (s *Store) MergeAt(ctx context.Context, tx *store.Tx, fromCode, intoCode, reason string, at time.Time) error {
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
	if err := s.notBefore(ctx, tx, from.ID, at); err != nil {
		return err
	}
	ms := at.UnixMilli()
	intoDesk, err := s.Desk(ctx, tx, into.ID)
	if err != nil {
		return err
	}
	// A merged committee's service centre does not live on beside the
	// successor's own: it folds into that desk (its dossiers and reception
	// roles follow, through Merged), else Desk would answer whichever of the
	// two centres is older.
	if intoDesk != into.ID {
		centres, err := store.Strings(ctx, tx, `SELECT code FROM units WHERE parent_id = ? AND active = 1 AND kind = ? ORDER BY id`,
			from.ID, Centre)
		if err != nil {
			return err
		}
		deskUnit, err := Get(ctx, tx, intoDesk)
		if err != nil {
			return err
		}
		for _, c := range centres {
			if err := s.MergeAt(ctx, tx, c, deskUnit.Code, reason, at); err != nil {
				return err
			}
		}
	}
	children, err := store.Int64s(ctx, tx, `SELECT id FROM units WHERE parent_id = ? AND active = 1`, from.ID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET merged_into = ? WHERE id = ?`, into.ID, from.ID); err != nil {
		return err
	}
	if err := s.end(ctx, tx, from.ID, ms, reason); err != nil {
		return err
	}
	for _, c := range children {
		if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = ? WHERE id = ?`, into.ID, c); err != nil {
			return err
		}
		if err := s.open(ctx, tx, c, ms, reason); err != nil {
			return err
		}
	}
	desk, err := s.Desk(ctx, tx, into.ID)
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, Merged{From: from.ID, Into: into.ID, FromCode: from.Code, IntoCode: into.Code,
		Desk: desk, Reason: reason, At: at})
}

// Abolished is published inside Abolish's transaction: unit ID ended with
// no single unit taking its place (a district in July 2025). The dossier
// module sends each open dossier there to the unit competent for its
// current step under the chart now in force; Successor (0 if none), with
// its desk, takes what cannot be routed so, and the officers' roles.
type Abolished struct {
	ID, Successor, Desk int64
	Code                string
	Reason              string
	At                  time.Time
}

// Abolish ends unit code from `at` on. Its active children must have
// moved or merged first; successorCode ("" for none) is named for its
// officers and for the dossiers no rule routes elsewhere.
func (s *Store) Abolish(ctx context.Context, tx *store.Tx, code, successorCode, reason string, at time.Time) error {
	u, err := s.byCode(ctx, tx, code)
	if err != nil {
		return err
	}
	if !u.Active {
		return problem.Invalid("unit", "unit_inactive.abolish")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE parent_id = ? AND active = 1`, u.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return problem.Invalid("unit", "abolish_children", u.Code, n)
	}
	if err := s.notBefore(ctx, tx, u.ID, at); err != nil {
		return err
	}
	e := Abolished{ID: u.ID, Code: u.Code, Reason: reason, At: at}
	if successorCode != "" {
		succ, err := s.byCode(ctx, tx, successorCode)
		if err != nil {
			return err
		}
		if !succ.Active || succ.ID == u.ID {
			return problem.Invalid("successor", "invalid_merge")
		}
		e.Successor = succ.ID
		if e.Desk, err = s.Desk(ctx, tx, succ.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET merged_into = ? WHERE id = ?`, succ.ID, u.ID); err != nil {
			return err
		}
	}
	if err := s.end(ctx, tx, u.ID, at.UnixMilli(), reason); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE unit_areas SET valid_to = ? WHERE (unit_id = ? OR area_id = ?) AND valid_to IS NULL`,
		at.UnixMilli(), u.ID, u.ID)
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, e)
}

// MoveAt puts unit code under a new parent from `at` on. The parent must
// sit at a higher level and not below the unit.
func (s *Store) MoveAt(ctx context.Context, tx *store.Tx, code, parentCode, reason string, at time.Time) error {
	u, err := s.byCode(ctx, tx, code)
	if err != nil {
		return err
	}
	p, err := s.byCode(ctx, tx, parentCode)
	if err != nil {
		return err
	}
	if !u.Active || !p.Active {
		return problem.Invalid("parent", "unit_inactive.parent")
	}
	if Rank(p.Level) >= Rank(u.Level) && u.Kind == Committee {
		return problem.Invalid("parent", "invalid_level.child")
	}
	chain, err := s.Ancestors(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	for _, a := range chain {
		if a.ID == u.ID {
			return problem.Invalid("parent", "invalid_merge.descendant")
		}
	}
	if err := s.notBefore(ctx, tx, u.ID, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = ? WHERE id = ?`, p.ID, u.ID); err != nil {
		return err
	}
	return s.open(ctx, tx, u.ID, at.UnixMilli(), reason)
}
