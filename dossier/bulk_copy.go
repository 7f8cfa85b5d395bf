package dossier

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// copyRows is Write on PostgreSQL: the three tables by COPY in one
// transaction. COPY needs no statement per 200 rows and no parameter
// limit. Measured with `motcua demo bulk --dossiers 100000` into two empty
// databases one after the other: 6.7 s with COPY, 14.2 s with the
// multi-row INSERTs SQLite keeps using.
func (l *BulkLoader) copyRows(ctx context.Context, r *BulkRows) error {
	err := l.db.PgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if l.replica {
			// The foreign-key checks are triggers, which a replica session
			// skips (see NewBulkLoader); SET LOCAL ends with the transaction.
			if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				return err
			}
		}
		for _, t := range []struct {
			table, cols string
			width       int
			args        []any
		}{
			{"dossiers", bulkDossierCols, bulkDossierWidth, r.dossiers},
			{"dossier_events", bulkEventCols, bulkEventWidth, r.events},
			{"dossier_pauses", "dossier_id, started_at, ended_at, reason, kind, end_note", 6, r.pauses},
		} {
			cols := strings.Split(t.cols, ",")
			for i := range cols {
				cols[i] = strings.TrimSpace(cols[i])
			}
			args, w := t.args, t.width
			src := pgx.CopyFromSlice(len(args)/w, func(i int) ([]any, error) { return args[i*w : (i+1)*w], nil })
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, cols, src); err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
		}
		if l.replica && r.n > 0 {
			// A replica session skips every trigger, the search rows' too
			// (migrations/020): they are written here, as the trigger would.
			if _, err := tx.Exec(ctx, `INSERT INTO dossier_search_rows (id, due_at, code, unit_id, receiving_unit_id, competent_unit_id, created_by, words, scope)
				SELECT id, due_at, code, unit_id, receiving_unit_id, competent_unit_id, created_by, to_tsvector('simple', translate(search, '.-/', '   ')),
				  array_to_tsvector(array_remove(ARRAY['u' || unit_id, 'u' || receiving_unit_id, 'u' || competent_unit_id, 'c' || created_by], NULL))
				FROM dossiers WHERE id BETWEEN $1 AND $2`, r.first, r.last); err != nil {
				return fmt.Errorf("dossier_search_rows: %w", err)
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return fmt.Errorf("dossier: bulk copy: %w", err)
	}
	return nil
}
