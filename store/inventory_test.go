package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestInventoryAndTryLock: the inventory lists every migration applied
// and counts each table; on PostgreSQL a second TryLock of a held key
// does not run, and runs once the first is done.
func TestInventoryAndTryLock(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		inv, err := db.Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := inv.Counts["schema_versions"]; n == 0 || int(n) != len(inv.Migrations) {
			t.Fatalf("schema_versions %d rows, %d migrations listed", n, len(inv.Migrations))
		}
		if _, ok := inv.Counts["dossiers"]; !ok {
			t.Fatalf("dossiers not counted: %v", inv.Counts)
		}
		inner := false
		ran, err := db.TryLock(ctx, 99, func(ctx context.Context) error {
			ok, err := db.TryLock(ctx, 99, func(context.Context) error { inner = true; return nil })
			if err != nil {
				return err
			}
			if want := db.Dialect != store.Postgres; ok != want {
				t.Errorf("second TryLock ran=%v while the first held the lock", ok)
			}
			return nil
		})
		if err != nil || !ran {
			t.Fatalf("first TryLock: %v %v", ran, err)
		}
		if db.Dialect == store.Postgres && inner {
			t.Error("the second TryLock ran")
		}
		if ran, err := db.TryLock(ctx, 99, func(context.Context) error { return nil }); err != nil || !ran {
			t.Fatalf("TryLock after release: %v %v", ran, err)
		}
	})
}
