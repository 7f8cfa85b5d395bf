package api

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/problem"
)

// The land registry's lookups (package land): an officer finds a parcel
// where they hold land.read at its commune, as on /can-bo/dat-dai; a
// citizen finds only the parcels they are a current registered user of
// (by the ID number VNeID verified), anything else answering 404 as a
// parcel that does not exist. The answer is the parcel's GeoJSON Feature,
// as `motcua land export` writes it, with its history.

func (s *Server) landOn(r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	if s.Land == nil {
		return problem.NotFound("not_found")
	}
	return nil
}

func (s *Server) landParcel(w http.ResponseWriter, r *http.Request) error {
	if err := s.landOn(r); err != nil {
		return err
	}
	a := actor(r.Context())
	p, err := s.Land.Parcel(r.Context(), a, r.PathValue("commune"), r.PathValue("sheet"), r.PathValue("number"))
	return s.describeParcel(w, r, a, p, err)
}

// describeParcel answers a parcel found for a (Describe records an
// officer's read), or the lookup's error.
func (s *Server) describeParcel(w http.ResponseWriter, r *http.Request, a *auth.Actor, p *land.Parcel, err error) error {
	if err != nil {
		return err
	}
	l, err := s.Land.Describe(r.Context(), a, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (s *Server) landCertificate(w http.ResponseWriter, r *http.Request) error {
	if err := s.landOn(r); err != nil {
		return err
	}
	a := actor(r.Context())
	p, err := s.Land.Certified(r.Context(), a, r.PathValue("serial"))
	return s.describeParcel(w, r, a, p, err)
}

func (s *Server) myLandParcels(w http.ResponseWriter, r *http.Request) error {
	if err := s.landOn(r); err != nil {
		return err
	}
	h, err := s.Land.Mine(r.Context(), actor(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h)
}
