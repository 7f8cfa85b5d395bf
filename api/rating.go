package api

import "net/http"

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
