package report_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
)

// BenchmarkOfficerFigures: the one-stop figures of a generated year (the
// evidence of the yearly evaluation) for one officer — what an evaluation
// page asks — and for every officer who acted, with the index
// dossier_events_actor (package dossier, migration 015) and then without
// it (dropped, the state before that migration) on the same database in
// the same run, beside a baseline: counting the year's events, the least
// any report of the year costs. Scale with MOTCUA_BENCH_SCALE (default
// 0.02, about 1,340 dossiers).
func BenchmarkOfficerFigures(b *testing.B) {
	onGeneratedYear(b, benchOfficerFigures)
}

func benchOfficerFigures(b *testing.B, db *store.DB) {
	ctx := context.Background()
	from, to := civil.YearBounds(2022)
	if db.Dialect == store.Postgres {
		// What autovacuum does after a load, so the planner knows the
		// table's size (a freshly generated year has no statistics).
		if _, err := db.ExecContext(ctx, `ANALYZE dossier_events`); err != nil {
			b.Fatal(err)
		}
	}
	// The officers who acted in the year, the busiest first.
	rows, err := db.QueryContext(ctx, `SELECT e.actor_id FROM dossier_events e JOIN users u ON u.id = e.actor_id
		WHERE u.kind = 'officer' AND e.at >= ? AND e.at < ? GROUP BY e.actor_id ORDER BY COUNT(*) DESC, e.actor_id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		b.Fatal(err)
	}
	var all []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		all = append(all, id)
	}
	rows.Close()
	if len(all) < 2 {
		b.Fatalf("the generated year has %d officers who acted", len(all))
	}
	one := all[len(all)/2:][:1] // an officer of middling activity
	r := report.New(db)
	figures := func(ids []int64) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				f, err := r.OfficerFigures(ctx, ids, from, to)
				if err != nil || f[ids[0]].Handled == 0 {
					b.Fatal(err, f[ids[0]])
				}
			}
		}
	}
	b.Run("baseline year's events counted", func(b *testing.B) {
		for b.Loop() {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_events WHERE at >= ? AND at < ?`, from.UnixMilli(), to.UnixMilli()).Scan(&n); err != nil || n == 0 {
				b.Fatal(err, n)
			}
		}
	})
	b.Run("one officer, index", figures(one))
	b.Run("every officer, index", figures(all))
	if _, err := db.ExecContext(ctx, `DROP INDEX dossier_events_actor`); err != nil {
		b.Fatal(err)
	}
	b.Run("one officer, no index", figures(one))
	b.Run("every officer, no index", figures(all))
}
