package unit_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// TestPeriods: a unit's history lists every period newest first, each
// with the parent as it was named when the period began.
func TestPeriods(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		jan := time.Date(2025, 1, 1, 0, 0, 0, 0, unit.Vietnam)
		jul := time.Date(2025, 7, 1, 0, 0, 0, 0, unit.Vietnam)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := w.s.RenameAt(ctx, tx, districtCode, unit.Renaming{Name: "UBND huyện (mới)"}, "NQ 1318", jan); err != nil {
				return err
			}
			return w.s.MoveAt(ctx, tx, c1Code, provinceCode, "NQ 1674", jul)
		})
		if err != nil {
			t.Fatal(err)
		}
		ps, err := w.s.Periods(ctx, w.c1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 {
			t.Fatalf("%d periods: %+v", len(ps), ps)
		}
		now, first := ps[0], ps[1]
		if now.ParentCode != provinceCode || !now.From.Equal(jul) || !now.To.IsZero() || now.Reason != "NQ 1674" {
			t.Fatalf("current period %+v", now)
		}
		if first.ParentCode != districtCode || first.ParentName != "UBND huyện" || !first.To.Equal(jul) ||
			first.Level != unit.Commune || first.Kind != unit.Committee {
			t.Fatalf("first period %+v", first)
		}
	})
}
