// Package tallytest checks, for tests, that the tally's figures are the
// recount's: the property package tally rests on, asked wherever a test
// has made a history worth checking (a reorganisation, a live demo).
package tallytest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/report"
)

var ict = calendar.Zone

// Compare checks n random periods from start, ending by now: Counts from the tally
// against the recount, every option drawn at random.
func Compare(t *testing.T, r *report.Reader, judge report.Judge, start, now time.Time, n int, seed uint64) {
	t.Helper()
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 12))
	span := min(now.Sub(start), 420*24*time.Hour) // the year and its tail
	day := func() time.Time { return start.AddDate(0, 0, rng.IntN(int(span.Hours()/24))) }
	instant := func() time.Time { return start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Millisecond) }
	tested, nonEmpty := 0, 0
	for i := range n {
		var from, to time.Time
		switch i % 6 {
		case 0: // whole days
			from, to = day(), day()
		case 1: // a month
			from = day()
			from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, ict)
			to = from.AddDate(0, 1, 0)
		case 2: // instants
			from, to = instant(), instant()
		case 3: // a few minutes
			from = instant()
			to = from.Add(time.Duration(1+rng.IntN(600)) * time.Minute)
		case 4: // up to now, as a report of the current period is
			from, to = day(), now.Add(time.Millisecond)
		case 5: // a long one, from before the first dossier
			from, to = start, instant()
		}
		if to.Before(from) {
			from, to = to, from
		}
		if !from.Before(to) {
			continue
		}
		opts := report.CountOptions{Judge: judge, ByProcedure: rng.IntN(2) == 0, RollUp: rng.IntN(2) == 0}
		if opts.RollUp && rng.IntN(2) == 0 {
			opts.At = now
		}
		fast, err := r.Counts(ctx, from, to, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Recount = true
		slow, err := r.Counts(ctx, from, to, opts)
		if err != nil {
			t.Fatal(err)
		}
		tested++
		if len(slow) > 0 {
			nonEmpty++
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("[%s, %s) %+v:\n tally   %s\n recount %s", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano),
				opts, rows(fast), rows(slow))
		}
	}
	// The check must have had something to compare.
	if nonEmpty < tested/2 {
		t.Fatalf("only %d of %d periods had any dossier", nonEmpty, tested)
	}
	t.Logf("%d periods compared, %d with dossiers", tested, nonEmpty)

}

func rows(cs []report.Count) string {
	s := ""
	for _, c := range cs {
		s += fmt.Sprintf("\n   %s %s %+v", c.Code, c.Procedure, c)
	}
	return s
}

// CompareBottlenecks checks n random periods from start, ending by now:
// the bottleneck steps of the unit with code (and its subtree, as it stood
// at the period's end) read from the tally's stays against those read
// from every event, by plain (a Reader without the tally).
func CompareBottlenecks(t *testing.T, tallied, plain *report.Reader, cal report.WorkCalendar, code string, start, now time.Time, n int, seed uint64) {
	t.Helper()
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 13))
	span := min(now.Sub(start), 420*24*time.Hour)
	nonEmpty := 0
	for range n {
		from := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Millisecond)
		to := from.Add(time.Duration(1 + rng.Int64N(int64(120*24*time.Hour)))).Truncate(time.Millisecond)
		sc, err := tallied.ScopeAt(ctx, code, to.Add(-time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		fast, err := tallied.Bottlenecks(ctx, sc, from, to, cal)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := plain.Bottlenecks(ctx, sc, from, to, cal)
		if err != nil {
			t.Fatal(err)
		}
		if len(slow) > 0 {
			nonEmpty++
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("bottlenecks of [%s, %s):\n tally   %+v\n recount %+v", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), fast, slow)
		}
	}
	if nonEmpty < n/2 {
		t.Fatalf("only %d of %d periods had any stay", nonEmpty, n)
	}
	t.Logf("%d periods of bottlenecks compared, %d with stays", n, nonEmpty)
}

// CompareTrend checks n random runs of months from start, ending by now:
// the month-by-month figures of the unit with code from the tally (one
// series) against those plain (a Reader without the tally) recounts.
func CompareTrend(t *testing.T, tallied, plain *report.Reader, judge report.Judge, code string, start, now time.Time, n int, seed uint64) {
	t.Helper()
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 14))
	nonEmpty := 0
	months := min(14, (now.Year()-start.Year())*12+int(now.Month()-start.Month())+1)
	for range n {
		from := time.Date(start.Year(), start.Month()+time.Month(rng.IntN(months)), 1, 0, 0, 0, 0, ict)
		to := from.AddDate(0, 1+rng.IntN(12), 0)
		if to.After(now) {
			to = now
		}
		if !from.Before(to) {
			continue
		}
		sc, err := tallied.ScopeAt(ctx, code, to.Add(-time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		fast, err := tallied.Trend(ctx, sc, from, to, judge)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := plain.Trend(ctx, sc, from, to, judge)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range slow {
			if m.Received > 0 {
				nonEmpty++
				break
			}
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("trend of [%s, %s):\n tally   %+v\n recount %+v", from.Format(time.DateOnly), to.Format(time.RFC3339Nano), fast, slow)
		}
	}
	if nonEmpty < n/2 {
		t.Fatalf("only %d of %d trends had any dossier", nonEmpty, n)
	}
	t.Logf("%d trends compared, %d with dossiers", n, nonEmpty)
}
