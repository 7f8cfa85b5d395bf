package api

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// A citizen's rights over their personal data (Law 91/2025) over the API,
// the same as the account pages (package mydata): the download, the
// consents and their withdrawal, who read a dossier.

func (s *Server) citizenData(r *http.Request) (*auth.Actor, error) {
	a, err := requireActor(r)
	if err != nil {
		return nil, err
	}
	if s.MyData == nil {
		return nil, problem.NotFound("not_found")
	}
	return a, nil
}

// myDataExport streams the ZIP; a failure after the first byte cuts the
// download short (the ZIP then has no central directory and is refused
// by any reader) rather than answering an error body.
func (s *Server) myDataExport(w http.ResponseWriter, r *http.Request) error {
	a, err := s.citizenData(r)
	if err != nil {
		return err
	}
	if !a.IsCitizen() {
		return problem.Forbidden("mydata_citizen_only")
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="motcua-du-lieu-ca-nhan.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	return s.MyData.Export(r.Context(), a, w)
}

func (s *Server) myConsents(w http.ResponseWriter, r *http.Request) error {
	a, err := s.citizenData(r)
	if err != nil {
		return err
	}
	cs, err := s.MyData.Consents(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"consents": cs})
}

func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	a, err := s.citizenData(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("consent_not_found")
	}
	if err := s.MyData.Withdraw(r.Context(), a, r.PathValue("purpose"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) dossierAccesses(w http.ResponseWriter, r *http.Request) error {
	a, err := s.citizenData(r)
	if err != nil {
		return err
	}
	list, err := s.MyData.Accesses(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"accesses": list})
}
