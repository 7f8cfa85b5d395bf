package sohoa

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestCodesUniqueUnderConcurrency: digitisations at one desk running at
// the same moment get distinct codes, numbered 1…n in the year; another
// kind, agency or year starts its own count. On both engines.
func TestCodesUniqueUnderConcurrency(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 31, 23, 30, 0, 0, calendar.Zone)
		const n = 20
		codes := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := db.InTx(ctx, func(tx *store.Tx) error {
					c, err := nextCode(ctx, tx, Component, "000.00.25.H40", now)
					if err == nil {
						codes <- c
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(codes)
		seen := map[string]bool{}
		for c := range codes {
			if seen[c] {
				t.Fatalf("code %s given twice", c)
			}
			seen[c] = true
		}
		if len(seen) != n || !seen["TP.000.00.25.H40.2026.000001"] || !seen["TP.000.00.25.H40.2026.000020"] {
			t.Fatalf("codes: %v", seen)
		}
		for _, c := range []struct {
			kind, agency string
			at           time.Time
			want         string
		}{
			{Result, "000.00.25.H40", now, "KQ.000.00.25.H40.2026.000001"},
			{Component, "000.01.25.H40", now, "TP.000.01.25.H40.2026.000001"},
			// 00:30 on 1 January in Vietnam is still 2026 in UTC: the year is Vietnam's.
			{Component, "000.00.25.H40", now.Add(time.Hour), "TP.000.00.25.H40.2027.000001"},
		} {
			var got string
			if err := db.InTx(ctx, func(tx *store.Tx) (err error) { got, err = nextCode(ctx, tx, c.kind, c.agency, c.at); return }); err != nil || got != c.want {
				t.Errorf("%s at %s: %s (%v), want %s", c.kind, c.agency, got, err, c.want)
			}
		}
	})
}
