package auth

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/store"
)

// Title is the position (chức vụ) recorded for user id, "" for an unknown
// user: documents print the signer's position from it (Decree 30/2020
// signature block). It reads only.
func Title(ctx context.Context, q store.Querier, id int64) (string, error) {
	var title string
	err := q.QueryRowContext(ctx, `SELECT title FROM users WHERE id = ?`, id).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return title, err
}
