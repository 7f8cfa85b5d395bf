package notify

import (
	"context"

	"github.com/motcua/motcua/store"
)

// PendingFor counts the notifications of the dossiers ids not yet sent: a
// reorganisation's report lists them as following their dossiers.
func PendingFor(ctx context.Context, q store.Querier, ids []int64) (int, error) {
	total := 0
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		args := []any{statusPending, statusSending}
		for _, id := range batch {
			args = append(args, id)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE status IN (?, ?)
			AND dossier_id IN (`+store.Placeholders(len(batch))+`)`, args...).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
