package tally

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
)

// Figure is one unit's (and, when split, one procedure's) figures for a
// period, by the rules of report.Counts: each dossier counted at the unit
// that ended it, or that holds it at the period's end.
type Figure struct {
	UnitID    int64
	Procedure string // "" unless split by procedure
	// Received = Carried + NewOnline + NewCounter.
	Carried, NewOnline, NewCounter int64
	Early, OnTime, Late            int64
	Within, Overdue                int64 // in progress at the end
	Withdrawn, Stopped, Refused    int64
}

// Key is a Figure's unit and procedure.
type Key struct {
	Unit      int64
	Procedure string
}

// Figures counts [from, to): the dossiers ended in it (from the days, the
// partial days at its edges from the dossiers), those open when it began
// (carried over) and those open when it ended (in progress, judged with
// judge at to, or when the clock stopped for a supplement). byProcedure
// splits each unit's figures by procedure.
func (s *Store) Figures(ctx context.Context, from, to time.Time, byProcedure bool, judge Judge) (map[Key]*Figure, error) {
	f, t := from.UnixMilli(), to.UnixMilli()
	out := map[Key]*Figure{}
	get := func(unit int64, procedure string) *Figure {
		k := Key{Unit: unit}
		if byProcedure {
			k.Procedure = procedure
		}
		if out[k] == nil {
			out[k] = &Figure{UnitID: unit, Procedure: k.Procedure}
		}
		return out[k]
	}
	// Ended in the period, by channel: New = ended + in progress − carried.
	endedBy := map[Key]*[2]int64{}
	channel := func(unit int64, procedure string) *[2]int64 {
		k := Key{Unit: unit}
		if byProcedure {
			k.Procedure = procedure
		}
		if endedBy[k] == nil {
			endedBy[k] = &[2]int64{}
		}
		return endedBy[k]
	}
	addEnded := func(unit int64, procedure string, online bool, outcome string, n int64) {
		g := get(unit, procedure)
		switch outcome {
		case Early:
			g.Early += n
		case OnTime:
			g.OnTime += n
		case Late:
			g.Late += n
		case Withdrawn:
			g.Withdrawn += n
		case Stopped:
			g.Stopped += n
		case Refused:
			g.Refused += n
		}
		channel(unit, procedure)[flag(online)] += n
	}
	if err := s.ended(ctx, f, t, byProcedure, addEnded); err != nil {
		return nil, err
	}
	// Open when the period began and ended within it: carried over, and
	// counted above as ended; the rest of the carried are in progress.
	err := s.openAt(ctx, f-1, false, func(o open) {
		if o.end < t {
			get(o.endUnit, o.procedure).Carried++
			channel(o.endUnit, o.procedure)[flag(o.online)]--
		}
	})
	if err != nil {
		return nil, err
	}
	err = s.openAt(ctx, t-1, true, func(o open) {
		g := get(o.unit, o.procedure)
		switch {
		case o.received < f:
			g.Carried++
		case o.online:
			g.NewOnline++
		default:
			g.NewCounter++
		}
		at := t
		if o.stop != 0 {
			at = o.stop // the clock stopped when the supplement was asked for
		}
		if judge.Judge(time.UnixMilli(o.due), time.UnixMilli(at)) == calendar.Late {
			g.Overdue++
		} else {
			g.Within++
		}
	})
	if err != nil {
		return nil, err
	}
	for k, n := range endedBy {
		g := out[k]
		g.NewCounter += n[0]
		g.NewOnline += n[1]
	}
	return out, nil
}

// ended calls add with the dossiers ended in [f, t), grouped: whole
// Vietnam days from tally_days (tally_unit_days unless split by
// procedure), the instants before the first and after
// the last whole day from tally_dossiers.
func (s *Store) ended(ctx context.Context, f, t int64, byProcedure bool, add func(unit int64, procedure string, online bool, outcome string, n int64)) error {
	proc, group := "''", ""
	if byProcedure {
		proc, group = "procedure_code", ", procedure_code"
	}
	scan := func(q string, args ...any) error {
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var unit, n int64
			var procedure, outcome string
			var online int
			if err := rows.Scan(&unit, &procedure, &online, &outcome, &n); err != nil {
				return err
			}
			add(unit, procedure, online == 1, outcome, n)
		}
		return rows.Err()
	}
	fromDossiers := func(a, b int64) error {
		if a >= b {
			return nil
		}
		return scan(`SELECT end_unit_id, `+proc+`, online, outcome, COUNT(*) FROM tally_dossiers
			WHERE end_at >= ? AND end_at < ? GROUP BY end_unit_id`+group+`, online, outcome`, a, b)
	}
	d0, d1 := vnDay(f-1)+1, vnDay(t) // whole days: [dayStart(d0), dayStart(d1))
	if d0 >= d1 {
		return fromDossiers(f, t)
	}
	if err := fromDossiers(f, dayStart(d0)); err != nil {
		return err
	}
	days := "tally_days"
	if !byProcedure {
		days = "tally_unit_days"
	}
	if err := scan(`SELECT unit_id, `+proc+`, online, outcome, SUM(n) FROM `+days+`
		WHERE day >= ? AND day < ? GROUP BY unit_id`+group+`, online, outcome`, d0, d1); err != nil {
		return err
	}
	return fromDossiers(dayStart(d1), t)
}

// open is a dossier open at an instant: received by it, not ended by it.
type open struct {
	procedure     string
	online        bool
	received, end int64
	endUnit       int64
	// With its state at the instant (openAt with spans).
	unit, due, stop int64
}

// openAt calls fn with every dossier open at instant x (received at or
// before x, ended after it), and with its span at x when spans is set.
// Each length class is read from its own range of the index: a dossier
// that stayed open at most N days and is open at x was received in the N
// days before x.
func (s *Store) openAt(ctx context.Context, x int64, spans bool, fn func(open)) error {
	cols, join := "d.procedure_code, d.online, d.received_at, d.end_at, d.end_unit_id", ""
	var joinArgs []any
	if spans {
		cols += ", s.unit_id, s.due_at, s.stop_at"
		join = " JOIN tally_spans s ON s.dossier_id = d.dossier_id AND s.from_at <= ? AND s.to_at > ?"
		joinArgs = []any{x, x}
	}
	var parts []string
	var args []any
	for c := 0; c <= len(classDays); c++ {
		q := "SELECT " + cols + " FROM tally_dossiers d" + join + " WHERE d.span_class = " + strconv.Itoa(c) +
			" AND d.received_at <= ? AND d.end_at > ?"
		args = append(args, joinArgs...)
		args = append(args, x, x)
		if c < len(classDays) {
			q += " AND d.received_at > ?"
			args = append(args, x-classDays[c]*int64(day))
		}
		parts = append(parts, q)
	}
	rows, err := s.db.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o open
		var online int
		dest := []any{&o.procedure, &online, &o.received, &o.end, &o.endUnit}
		if spans {
			dest = append(dest, &o.unit, &o.due, &o.stop)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		o.online = online == 1
		fn(o)
	}
	return rows.Err()
}
