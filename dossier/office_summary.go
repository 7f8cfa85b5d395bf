package dossier

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
)

// WorkingDay is the length of one working day in the deadline bands
// (8 working hours, as one-stop systems count).
const WorkingDay = 8 * time.Hour

// Band classifies an open dossier's deadline by the working time left.
type Band string

const (
	// BandNone: no running deadline (not yet received, or closed).
	BandNone Band = ""
	// BandPaused: the clock is paused while a supplement is awaited.
	BandPaused Band = "paused"
	// BandOverdue: past due.
	BandOverdue Band = "overdue"
	// BandDay: less than one working day left.
	BandDay Band = "day"
	// BandSoon: less than three working days left.
	BandSoon Band = "soon"
	// BandOK: three working days or more left.
	BandOK Band = "ok"
)

// Deadline is a dossier's deadline as an officer reads it.
type Deadline struct {
	Due  *time.Time
	Band Band
	// Left is the working time left before Due (0 once overdue); for a
	// paused clock, what was left when it was paused.
	Left time.Duration
	// Late is the working time past Due: now for an open dossier, at
	// delivery for a delivered one.
	Late time.Duration
}

// Deadline measures d's deadline in working time on the service's calendar.
func (s *Service) Deadline(d *Dossier) Deadline {
	dl := Deadline{Due: d.DueAt}
	if d.DueAt == nil {
		return dl
	}
	due := *d.DueAt
	switch {
	case d.DeliveredAt != nil:
		dl.Late = s.cal.WorkingBetween(due, *d.DeliveredAt)
	case d.Status.Final():
	case d.PausedAt != nil:
		dl.Band, dl.Left = BandPaused, s.cal.WorkingBetween(*d.PausedAt, due)
		dl.Late = s.cal.WorkingBetween(due, *d.PausedAt)
	default:
		now := s.cfg.Now()
		if now.After(due) {
			dl.Band, dl.Late = BandOverdue, s.cal.WorkingBetween(due, now)
			break
		}
		dl.Left = s.cal.WorkingBetween(now, due)
		dl.Band = bandOf(dl.Left)
	}
	return dl
}

func bandOf(left time.Duration) Band {
	switch {
	case left < WorkingDay:
		return BandDay
	case left < 3*WorkingDay:
		return BandSoon
	}
	return BandOK
}

// StateCount is how many dossiers are in one state.
type StateCount struct {
	State State
	Count int64
}

// Summary is an officer's dashboard: counts over the dossiers of the units
// they hold a role on and every unit below.
type Summary struct {
	// States lists every state in lifecycle order, with its count.
	States []StateCount
	// Open dossiers (processing or result ready) by deadline band.
	Overdue, Day, Soon, OK int64
	// DueToday counts open dossiers not yet late that are due before midnight.
	DueToday int64
	// Paused counts dossiers waiting for a supplement (clock stopped).
	Paused int64
}

// Summary counts the dossiers a may see by state and by deadline band.
//
// The bands are those of Deadline: "less than one working day left" is
// WorkingBetween(now, due) < WorkingDay, which (working time growing with
// due) is the same as due < AddWorking(now, WorkingDay). So the calendar
// gives two instants and the database counts with plain comparisons.
func (s *Service) Summary(ctx context.Context, a *auth.Actor) (*Summary, error) {
	out := &Summary{}
	counts := map[State]int64{}
	where, args, err := s.officerScope(ctx, a)
	if err != nil {
		return nil, err
	}
	if where != "" {
		now := s.cfg.Now()
		y, m, day := now.In(calendar.Zone).Date()
		midnight := time.Date(y, m, day+1, 0, 0, 0, 0, calendar.Zone)
		t1, t3 := s.cal.AddWorking(now, WorkingDay), s.cal.AddWorking(now, 3*WorkingDay)
		const open = `d.status IN ('processing', 'result_ready') AND d.due_at IS NOT NULL AND `
		q := `SELECT d.status, COUNT(*),
			SUM(CASE WHEN ` + open + `d.due_at < ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + open + `d.due_at >= ? AND d.due_at < ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + open + `d.due_at >= ? AND d.due_at < ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + open + `d.due_at >= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + open + `d.due_at >= ? AND d.due_at < ? THEN 1 ELSE 0 END)
			FROM dossiers d WHERE ` + where + ` GROUP BY d.status`
		n, m1, m3 := now.UnixMilli(), t1.UnixMilli(), t3.UnixMilli()
		args = append([]any{n, n, m1, m1, m3, m3, n, midnight.UnixMilli()}, args...)
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var c, over, lt1, lt3, more, today int64
			if err := rows.Scan(&st, &c, &over, &lt1, &lt3, &more, &today); err != nil {
				return nil, err
			}
			counts[State(st)] = c
			out.Overdue += over
			out.Day += lt1
			out.Soon += lt3
			out.OK += more
			out.DueToday += today
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, st := range States {
		out.States = append(out.States, StateCount{State: st, Count: counts[st]})
	}
	out.Paused = counts[SupplementRequested]
	return out, nil
}

// officerScope is the WHERE clause (and its arguments) of the dossiers an
// officer may see, as List judges it; "" when they may see none.
func (s *Service) officerScope(ctx context.Context, a *auth.Actor) (string, []any, error) {
	if a == nil || a.IsCitizen() {
		return "", nil, nil
	}
	ids, err := s.visibleUnits(ctx, a)
	if err != nil {
		return "", nil, err
	}
	if len(ids) == 0 {
		return "", nil, nil
	}
	ph := officeIn(len(ids))
	args := append(append(append([]any{}, ids...), ids...), a.ID)
	return "(d.unit_id IN (" + ph + ") OR d.receiving_unit_id IN (" + ph + ") OR d.created_by = ?)", args, nil
}
