package tally_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/tally"
	"github.com/motcua/motcua/tally/tallytest"
)

var ict = calendar.Zone

// TestTallyEqualsRecount is the property the tally rests on: for any
// period, any split and any roll-up, Counts read from the tally equals
// Counts recounted from every event. The history is made through the real
// services with the listeners on: a generated 2022 year, both
// reorganisations of 2025 (which move open dossiers without an act), and
// the last 60 days of the two-tier world. The periods are random: whole
// days, whole months, instants to the millisecond, a few minutes, years,
// before any dossier and running to now. Then a rebuild from the history
// gives the same tables and the same figures again.
func TestTallyEqualsRecount(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a year and two months through the services")
	}
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		// Ready and empty before the first act, so what follows is the
		// listeners' work, not a rebuild's.
		ready(t, db)
		if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: t.TempDir(), Year: 2022, Scale: 0.003, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		var now time.Time
		app := newApp(t, db, &now)
		plans, err := demo.Plans()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plans {
			day, err := time.ParseInLocation(time.DateOnly, p.Effective, ict)
			if err != nil {
				t.Fatal(err)
			}
			now = day.Add(8 * time.Hour)
			if rep, err := app.Reorg.Apply(ctx, nil, p); err != nil || len(rep.Refused) > 0 {
				t.Fatalf("apply %s: %v %+v", p.ID, err, rep.Refused)
			}
		}
		checkAll(t, db, app, time.Date(2021, 12, 1, 0, 0, 0, 0, ict), now)
	})
}

// TestTallyOfLiveDays: the same property on the two-tier world of today
// and its last 60 days of activity, as serve --demo opens it.
func TestTallyOfLiveDays(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates two months through the services")
	}
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ready(t, db)
		now := time.Date(2026, 3, 2, 10, 0, 0, 0, ict)
		app := newApp(t, db, &now)
		if _, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil {
			t.Fatal(err)
		}
		if _, _, err := demo.Live(ctx, demo.LiveConfig{DB: db, DataDir: t.TempDir(), Share: 0.02, Now: func() time.Time { return now }}); err != nil {
			t.Fatal(err)
		}
		checkAll(t, db, app, now.AddDate(0, 0, -demo.LiveDays-10), now)
	})
}

// ready makes the tally ready and empty.
func ready(t *testing.T, db *store.DB) {
	t.Helper()
	if err := tally.New(db, nil).Replace(t.Context(), func(func(tally.Fact) error) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// checkAll compares the tally with the recount on random periods from
// start up to now, rebuilds it from the history, and compares again.
func checkAll(t *testing.T, db *store.DB, app *server.App, start, now time.Time) {
	t.Helper()
	tallied := report.New(db).WithTally(app.Tally)
	tallytest.Compare(t, tallied, app.Calendar, start, now, 150, 1)
	tallytest.CompareBottlenecks(t, tallied, report.New(db), app.Calendar, demo.ProvinceCode, start, now, 40, 3)
	tallytest.CompareTrend(t, tallied, report.New(db), app.Calendar, demo.ProvinceCode, start, now, 20, 4)
	listened := tables(t, db)
	if err := tallied.RebuildTally(t.Context(), app.Tally, app.Calendar); err != nil {
		t.Fatal(err)
	}
	if rebuilt := tables(t, db); !reflect.DeepEqual(listened, rebuilt) {
		for name := range listened {
			if !reflect.DeepEqual(listened[name], rebuilt[name]) {
				t.Errorf("%s as the listeners kept it differs from a rebuild: %d rows against %d", name, len(listened[name]), len(rebuilt[name]))
			}
		}
	}
	tallytest.Compare(t, tallied, app.Calendar, start, now, 50, 2)
}

// tables are the tally's day and dossier rows, as comparable values.
func tables(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for name, q := range map[string]string{
		"tally_days":      `SELECT day, unit_id, procedure_code, online, outcome, n FROM tally_days ORDER BY day, unit_id, procedure_code, online, outcome`,
		"tally_unit_days": `SELECT day, unit_id, online, outcome, n FROM tally_unit_days ORDER BY day, unit_id, online, outcome`,
		// Dossiers never received are the listeners' alone (a rebuild
		// starts them at their reception); their live state is not compared.
		"tally_dossiers": `SELECT dossier_id, procedure_code, procedure_version, online, received_at, end_at, span_class, outcome,
			end_unit_id, last_at FROM tally_dossiers WHERE received_at IS NOT NULL ORDER BY dossier_id`,
		"tally_stays": `SELECT dossier_id, end_at, unit_id, procedure_code, procedure_version, step, work_ms, late FROM tally_stays
			ORDER BY dossier_id, end_at, step`,
	} {
		rs, err := db.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], fmt.Sprint(vals...))
		}
		rs.Close()
		if len(out[name]) == 0 {
			t.Fatalf("%s is empty", name)
		}
	}
	return out
}

func newApp(t *testing.T, db *store.DB, now *time.Time) *server.App {
	t.Helper()
	servertest.Prepare(t, db)
	app, err := server.New(context.Background(), db, server.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		AuthParams: auth.Params{Time: 1, MemKiB: 8, Threads: 1}, Now: func() time.Time { return *now }, PublicURL: "http://127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return app
}
