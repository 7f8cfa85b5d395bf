package unit_test

import (
	"context"
	"slices"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// Chain (one recursive query) names the same units as Ancestors (one
// query per level), nearest first, inside a transaction and out; an
// unknown unit is an error and no unit (0) is no chain.
func TestChainIsTheAncestors(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTwoTier(t, db)
		for code, u := range w.ids {
			anc, err := w.s.Ancestors(ctx, db, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, a := range anc {
				want = append(want, a.ID)
			}
			got, err := w.s.Chain(ctx, db, u.ID)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("Chain(%s) = %v, %v; want %v", code, got, err, want)
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				got, err = w.s.Chain(ctx, tx, u.ID)
				return err
			}); err != nil || !slices.Equal(got, want) {
				t.Errorf("Chain(%s) in a transaction = %v, %v; want %v", code, got, err, want)
			}
		}
		if len(w.ids) < 3 {
			t.Fatalf("the tree has %d units", len(w.ids))
		}
		if _, err := w.s.Chain(ctx, db, 987654); err == nil {
			t.Error("Chain of an unknown unit: no error")
		}
		if got, err := w.s.Chain(ctx, db, 0); err != nil || len(got) != 0 {
			t.Errorf("Chain(0) = %v, %v; want nothing", got, err)
		}
	})
}
