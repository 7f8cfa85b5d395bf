package unit

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// What other modules read of units. They take the caller's querier, so a
// module reading inside its own transaction sees what that transaction
// wrote and never opens a second connection.

// Get finds a unit by id through q.
func Get(ctx context.Context, q store.Querier, id int64) (Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, selectUnit+` WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, problem.NotFound("unit_not_found")
	}
	return u, err
}

// Label is what a screen shows of a unit: its current code and name.
type Label struct{ Code, Name string }

// Labels returns the current code and name of each unit in ids that
// exists, in one query (ids may repeat).
func Labels(ctx context.Context, q store.Querier, ids ...int64) (map[int64]Label, error) {
	out := make(map[int64]Label, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, code, name FROM units WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l Label
		if err := rows.Scan(&id, &l.Code, &l.Name); err != nil {
			return nil, err
		}
		out[id] = l
	}
	return out, rows.Err()
}

// Codes returns the current code of each unit in ids that exists.
func Codes(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	ls, err := Labels(ctx, q, ids...)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ls))
	for id, l := range ls {
		out[id] = l.Code
	}
	return out, nil
}

// Codes is the package's Codes as a method, so that *Store is the unit
// lookup auth resolves its grants' codes through (auth cannot import unit).
func (s *Store) Codes(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	return Codes(ctx, q, ids)
}

// Below returns the ids of the units in roots and of every unit below
// them, in no particular order.
func Below(ctx context.Context, q store.Querier, roots []int64) ([]int64, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	args := make([]any, len(roots))
	for i, id := range roots {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE sub(id) AS (
		SELECT id FROM units WHERE id IN (`+store.Placeholders(len(roots))+`)
		UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
		SELECT id FROM sub`, args...)
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

// RecordsOf is the unit whose records a desk keeps, for a register kept
// by administrative unit (the land registry): a public administrative
// service centre receives for its commune (its parent), any other unit
// for itself. An unknown code is returned as it is.
func (s *Store) RecordsOf(ctx context.Context, q store.Querier, code string) (string, error) {
	u, err := s.byCode(ctx, q, code)
	if errors.Is(err, problem.ErrNotFound) {
		return code, nil
	}
	if err != nil {
		return "", err
	}
	if u.Kind == Centre && u.ParentCode != "" {
		return u.ParentCode, nil
	}
	return u.Code, nil
}
