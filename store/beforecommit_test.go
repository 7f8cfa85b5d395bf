package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestBeforeCommit: the work a transaction adds with BeforeCommit runs
// after its fn, in the order added (work added by work too), inside the
// same transaction: its failure rolls back fn's writes with its own, and
// a failed fn runs none of it.
func TestBeforeCommit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(tx *store.Tx, prefix string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, 'd', 1)`, prefix)
			return err
		}
		count := func(prefix string) int { return countPrefix(t, db, prefix) }
		var order []string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			tx.BeforeCommit(func() error {
				order = append(order, "first")
				tx.BeforeCommit(func() error { order = append(order, "added by first"); return insert(tx, "late-2") })
				return insert(tx, "late-1")
			})
			tx.BeforeCommit(func() error { order = append(order, "second"); return nil })
			order = append(order, "fn")
			return insert(tx, "fn")
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"fn", "first", "second", "added by first"}; !slices.Equal(order, want) {
			t.Errorf("ran %v, want %v", order, want)
		}
		for _, p := range []string{"fn", "late-1", "late-2"} {
			if count(p) != 1 {
				t.Errorf("%s not committed", p)
			}
		}

		refused := errors.New("refused")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			tx.BeforeCommit(func() error {
				if err := insert(tx, "work-refused"); err != nil {
					return err
				}
				return refused
			})
			return insert(tx, "fn-refused")
		})
		if !errors.Is(err, refused) || count("work-refused")+count("fn-refused") != 0 {
			t.Errorf("failing work: InTx = %v, rows kept %d; want its error and nothing kept", err, count("work-refused")+count("fn-refused"))
		}

		ran := false
		err = db.InTx(ctx, func(tx *store.Tx) error {
			tx.BeforeCommit(func() error { ran = true; return nil })
			return refused
		})
		if !errors.Is(err, refused) || ran {
			t.Errorf("failing fn: InTx = %v, work ran %v; want its error and no work", err, ran)
		}
	})
}

// countPrefix counts the rows of dossier_sequences under prefix, read from
// outside any transaction: what the commit tests' work left committed.
func countPrefix(t *testing.T, db *store.DB, prefix string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM dossier_sequences WHERE prefix = ?`, prefix).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
