package report_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/tally"
)

// TestScale measures the reports on a database loaded by `motcua demo
// bulk` (issue 12: II.06a of a province-year under 0.5 s): MOTCUA_BULK is
// its data directory (SQLite) or its postgres:// URL. Without it, the
// same measurement runs on 2,000 dossiers bulk-loaded here on each engine,
// so the harness itself is exercised in every CI run.
// MOTCUA_BULK_YEAR is the province-year measured (default: the last year
// with dossiers), MOTCUA_BULK_RUNS how often each operation runs (default
// 1; the best time is shown). It asserts nothing about time: it prints
// each operation's time and its ratio to the baseline — counting the
// year's events, the least any report of the year can cost, run once
// untimed first to warm the cache. It does check that the II.06a figures
// read from the tally are those of the recount.
//
//	MOTCUA_BULK=/work/bulkdata/sqlite-5000000 go test -run TestScale -v -timeout 2h ./report/
func TestScale(t *testing.T) {
	ctx := context.Background()
	where := os.Getenv("MOTCUA_BULK")
	if where == "" {
		// -short leaves out the slow proof on a developer's machine; CI runs it always.
		if testing.Short() && os.Getenv("CI") != "true" {
			t.Skip("bulk-loads 2,000 dossiers; MOTCUA_BULK names a loaded database")
		}
		storetest.Engines(t, func(t *testing.T, db *store.DB) {
			if _, err := demo.Bulk(ctx, demo.BulkConfig{DB: db, Dossiers: 2000, Years: 2, Year: 2022, Seed: 3}); err != nil {
				t.Fatal(err)
			}
			measureScale(t, db, "2,000 bulk dossiers loaded by the test")
		})
		return
	}
	cfg := store.Config{Dir: where}
	if strings.HasPrefix(where, "postgres") {
		cfg = store.Config{URL: where}
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	measureScale(t, db, where)
}

// measureScale times the province-year's reports on db (named where).
func measureScale(t *testing.T, db *store.DB, where string) {
	ctx := context.Background()
	runs := 1
	if n, err := strconv.Atoi(os.Getenv("MOTCUA_BULK_RUNS")); err == nil && n > 0 {
		runs = n
	}
	var dossiers, events, last int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(submitted_at), 0) FROM dossiers`).Scan(&dossiers, &last); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if dossiers == 0 {
		t.Fatalf("%s holds no dossiers", where)
	}
	year := time.UnixMilli(last).In(calendar.Zone).Year()
	if y, err := strconv.Atoi(os.Getenv("MOTCUA_BULK_YEAR")); err == nil {
		year = y
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, calendar.Zone)
	to := from.AddDate(1, 0, 0)
	cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schema.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	tl := tally.New(db, cal)
	r := report.New(db).WithTally(tl)
	q, err := report.ParseII06a(url.Values{"unit": {demo.ProvinceCode}, "from": {from.Format(time.DateOnly)},
		"to": {to.AddDate(0, 0, -1).Format(time.DateOnly)}, "view": {report.ViewUnit}, "format": {report.FormatJSON}})
	if err != nil {
		t.Fatal(err)
	}
	q.Now = time.Now()
	var yearEvents int64
	sc, err := r.ScopeAt(ctx, demo.ProvinceCode, to.Add(-time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	scNow, err := r.ScopeAt(ctx, demo.ProvinceCode, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// The leaders' dashboard of the province for the year, as stats.fill reads it.
	dashboard := []op{
		{"dashboard: Trend (12 months)", func() error { _, err := r.Trend(ctx, sc, from, to, cal); return err }},
		{"dashboard: ByChild", func() error { _, err := r.ByChild(ctx, sc, from, to, cal); return err }},
		{"dashboard: Overdue (now)", func() error { _, err := r.Overdue(ctx, scNow, time.Now(), cal, math.MaxInt); return err }},
		{"dashboard: Bottlenecks", func() error { _, err := r.Bottlenecks(ctx, sc, from, to, cal); return err }},
		{"dashboard: Satisfaction", func() error { _, err := r.Satisfaction(ctx, sc, from, to); return err }},
	}
	ops := []op{
		{"baseline: COUNT(*) events of the year", func() error {
			return db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_events WHERE at >= ? AND at < ?`, from.UnixMilli(), to.UnixMilli()).Scan(&yearEvents)
		}},
		{"COUNT(*) all events", func() error {
			var n int64
			return db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_events WHERE at >= ? AND at < ?`, int64(0), int64(math.MaxInt64)).Scan(&n)
		}},
		{"Counts (province-year)", func() error {
			_, err := r.Counts(ctx, from, to, report.CountOptions{Judge: cal})
			return err
		}},
		{"Counts, recount of the events (province-year)", func() error {
			_, err := r.Counts(ctx, from, to, report.CountOptions{Judge: cal, Recount: true})
			return err
		}},
		{"II06a by unit, JSON (province-year)", func() error {
			rep, err := r.II06a(ctx, q, cal)
			if err != nil {
				return err
			}
			_, _, err = rep.Encode(q.Format, time.Now())
			return err
		}},
	}
	ops = append(ops, dashboard...)
	// The public pages' figures by procedure (stats/public.go), on the same counts.
	ops = append(ops, op{"public: ByProcedure", func() error { _, err := r.ByProcedure(ctx, sc, from, to, cal); return err }})

	// A bulk load bypasses the listeners: the tally is built from the
	// history once (kept on disk for the next run), and its time logged.
	if ready, err := tl.Ready(ctx); err != nil {
		t.Fatal(err)
	} else if !ready {
		start := time.Now()
		if err := r.BuildTally(ctx, tl, cal); err != nil {
			t.Fatal(err)
		}
		t.Logf("tally built from %d dossiers' history in %s", dossiers, time.Since(start).Round(time.Millisecond))
	}
	// What is timed must be right: the year's figures from the tally are
	// the recount's.
	fast, err := r.Counts(ctx, from, to, report.CountOptions{Judge: cal, RollUp: true})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := r.Counts(ctx, from, to, report.CountOptions{Judge: cal, RollUp: true, Recount: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, slow) || report.Total(slow).Received == 0 {
		t.Fatalf("the tally's figures of %d are not the recount's (%d received):\n%+v\n%+v", year, report.Total(slow).Received, report.Total(fast), report.Total(slow))
	}

	// One untimed pass of the baseline first, so that it is not the one
	// operation that reads the events from disk.
	if err := ops[0].fn(); err != nil {
		t.Fatal(err)
	}
	times := make([]time.Duration, len(ops))
	for i, o := range ops {
		best := time.Duration(math.MaxInt64)
		for range runs {
			start := time.Now()
			if err := o.fn(); err != nil {
				t.Fatalf("%s: %v", o.name, err)
			}
			best = min(best, time.Since(start))
		}
		times[i] = best
		t.Logf("%-40s %10s", o.name, best.Round(time.Millisecond))
	}
	// The dashboard's page reads all of its parts: their sum.
	var page time.Duration
	for i := len(ops) - 1 - len(dashboard); i < len(ops)-1; i++ {
		page += times[i]
	}
	ops, times = append(ops, op{name: "dashboard page: sum of its 5 parts"}), append(times, page)
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s on %s: %d dossiers, %d events; province-year %d (%d events); best of %d\n", where, db.Dialect, dossiers, events, year, yearEvents, runs)
	fmt.Fprintf(&b, "| %-40s | %10s | %9s |\n|%s|%s|%s|\n", "operation", "time", "× baseline", strings.Repeat("-", 42), strings.Repeat("-", 12), strings.Repeat("-", 11))
	for i, o := range ops {
		fmt.Fprintf(&b, "| %-40s | %10s | %9.1f |\n", o.name, times[i].Round(time.Millisecond), float64(times[i])/float64(max(times[0], 1)))
	}
	t.Log(b.String())
}

type op struct {
	name string
	fn   func() error
}
