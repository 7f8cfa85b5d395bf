package report

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// officerIgnoredDue are the acts whose recorded due is not the dossier's
// deadline for judging (an apology's new date, a partner agency's due):
// the same acts the tally ignores.
var officerIgnoredDue = map[string]bool{string(dossier.Apologize): true, string(dossier.Consult): true, string(dossier.RecordAnswer): true}

// OfficerFigures recounts the one-stop figures of each officer (by user
// id) for acts in [from, to) from the dossiers' history (dossier_events)
// and the citizens' ratings: the evidence of their yearly evaluation
// (package civil; the definitions are in docs/civil-service.md).
//
//   - handled: dossiers with an act of theirs in the period;
//   - ended, on time: of those, the ones whose result was made in the
//     period (a refusal is not a result), and those of them made no later
//     than the deadline in force;
//   - late caused: stays at a processing step ended by their act in the
//     period during which the deadline in force passed (the tally's stays);
//   - ratings of the dossiers they handled, by score.
func (s *Reader) OfficerFigures(ctx context.Context, userIDs []int64, from, to time.Time) (map[int64]civil.Figures, error) {
	out := make(map[int64]civil.Figures, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	who := make(map[int64]bool, len(userIDs))
	for _, u := range userIDs {
		who[u] = true
	}
	lo, hi := from.UnixMilli(), to.UnixMilli()
	touched, args := officerTouched(userIDs, lo, hi)
	q := s.db.Replica(ctx)
	rows, err := q.QueryContext(ctx, officerEventsSQL(touched), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// handled[d] are the officers of the set who acted on dossier d.
	handled := map[int64]map[int64]bool{}
	var cur, prevAt, due int64
	var result int64 // when the dossier's result was made, 0 before
	var onTime bool
	flush := func() {
		for u := range handled[cur] {
			f := out[u]
			f.Handled++
			if result >= lo && result < hi {
				f.Ended++
				if onTime {
					f.OnTime++
				}
			}
			out[u] = f
		}
	}
	for rows.Next() {
		var id, at, actor, evDue int64
		var action, fromSt, toSt string
		if err := rows.Scan(&id, &at, &actor, &action, &fromSt, &toSt, &evDue); err != nil {
			return nil, err
		}
		if id != cur {
			if cur != 0 {
				flush()
			}
			cur, prevAt, due, result, onTime = id, 0, 0, 0, false
		}
		in := at >= lo && at < hi
		if who[actor] && in {
			if handled[id] == nil {
				handled[id] = map[int64]bool{}
			}
			handled[id][actor] = true
			if fromSt == string(dossier.Processing) && prevAt != 0 && due != 0 && prevAt <= due && due < at {
				f := out[actor]
				f.LateCaused++
				out[actor] = f
			}
		}
		if result == 0 && toSt == string(dossier.ResultReady) && action != string(dossier.Refuse) {
			result, onTime = at, due == 0 || at <= due
		}
		if evDue != 0 && !officerIgnoredDue[action] {
			due = evDue
		}
		prevAt = at
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if cur != 0 {
		flush()
	}
	return out, s.officerRatings(ctx, q, touched, args, handled, out)
}

// officerTouched is the query of the dossiers the officers acted on in
// [lo, hi) and its arguments. It reads the index dossier_events_actor
// (actor, time, dossier; package dossier's migration 015) alone: without
// it every event of the province was read (BENCHMARKS.md, "Officer
// figures").
func officerTouched(userIDs []int64, lo, hi int64) (string, []any) {
	args := make([]any, 0, len(userIDs)+2)
	for _, u := range userIDs {
		args = append(args, u)
	}
	return `SELECT DISTINCT dossier_id FROM dossier_events WHERE actor_id IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(userIDs)), ",") + `) AND at >= ? AND at < ?`, append(args, lo, hi)
}

// officerEventsSQL reads the whole history of the dossiers touched, in
// order, by the history's own index (dossier_events_dossier).
func officerEventsSQL(touched string) string {
	return `SELECT dossier_id, at, COALESCE(actor_id, 0), action, from_status, to_status, COALESCE(due_at, 0)
		FROM dossier_events WHERE dossier_id IN (` + touched + `) ORDER BY dossier_id, id`
}

// officerRatings adds the ratings of the dossiers each officer handled.
func (s *Reader) officerRatings(ctx context.Context, q store.Querier, touched string, args []any, handled map[int64]map[int64]bool, out map[int64]civil.Figures) error {
	rows, err := q.QueryContext(ctx, `SELECT dossier_id, score FROM ratings WHERE dossier_id IN (`+touched+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var score string
		if err := rows.Scan(&id, &score); err != nil {
			return err
		}
		for u := range handled[id] {
			f := out[u]
			switch score {
			case "very_satisfied":
				f.VerySatisfied++
			case "satisfied":
				f.Satisfied++
			case "not_satisfied":
				f.NotSatisfied++
			}
			out[u] = f
		}
	}
	return rows.Err()
}
