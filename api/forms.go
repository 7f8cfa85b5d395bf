package api

import (
	"net/http"

	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/web"
)

// The official PDF forms (package forms): whoever may see a dossier may
// fetch its forms; a unit's tracking book is for that unit's officers.
// ?download=1 asks for an attachment instead of an inline PDF.

func (s *Server) dossierForm(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	doc, err := s.Forms.Dossier(r.Context(), a, r.PathValue("code"), r.PathValue("form"), web.Origin(r))
	if err != nil {
		return err
	}
	return doc.Write(w, r.URL.Query().Get("download") == "1")
}

func (s *Server) dossierResult(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	doc, err := s.Forms.Result(r.Context(), a, r.PathValue("code"), web.Origin(r))
	if err != nil {
		return err
	}
	return doc.Write(w, r.URL.Query().Get("download") == "1")
}

func (s *Server) trackingBook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	from, err := forms.ParseDay("from", r.URL.Query().Get("from"))
	if err != nil {
		return err
	}
	to, err := forms.ParseDay("to", r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	doc, err := s.Forms.Book(r.Context(), a, r.PathValue("code"), from, to, web.Origin(r))
	if err != nil {
		return err
	}
	return doc.Write(w, r.URL.Query().Get("download") == "1")
}
