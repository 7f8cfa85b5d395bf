package api

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
)

// Calendar is the calendar in force and its admin-added announcements.
type Calendar interface {
	Current() *calendar.Calendar
	Announcements(ctx context.Context) ([]calendar.Announcement, error)
	Add(ctx context.Context, a *auth.Actor, ann calendar.Announcement) error
	Withdraw(ctx context.Context, a *auth.Actor, date string) error
	SetDueEndOfDay(ctx context.Context, a *auth.Actor, province int64, on bool) error
	// Served is the province whose lateness rule is in force, 0 for none.
	Served() int64
}

// latenessRule is the province's rule for when a deadline ends.
type latenessRule struct {
	Province    string `json:"province"`
	DueEndOfDay bool   `json:"due_end_of_day"`
}

// getLatenessRule says which rule is in force; like the calendar, it is public.
func (s *Server) getLatenessRule(w http.ResponseWriter, r *http.Request) error {
	out := latenessRule{DueEndOfDay: s.Calendar.Current().DueEndOfDay()}
	if id := s.Calendar.Served(); id != 0 {
		u, err := s.Units.ByID(r.Context(), id)
		if err != nil {
			return err
		}
		out.Province = u.Code
	}
	return writeJSON(w, http.StatusOK, out)
}

// putLatenessRule sets a province's lateness rule; the calendar store
// checks that a is that province's admin and audits the change.
func (s *Server) putLatenessRule(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	var in latenessRule
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Units.ByCode(r.Context(), in.Province)
	if err != nil {
		return err
	}
	if err := s.Calendar.SetDueEndOfDay(r.Context(), a, u.ID, in.DueEndOfDay); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

func requireAdmin(r *http.Request) (*auth.Actor, error) {
	a, err := requireActor(r)
	if err != nil {
		return nil, err
	}
	if !a.HasAnywhere(auth.Admin) {
		return nil, problem.Forbidden("unit_admin_only")
	}
	return a, nil
}

// putProcedure publishes an edited procedure as a new version, if the
// catalog finds a entitled (auth.EditProcedure). Dossiers already
// submitted keep the version they were submitted under.
func (s *Server) putProcedure(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := s.Catalog.MayEdit(r.Context(), a, r.PathValue("code")); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err != nil {
		return problem.Invalid("body", "invalid_json.unreadable")
	}
	p, err := catalog.Parse(body)
	if err != nil {
		return problem.Invalid("body", "invalid_procedure", err.Error())
	}
	if p.Code != r.PathValue("code") {
		return problem.Invalid("code", "code_mismatch")
	}
	out, err := s.Catalog.Edit(r.Context(), a, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// confirmFeesInput confirms the typical fees of a procedure: amounts by
// the fee's index in the version in force.
type confirmFeesInput struct {
	Amounts map[int]int64 `json:"amounts"`
}

// confirmFees confirms the provincial fees the shipped catalog gives only
// as typical, publishing a new version (catalog.Store.ConfirmFees).
func (s *Server) confirmFees(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := s.Catalog.MayEdit(r.Context(), a, r.PathValue("code")); err != nil {
		return err
	}
	var in confirmFeesInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Catalog.ConfirmFees(r.Context(), a, r.PathValue("code"), in.Amounts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) holidays(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1900 || year > 2100 {
		return problem.Invalid("year", "invalid_year")
	}
	return writeJSON(w, http.StatusOK, map[string]any{"year": year, "days": s.Calendar.Current().Holidays(year)})
}

func (s *Server) listAnnouncements(w http.ResponseWriter, r *http.Request) error {
	as, err := s.Calendar.Announcements(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"announcements": as})
}

func (s *Server) addAnnouncement(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	var in calendar.Announcement
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Calendar.Add(r.Context(), a, in); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, in)
}

// withdrawAnnouncement removes an announcement; the calendar store checks
// that a is a province admin (auth.Announce).
func (s *Server) withdrawAnnouncement(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := s.Calendar.Withdraw(r.Context(), a, r.PathValue("date")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
