package payment

import (
	"context"

	"github.com/motcua/motcua/store"
)

// PendingFor counts the payments still pending of the dossiers codes: a
// reorganisation's report lists them as following their dossiers.
func PendingFor(ctx context.Context, q store.Querier, codes []string) (int, error) {
	total := 0
	for len(codes) > 0 {
		batch := codes[:min(len(codes), 500)]
		codes = codes[len(batch):]
		args := []any{string(Pending)}
		for _, c := range batch {
			args = append(args, c)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments WHERE state = ? AND dossier_code IN (`+
			store.Placeholders(len(batch))+`)`, args...).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
