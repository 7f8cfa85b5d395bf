package sohoa

import (
	"context"

	"github.com/motcua/motcua/store"
)

// CodesOf is the result codes given to a dossier's result files, by file
// id: how another module (dvcqg, reporting the result to the national
// portal) reads them without naming this package's tables. q is the
// caller's transaction when the codes may have been given in it: the
// listener that gives them (OnTransitioned) runs before the reader's.
func CodesOf(ctx context.Context, q store.Querier, dossierID int64) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT file_id, code FROM sohoa_papers WHERE dossier_id = ? AND kind = ?`, dossierID, Result)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = code
	}
	return out, rows.Err()
}
