package api

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/problem"
)

// An account's own password over the API: change it with the old one, or
// recover it with the one-time link sent by e-mail and SMS (for apps that
// show their own forms; the link itself opens /dat-lai-mat-khau).

func bearer(r *http.Request) string {
	return strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
}

// changePassword ends every other session of the account; the token of
// this request keeps working.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Auth.ChangePassword(r.Context(), a.ID, in.OldPassword, in.NewPassword, bearer(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requestRecovery answers 202 whether or not the account exists.
func (s *Server) requestRecovery(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Login string `json:"login"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Auth.RequestRecovery(r.Context(), in.Login); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "sent_if_known"})
}

func (s *Server) recoverPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Auth.Recover(r.Context(), in.Token, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var errEnrolTOTP = problem.New(problem.ErrForbidden, "totp_enrolment_required")
