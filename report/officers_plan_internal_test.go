package report

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestOfficerFiguresUseTheActorIndex checks the plans, not the time:
// finding the dossiers officers acted on in a year reads the index
// dossier_events_actor (package dossier, migration 015) and never scans
// the events, alone and inside the query of the figures. The time saved
// is measured by BenchmarkOfficerFigures (BENCHMARKS.md).
func TestOfficerFiguresUseTheActorIndex(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		touched, args := officerTouched([]int64{7, 8, 9}, 1640970000000, 1672506000000)
		cases := []struct {
			name, query string
		}{
			{"the dossiers touched", touched},
			{"their events", officerEventsSQL(touched)},
			{"their ratings", `SELECT dossier_id, score FROM ratings WHERE dossier_id IN (` + touched + `)`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				plan := explainPlan(t, db, c.query, args...) + "\n"
				if !strings.Contains(plan, "dossier_events_actor") {
					t.Errorf("plan does not read dossier_events_actor:\n%s", plan)
				}
				// SQLite's full scan of the events (in the table's or another
				// index's order), PostgreSQL's sequential scan.
				for _, bad := range []string{"SCAN dossier_events", "Seq Scan on dossier_events"} {
					if strings.Contains(plan, bad) {
						t.Errorf("plan has %q:\n%s", bad, plan)
					}
				}
			})
		}
	})
}

// explainPlan is the plan of q: EXPLAIN QUERY PLAN's details on SQLite,
// EXPLAIN's lines on PostgreSQL, with sequential scans discouraged there
// so that an empty table's plan shows what a full one's would (the test
// database holds no events).
func explainPlan(t *testing.T, db *store.DB, q string, args ...any) string {
	t.Helper()
	ctx := t.Context()
	var lines []string
	err := db.InTx(ctx, func(tx *store.Tx) error {
		prefix := "EXPLAIN QUERY PLAN "
		if db.Dialect == store.Postgres {
			prefix = "EXPLAIN "
			if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, prefix+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			// SQLite: id, parent, notused, detail; PostgreSQL: one text column.
			switch v := vals[len(vals)-1].(type) {
			case string:
				lines = append(lines, v)
			case []byte:
				lines = append(lines, string(v))
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
