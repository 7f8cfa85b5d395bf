package forms

import (
	"context"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// ContinueRegisters makes the numbering registers of unit into continue
// from those of unit from, merged into it: for every register (series,
// year) of from for year or later, into's register of the same series and
// year is raised to the highest number either reached, so no number
// repeats in the year. Earlier years' registers are left as they were.
func ContinueRegisters(ctx context.Context, tx *store.Tx, from, into int64, year int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO form_counters (unit_id, series, year, n)
		SELECT ?, series, year, n FROM form_counters WHERE unit_id = ? AND year >= ?
		ON CONFLICT (unit_id, series, year) DO UPDATE SET n = CASE WHEN excluded.n > form_counters.n THEN excluded.n ELSE form_counters.n END`,
		into, from, year)
	return err
}

// OnMerged is the listener on unit.Merged: the successor's registers for
// the merge's year continue from the merged unit's — at the successor and
// at its one-stop desk, which numbers the receipts (form 01) the merged
// unit's desk used to.
func OnMerged(ctx context.Context, tx *store.Tx, e unit.Merged) error {
	year := e.At.In(unit.Vietnam).Year()
	if err := ContinueRegisters(ctx, tx, e.From, e.Into, year); err != nil {
		return err
	}
	if e.Desk != 0 && e.Desk != e.Into {
		return ContinueRegisters(ctx, tx, e.From, e.Desk, year)
	}
	return nil
}

// Counter is one numbering register: the last number given in a series
// and year at a unit.
type Counter struct {
	UnitID int64
	Series string
	Year   int
	N      int64
}

// Counters returns the registers of units (a reorganisation's report).
func Counters(ctx context.Context, q store.Querier, units []int64) ([]Counter, error) {
	var out []Counter
	for len(units) > 0 {
		batch := units[:min(len(units), 500)]
		units = units[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT unit_id, series, year, n FROM form_counters
			WHERE unit_id IN (`+store.Placeholders(len(batch))+`) ORDER BY unit_id, series, year`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c Counter
			if err := rows.Scan(&c.UnitID, &c.Series, &c.Year, &c.N); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
