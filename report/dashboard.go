package report

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
)

// The dashboards' figures: the II.06a counts (Counts' rules, once) of a
// unit and everything below it, by month and by unit, with what leaders
// ask of them — trends, on-time rate, online share.

// Scope is a unit and the units below it, as the tree stood at an
// instant: the units a leader of the root answers for.
type Scope struct {
	Root    int64
	Code    string
	Name    string
	Level   string
	members map[int64]int64 // unit → the root's child it lies under (the root for itself)
	names   map[int64]unitPeriod
}

// Contains reports whether unit id lies in the scope.
func (s Scope) Contains(id int64) bool { _, ok := s.members[id]; return ok }

// ScopeAt is the unit with code as it stood at at, with its subtree then;
// problem.NotFound when no unit had that code at that instant.
func (s *Reader) ScopeAt(ctx context.Context, code string, at time.Time) (Scope, error) {
	ms := at.UnixMilli()
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT unit_id, COALESCE(parent_id, 0), code, name, level, kind FROM unit_history
		WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`, ms, ms)
	if err != nil {
		return Scope{}, err
	}
	defer rows.Close()
	children := map[int64][]int64{}
	names := map[int64]unitPeriod{}
	var root int64
	for rows.Next() {
		var id, parent int64
		var p unitPeriod
		if err := rows.Scan(&id, &parent, &p.code, &p.name, &p.level, &p.kind); err != nil {
			return Scope{}, err
		}
		children[parent] = append(children[parent], id)
		names[id] = p
		if p.code == code {
			root = id
		}
	}
	if err := rows.Err(); err != nil {
		return Scope{}, err
	}
	if root == 0 {
		return Scope{}, problem.NotFound("unit_not_found.code", code)
	}
	sc := Scope{Root: root, Code: code, Name: names[root].name, Level: names[root].level,
		members: map[int64]int64{root: root}, names: names}
	var walk func(id, under int64)
	walk = func(id, under int64) {
		for _, c := range children[id] {
			if _, seen := sc.members[c]; seen {
				continue
			}
			u := under
			if id == root {
				u = c
			}
			sc.members[c] = u
			walk(c, u)
		}
	}
	walk(root, root)
	return sc, nil
}

// Month is one month's figures of a scope: Counts summed over its units.
type Month struct {
	Start time.Time `json:"month"` // the first instant of the month in Vietnam
	Count
}

// OnTimeRate is the share of resolved dossiers resolved early or on time,
// in percent; NaN-free: 0 resolved gives ok false.
func (c Count) OnTimeRate() (float64, bool) {
	if c.Resolved == 0 {
		return 0, false
	}
	return 100 * float64(c.Early+c.OnTime) / float64(c.Resolved), true
}

// OnlineShare is the share of the period's new dossiers received online,
// in percent; ok false when none was received.
func (c Count) OnlineShare() (float64, bool) {
	n := c.NewOnline + c.NewCounter
	if n == 0 {
		return 0, false
	}
	return 100 * float64(c.NewOnline) / float64(n), true
}

// MaxMonths bounds a trend: a dashboard reads at most this many months.
const MaxMonths = 36

// Months splits [from, to) into calendar months in Vietnam; the first and
// last may be partial.
func Months(from, to time.Time) []time.Time {
	var out []time.Time
	for m := from; m.Before(to); {
		out = append(out, m)
		v := m.In(vietnam)
		m = time.Date(v.Year(), v.Month()+1, 1, 0, 0, 0, 0, vietnam)
	}
	return out
}

// Trend is the scope's figures month by month over [from, to), each month
// counted by Counts' rules, dossiers of units since merged counted under
// their successors (rolled up to `to`). One pass over the dossiers serves
// every month.
func (s *Reader) Trend(ctx context.Context, sc Scope, from, to time.Time, judge Judge) ([]Month, error) {
	months := Months(from, to)
	if len(months) == 0 {
		return nil, problem.Invalid("to", "invalid_period")
	}
	if len(months) > MaxMonths {
		return nil, problem.Invalid("to", "period_too_long.months", MaxMonths)
	}
	units, err := s.unitTimes(ctx)
	if err != nil {
		return nil, err
	}
	if judge == nil {
		judge = minuteJudge{}
	}
	out := make([]Month, len(months))
	for i, m := range months {
		out[i].Start = m
	}
	if s.tallied(ctx, CountOptions{Judge: judge}) {
		// Two reads per month, rather than one pass over every event.
		return out, s.trendTally(ctx, sc, months, to, judge, units, out)
	}
	err = s.eachDossier(ctx, from, to, func(d dossierLife) {
		for i, m := range months {
			end := to
			if i+1 < len(months) {
				end = months[i+1]
			}
			c, unitID, ok := d.count(m, end, judge, units)
			if ok && sc.Contains(units.successorAt(unitID, to)) {
				out[i].add(c)
			}
		}
	})
	return out, err
}

// ByChild is the scope's figures for [from, to) split among the root
// itself and each unit directly below it (a child's row adds up its whole
// subtree), named as they stood at to: the "by unit" view of a dashboard,
// one level at a time. Rows with no figures are left out.
func (s *Reader) ByChild(ctx context.Context, sc Scope, from, to time.Time, judge Judge) ([]Count, error) {
	rows, err := s.Counts(ctx, from, to, CountOptions{Judge: judge, RollUp: true})
	if err != nil {
		return nil, err
	}
	byChild := map[int64]*Count{}
	for _, r := range rows {
		under, ok := sc.members[r.UnitID]
		if !ok {
			continue
		}
		if byChild[under] == nil {
			p := sc.names[under]
			byChild[under] = &Count{UnitID: under, Code: p.code, Name: p.name, Level: p.level, Kind: p.kind}
		}
		byChild[under].add(r)
	}
	out := make([]Count, 0, len(byChild))
	for _, c := range byChild {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		// The root first, then its units by code.
		if (a.UnitID == sc.Root) != (b.UnitID == sc.Root) {
			if a.UnitID == sc.Root {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out, nil
}

// Offered is one procedure's figures in a scope over a period.
type Offered struct {
	Code     string `json:"code"`
	Received int64  `json:"received"` // new in the period, online or at the counter
	Online   int64  `json:"online"`   // of which online
	Resolved int64  `json:"resolved"`
	OnTime   int64  `json:"on_time"` // early or on time
}

// ByProcedure is the scope's dossiers of [from, to) by procedure code.
func (s *Reader) ByProcedure(ctx context.Context, sc Scope, from, to time.Time, judge Judge) (map[string]Offered, error) {
	rows, err := s.Counts(ctx, from, to, CountOptions{Judge: judge, RollUp: true, ByProcedure: true})
	if err != nil {
		return nil, err
	}
	out := map[string]Offered{}
	for _, r := range rows {
		if !sc.Contains(r.UnitID) {
			continue
		}
		o := out[r.Procedure]
		o.Code = r.Procedure
		o.Received += r.NewOnline + r.NewCounter
		o.Online += r.NewOnline
		o.Resolved += r.Resolved
		o.OnTime += r.Early + r.OnTime
		out[r.Procedure] = o
	}
	return out, nil
}
