package document

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// newUnit makes a root unit to number for.
func newUnit(t *testing.T, db *store.DB, code string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		u, err := unit.NewStore(db, nil).Create(t.Context(), tx, unit.Unit{Code: code, Name: "UBND " + code, Level: unit.Province}, "")
		id = u.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// issueNumber gives the next number of the unit's register code at now,
// in a transaction of its own that fails after numbering when fail is set.
func issueNumber(t *testing.T, db *store.DB, unitID int64, code string, now time.Time, fail bool) (int64, error) {
	var n int64
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		r, err := register(t.Context(), tx, unitID, code, now)
		if err != nil {
			return err
		}
		if n, err = nextNumber(t.Context(), tx, r.id, Year(now)); err != nil {
			return err
		}
		if fail {
			return errors.New("signing failed")
		}
		return nil
	})
	return n, err
}

// TestNumbersUnderConcurrency: numbers given by transactions running at
// once on one register are 1…n, none twice, none skipped, on both
// engines, even when the unit's registers are made by those same
// transactions; a transaction rolled back after numbering gives its
// number back (no gap); the unit's other registers keep their own count.
func TestNumbersUnderConcurrency(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		unitID := newUnit(t, db, "000.00.00.H99")
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, calendar.Zone)
		const n = 24
		got := make(chan int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				// Every third fails after taking a number, as an issue whose
				// signing fails does: its number must go to the next one.
				x, err := issueNumber(t, db, unitID, RegisterDecisions, now, i%3 == 0)
				if i%3 == 0 {
					if err == nil {
						t.Error("the failing transaction committed")
					}
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				got <- x
			})
		}
		wg.Wait()
		close(got)
		var nums []int64
		for x := range got {
			nums = append(nums, x)
		}
		slices.Sort(nums)
		want := make([]int64, 0, n)
		for i := int64(1); len(want) < n-n/3; i++ {
			want = append(want, i)
		}
		if !slices.Equal(nums, want) {
			t.Fatalf("numbers %v, want %v", nums, want)
		}
		if x, err := issueNumber(t, db, unitID, RegisterLetters, now, false); err != nil || x != 1 {
			t.Fatalf("the letters register: %d %v", x, err)
		}
	})
}

// TestNumbersAcrossNewYear: the year is Vietnam's. At 23:59 on 31
// December a register continues its count; a minute later (still 31
// December in UTC) it starts again at 1, and the old year's count is
// not disturbed by a late transaction dated before midnight.
func TestNumbersAcrossNewYear(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		unitID := newUnit(t, db, "000.00.00.H98")
		eve := time.Date(2026, 12, 31, 23, 59, 0, 0, calendar.Zone)
		newYear := time.Date(2027, 1, 1, 0, 0, 30, 0, calendar.Zone)
		if newYear.UTC().Day() != 31 {
			t.Fatal("the test means a moment still 31 December in UTC")
		}
		for i, c := range []struct {
			at   time.Time
			want int64
		}{
			{eve, 1}, {eve, 2}, {newYear, 1}, {newYear.Add(time.Minute), 2}, {eve.Add(30 * time.Second), 3},
		} {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				x, err := issueNumber(t, db, unitID, RegisterDecisions, c.at, false)
				if err != nil || x != c.want {
					t.Fatalf("at %v: %d %v, want %d", c.at, x, err, c.want)
				}
			})
		}
		if Year(newYear) != 2027 || Year(eve) != 2026 {
			t.Fatal("Year is not Vietnam's")
		}
	})
}

// TestFormat: Decree 30's numbers and symbols.
func TestFormat(t *testing.T) {
	qd, _ := TypeOf("QD")
	cv, _ := TypeOf("CV")
	kh, _ := TypeOf("KH")
	cases := []struct {
		n           int64
		t           DocType
		field, want string
	}{
		{15, qd, "", "15/QĐ-UBND"},
		{5, qd, "", "05/QĐ-UBND"},
		{12, cv, "VX", "12/UBND-VX"},
		{1, cv, "", "01/UBND"},
		{123, kh, "", "123/KH-UBND"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.n) + "/" + Notation(c.t, DefaultIssuer, c.field); got != c.want {
			t.Errorf("%d %s: %s, want %s", c.n, c.t.Code, got, c.want)
		}
	}
}
