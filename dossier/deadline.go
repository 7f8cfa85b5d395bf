package dossier

import (
	"time"

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
		if s.cal.Judge(due, now) == calendar.Late {
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

// BandEdges are the due times at which, at Now, the deadline bands change:
// an open dossier due before Now is overdue, before Day has less than one
// working day left, before Soon less than three. Midnight ends today. A
// screen counting bands compares due times with these in SQL (Tally), and
// gets the bands Deadline gives one dossier at a time.
// Late is the overdue edge (calendar LateBefore): with the end-of-day
// rule a dossier due earlier today is not yet overdue.
type BandEdges struct{ Now, Late, Day, Soon, Midnight time.Time }

// BandEdges returns the band edges now, on the service's calendar.
func (s *Service) BandEdges() BandEdges {
	now := s.cfg.Now()
	y, m, day := now.In(calendar.Zone).Date()
	return BandEdges{
		Now:      now,
		Late:     s.cal.LateBefore(now),
		Day:      s.cal.AddWorking(now, WorkingDay),
		Soon:     s.cal.AddWorking(now, 3*WorkingDay),
		Midnight: time.Date(y, m, day+1, 0, 0, 0, 0, calendar.Zone),
	}
}
