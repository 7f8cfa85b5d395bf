package api

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// Coordination with partner agencies outside the unit tree: the
// province's registry (its admins add and change agencies, any officer
// reads it) and a dossier's requests. Sending a request and recording its
// answer are lifecycle actions (POST …/actions/consult, …/record-answer).

func (s *Server) consultations(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	cs, err := s.Dossiers.Consultations(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"consultations": cs})
}

func (s *Server) listPartnerAgencies(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, after, err := pageParams(q)
	if err != nil {
		return err
	}
	ps, next, err := s.Dossiers.PartnerAgencyPage(r.Context(), a, q.Get("province"), q.Get("all") == "true", limit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("agencies", ps, next))
}

func (s *Server) addPartnerAgency(w http.ResponseWriter, r *http.Request) error {
	return s.savePartnerAgency(w, r, 0, http.StatusCreated)
}

func (s *Server) putPartnerAgency(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return problem.NotFound("unknown_agency")
	}
	return s.savePartnerAgency(w, r, id, http.StatusOK)
}

func (s *Server) savePartnerAgency(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in dossier.PartnerAgency
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Dossiers.SavePartnerAgency(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, status, out)
}
