package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func TestMigrateIsIdempotentAndTransactionsRollBack(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := schema.Migrate(ctx, db)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate applied %d, err %v; want 0, nil", n, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)`, "p", "d", 1); err != nil {
				return err
			}
			return context.Canceled // any error rolls back
		})
		if err == nil {
			t.Fatal("InTx swallowed the error")
		}
		var c int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_sequences`).Scan(&c); err != nil || c != 0 {
			t.Fatalf("rolled-back row visible: count %d, err %v", c, err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)`, "p", "d", 1)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)`, "p", "d", 2)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate key: got %v, want a unique violation", err)
		}
	})
}

// A database migrated before the per-module split (one global sequence in
// schema_migrations, versions 1–6) is recognised: nothing runs twice, and
// each module's migrations are recorded as applied.
func TestMigrateAdoptsThePreSplitSequence(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, q := range []string{
			`DROP TABLE schema_versions`,
			`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for v := 1; v <= 6; v++ {
			if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, v, "old"); err != nil {
				t.Fatal(err)
			}
		}
		pending, err := schema.Pending(ctx, db)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after the old sequence: %v, %v; want none", pending, err)
		}
		n, err := schema.Migrate(ctx, db)
		if err != nil || n != 0 {
			t.Fatalf("Migrate ran %d migration(s), err %v; want 0 (the tables exist)", n, err)
		}
		want := 0
		for _, m := range schema.Modules() {
			ms, _ := m.Migrations()
			want += len(ms)
		}
		var got int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_versions`).Scan(&got); err != nil || got != want {
			t.Fatalf("schema_versions has %d rows, err %v; want %d", got, err, want)
		}
	})
}
