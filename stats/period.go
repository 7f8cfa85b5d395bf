package stats

import (
	"net/url"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/unit"
)

// period is the statistics' period: the days from From to To, both
// included, as the reader typed them, and the instants [from, to) they
// make in Vietnam.
type period struct {
	From, To string
	from, to time.Time
}

// readPeriod reads ?from=&to= (YYYY-MM-DD, what an <input type="date">
// sends). An absent from is 1 January of the year of today, an absent to
// today. The field names in the errors are the query's, so the API can
// say which parameter is wrong; label turns one into a catalog key for
// the pages' sentences (nil: the parameter's own name).
func readPeriod(q url.Values, now time.Time, label func(field string) any) (period, error) {
	today := now.In(unit.Vietnam)
	p := period{From: q.Get("from"), To: q.Get("to")}
	if p.From == "" {
		p.From = time.Date(today.Year(), 1, 1, 0, 0, 0, 0, unit.Vietnam).Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	name := func(f string) any {
		if label == nil {
			return f
		}
		return label(f)
	}
	var err error
	if p.from, err = unit.Day(p.From); err != nil || p.from.Year() < 1900 || p.from.Year() > 9999 {
		return p, problem.Invalid("from", "invalid_date", name("from"))
	}
	last, err := unit.Day(p.To)
	if err != nil || last.Year() < 1900 || last.Year() > 9999 {
		return p, problem.Invalid("to", "invalid_date", name("to"))
	}
	p.to = last.AddDate(0, 0, 1)
	if !p.from.Before(p.to) {
		return p, problem.Invalid("to", "invalid_period")
	}
	if n := len(report.Months(p.from, p.to)); n > report.MaxMonths {
		return p, problem.Invalid("to", "period_too_long.months", report.MaxMonths)
	}
	return p, nil
}

// pageLabel names a period field in the pages' sentences ("Ngày bắt đầu").
func pageLabel(field string) any { return problem.Key("stats.dash.period." + field + "_name") }
