package dossier

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"
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
			var id, dossierID, at, fromStep, toStep int64
			var actor, fromUnit, toUnit, due sql.NullInt64
			var name, role, action, from, to, note string
			if err := rows.Scan(&id, &dossierID, &at, &actor, &name, &role, &action, &from, &to, &fromStep, &toStep,
				&fromUnit, &toUnit, &due, &note); err != nil {
				rows.Close()
				return nil, err
			}
			var b netstrings
			b.put("dossier_events-1")
			b.num(id)
			b.num(dossierID)
			b.num(at)
			b.null(actor)
			b.put(name)
			b.put(role)
			b.put(action)
			b.put(from)
			b.put(to)
			b.num(fromStep)
			b.num(toStep)
			b.null(fromUnit)
			b.null(toUnit)
			b.null(due)
			b.put(note)
			out[id] = b.digest()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EventIDs returns the ids, ascending, of the dossier_events rows made in
// [from, to) whose id is at least minID.
func EventIDs(ctx context.Context, q store.Querier, minID int64, from, to time.Time) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM dossier_events WHERE id >= ? AND at >= ? AND at < ? ORDER BY id`,
		minID, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
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

// netstrings builds the unambiguous encoding a digest is taken over.
type netstrings []byte

func (b *netstrings) put(s string) {
	*b = strconv.AppendInt(*b, int64(len(s)), 10)
	*b = append(*b, ':')
	*b = append(*b, s...)
	*b = append(*b, ',')
}

func (b *netstrings) num(n int64) { b.put(strconv.FormatInt(n, 10)) }

func (b *netstrings) null(n sql.NullInt64) {
	if !n.Valid {
		b.put("")
		return
	}
	b.num(n.Int64)
}

func (b netstrings) digest() string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
