package calendar_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
)

// TestJudge: the one rule for lateness (issue 10). A dossier due Monday
// 2 March 2026 at 10:00 and finished at 11:00 the same day is late to the
// minute and on time when a deadline ends at the end of its last working
// day (Civil Code 2015 arts. 147–148); LateBefore agrees with IsLate.
func TestJudge(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, calendar.Zone) }
	due := at(2, 10, 0)
	cases := []struct {
		finish   time.Time
		minute   calendar.Timeliness
		endOfDay calendar.Timeliness
	}{
		{at(27, 16, 0).AddDate(0, -1, 0), calendar.Early, calendar.Early}, // Friday before
		{at(2, 9, 0), calendar.OnTime, calendar.OnTime},
		{at(2, 10, 0), calendar.OnTime, calendar.OnTime},
		{at(2, 11, 0), calendar.Late, calendar.OnTime},
		{at(2, 17, 0), calendar.Late, calendar.OnTime},
		{at(2, 17, 1), calendar.Late, calendar.Late},
		{at(3, 8, 0), calendar.Late, calendar.Late},
	}
	minute, eod := calendar.New(calendar.Options{}), calendar.New(calendar.Options{DueEndOfDay: true})
	for _, c := range cases {
		if got := minute.Judge(due, c.finish); got != c.minute {
			t.Errorf("to the minute, finished %v: %s, want %s", c.finish, got, c.minute)
		}
		if got := eod.Judge(due, c.finish); got != c.endOfDay {
			t.Errorf("end of day, finished %v: %s, want %s", c.finish, got, c.endOfDay)
		}
		for _, cal := range []*calendar.Calendar{minute, eod} {
			if edge := cal.LateBefore(c.finish); due.Before(edge) != cal.IsLate(due, c.finish) {
				t.Errorf("end of day %v at %v: LateBefore %v disagrees with IsLate", cal.DueEndOfDay(), c.finish, edge)
			}
		}
	}
}
