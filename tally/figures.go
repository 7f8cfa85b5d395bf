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
	out, err := s.Series(ctx, []time.Time{from, to}, byProcedure, judge)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Series is Figures of each of the consecutive periods [bounds[i],
// bounds[i+1]) (a trend's months): the dossiers open at each inner bound
// are read once, for the period it ends and the one it begins.
func (s *Store) Series(ctx context.Context, bounds []time.Time, byProcedure bool, judge Judge) ([]map[Key]*Figure, error) {
	ps := make([]*period, len(bounds)-1)
	for i := range ps {
		ps[i] = &period{f: bounds[i].UnixMilli(), t: bounds[i+1].UnixMilli(), byProcedure: byProcedure, judge: judge,
			out: map[Key]*Figure{}, endedBy: map[Key]*[2]int64{}}
		if err := s.ended(ctx, ps[i].f, ps[i].t, byProcedure, ps[i].addEnded); err != nil {
			return nil, err
		}
	}
	for i, b := range bounds {
		var before, after *period // the periods b ends and begins
		if i > 0 {
			before = ps[i-1]
		}
		if i < len(ps) {
			after = ps[i]
		}
		err := s.openAt(ctx, b.UnixMilli()-1, before != nil, func(o open) {
			if after != nil {
				after.carriedEnded(o)
			}
			if before != nil {
				before.inProgress(o)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]map[Key]*Figure, len(ps))
	for i, p := range ps {
		out[i] = p.finish()
	}
	return out, nil
}

// period gathers one period's figures.
type period struct {
	f, t        int64
	byProcedure bool
	judge       Judge
	out         map[Key]*Figure
	// Ended in the period, by channel: New = ended + in progress − carried.
	endedBy map[Key]*[2]int64
}

func (p *period) key(unit int64, procedure string) Key {
	if p.byProcedure {
		return Key{Unit: unit, Procedure: procedure}
	}
	return Key{Unit: unit}
}

func (p *period) get(unit int64, procedure string) *Figure {
	k := p.key(unit, procedure)
	if p.out[k] == nil {
		p.out[k] = &Figure{UnitID: unit, Procedure: k.Procedure}
	}
	return p.out[k]
}

func (p *period) channel(unit int64, procedure string) *[2]int64 {
	k := p.key(unit, procedure)
	if p.endedBy[k] == nil {
		p.endedBy[k] = &[2]int64{}
	}
	return p.endedBy[k]
}

func (p *period) addEnded(unit int64, procedure string, online bool, outcome string, n int64) {
	g := p.get(unit, procedure)
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
	p.channel(unit, procedure)[flag(online)] += n
}

// carriedEnded takes a dossier open when the period began: one that ended
// within it is carried over, and was counted as ended; the rest of the
// carried are in progress at its end (inProgress).
func (p *period) carriedEnded(o open) {
	if o.end < p.t {
		p.get(o.endUnit, o.procedure).Carried++
		p.channel(o.endUnit, o.procedure)[flag(o.online)]--
	}
}

// inProgress takes a dossier open when the period ended, at the unit its
// span names then.
func (p *period) inProgress(o open) {
	g := p.get(o.unit, o.procedure)
	switch {
	case o.received < p.f:
		g.Carried++
	case o.online:
		g.NewOnline++
	default:
		g.NewCounter++
	}
	at := p.t
	if o.stop != 0 {
		at = o.stop // the clock stopped when the supplement was asked for
	}
	if p.judge.Judge(time.UnixMilli(o.due), time.UnixMilli(at)) == calendar.Late {
		g.Overdue++
	} else {
		g.Within++
	}
}

func (p *period) finish() map[Key]*Figure {
	for k, n := range p.endedBy {
		g := p.out[k]
		g.NewCounter += n[0]
		g.NewOnline += n[1]
	}
	return p.out
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
		// end_at + 0: the range is the receptions', by the class index;
		// PostgreSQL's planner otherwise took the end_at index and read
		// every dossier ended since x (measured: 0.77 s against ms).
		q := "SELECT " + cols + " FROM tally_dossiers d" + join + " WHERE d.span_class = " + strconv.Itoa(c) +
			" AND d.received_at <= ? AND d.end_at + 0 > ?"
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
