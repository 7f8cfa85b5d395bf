package stats

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/report"
)

// TestScoreCache: the public pages compute a unit's scorecard once per
// period and ten minutes, however many visitors ask at once; a period up
// to now is counted up to the moment it is computed, and kept until the
// next round ten minutes; an error is not kept.
func TestScoreCache(t *testing.T) {
	var c scoreCache
	var calls atomic.Int32
	var lastTo time.Time
	compute := func(_ context.Context, to time.Time) (report.Scorecard, error) {
		calls.Add(1)
		lastTo = to
		time.Sleep(20 * time.Millisecond) // long enough for the visitors to pile up
		return report.Scorecard{Score: float64(calls.Load())}, nil
	}
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 17, 0, 0, time.UTC)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.get(ctx, now, "000.01.37.H40", from, now, compute); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("20 visitors at once: computed %d times, want 1", n)
	}
	if !lastTo.Equal(now) {
		t.Errorf("a period up to now is counted up to %s, want now (%s)", lastTo, now)
	}
	for _, tc := range []struct {
		name  string
		now   time.Time
		code  string
		calls int32
	}{
		{"two minutes later, the same ten minutes", now.Add(2 * time.Minute), "000.01.37.H40", 1},
		{"another unit", now.Add(2 * time.Minute), "000.02.37.H40", 2},
		{"the next ten minutes", now.Add(11 * time.Minute), "000.01.37.H40", 3},
	} {
		if _, err := c.get(ctx, tc.now, tc.code, from, tc.now, compute); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != tc.calls {
			t.Errorf("%s: %d computations, want %d", tc.name, n, tc.calls)
		}
	}
	failing := func(context.Context, time.Time) (report.Scorecard, error) {
		return report.Scorecard{}, errors.New("down")
	}
	past := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	for range 2 {
		if _, err := c.get(ctx, now, "000.03.37.H40", from.AddDate(-1, 0, 0), past, failing); err == nil {
			t.Fatal("an error was swallowed")
		}
	}
	got, err := c.get(ctx, now, "000.03.37.H40", from.AddDate(-1, 0, 0), past, compute)
	if err != nil || got.Score == 0 {
		t.Errorf("after errors, a good computation: %+v %v", got, err)
	}
}
