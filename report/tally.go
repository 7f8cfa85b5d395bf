package report

import (
	"context"
	"slices"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/tally"
)

// WithTally has Counts (and so II.06a and the dashboards) read the
// figures t keeps instead of every event of the period, once t is ready
// and when asked with the judge t judges with: the result is the same
// (tally's tests prove it against the recount), the cost no longer grows
// with the period's dossiers.
func (s *Reader) WithTally(t *tally.Store) *Reader {
	s.tally = t
	return s
}

// tallied reports whether Counts may read the tally for opts.
func (s *Reader) tallied(ctx context.Context, opts CountOptions) bool {
	if s.tally == nil || opts.Recount || opts.Judge == nil || !s.tally.JudgesWith(opts.Judge) {
		return false
	}
	if s.tallyReady.Load() {
		return true
	}
	// Not ready (never rebuilt), or unreadable: the recount is always right.
	ready, err := s.tally.Ready(ctx)
	if err == nil && ready {
		s.tallyReady.Store(true)
	}
	return ready && err == nil
}

// countTally is countEvents' result read from the tally.
func (s *Reader) countTally(ctx context.Context, from, to time.Time, judge Judge, byProcedure bool) (map[countKey]*Count, error) {
	figs, err := s.tally.Figures(ctx, from, to, byProcedure, judge)
	if err != nil {
		return nil, err
	}
	return countsOf(figs), nil
}

// countsOf is the tally's figures as Counts, leaving out units whose only
// dossiers ended before the period began.
func countsOf(figs map[tally.Key]*tally.Figure) map[countKey]*Count {
	out := make(map[countKey]*Count, len(figs))
	for k, f := range figs {
		c := Count{UnitID: f.UnitID, Procedure: f.Procedure, Carried: f.Carried, NewOnline: f.NewOnline, NewCounter: f.NewCounter,
			Early: f.Early, OnTime: f.OnTime, Late: f.Late, Within: f.Within, Overdue: f.Overdue,
			Withdrawn: f.Withdrawn, Stopped: f.Stopped, Refused: f.Refused}
		c.Received = c.Carried + c.NewOnline + c.NewCounter
		c.Resolved = c.Early + c.OnTime + c.Late
		c.InProgress = c.Within + c.Overdue
		if c == (Count{UnitID: c.UnitID, Procedure: c.Procedure}) {
			continue
		}
		out[countKey{unit: k.Unit, procedure: k.Procedure}] = &c
	}
	return out
}

// trendTally is Trend read from the tally: the months as one series.
func (s *Reader) trendTally(ctx context.Context, sc Scope, months []time.Time, to time.Time, judge Judge, units unitTimes, out []Month) error {
	series, err := s.tally.Series(ctx, append(slices.Clone(months), to), false, judge)
	if err != nil {
		return err
	}
	for i, figs := range series {
		for _, c := range countsOf(figs) {
			if sc.Contains(units.successorAt(c.UnitID, to)) {
				out[i].add(*c)
			}
		}
	}
	return nil
}

// RebuildTally refills t from every dossier's history, read as Counts'
// recount reads it (units moved by a reorganisation included), in one
// transaction: after a restore, a calendar change that re-judges past
// deadlines, or on the first start of a database the tally has never
// followed.
func (s *Reader) RebuildTally(ctx context.Context, t *tally.Store, cal WorkCalendar) error {
	return s.rebuildTally(ctx, t, cal, t.Replace)
}

// BuildTally is RebuildTally for a tally that is not ready yet, and
// nothing for one that is (tally.Store.Build).
func (s *Reader) BuildTally(ctx context.Context, t *tally.Store, cal WorkCalendar) error {
	return s.rebuildTally(ctx, t, cal, t.Build)
}

func (s *Reader) rebuildTally(ctx context.Context, t *tally.Store, cal WorkCalendar, fill func(context.Context, func(func(tally.Fact) error) error) error) error {
	units, err := s.unitTimes(ctx)
	if err != nil {
		return err
	}
	changes := units.changes()
	err = fill(ctx, func(yield func(tally.Fact) error) error {
		var failed error
		err := s.eachDossier(ctx, time.UnixMilli(0), time.UnixMilli(tally.Open), func(d dossierLife) {
			if failed != nil {
				return
			}
			if f, ok := d.fact(cal, units, changes); ok {
				failed = yield(f)
			}
		})
		if err != nil {
			return err
		}
		return failed
	})
	if err == nil {
		s.tallyReady.Store(true)
	}
	return err
}

// changes are the instants at which some unit came into force or ended,
// in order: the only instants at which the holder of a dossier left
// without an act can change.
func (ut unitTimes) changes() []int64 {
	var out []int64
	for _, u := range ut.units {
		out = append(out, u.from)
		if u.to != 0 {
			out = append(out, u.to)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// fact is the dossier as the tally keeps it, read by the recount's rules;
// false when it was never received.
func (d dossierLife) fact(cal WorkCalendar, units unitTimes, changes []int64) (tally.Fact, bool) {
	recv, end := d.bounds()
	if recv < 0 {
		return tally.Fact{}, false
	}
	n := len(d.events)
	f := tally.Fact{DossierID: d.id, Procedure: d.procedure, Version: d.version, Online: dossier.Online(d.channel),
		Received: d.events[recv].at, End: tally.Open, Due: d.dueBefore(n), Stop: d.stopAfter(n - 1), LastAt: d.events[n-1].at,
		Stays: d.stays(cal)}
	for _, e := range d.events {
		if e.toUnit != 0 {
			f.Unit = e.toUnit
		}
	}
	last := n - 1 // the last act of its open life
	if end >= 0 {
		e := d.events[end]
		f.End, f.Outcome, f.EndUnit = e.at, outcomeOf(e, d.dueBefore(end), cal), d.holder(end, e.at, true, units)
		last = end - 1
	}
	for i := recv; i <= last; i++ {
		from, to := d.events[i].at, tally.Open
		if i < n-1 {
			to = d.events[i+1].at
		}
		due, stop := d.dueBefore(i+1), d.stopAfter(i)
		// The holder is the unit of the last act, until that unit ends.
		x := from
		for x < to {
			next := to
			if k, _ := slices.BinarySearch(changes, x+1); k < len(changes) && changes[k] < to {
				next = changes[k]
			}
			u := d.holder(i+1, x, false, units)
			if k := len(f.Spans) - 1; k >= 0 && f.Spans[k].To == x && f.Spans[k].Unit == u && f.Spans[k].Due == due && f.Spans[k].Stop == stop {
				f.Spans[k].To = next
			} else {
				f.Spans = append(f.Spans, tally.Span{From: x, To: next, Unit: u, Due: due, Stop: stop})
			}
			x = next
		}
	}
	return f, true
}

// stays are the dossier's stays at processing steps as Bottlenecks reads
// them: each act from a processing step ends the stay begun by the act
// before it, at the unit acted at, late when the deadline in force fell
// within it.
func (d dossierLife) stays(cal WorkCalendar) []tally.Stay {
	var out []tally.Stay
	for i := 1; i < len(d.events); i++ {
		e := d.events[i]
		if e.fromStatus != "processing" {
			continue
		}
		started, due := d.events[i-1].at, d.dueBefore(i)
		unit := e.fromUnit
		if unit == 0 {
			unit = d.unitID
		}
		out = append(out, tally.Stay{End: e.at, Unit: unit, Procedure: d.procedure, Version: d.version, Step: e.fromStep,
			Work: cal.WorkingBetween(msTime(started), msTime(e.at)), Late: due != 0 && started <= due && due < e.at})
	}
	return out
}

// stopAfter is when the clock stopped, as of event i: its moment when it
// asked for a supplement, else 0.
func (d dossierLife) stopAfter(i int) int64 {
	if i >= 0 && d.events[i].toStatus == "supplement_requested" {
		return d.events[i].at
	}
	return 0
}

// outcomeOf is how the end event e ended the dossier, judged against due.
func outcomeOf(e lifeEvent, due int64, judge Judge) string {
	switch {
	case e.toStatus == "withdrawn":
		return tally.Withdrawn
	case e.toStatus == "stopped":
		return tally.Stopped
	case e.toStatus == "refused" || e.action == "refuse":
		return tally.Refused
	}
	switch judge.Judge(msTime(due), msTime(e.at)) {
	case calendar.Late:
		return tally.Late
	case calendar.OnTime:
		return tally.OnTime
	}
	return tally.Early
}
