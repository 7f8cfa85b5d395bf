package dossier

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/motcua/motcua/store"
)

// indexSearchOnCommit makes every write transaction on db bring the
// search index up to date, just before its COMMIT, for the dossiers the
// transaction added, changed or removed (on SQLite; the GIN index of
// PostgreSQL is the engine's). Why once per batch rather than in each
// trigger: migrations/017; what the index holds: migrations/019.
func indexSearchOnCommit(db *store.DB) {
	if db.Dialect == store.SQLite {
		db.OnCommit("dossier.search", new(searchIndexer).flush)
	}
}

// searchIndexer indexes the dossiers noted in dossier_words_pending.
type searchIndexer struct {
	ready atomic.Bool // the table exists: the database is past migrations/019
}

// The search index's row id of a dossier: its place in the inbox's order
// (migrations/019 explains it; the SQL there and here must agree).
const (
	searchKeySQL = `((COALESCE(d.due_at / 1000, 4294967295) << 31) | d.id)`
	// searchScopeSQL is the index's scope column: the units a dossier
	// belongs to and its creator, the columns Scope.where reads.
	searchScopeSQL = `concat_ws(' ', 'u' || d.unit_id, 'u' || d.receiving_unit_id, 'u' || d.competent_unit_id, 'c' || d.created_by)`
	searchIDBits   = 31
	searchIDMask   = 1<<searchIDBits - 1
	noDueSeconds   = 1<<32 - 1 // a dossier without a deadline: last
)

// searchKey is searchKeySQL in Go: the row id under which the index holds
// a dossier due at dueMillis (nil: none) with id.
func searchKey(dueMillis *int64, id int64) int64 {
	return searchBucket(dueMillis)<<searchIDBits | id
}

// searchBucket is the high part of searchKey: the deadline in seconds.
func searchBucket(dueMillis *int64) int64 {
	if dueMillis == nil {
		return noDueSeconds
	}
	return *dueMillis / 1000
}

// flush brings the index up to date for the dossiers noted in
// dossier_words_pending: the row id each had in the index (old_key) is
// removed, and each dossier that still exists is indexed as it is now;
// then they are forgotten. A transaction that touched none pays one read,
// one that only added dossiers three statements. A service may be wired
// on a database that is not migrated yet (an upgrade migrates after):
// until migration 019 has made the table there is nothing to do.
func (x *searchIndexer) flush(ctx context.Context, tx *store.Tx) error {
	if !x.ready.Load() {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'dossier_words_pending'`).Scan(&n); err != nil || n == 0 {
			return err
		}
		x.ready.Store(true)
	}
	var pending, removed bool
	var top int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) > 0, COUNT(old_key) > 0, COALESCE(MAX(id), 0) FROM dossier_words_pending`).Scan(&pending, &removed, &top); err != nil || !pending {
		return err
	}
	if top > searchIDMask {
		// The row id has 31 bits for the dossier's id: two billion
		// dossiers, far past what one SQLite file is for.
		return fmt.Errorf("dossier: id %d is past the 2^31 dossiers SQLite's search index can place; move to PostgreSQL", top)
	}
	if removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM dossier_words WHERE rowid IN (SELECT old_key FROM dossier_words_pending WHERE old_key IS NOT NULL)`); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_words (rowid, search, scope)
		SELECT `+searchKeySQL+`, d.search, `+searchScopeSQL+` FROM dossier_words_pending p JOIN dossiers d ON d.id = p.id ORDER BY 1`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM dossier_words_pending`)
	return err
}
