package api

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
)

// unitAt is a unit as it stood on a date. ValidFrom and ValidTo bound the
// period in which the unit stood exactly so (its code, name, parent,
// level and kind), not the unit's whole life: a renamed unit's earlier
// period ends where the new name begins.
type unitAt struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Level     string    `json:"level"`
	Kind      string    `json:"kind"`
	StatCode  string    `json:"stat_code,omitempty"`
	Parent    string    `json:"parent,omitempty"`
	ValidFrom time.Time `json:"valid_from,omitzero"`
	ValidTo   time.Time `json:"valid_to,omitzero"`
}

// unitsAt answers GET /api/v1/units?at=YYYY-MM-DD: the tree as it stood at
// the end of that day in Vietnam. The end rather than the start, so that
// ?at=<today> is today's tree including the changes an administrator made
// during the day; a reorganisation takes effect at 00:00 of its effective
// date, so ?at=<effective date> already shows the new tree.
func (s *Server) unitsAt(w http.ResponseWriter, r *http.Request) error {
	day := r.URL.Query().Get("at")
	start, err := unit.Day(day)
	if err != nil || start.Year() < 1900 || start.Year() > 9999 {
		return problem.Invalid("at", "invalid_date", "at")
	}
	// The last instant of the day: TreeAt's instants are milliseconds.
	end := start.AddDate(0, 0, 1).Add(-time.Millisecond)
	snaps, err := s.Units.TreeAt(r.Context(), end)
	if err != nil {
		return err
	}
	out := make([]unitAt, len(snaps))
	for i, n := range snaps {
		out[i] = unitAt{Code: n.Code, Name: n.Name, Level: n.Level, Kind: n.Kind, StatCode: n.StatCode,
			Parent: n.ParentCode, ValidFrom: inVietnam(n.From), ValidTo: inVietnam(n.To)}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"at": start.Format(time.DateOnly), "units": out})
}

// inVietnam shows an instant in Vietnam's time zone, where effective
// dates are days; the zero time stays zero.
func inVietnam(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(unit.Vietnam)
}
