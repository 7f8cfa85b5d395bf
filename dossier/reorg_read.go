package dossier

import (
	"context"
	"time"

	"github.com/motcua/motcua/store"
)

// Placement is where an open dossier stands: what a reorganisation's
// report compares before and after the plan (package reorg).
type Placement struct {
	ID        int64
	Code      string
	State     string
	Unit      int64
	Receiving int64
	Due       time.Time
}

// OpenPlacements returns the open dossiers held, received or decided at
// one of units.
func OpenPlacements(ctx context.Context, q store.Querier, units []int64) ([]Placement, error) {
	var out []Placement
	for len(units) > 0 {
		// SQLite caps the number of bound parameters; three per unit here.
		batch := units[:min(len(units), 300)]
		units = units[len(batch):]
		ph := store.Placeholders(len(batch))
		args := make([]any, 0, 3*len(batch))
		for range 3 {
			for _, id := range batch {
				args = append(args, id)
			}
		}
		got, err := placements(ctx, q, `d.closed_at IS NULL AND (d.unit_id IN (`+ph+`) OR d.receiving_unit_id IN (`+ph+`)
			OR d.competent_unit_id IN (`+ph+`))`, args)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// PlacementsOf returns where the dossiers ids stand now, open or closed.
func PlacementsOf(ctx context.Context, q store.Querier, ids []int64) ([]Placement, error) {
	var out []Placement
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		got, err := placements(ctx, q, `d.id IN (`+store.Placeholders(len(batch))+`)`, args)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func placements(ctx context.Context, q store.Querier, where string, args []any) ([]Placement, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.code, d.status, d.unit_id, d.receiving_unit_id, COALESCE(d.due_at, 0)
		FROM dossiers d WHERE `+where+` ORDER BY d.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Placement
	for rows.Next() {
		var p Placement
		var due int64
		if err := rows.Scan(&p.ID, &p.Code, &p.State, &p.Unit, &p.Receiving, &due); err != nil {
			return nil, err
		}
		if due != 0 {
			p.Due = time.UnixMilli(due)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
