package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// reportScope reads ?unit=&from=&to= and checks the caller may read the
// unit's reports (auth.ReadReports there or above it) before anything
// else is looked at: the period of a unit one may not see is not judged.
func (s *Server) reportScope(r *http.Request) (unit string, from, to time.Time, err error) {
	a, err := requireActor(r)
	if err != nil {
		return "", from, to, err
	}
	q := r.URL.Query()
	unit = q.Get("unit")
	if unit == "" {
		return "", from, to, problem.Invalid("unit", "unit_required.report")
	}
	if a.IsCitizen() {
		return "", from, to, problem.Forbidden("not_your_unit")
	}
	if err := s.Units.Entitled(r.Context(), a, auth.ReadReports, unit); err != nil {
		return "", from, to, err
	}
	from, to, err = report.ParsePeriodDays(q.Get("from"), q.Get("to"))
	return unit, from, to, err
}

// scorecard is the Decision 766 scorecard of a unit and the units below
// it for the days from..to (both included).
func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) error {
	unit, from, to, err := s.reportScope(r)
	if err != nil {
		return err
	}
	sc, err := s.Reports.Scorecard(r.Context(), unit, from, to, s.Calendar.Current())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sc)
}

// scoreDossiers lists the dossiers behind one indicator of the scorecard,
// ?cursor= (its next) or ?offset=, ?limit= (at most 500), ?counted=1 or 0 for the numerator's
// dossiers or the others only.
func (s *Server) scoreDossiers(w http.ResponseWriter, r *http.Request) error {
	unit, from, to, err := s.reportScope(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f report.ScoreFilter
	for _, p := range []struct {
		name string
		to   *int
	}{{"offset", &f.Offset}, {"limit", &f.Limit}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return problem.Invalid(p.name, "invalid_limit", p.name)
			}
			*p.to = n
		}
	}
	f.After = q.Get("cursor")
	switch q.Get("counted") {
	case "":
	case "1":
		yes := true
		f.Only = &yes
	case "0":
		no := false
		f.Only = &no
	default:
		return problem.Invalid("counted", "invalid_filter", "counted", "1, 0")
	}
	page, err := s.Reports.ScoreDossiers(r.Context(), unit, from, to, r.PathValue("indicator"), s.Calendar.Current(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

// processing is the processing analytics of a unit and the units below it.
func (s *Server) processing(w http.ResponseWriter, r *http.Request) error {
	unit, from, to, err := s.reportScope(r)
	if err != nil {
		return err
	}
	p, err := s.Reports.Processing(r.Context(), unit, from, to, s.Calendar.Current())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
