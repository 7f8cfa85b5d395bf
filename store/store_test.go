package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func TestMigrationNumbersAreContiguous(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %d is numbered %03d; numbers must run 1, 2, 3…", i+1, m.Version)
		}
	}
}

func TestMigrateIsIdempotentAndTransactionsRollBack(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
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
