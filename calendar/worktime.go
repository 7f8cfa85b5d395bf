package calendar

import (
	"fmt"
	"time"
)

// Units of a statutory processing time, as in catalog.Duration.
const (
	UnitDay     = "day"      // N working days of N × the working-day length
	UnitHour    = "hour"     // N working hours
	UnitSameDay = "same_day" // result by closing time the same working day
)

// AddWorking returns the instant at which d of working time has elapsed
// after start, counting only office hours of working days. If start is
// outside office hours, counting starts at the next session start. A result
// that lands exactly on the end of a session stays there rather than moving
// to the next opening: a deadline of "today 17:00" is met by the end of
// today. d ≤ 0 returns start unchanged.
//
// The loop visits days and sessions, not minutes, so a deadline months
// away costs a few microseconds.
func (c *Calendar) AddWorking(start time.Time, d time.Duration) time.Time {
	start = start.In(Zone)
	if d <= 0 {
		return start
	}
	jdn, off := split(start)
	for ; ; jdn, off = jdn+1, 0 {
		if !c.isWorking(jdn) {
			continue
		}
		for _, s := range c.hours {
			if off >= s.End {
				continue
			}
			from := max(off, s.Start)
			avail := s.End - from
			if d <= avail {
				return midnight(jdn).Add(from + d)
			}
			d -= avail
		}
	}
}

// WorkingBetween returns the working time within [a, b), or 0 if b is not
// after a. It is the inverse of AddWorking, which makes pausing a deadline
// two calls: remaining := WorkingBetween(pausedAt, due), then on resumption
// newDue := AddWorking(resumedAt, remaining).
func (c *Calendar) WorkingBetween(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	ja, offA := split(a)
	jb, offB := split(b)
	var total time.Duration
	for j := ja; j <= jb; j++ {
		if !c.isWorking(j) {
			continue
		}
		lo, hi := time.Duration(0), 24*time.Hour
		if j == ja {
			lo = offA
		}
		if j == jb {
			hi = offB
		}
		for _, s := range c.hours {
			if from, to := max(lo, s.Start), min(hi, s.End); to > from {
				total += to - from
			}
		}
	}
	return total
}

// Due returns when a dossier received at received is due, for a statutory
// time of value units:
//
//   - UnitDay: value × the working-day length (8 h by default) of working
//     time, so a dossier received Monday 09:00 with 3 days is due Thursday
//     09:00; received outside hours, counting starts at the next opening.
//   - UnitHour: value working hours; a dossier received at or after the
//     cut-off (15:00) of a working day, or on a day off, counts from the
//     opening of the next working day. Earlier receipts, including before
//     opening and during the lunch break, count from the next session start
//     that day.
//   - UnitSameDay: received on a working day before the cut-off → that
//     day's closing time; otherwise the closing time of the next working
//     day. value is ignored.
//
// An unknown unit or a negative value is an error.
func (c *Calendar) Due(received time.Time, unit string, value int) (time.Time, error) {
	if value < 0 {
		return time.Time{}, fmt.Errorf("calendar: negative processing time %d %s", value, unit)
	}
	jdn, off := split(received)
	afterCutoff := !c.isWorking(jdn) || off >= c.cutoff
	switch unit {
	case UnitDay:
		// Under the end-of-day rule the appointment is the close of the
		// last working day, so form 01, tracking and the API show the
		// moment after which the dossier is late (DueMoment).
		return c.DueMoment(c.AddWorking(received, time.Duration(value)*c.dayLen)), nil
	case UnitHour:
		start := received
		if afterCutoff {
			start = c.opening(c.nextWorkingDay(jdn))
		}
		return c.AddWorking(start, time.Duration(value)*time.Hour), nil
	case UnitSameDay:
		if afterCutoff {
			jdn = c.nextWorkingDay(jdn)
		}
		return c.closing(jdn), nil
	}
	return time.Time{}, fmt.Errorf("calendar: unknown time unit %q (want %q, %q or %q)", unit, UnitDay, UnitHour, UnitSameDay)
}

// nextWorkingDay returns the first working day after jdn.
func (c *Calendar) nextWorkingDay(jdn int) int {
	for jdn++; !c.isWorking(jdn); jdn++ {
	}
	return jdn
}

func (c *Calendar) opening(jdn int) time.Time {
	return midnight(jdn).Add(c.hours[0].Start)
}

func (c *Calendar) closing(jdn int) time.Time {
	return midnight(jdn).Add(c.hours[len(c.hours)-1].End)
}
