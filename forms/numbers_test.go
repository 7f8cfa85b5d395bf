package forms

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// TestNumbers: a series runs 1, 2, 3… per unit and year with no gaps or
// repeats under concurrent issue, a subject keeps its number, and a new
// year starts again at 1 (Decree 30/2020 Art. 15).
func TestNumbers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units := unit.NewStore(db, nil)
		var u unit.Unit
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			u, err = units.Create(ctx, tx, giaLam, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s := &Service{db: db, now: time.Now}
		march := at(2, 9, 0)
		var mu sync.Mutex
		var got []int
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				n, err := s.number(ctx, u.ID, Apology, fmt.Sprintf("HS-%d#1", i), march)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			})
		}
		wg.Wait()
		sort.Ints(got)
		if fmt.Sprint(got) != "[1 2 3 4 5 6 7 8]" {
			t.Errorf("concurrent numbers %v, want 1…8", got)
		}
		// Racing for one subject gives it one number and leaves no gap.
		same := make(chan int, 8)
		for range 8 {
			wg.Go(func() {
				n, err := s.number(ctx, u.ID, Apology, "HS-X#1", march)
				if err != nil {
					t.Error(err)
				}
				same <- n
			})
		}
		wg.Wait()
		close(same)
		for n := range same {
			if n != 9 {
				t.Errorf("racing for one subject gave %d, want 9", n)
			}
		}
		if n, _ := s.number(ctx, u.ID, Apology, "HS-Y#1", march); n != 10 {
			t.Errorf("next number %d, want 10", n)
		}
		again1, _ := s.number(ctx, u.ID, Apology, "HS-3#1", march)
		again2, _ := s.number(ctx, u.ID, Apology, "HS-3#1", march.AddDate(1, 0, 0))
		if again1 != again2 {
			t.Errorf("a subject's number changed: %d then %d", again1, again2)
		}
		if n, _ := s.number(ctx, u.ID, Receipt, "HS-1", march); n != 1 {
			t.Errorf("another series starts at %d, want 1", n)
		}
		if n, _ := s.number(ctx, u.ID, Apology, "HS-99#1", march.AddDate(1, 0, 0)); n != 1 {
			t.Errorf("next year starts at %d, want 1", n)
		}
	})
}
