package payment

import (
	"context"
	"database/sql"
	"time"

	"github.com/motcua/motcua/store"
)

// A payment's history (payment_events) is anchored in the audit log: each
// row appended is published as event.Security with its digest, and
// `motcua audit verify` compares the digest with EventDigests of the row as
// it is now. The digest is the lowercase hex SHA-256 of the netstrings
// (len ":" bytes ",") of "payment_events-1" and the row's columns in table
// order — id, payment_id, at, actor_id, actor_name, action, from_state,
// to_state, note — integers in decimal, NULL as the empty string.

// EventDigests returns the digest of each payment_events row of ids that
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
		rows, err := q.QueryContext(ctx, `SELECT id, payment_id, at, actor_id, actor_name, action, from_state, to_state, note
			FROM payment_events WHERE id IN (`+store.Placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, paymentID, at int64
			var actor sql.NullInt64
			var name, action, from, to, note string
			if err := rows.Scan(&id, &paymentID, &at, &actor, &name, &action, &from, &to, &note); err != nil {
				rows.Close()
				return nil, err
			}
			var b store.Netstrings
			b.Put("payment_events-1")
			b.Num(id)
			b.Num(paymentID)
			b.Num(at)
			b.Null(actor)
			b.Put(name)
			b.Put(action)
			b.Put(from)
			b.Put(to)
			b.Put(note)
			out[id] = b.Digest()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Events is payment_events as the audit log's verification reads it (it
// satisfies audit.History).
type Events struct{}

func (Events) Digests(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	return EventDigests(ctx, q, ids)
}

// IDs returns the ids, ascending, of the rows made in [from, to) whose id
// is at least minID.
func (Events) IDs(ctx context.Context, q store.Querier, minID int64, from, to time.Time) ([]int64, error) {
	return store.Int64s(ctx, q, `SELECT id FROM payment_events WHERE id >= ? AND at >= ? AND at < ? ORDER BY id`,
		minID, from.UnixMilli(), to.UnixMilli())
}
