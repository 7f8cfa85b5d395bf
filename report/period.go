package report

import (
	"time"

	"github.com/motcua/motcua/problem"
)

// Period is a statistics period: the days From to To (YYYY-MM-DD), both
// included, and the instants [Start, End) they make in Vietnam.
type Period struct {
	From, To   string
	Start, End time.Time
}

// ReadPeriod reads a period as a form or a query gives it (what an
// <input type="date"> sends). An empty from is 1 January of the year of
// now, an empty to the day of now. It refuses a malformed day
// (invalid_date, the parameter's name in the sentence), an end before the
// start (invalid_period) and more than MaxMonths months (period_too_long),
// each with the field at fault. A period reaching past now ends at now.
func ReadPeriod(from, to string, now time.Time) (Period, error) {
	today := now.In(vietnam)
	p := Period{From: from, To: to}
	if p.From == "" {
		p.From = time.Date(today.Year(), 1, 1, 0, 0, 0, 0, vietnam).Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	var err error
	if p.Start, err = day(p.From); err != nil {
		return p, problem.Invalid("from", "invalid_date", "from")
	}
	last, err := day(p.To)
	if err != nil {
		return p, problem.Invalid("to", "invalid_date", "to")
	}
	p.End = last.AddDate(0, 0, 1)
	if p.End.After(now) {
		// Figures stop at now: a dossier in progress is judged against
		// its deadline now, not at the end of a day still to come.
		p.End = now
	}
	if !p.Start.Before(p.End) {
		return p, problem.Invalid("to", "invalid_period")
	}
	if len(Months(p.Start, p.End)) > MaxMonths {
		return p, problem.Invalid("to", "period_too_long.months", MaxMonths)
	}
	return p, nil
}

// day is midnight starting a YYYY-MM-DD day in Vietnam, years 1900–9999.
func day(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, vietnam)
	if err == nil && (t.Year() < 1900 || t.Year() > 9999) {
		err = problem.ErrInvalid
	}
	return t, err
}
