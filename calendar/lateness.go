package calendar

import "time"

// Timeliness is how a finish compares with its deadline, as Decision
// 766/QĐ-TTg counts it (Trước hạn / Đúng hạn / Quá hạn). Every place that
// says whether a dossier is late — the delivery check that demands an
// apology, form 06, the dashboards, the overdue filter, the reports —
// asks the calendar, so they all give the same answer.
type Timeliness string

const (
	Early  Timeliness = "early"   // finished on a day before the due day
	OnTime Timeliness = "on_time" // finished on the due day, by the due moment
	Late   Timeliness = "late"    // finished after the due moment
)

// DueMoment is the instant after which a dossier due at due is late.
//
// By default it is due itself, to the minute, as the working-hours
// arithmetic computes it (local practice). With Options.DueEndOfDay it is
// the end of the last working day (the calendar's closing time, 17:00 by
// default): Civil Code 2015 art. 147–148 ends a time limit counted in days
// at the end of its last day, and for an office that is its closing time.
func (c *Calendar) DueMoment(due time.Time) time.Time {
	if !c.dueEndOfDay {
		return due
	}
	jdn, _ := split(due)
	if end := c.closing(jdn); end.After(due) {
		return end
	}
	return due
}

// Judge classifies a finish at finish against a deadline due.
func (c *Calendar) Judge(due, finish time.Time) Timeliness {
	switch {
	case finish.After(c.DueMoment(due)):
		return Late
	case sameDay(finish, due):
		return OnTime
	}
	return Early
}

// IsLate reports whether a dossier due at due and still open at at (or
// finished at at) is late: Judge(due, at) == Late.
func (c *Calendar) IsLate(due, at time.Time) bool { return c.Judge(due, at) == Late }

// LateBefore is the due-time edge for SQL: at now, exactly the dossiers
// due before it are late (IsLate(due, now)). By default it is now; with
// DueEndOfDay a dossier due today is late only once today's closing time
// has passed, so the edge is today's midnight before closing and
// tomorrow's after it.
func (c *Calendar) LateBefore(now time.Time) time.Time {
	if !c.dueEndOfDay {
		return now
	}
	jdn, _ := split(now)
	if now.After(c.closing(jdn)) {
		return midnight(jdn + 1)
	}
	return midnight(jdn)
}

// DueEndOfDay reports whether the calendar ends a deadline at the end of
// its last working day rather than at its minute.
func (c *Calendar) DueEndOfDay() bool { return c.dueEndOfDay }

func sameDay(a, b time.Time) bool {
	ja, _ := split(a)
	jb, _ := split(b)
	return ja == jb
}
