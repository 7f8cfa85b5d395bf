package api

import (
	"net/http"

	"github.com/motcua/motcua/audit"
)

// listAudit serves the audit log to a supervisor, for their units and the
// units below; see audit.ParseQuery for the parameters.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q, err := audit.ParseQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.Audit.Search(r.Context(), a, q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
