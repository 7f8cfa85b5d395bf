package dossier

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// What other modules read and change of dossiers. Each takes the caller's
// querier or transaction, so a change made for another module (a unit
// merge) commits or rolls back with that module's own change.

// MoveUnit moves the open dossiers held, received or decided at unit
// from to unit to (a unit merge); those waiting at from's one-stop desk
// (for reception, a transfer or their result), and the desk they return
// to, go to to's desk (unit.Merged.Desk). Closed
// dossiers keep pointing at from, so they still show the unit that
// handled them; history events are never rewritten, and no deadline moves.
// Each moved dossier's version changes, so an officer's act prepared
// before the move is refused rather than undoing it.
func MoveUnit(ctx context.Context, tx *store.Tx, from, to, desk int64) error {
	if desk == 0 {
		desk = to
	}
	for _, st := range []struct {
		q    string
		args []any
	}{
		// Waiting at the desk is a state, not "held where it was received": a
		// commune without a service centre was its own desk, and its
		// dossiers in processing there belong to the successor committee,
		// whose officers decide them, not to the successor's centre.
		{`UPDATE dossiers SET unit_id = ?, version = version + 1 WHERE unit_id = ? AND receiving_unit_id = ? AND closed_at IS NULL
			AND status IN ('submitted', 'returned', 'result_ready', 'transferring')`, []any{desk, from, from}},
		{`UPDATE dossiers SET unit_id = ?, version = version + 1 WHERE unit_id = ? AND closed_at IS NULL`, []any{to, from}},
		{`UPDATE dossiers SET receiving_unit_id = ?, version = version + 1 WHERE receiving_unit_id = ? AND closed_at IS NULL`, []any{desk, from}},
		// A dossier received elsewhere for the merged unit (phi địa giới) is
		// now the successor's to decide.
		{`UPDATE dossiers SET competent_unit_id = ?, version = version + 1 WHERE competent_unit_id = ? AND closed_at IS NULL`, []any{to, from}},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// OpenAt counts the open dossiers held or received at the unit.
func OpenAt(ctx context.Context, q store.Querier, unitID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE (unit_id = ? OR receiving_unit_id = ?) AND closed_at IS NULL`,
		unitID, unitID).Scan(&n)
	return n, err
}

// Any reports whether the database holds a dossier at all (the demo's
// activity is generated only on a database that holds none).
func Any(ctx context.Context, q store.Querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM dossiers LIMIT 1) x`).Scan(&n)
	return n > 0, err
}

// IDOf returns the id of the dossier with code, 0 if there is none.
func IDOf(ctx context.Context, q store.Querier, code string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM dossiers WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// Ref is how other modules' rows point at a dossier.
type Ref struct {
	Code            string
	ReceivingUnitID int64
}

// Refs returns the code and receiving unit of each dossier in ids that exists.
func Refs(ctx context.Context, q store.Querier, ids []int64) (map[int64]Ref, error) {
	out := make(map[int64]Ref, len(ids))
	for len(ids) > 0 {
		// Bounded batches: SQLite caps the number of bound parameters.
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		ph := strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")
		rows, err := q.QueryContext(ctx, `SELECT id, code, receiving_unit_id FROM dossiers WHERE id IN (`+ph+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var r Ref
			if err := rows.Scan(&id, &r.Code, &r.ReceivingUnitID); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Running is an open dossier whose clock runs (not paused), for reminders.
type Running struct {
	ID               int64
	Code, Procedure  string
	Version, Step    int
	Status           State
	UnitID, Assignee int64 // Assignee 0: the unit's queue
	Due              time.Time
}

// DueBefore lists the dossiers being processed or with a result ready,
// clock running, due before t, earliest first.
func DueBefore(ctx context.Context, q store.Querier, t time.Time) ([]Running, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, procedure_code, procedure_version, status, step, unit_id,
		COALESCE(assignee_id, 0), due_at
		FROM dossiers
		WHERE status IN ('processing', 'result_ready') AND paused_at IS NULL AND due_at IS NOT NULL AND due_at < ?
		ORDER BY due_at, id`, t.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Running
	for rows.Next() {
		var r Running
		var due int64
		if err := rows.Scan(&r.ID, &r.Code, &r.Procedure, &r.Version, &r.Status, &r.Step, &r.UnitID, &r.Assignee, &due); err != nil {
			return nil, err
		}
		r.Due = fromMs(due)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Holders is the unit holding each of the dossiers ids now (their
// unit_id), for a listener of a merger or an abolition that runs after
// MoveUnit or Reroute and must learn where the dossiers went.
func Holders(ctx context.Context, q store.Querier, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT id, unit_id FROM dossiers WHERE id IN (`+store.Placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, unit int64
			if err := rows.Scan(&id, &unit); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = unit
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
