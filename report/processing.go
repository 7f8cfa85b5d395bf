package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"
)

// Processing is the processing analytics of a unit and its subtree for a
// period [From, To): how long each step and each officer holds a dossier
// (in working hours, the calendar's), which step and officer held each
// late dossier when its deadline passed, why supplements were asked and
// dossiers refused, and the clock's pauses by kind.
type Processing struct {
	UnitCode string    `json:"unit_code"`
	UnitName string    `json:"unit_name"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	// Steps: per procedure and step; Officers: per officer who ended the
	// step (forwarded, approved, sent back or asked for a supplement).
	Steps             []TimeStat    `json:"steps"`
	Officers          []TimeStat    `json:"officers"`
	Late              []LateDossier `json:"late"`
	SupplementReasons []ReasonCount `json:"supplement_reasons"`
	RefusalReasons    []ReasonCount `json:"refusal_reasons"`
	Pauses            []PauseStat   `json:"pauses"`
}

// TimeStat is the spread of the working hours of the step visits ended in
// the period by one step or one officer. Percentiles are nearest-rank:
// the median is the ⌈n/2⌉-th smallest, P90 the ⌈0.9·n⌉-th.
type TimeStat struct {
	Procedure string  `json:"procedure,omitempty"` // steps only
	Step      int     `json:"step"`                // steps only: index in the procedure's workflow
	Name      string  `json:"name"`                // the step's name, or the officer's
	Count     int     `json:"count"`
	Min       float64 `json:"min_hours"`
	Median    float64 `json:"median_hours"`
	P90       float64 `json:"p90_hours"`
}

// LateDossier is a dossier resolved late in the period, or past its
// deadline and still in progress at its end, with the step that held it
// when the deadline passed and the officer who held that step: the one
// who ended the step, or the assignee when it was still there.
type LateDossier struct {
	Code      string     `json:"code"`
	Procedure string     `json:"procedure"`
	Due       time.Time  `json:"due"`
	Finished  *time.Time `json:"finished,omitempty"` // nil: still in progress
	Step      int        `json:"step"`
	StepName  string     `json:"step_name"`
	Officer   string     `json:"officer"`
	LateHours float64    `json:"late_hours"` // working hours past the deadline (to the result, or the period's end)
}

// ReasonCount is a reason as written and how often it was given.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int64  `json:"count"`
}

// PauseStat is the pauses of one kind started in the period.
type PauseStat struct {
	Kind  string  `json:"kind"` // dossier.PauseSupplement or a catalog pause kind
	Count int64   `json:"count"`
	Open  int64   `json:"open"`  // not ended by the period's end
	Hours float64 `json:"hours"` // working hours of the ended ones, in total
}

// procEvent is one act, with what the analytics read of it.
type procEvent struct {
	lifeEvent
	id               int64
	fromStep, toStep int
	fromStatus       string
	actor, note      string
}

type procDossier struct {
	id                int64
	code, procedure   string
	version           int64
	unitID            int64
	channel, assignee string
	events            []procEvent
}

// Processing computes the analytics of the unit with code and the units
// below it, as the tree stood at each act, for [from, to).
func (s *Reader) Processing(ctx context.Context, unitCode string, from, to time.Time, cal WorkCalendar) (Processing, error) {
	if err := checkPeriod(from, to); err != nil {
		return Processing{}, err
	}
	root, err := s.resolveUnit(ctx, unitCode)
	if err != nil {
		return Processing{}, err
	}
	tree, err := s.scoreTree(ctx)
	if err != nil {
		return Processing{}, err
	}
	h := tree.ut.asStood(root, to.Add(-time.Millisecond))
	out := Processing{UnitCode: h.code, UnitName: h.name, From: from, To: to}
	pauses, err := s.periodPauses(ctx, from, to)
	if err != nil {
		return out, err
	}
	items, err := s.supplementItems(ctx, from, to)
	if err != nil {
		return out, err
	}
	a := newAnalysis(cal, tree, root, from, to)
	if err := s.eachProcDossier(ctx, from, to, func(d procDossier) { a.dossier(d, pauses[d.id], items) }); err != nil {
		return out, err
	}
	names, err := s.stepNames(ctx, a.versions)
	if err != nil {
		return out, err
	}
	a.finish(&out, names)
	return out, nil
}

func (s *Reader) eachProcDossier(ctx context.Context, from, to time.Time, fn func(procDossier)) error {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.id, d.code, d.procedure_code, d.procedure_version, d.unit_id, d.channel,
		COALESCE(au.full_name, ''), e.id, e.at, e.action, e.from_status, e.to_status, e.from_step, e.to_step,
		e.from_unit_id, e.to_unit_id, e.due_at, e.actor_name, e.note
		FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id LEFT JOIN users au ON au.id = d.assignee_id
		WHERE d.submitted_at < ? AND (d.closed_at IS NULL OR d.closed_at >= ?)
		ORDER BY d.id, e.at, e.id`, to.UnixMilli(), from.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur procDossier
	for rows.Next() {
		var d procDossier
		var e procEvent
		var fu, tu, due sql.NullInt64
		if err := rows.Scan(&d.id, &d.code, &d.procedure, &d.version, &d.unitID, &d.channel, &d.assignee,
			&e.id, &e.at, &e.action, &e.fromStatus, &e.toStatus, &e.fromStep, &e.toStep, &fu, &tu, &due, &e.actor, &e.note); err != nil {
			return err
		}
		e.fromUnit, e.toUnit, e.due = nullMs(fu), nullMs(tu), nullMs(due)
		if d.id != cur.id {
			if cur.id != 0 {
				fn(cur)
			}
			cur = d
		}
		cur.events = append(cur.events, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cur.id != 0 {
		fn(cur)
	}
	return nil
}

// life is the dossier as Counts reads it.
func (d procDossier) life() dossierLife {
	l := dossierLife{id: d.id, channel: d.channel, procedure: d.procedure, unitID: d.unitID, events: make([]lifeEvent, len(d.events))}
	for i, e := range d.events {
		l.events[i] = e.lifeEvent
	}
	return l
}

type pauseRow struct {
	start, end int64 // end 0 while open
	kind       string
}

// periodPauses are the pauses started in [from, to), by dossier.
func (s *Reader) periodPauses(ctx context.Context, from, to time.Time) (map[int64][]pauseRow, error) {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT dossier_id, started_at, COALESCE(ended_at, 0), kind FROM dossier_pauses
		WHERE started_at >= ? AND started_at < ? ORDER BY dossier_id, started_at, id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]pauseRow{}
	for rows.Next() {
		var id int64
		var p pauseRow
		if err := rows.Scan(&id, &p.start, &p.end, &p.kind); err != nil {
			return nil, err
		}
		out[id] = append(out[id], p)
	}
	return out, rows.Err()
}

// supplementItems are the written reasons of each supplement request made
// in [from, to), by its event.
func (s *Reader) supplementItems(ctx context.Context, from, to time.Time) (map[int64][]string, error) {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT i.event_id, i.reason FROM dossier_supplement_items i
		JOIN dossier_events e ON e.id = i.event_id WHERE e.at >= ? AND e.at < ? ORDER BY i.event_id, i.n`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			return nil, err
		}
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}

type versionKey struct {
	code    string
	version int64
}

// stepNames reads the steps' names of the procedure versions seen.
func (s *Reader) stepNames(ctx context.Context, seen map[versionKey]bool) (map[versionKey][]string, error) {
	out := map[versionKey][]string{}
	if len(seen) == 0 {
		return out, nil
	}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT code, version, body FROM procedure_versions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k versionKey
		var body string
		if err := rows.Scan(&k.code, &k.version, &body); err != nil {
			return nil, err
		}
		if !seen[k] {
			continue
		}
		var p struct {
			Steps []struct {
				Name string `json:"name"`
			} `json:"steps"`
		}
		if json.Unmarshal([]byte(body), &p) == nil {
			for _, st := range p.Steps {
				out[k] = append(out[k], st.Name)
			}
		}
	}
	return out, rows.Err()
}

// spread is the nearest-rank minimum, median and 90th percentile of hours.
func spread(hours []float64) (lo, median, p90 float64) {
	if len(hours) == 0 {
		return 0, 0, 0
	}
	slices.Sort(hours)
	rank := func(p float64) float64 {
		k := int(math.Ceil(p * float64(len(hours))))
		return hours[max(k, 1)-1]
	}
	return hours[0], rank(0.5), rank(0.9)
}

// rankReasons counts reasons as written, trimmed and compared without
// regard to case or repeated spaces; the most frequent first.
func rankReasons(rs []string) []ReasonCount {
	idx := map[string]int{}
	out := []ReasonCount{}
	for _, r := range rs {
		r = strings.Join(strings.Fields(r), " ")
		if r == "" {
			continue
		}
		k := strings.ToLower(r)
		if i, ok := idx[k]; ok {
			out[i].Count++
			continue
		}
		idx[k] = len(out)
		out = append(out, ReasonCount{Reason: r, Count: 1})
	}
	slices.SortStableFunc(out, func(a, b ReasonCount) int { return int(b.Count - a.Count) })
	return out
}

func hoursOf(d time.Duration) float64 { return d.Hours() }
