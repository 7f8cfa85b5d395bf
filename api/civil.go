package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/problem"
)

// Civil is the part of the civil service registry (*civil.Service) the
// API reads: the same scope as the registry and evaluation pages, each
// read of another's personal data put on record by the service.
type Civil interface {
	PeoplePage(ctx context.Context, a *auth.Actor, unitCode string, limit int, after string) ([]civil.Person, string, error)
	ReadPerson(ctx context.Context, a *auth.Actor, code string) (civil.Person, error)
	ReadCycle(ctx context.Context, a *auth.Actor, unitID int64, year int) (civil.CycleRead, error)
	UnitCode(ctx context.Context, id int64) (string, error)
}

// civilActor is the caller, an officer: the registry is no citizen's
// business, not even their own record's (a citizen has none).
func (s *Server) civilActor(r *http.Request) (*auth.Actor, error) {
	if s.Civil == nil {
		return nil, errNoRoute
	}
	a, err := requireActor(r)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() {
		return nil, problem.Forbidden("officers_only")
	}
	return a, nil
}

// listCivilPeople pages the records posted at a unit now, by name then
// code, for those who keep its registry (auth.ManagePersonnel there).
func (s *Server) listCivilPeople(w http.ResponseWriter, r *http.Request) error {
	a, err := s.civilActor(r)
	if err != nil {
		return err
	}
	limit, after, err := pageParams(r.URL.Query())
	if err != nil {
		return err
	}
	people, next, err := s.Civil.PeoplePage(r.Context(), a, r.PathValue("unit"), limit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("people", people, next))
}

// civilPerson is a record with the code of its unit.
type civilPerson struct {
	civil.Person
	Unit string `json:"unit"`
}

// getCivilPerson is one record with its postings and qualifications.
func (s *Server) getCivilPerson(w http.ResponseWriter, r *http.Request) error {
	a, err := s.civilActor(r)
	if err != nil {
		return err
	}
	p, err := s.Civil.ReadPerson(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	out := civilPerson{Person: p}
	codes := map[int64]string{}
	code := func(id int64) (string, error) {
		if c, ok := codes[id]; ok {
			return c, nil
		}
		c, err := s.Civil.UnitCode(r.Context(), id)
		codes[id] = c
		return c, err
	}
	if out.Unit, err = code(p.UnitID); err != nil {
		return err
	}
	for i := range out.Postings {
		if out.Postings[i].UnitCode, err = code(out.Postings[i].UnitID); err != nil {
			return err
		}
	}
	if out.Postings == nil {
		out.Postings = []civil.Posting{}
	}
	if out.Qualifications == nil {
		out.Qualifications = []civil.Qualification{}
	}
	return writeJSON(w, http.StatusOK, out)
}

// civilEvaluation is one evaluation as the API shows it: its step, the
// levels proposed and decided, the meeting's votes and the figures.
type civilEvaluation struct {
	ID     int64 `json:"id"`
	Person struct {
		Code     string `json:"code"`
		FullName string `json:"full_name"`
		Position string `json:"position"`
		Rank     string `json:"rank"`
	} `json:"person"`
	Step      string         `json:"step"`
	SelfLevel string         `json:"self_level,omitempty"`
	Votes     map[string]int `json:"votes"`
	Level     string         `json:"level,omitempty"`
	DecidedAt string         `json:"decided_at,omitempty"`
	Figures   civilFigures   `json:"figures"`
	// FiguresKept: the figures are those kept at the decision; before it,
	// a recount of the dossiers' history as it stands.
	FiguresKept bool  `json:"figures_kept"`
	Version     int64 `json:"version"`
}

type civilFigures struct {
	civil.Figures
	// OnTimeRate is on_time ÷ ended in percent, absent when nothing ended.
	OnTimeRate *float64 `json:"on_time_rate,omitempty"`
}

// listCivilEvaluations is a unit's cycle of a year: every evaluation to
// a leader there (auth.EvaluateStaff), their own to an officer of it.
func (s *Server) listCivilEvaluations(w http.ResponseWriter, r *http.Request) error {
	a, err := s.civilActor(r)
	if err != nil {
		return err
	}
	u, err := s.Units.ByCode(r.Context(), r.PathValue("unit"))
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1 {
		return problem.Invalid("year", "civil_year_not_number")
	}
	c, err := s.Civil.ReadCycle(r.Context(), a, u.ID, year)
	if err != nil {
		return err
	}
	list := make([]civilEvaluation, len(c.List))
	for i, e := range c.List {
		x := &list[i]
		x.ID, x.Step, x.SelfLevel, x.Votes, x.Level, x.Version = e.ID, e.State, e.SelfLevel, e.Votes, e.Level, e.Version
		x.Person.Code, x.Person.FullName, x.Person.Position, x.Person.Rank = e.Person.Code, e.Person.FullName, e.Person.Position, e.Person.Rank
		if e.DecidedAt != 0 {
			x.DecidedAt = time.UnixMilli(e.DecidedAt).UTC().Format(time.RFC3339)
		}
		x.Figures.Figures, x.FiguresKept = e.Figures, e.Kept
		if rate := e.Figures.OnTimeRate(); rate >= 0 {
			x.Figures.OnTimeRate = &rate
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"unit": u.Code, "year": year, "lead": c.Lead, "evaluations": list})
}
