package api

import (
	"net/http"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// rateDossier records the applicant's satisfaction rating of a delivered
// dossier: {"score": "very_satisfied"|"satisfied"|"not_satisfied", "comment": "…"}.
func (s *Server) rateDossier(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in struct {
		Score   string `json:"score"`
		Comment string `json:"comment"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	rt, err := s.Ratings.Rate(r.Context(), a, r.PathValue("code"), in.Score, in.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rt)
}

// ratingSummary tallies ratings by unit, procedure or officer (?by=) for
// the reports. Officers only: a citizen's rating is not public data.
func (s *Server) ratingSummary(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	if a.IsCitizen() {
		return problem.Forbidden("rating_summary")
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		by = report.ByUnit
	}
	ts, err := s.Reports.RatingTallies(r.Context(), by)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"by": by, "tallies": ts})
}
