package forms

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// TestContinueRegisters: after a merge, the successor's register for the
// year goes on from the highest number either unit reached, so no number
// repeats in the year; an earlier year's register is left alone.
func TestContinueRegisters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units := unit.NewStore(db, nil)
		var from, into unit.Unit
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if from, err = units.Create(ctx, tx, unit.Unit{Code: "000.01.01.H98", Name: "UBND xã Một", Level: unit.Commune}, ""); err != nil {
				return err
			}
			into, err = units.Create(ctx, tx, unit.Unit{Code: "000.02.01.H98", Name: "UBND xã Hai", Level: unit.Commune}, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s := &Service{db: db, now: time.Now}
		issue := func(u unit.Unit, series string, year, n int) {
			for i := range n {
				if _, err := s.number(ctx, u.ID, series, u.Code+series+string(rune('a'+i)), time.Date(year, 3, 2, 9, 0, 0, 0, unit.Vietnam)); err != nil {
					t.Fatal(err)
				}
			}
		}
		issue(from, Receipt, 2025, 5) // the merged unit reached 5
		issue(into, Receipt, 2025, 2) // the successor only 2
		issue(from, Apology, 2025, 3) // a series the successor never used
		issue(into, Refusal, 2025, 4) // a series only the successor used
		issue(from, Receipt, 2024, 9) // last year: not continued
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return OnMerged(ctx, tx, unit.Merged{From: from.ID, Into: into.ID, At: time.Date(2025, 7, 1, 0, 0, 0, 0, unit.Vietnam)})
		}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			series string
			year   int
			want   int64
		}{
			{"the successor continues from the higher number", Receipt, 2025, 5},
			{"a series only the merged unit used", Apology, 2025, 3},
			{"a series only the successor used is kept", Refusal, 2025, 4},
			{"an earlier year is not continued", Receipt, 2024, 0},
		}
		got, err := Counters(ctx, db, []int64{into.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var n int64
				for _, g := range got {
					if g.Series == c.series && g.Year == c.year {
						n = g.N
					}
				}
				if n != c.want {
					t.Fatalf("%s/%d at the successor: %d, want %d", c.series, c.year, n, c.want)
				}
			})
		}
		// The next number the successor issues does not repeat one of the merged unit's.
		n, err := s.number(ctx, into.ID, Receipt, "next", time.Date(2025, 8, 1, 9, 0, 0, 0, unit.Vietnam))
		if err != nil || n != 6 {
			t.Fatalf("next receipt number %d (%v), want 6", n, err)
		}
	})
}
