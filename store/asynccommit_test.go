package store_test

import (
	"sync"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestWriteRowAsyncCommit: the statement runs in a transaction of its own
// whose commit does not wait for the disk on PostgreSQL (the statement
// sees synchronous_commit off, and only there: the next transaction has it
// on again); its row is committed, readable from the read pool at once;
// concurrent upserts of one counter each get their own value.
func TestWriteRowAsyncCommit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if _, err := db.ExecContext(ctx, `CREATE TABLE counters (name TEXT PRIMARY KEY, n BIGINT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		setting := `'n/a'`
		if db.Dialect == store.Postgres {
			setting = `current_setting('synchronous_commit')`
		}
		upsert := `INSERT INTO counters (name, n) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1 RETURNING n, ` + setting
		const n = 40
		var wg sync.WaitGroup
		got := make([]int64, n)
		for i := range n {
			wg.Go(func() {
				var sync string
				if err := db.WriteRowAsyncCommitContext(ctx, upsert, []any{"desk"}, &got[i], &sync); err != nil {
					t.Error(err)
				}
				if db.Dialect == store.Postgres && sync != "off" {
					t.Errorf("synchronous_commit %q in the statement's transaction, want off", sync)
				}
			})
		}
		wg.Wait()
		seen := map[int64]bool{}
		for _, v := range got {
			if v < 1 || v > n || seen[v] {
				t.Fatalf("values %v: want 1..%d, each once", got, n)
			}
			seen[v] = true
		}
		var stored int64
		if err := db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'desk'`).Scan(&stored); err != nil || stored != n {
			t.Fatalf("stored %d (%v), want %d", stored, err, n)
		}
		if db.Dialect == store.Postgres {
			var after string
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT current_setting('synchronous_commit')`).Scan(&after)
			}); err != nil || after != "on" {
				t.Fatalf("synchronous_commit %q (%v) in the next transaction, want on", after, err)
			}
		}
	})
}
