package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestAfterCommit: the work a transaction adds with AfterCommit runs once
// it has committed, before InTx returns, in the order added, and sees the
// transaction's rows from outside it (through the pool); a failed call
// runs none of it — on SQLite also when another call of its group commit
// fails alone.
func TestAfterCommit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		count := func(prefix string) int { return countPrefix(t, db, prefix) }
		var order []string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() {
				order = append(order, "first", "sees its row: "+map[bool]string{true: "yes", false: "no"}[count("after") == 1])
			})
			tx.AfterCommit(func() { order = append(order, "second") })
			_, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES ('after', 'd', 1)`)
			order = append(order, "fn")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"fn", "first", "sees its row: yes", "second"}; !slices.Equal(order, want) {
			t.Errorf("ran %v, want %v", order, want)
		}

		refused := errors.New("refused")
		ran := false
		err = db.InTx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran = true })
			return refused
		})
		if !errors.Is(err, refused) || ran {
			t.Errorf("failing fn: InTx = %v, work ran %v; want its error and no work", err, ran)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran = true })
			tx.BeforeCommit(func() error { return refused })
			return nil
		})
		if !errors.Is(err, refused) || ran {
			t.Errorf("failing BeforeCommit: InTx = %v, work ran %v; want its error and no work", err, ran)
		}
		// The next call on the same (grouped) transaction does not inherit it.
		err = db.InTx(ctx, func(tx *store.Tx) error { return nil })
		if err != nil || ran {
			t.Errorf("next call: InTx = %v, the failed call's work ran %v", err, ran)
		}
	})
}
