package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
)

// Return of results by post (package postal): the applicant's postal
// address, the shipment the reception officer places (which hands the
// dossier over), its tracking, and the webhook the post calls.

func (s *Server) postalAreas(w http.ResponseWriter, r *http.Request) error {
	areas, err := s.Postal.Areas(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"provinces": areas})
}

func (s *Server) getPostalAddress(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	addr, err := s.Postal.Address(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, withLine(addr))
}

func (s *Server) putPostalAddress(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in postal.Address
	if err := decode(r, &in); err != nil {
		return err
	}
	addr, err := s.Postal.SetAddress(r.Context(), a, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, withLine(addr))
}

// addressReply is an address with its label line.
type addressReply struct {
	postal.Address
	Line string `json:"line"`
}

func withLine(a postal.Address) addressReply { return addressReply{a, a.Line()} }

func (s *Server) createShipment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in postal.CreateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Postal.Create(r.Context(), a, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, sh)
}

func (s *Server) getShipment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	sh, err := s.Postal.Shipment(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sh)
}

func (s *Server) refreshShipment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	sh, err := s.Postal.Refresh(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sh)
}

// trackShipment is public like track, and asks for the same second factor:
// without it, whether a shipment exists would tell whether the code does.
func (s *Server) trackShipment(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Dossiers.Track(r.Context(), r.PathValue("code"), trackProof(r)); err != nil {
		if errors.Is(err, problem.ErrNotFound) {
			return problem.NotFound("dossier_not_found.track")
		}
		return err
	}
	p, err := s.Postal.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// postalWebhook takes the post's tracking events. The signature covers the
// raw body, so it is read as sent; a forged one is 401 and changes nothing.
func (s *Server) postalWebhook(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, postal.MaxWebhookBody))
	if err != nil {
		return problem.New(problem.ErrTooLarge, "body_too_large")
	}
	rc, err := s.Postal.Webhook(r.Context(), body, r.Header.Get(postal.SignatureHeader))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rc)
}
