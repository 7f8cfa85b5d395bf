package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sohoa"
)

// Sohoa is the digitisation and personal data store service (*sohoa.Service).
type Sohoa interface {
	Digitise(ctx context.Context, a *auth.Actor, code string, fileID int64) (*sohoa.Paper, error)
	Papers(ctx context.Context, a *auth.Actor, code string) ([]sohoa.Paper, error)
	SearchPage(ctx context.Context, a *auth.Actor, q string, limit int, after string) ([]sohoa.Paper, string, error)
	StorePage(ctx context.Context, a *auth.Actor, limit int, after string) ([]sohoa.Paper, string, error)
	AttachFromStore(ctx context.Context, a *auth.Actor, code, component, paper string) (*sohoa.Reuse, error)
}

// digitise marks a component file, the desk's scan of a paper, digitised
// and returns it with its code (Circular 01/2023/TT-VPCP).
func (s *Server) digitise(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("file_not_found")
	}
	p, err := s.Sohoa.Digitise(r.Context(), a, r.PathValue("code"), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, p)
}

// dossierPapers lists a dossier's digitised papers and results.
func (s *Server) dossierPapers(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.Sohoa.Papers(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"papers": ps})
}

// reusePaper attaches a digitised paper to a component of the dossier
// instead of an upload: {"paper": "<code>", "component": "<key>"}.
func (s *Server) reusePaper(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in struct {
		Paper     string `json:"paper"`
		Component string `json:"component"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	re, err := s.Sohoa.AttachFromStore(r.Context(), a, r.PathValue("code"), in.Component, in.Paper)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, re)
}

// searchPapers finds digitised papers and results (?q= code, ID number,
// name, procedure): a citizen's own, an officer's units'.
func (s *Server) searchPapers(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	limit, after, err := pageParams(r.URL.Query())
	if err != nil {
		return err
	}
	ps, next, err := s.Sohoa.SearchPage(r.Context(), a, r.URL.Query().Get("q"), limit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("papers", ps, next))
}

// myDataStore lists the signed-in citizen's personal data store with the
// log of each paper's reuse.
func (s *Server) myDataStore(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	limit, after, err := pageParams(r.URL.Query())
	if err != nil {
		return err
	}
	ps, next, err := s.Sohoa.StorePage(r.Context(), a, limit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("papers", ps, next))
}
