package stats

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// picker is the unit and period a report page shows, as asked
// (?don-vi=&tu=&den=, days YYYY-MM-DD, both included) and as read.
type picker struct {
	Unit, FromDay, ToDay string
	Units                []scopeOption
	// Error is the sentence for a bad period, shown above the form.
	Error    string
	from, to time.Time
}

type scopeOption struct {
	Code, Name string
	Depth      int
}

// Query is the picker's choice as a query string, for links.
func (p picker) Query() string {
	return url.Values{"don-vi": {p.Unit}, "tu": {p.FromDay}, "den": {p.ToDay}}.Encode()
}

// pick reads the picker from r. A unit the actor may not read is refused
// (403, before the period is looked at); a bad period is not an error of
// the page but a sentence in it, so the leader can correct the form.
func (s *Stats) pick(ctx context.Context, r *http.Request, p web.Page, a *auth.Actor) (picker, error) {
	q := r.URL.Query()
	pk := picker{Unit: q.Get("don-vi"), FromDay: q.Get("tu"), ToDay: q.Get("den")}
	units, err := s.readable(ctx, a)
	if err != nil {
		return pk, err
	}
	pk.Units = units
	if pk.Unit == "" && len(units) > 0 {
		pk.Unit = units[0].Code
	}
	if err := s.units.Entitled(ctx, a, auth.ReadReports, pk.Unit); err != nil {
		return pk, err
	}
	now := s.now().In(calendar.Zone)
	if pk.FromDay == "" && pk.ToDay == "" {
		// This month to today: open dossiers are judged as of today.
		pk.FromDay = now.Format("2006-01") + "-01"
		pk.ToDay = now.Format(time.DateOnly)
	}
	var bad error
	pk.from, bad = parseDay("tu", pk.FromDay, p.T("stats.period.from"))
	if bad == nil {
		pk.to, bad = parseDay("den", pk.ToDay, p.T("stats.period.to"))
	}
	if bad == nil {
		pk.to = pk.to.AddDate(0, 0, 1)
		if !pk.from.Before(pk.to) {
			bad = problem.Invalid("den", "invalid_period")
		}
		// Nothing happened after now: a period running into the future
		// ends now, so the dossiers still open are judged as of now, not
		// at the end of a day that has not come (the report's rule judges
		// them at the end of the period).
		// (An act at this very instant is in: the end is just after it.)
		if now := s.now().Add(time.Millisecond); bad == nil && pk.from.Before(now) && now.Before(pk.to) {
			pk.to = now
		}
	}
	if bad != nil {
		pk.Error = p.Error(bad)
	}
	return pk, nil
}

// parseDay reads a day YYYY-MM-DD; label names the field in the sentence.
func parseDay(field, v, label string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), calendar.Zone)
	if err != nil {
		return t, problem.Invalid(field, "invalid_date.form", label)
	}
	return t, nil
}

// readable lists the units whose reports a may read, as the tree stands
// now: where a holds auth.ReadReports, and below where the role reaches.
func (s *Stats) readable(ctx context.Context, a *auth.Actor) ([]scopeOption, error) {
	own, below := a.Reach(auth.ReadReports)
	tree, err := s.units.TreeAt(ctx, s.now())
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, id := range below {
		in[id] = true
	}
	var out []scopeOption
	for _, u := range tree { // parents before children
		if in[u.ParentID] {
			in[u.ID] = true
		}
		if in[u.ID] || contains(own, u.ID) {
			out = append(out, scopeOption{Code: u.Code, Name: u.Name, Depth: u.Depth})
		}
	}
	return out, nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// number formats v with n decimals in the page's language: a decimal
// comma in Vietnamese.
func number(lang string, v float64, n int) string {
	s := strconv.FormatFloat(v, 'f', n, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
