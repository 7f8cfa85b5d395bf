package report_test

import (
	"os"
	"testing"
	"time"

	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestOfficerFiguresMatchARecount (issue 16): each officer's one-stop
// figures for the evaluation of 2022 — dossiers handled, results on time,
// lateness caused, citizens' ratings — equal a recount, written apart
// here, over the events a generated year produced.
func TestOfficerFiguresMatchARecount(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a year through the services")
	}
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: t.TempDir(), Year: 2022, Scale: 0.002, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		from, to := civil.YearBounds(2022)
		want := recountOfficers(t, db, from, to)
		ids := make([]int64, 0, len(want))
		for u := range want {
			ids = append(ids, u)
		}
		got, err := report.New(db).OfficerFigures(ctx, ids, from, to)
		if err != nil {
			t.Fatal(err)
		}
		var sum civil.Figures
		for _, u := range ids {
			if got[u] != want[u] {
				t.Errorf("officer %d: got %+v, recount %+v", u, got[u], want[u])
			}
			w := want[u]
			sum.Handled += w.Handled
			sum.Ended += w.Ended
			sum.OnTime += w.OnTime
			sum.LateCaused += w.LateCaused
			sum.VerySatisfied += w.VerySatisfied + w.Satisfied + w.NotSatisfied
		}
		// A recount of nothing proves nothing: the year has every kind.
		if len(ids) < 5 || sum.Handled == 0 || sum.OnTime == 0 || sum.LateCaused == 0 || sum.VerySatisfied == 0 {
			t.Errorf("the generated year lacks a kind of figure: %d officers, sums %+v", len(ids), sum)
		}
		// Another year has nothing of 2022's.
		none, err := report.New(db).OfficerFigures(ctx, ids, to, to.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for u, f := range none {
			if f != (civil.Figures{}) {
				t.Errorf("officer %d has figures in 2023: %+v", u, f)
			}
		}
	})
}

type officerEv struct {
	at, actor, due   int64
	action, from, to string
}

// recountOfficers reads every event and rating and counts, officer by
// officer, what docs/civil-service.md defines.
func recountOfficers(t *testing.T, db *store.DB, from, to time.Time) map[int64]civil.Figures {
	t.Helper()
	ctx := t.Context()
	rows, err := db.QueryContext(ctx, `SELECT e.dossier_id, e.at, COALESCE(e.actor_id, 0), e.action, e.from_status, e.to_status, COALESCE(e.due_at, 0)
		FROM dossier_events e ORDER BY e.id`)
	if err != nil {
		t.Fatal(err)
	}
	hist := map[int64][]officerEv{}
	for rows.Next() {
		var d int64
		var e officerEv
		if err := rows.Scan(&d, &e.at, &e.actor, &e.action, &e.from, &e.to, &e.due); err != nil {
			t.Fatal(err)
		}
		hist[d] = append(hist[d], e)
	}
	rows.Close()
	scores := map[int64]string{}
	rs, err := db.QueryContext(ctx, `SELECT dossier_id, score FROM ratings`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var d int64
		var s string
		if err := rs.Scan(&d, &s); err != nil {
			t.Fatal(err)
		}
		scores[d] = s
	}
	rs.Close()
	officers := map[int64]bool{}
	if err := func() error {
		r, err := db.QueryContext(ctx, `SELECT DISTINCT e.actor_id FROM dossier_events e JOIN users u ON u.id = e.actor_id WHERE u.kind = 'officer'`)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var u int64
			if err := r.Scan(&u); err != nil {
				return err
			}
			officers[u] = true
		}
		return r.Err()
	}(); err != nil {
		t.Fatal(err)
	}
	inYear := func(ms int64) bool { return !time.UnixMilli(ms).Before(from) && time.UnixMilli(ms).Before(to) }
	ignored := map[string]bool{"apologize": true, "consult": true, "record-answer": true}
	out := map[int64]civil.Figures{}
	for u := range officers {
		var f civil.Figures
		for d, h := range hist {
			acted := false
			deadline := int64(0)
			for i, e := range h {
				if e.actor == u && inYear(e.at) {
					acted = true
					if e.from == "processing" && i > 0 && deadline != 0 && h[i-1].at <= deadline && deadline < e.at {
						f.LateCaused++
					}
				}
				if !ignored[e.action] && e.due != 0 {
					deadline = e.due
				}
			}
			if !acted {
				continue
			}
			f.Handled++
			deadline = 0
			for _, e := range h {
				if e.to == "result_ready" && e.action != "refuse" {
					if inYear(e.at) {
						f.Ended++
						if deadline == 0 || e.at <= deadline {
							f.OnTime++
						}
					}
					break
				}
				if !ignored[e.action] && e.due != 0 {
					deadline = e.due
				}
			}
			switch scores[d] {
			case "very_satisfied":
				f.VerySatisfied++
			case "satisfied":
				f.Satisfied++
			case "not_satisfied":
				f.NotSatisfied++
			}
		}
		out[u] = f
	}
	return out
}
