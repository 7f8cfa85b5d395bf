package blob

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"time"
)

// Import copies into the database store the blobs a directory holds that
// it lacks: an instance that used Dir before (every PostgreSQL deployment
// did until the database store came) keeps its files readable from every
// instance. Blobs already held are skipped, so running it at each start
// costs a listing. Each copy is stamped now, which gives the unreferenced
// ones the collector's full grace period. The directory is left as it
// was; once imported it may be removed.
func Import(ctx context.Context, from *Dir, to *DB) (int, error) {
	far := time.Now().Add(100 * 365 * 24 * time.Hour)
	sums, _, err := from.Old(ctx, far)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sum := range sums {
		var one int
		err := to.db.QueryRowContext(ctx, `SELECT 1 FROM blobs WHERE sha256 = ?`, sum).Scan(&one)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return n, err
		}
		if err := importOne(ctx, from, to, sum); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func importOne(ctx context.Context, from *Dir, to *DB, sum string) error {
	f, err := os.Open(from.path(sum))
	if os.IsNotExist(err) {
		return nil // collected meanwhile
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return to.Put(ctx, sum, f, st.Size())
}
