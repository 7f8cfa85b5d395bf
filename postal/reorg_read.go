package postal

import (
	"context"

	"github.com/motcua/motcua/store"
)

// PendingFor counts the shipments of the dossiers codes not yet handed
// over nor cancelled: a reorganisation's report lists them as following
// their dossiers.
func PendingFor(ctx context.Context, q store.Querier, codes []string) (int, error) {
	total := 0
	for len(codes) > 0 {
		batch := codes[:min(len(codes), 500)]
		codes = codes[len(batch):]
		args := make([]any, len(batch))
		for i, c := range batch {
			args[i] = c
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM postal_shipments WHERE cancelled_at IS NULL
			AND handed_over_at IS NULL AND dossier_code IN (`+store.Placeholders(len(batch))+`)`, args...).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
