package dossier

import (
	"context"
	"sync/atomic"

	"github.com/motcua/motcua/store"
)

// indexSearchOnCommit makes every write transaction on db index, just
// before its COMMIT, the dossiers the transaction added (on SQLite; the
// GIN index of PostgreSQL is the engine's). Why once per batch rather
// than by the insert's trigger: migrations/017.
func indexSearchOnCommit(db *store.DB) {
	if db.Dialect == store.SQLite {
		db.OnCommit("dossier.search", new(searchIndexer).flush)
	}
}

// searchIndexer indexes the dossiers noted in dossier_search_pending.
type searchIndexer struct {
	ready atomic.Bool // the table exists: the database is past migrations/017
}

// flush indexes the dossiers noted in dossier_search_pending, as they are
// now, and forgets them. A transaction that added none pays one read. A
// service may be wired on a database that is not migrated yet (an upgrade
// migrates after): until migration 017 has made the table, the insert
// trigger indexes each row itself and there is nothing to do.
func (x *searchIndexer) flush(ctx context.Context, tx *store.Tx) error {
	if !x.ready.Load() {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'dossier_search_pending'`).Scan(&n); err != nil || n == 0 {
			return err
		}
		x.ready.Store(true)
	}
	var pending bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM dossier_search_pending)`).Scan(&pending); err != nil || !pending {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_search (rowid, search)
		SELECT d.id, d.search FROM dossier_search_pending p JOIN dossiers d ON d.id = p.id`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM dossier_search_pending`)
	return err
}
