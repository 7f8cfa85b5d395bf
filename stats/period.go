package stats

import (
	"errors"
	"net/url"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// period is the statistics' period as the pages read it (report.Period).
type period = report.Period

// readPeriod reads ?from=&to= for a page: report.ReadPeriod, with a bad
// day's sentence naming the field in words ("Ngày bắt đầu …") rather than
// by its query parameter.
func readPeriod(q url.Values, now time.Time) (period, error) {
	p, err := report.ReadPeriod(q.Get("from"), q.Get("to"), now)
	var pe *problem.Error
	if errors.As(err, &pe) && pe.Code == "invalid_date" {
		err = problem.Invalid(pe.Field, "invalid_date", problem.Key("stats.dash.period."+pe.Field+"_name"))
	}
	return p, err
}
