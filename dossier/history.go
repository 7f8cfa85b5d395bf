package dossier

import (
	"context"
	"database/sql"
	"time"

	"github.com/motcua/motcua/store"
)

// The history of a dossier (dossier_events) is anchored in the audit log:
// the audit entry of each change records the digest of the row the change
// appended (Transitioned.EventDigest), and `motcua audit verify` compares
// it with EventDigests of the row as it is now. The digest is the
// lowercase hex SHA-256 of the netstrings (len ":" bytes ",") of
// "dossier_events-1" and the row's columns in table order — id,
// dossier_id, at, actor_id, actor_name, actor_role, action, from_status,
// to_status, from_step, to_step, from_unit_id, to_unit_id, due_at, note —
// integers in decimal, NULL as the empty string.

// EventDigests returns the digest of each dossier_events row of ids that
// exists. It reads only.
func EventDigests(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT id, dossier_id, at, actor_id, actor_name, actor_role, action, from_status,
			to_status, from_step, to_step, from_unit_id, to_unit_id, due_at, note
			FROM dossier_events WHERE id IN (`+store.Placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e eventRow
			if err := rows.Scan(&e.id, &e.dossierID, &e.at, &e.actor, &e.name, &e.role, &e.action, &e.from, &e.to, &e.fromStep, &e.toStep,
				&e.fromUnit, &e.toUnit, &e.due, &e.note); err != nil {
				rows.Close()
				return nil, err
			}
			out[e.id] = e.digest()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eventRow is a dossier_events row's columns as its digest reads them.
type eventRow struct {
	id, dossierID, at, fromStep, toStep int64
	actor, fromUnit, toUnit, due        sql.NullInt64
	name, role, action, from, to, note  string
}

func (e eventRow) digest() string {
	var b store.Netstrings
	b.Put("dossier_events-1")
	b.Num(e.id)
	b.Num(e.dossierID)
	b.Num(e.at)
	b.Null(e.actor)
	b.Put(e.name)
	b.Put(e.role)
	b.Put(e.action)
	b.Put(e.from)
	b.Put(e.to)
	b.Num(e.fromStep)
	b.Num(e.toStep)
	b.Null(e.fromUnit)
	b.Null(e.toUnit)
	b.Null(e.due)
	b.Put(e.note)
	return b.Digest()
}

// EventIDs returns the ids, ascending, of the dossier_events rows made in
// [from, to) whose id is at least minID.
func EventIDs(ctx context.Context, q store.Querier, minID int64, from, to time.Time) ([]int64, error) {
	return store.Int64s(ctx, q, `SELECT id FROM dossier_events WHERE id >= ? AND at >= ? AND at < ? ORDER BY id`,
		minID, from.UnixMilli(), to.UnixMilli())
}

// Events is dossier_events as the audit log's verification reads it
// (it satisfies audit.History).
type Events struct{}

func (Events) Digests(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	return EventDigests(ctx, q, ids)
}

func (Events) IDs(ctx context.Context, q store.Querier, minID int64, from, to time.Time) ([]int64, error) {
	return EventIDs(ctx, q, minID, from, to)
}
