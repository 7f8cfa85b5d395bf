package demo_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/tally"
	"github.com/motcua/motcua/tally/tallytest"
)

// TestBulkIsSane: a few hundred bulk dossiers over two years, on both
// engines, are what the services would have made: every act is a row of
// the lifecycle table, every dossier's row agrees with its last event,
// the years hold the dossiers asked for at the seed district's online
// share, and II.06a's counts balance for each year and for both — every
// received dossier accounted for exactly once.
func TestBulkIsSane(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		const n = 400
		st, err := demo.Bulk(ctx, demo.BulkConfig{DB: db, Dossiers: n, Years: 2, Year: 2022, Seed: 7, Batch: 150})
		if err != nil {
			t.Fatal(err)
		}
		if st.Dossiers != n || st.Events < 5*n || st.Open == 0 {
			t.Errorf("stats %+v: want %d dossiers, about six events each, some still open at the end", st, n)
		}

		var per2021, per2022, online int
		split := time.Date(2022, 1, 1, 0, 0, 0, 0, calendar.Zone).UnixMilli()
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN submitted_at < ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN submitted_at >= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN channel = 'online' THEN 1 ELSE 0 END), 0) FROM dossiers`, split, split).Scan(&per2021, &per2022, &online); err != nil {
			t.Fatal(err)
		}
		if per2021 != n/2 || per2022 != n/2 {
			t.Errorf("filed in 2021/2022 = %d/%d, want %d each", per2021, per2022, n/2)
		}
		if share := float64(online) / n; math.Abs(share-demo.OnlineShare2022) > 0.06 || online != st.Online {
			t.Errorf("online share %.3f (%d, stats %d), want 0.88", share, online, st.Online)
		}

		// Each dossier's row is where its last event left it.
		var disagree int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers d
			JOIN dossier_events e ON e.id = (SELECT MAX(id) FROM dossier_events WHERE dossier_id = d.id)
			WHERE e.to_status <> d.status OR e.to_unit_id <> d.unit_id OR e.at <> d.updated_at
				OR (d.closed_at IS NOT NULL) <> (d.status IN ('delivered', 'refused', 'withdrawn', 'stopped'))`).Scan(&disagree); err != nil {
			t.Fatal(err)
		}
		if disagree != 0 {
			t.Errorf("%d dossiers disagree with their last event", disagree)
		}

		var paused int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT dossier_id) FROM dossier_pauses`).Scan(&paused); err != nil {
			t.Fatal(err)
		}
		if n := demo.PausesWithoutEvent(t, db); n != 0 || paused == 0 {
			t.Errorf("%d of %d paused dossiers have no event that stops the clock", n, paused)
		}

		// Every act is one the lifecycle table allows the role.
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT action, from_status, to_status, actor_role FROM dossier_events`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		shapes := 0
		for rows.Next() {
			var action, from, to, role string
			if err := rows.Scan(&action, &from, &to, &role); err != nil {
				t.Fatal(err)
			}
			shapes++
			if !allowed(action, dossier.State(from), dossier.State(to), role) {
				t.Errorf("event %s by %s from %q to %q: no such row in dossier.Rules", action, role, from, to)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if shapes < 12 {
			t.Errorf("only %d kinds of event: the histories are too plain", shapes)
		}

		r := report.New(db)
		for _, p := range []struct{ from, to time.Time }{
			{time.Date(2021, 1, 1, 0, 0, 0, 0, calendar.Zone), time.Date(2022, 1, 1, 0, 0, 0, 0, calendar.Zone)},
			{time.Date(2022, 1, 1, 0, 0, 0, 0, calendar.Zone), time.Date(2023, 1, 1, 0, 0, 0, 0, calendar.Zone)},
			{time.Date(2021, 1, 1, 0, 0, 0, 0, calendar.Zone), time.Date(2023, 1, 1, 0, 0, 0, 0, calendar.Zone)},
		} {
			counts, err := r.Counts(ctx, p.from, p.to, report.CountOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range counts {
				if !c.Balanced() {
					t.Errorf("%s–%s: %s does not balance: %+v", p.from.Format(time.DateOnly), p.to.Format(time.DateOnly), c.Code, c)
				}
			}
			tot := report.Total(counts)
			if tot.Received < n/3 || tot.Resolved == 0 {
				t.Errorf("%s–%s: received %d, resolved %d", p.from.Format(time.DateOnly), p.to.Format(time.DateOnly), tot.Received, tot.Resolved)
			}
		}

		// The listeners saw none of it: the tally waits for a rebuild, and
		// once rebuilt equals the recount.
		cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
		if err != nil {
			t.Fatal(err)
		}
		tl := tally.New(db, cal)
		if ready, err := tl.Ready(ctx); err != nil || ready {
			t.Fatalf("the tally is ready after a bulk load (%v)", err)
		}
		if err := r.RebuildTally(ctx, tl, cal); err != nil {
			t.Fatal(err)
		}
		tallied := report.New(db).WithTally(tl)
		tallytest.Compare(t, tallied, cal, time.Date(2021, 1, 1, 0, 0, 0, 0, calendar.Zone), time.Date(2023, 2, 1, 0, 0, 0, 0, calendar.Zone), 60, 8)
		tallytest.CompareBottlenecks(t, tallied, r, cal, demo.ProvinceCode, time.Date(2021, 1, 1, 0, 0, 0, 0, calendar.Zone), time.Date(2023, 1, 1, 0, 0, 0, 0, calendar.Zone), 20, 9)

		// A second load is refused: bulk rows go into an empty table only.
		if _, err := demo.Bulk(ctx, demo.BulkConfig{DB: db, Dossiers: 10}); !errors.Is(err, dossier.ErrBulkNotEmpty) {
			t.Errorf("a second bulk load: %v, want ErrBulkNotEmpty", err)
		}
	})
}

// allowed reports whether the lifecycle table has the event's row: a
// submission, or an action whose rule leads from from to to (a step
// forward or an approval may also lead to the result, a refusal in
// processing to the result).
func allowed(action string, from, to dossier.State, role string) bool {
	if action == "submit" {
		return from == "" && to == dossier.Submitted
	}
	for _, r := range dossier.Rules {
		if string(r.Action) != action || r.From != from || r.Role != role {
			continue
		}
		if r.To == to || (r.Move == dossier.Advance && to == dossier.ResultReady) {
			return true
		}
	}
	return false
}
