package portal

import (
	"errors"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The population database fills the applicant of step 1 (once-only
// data): the citizen ticks their consent and presses the button, which
// posts step 1's own form, so what was typed is saved too. Any failure
// leaves the fields as they were, with a sentence saying to type them.

// populationOffer: the lookup can be offered to a on step 1.
func (s *Portal) populationOffer(a *auth.Actor) bool {
	return s.people != nil && s.people.Enabled() && a.IsCitizen() && a.Verified != nil
}

// populationFillNew saves step 1 as a new draft, then fills it.
func (s *Portal) populationFillNew(w http.ResponseWriter, r *http.Request) error {
	a, err := s.filer(r)
	if err != nil {
		return err
	}
	p, err := s.onlineProcedure(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	data := dossier.DraftData{Form: map[string]string{}}
	readStep1(r, &data)
	if !s.populationOffer(a) {
		page := s.wizard(r, p, nil, 1)
		page.Action = "/nop-ho-so/" + p.Code
		return s.populationOff(w, r, a, p, page, data)
	}
	d, err := s.dossiers.CreateDraft(r.Context(), a, p.Code, data)
	if err != nil {
		return err
	}
	return s.populationLookup(w, r, a, p, d)
}

// populationFill saves step 1 of a draft, then fills it.
func (s *Portal) populationFill(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	readStep1(r, &d.Data)
	return s.populationLookup(w, r, a, p, d)
}

func (s *Portal) populationLookup(w http.ResponseWriter, r *http.Request, a *auth.Actor, p catalog.Procedure, d *dossier.Draft) error {
	page := s.wizard(r, p, d, 1)
	if !s.populationOffer(a) {
		return s.populationOff(w, r, a, p, page, d.Data)
	}
	id := a.Verified.IDNumber
	person, err := s.people.Lookup(r.Context(), a, dancu.Request{IDNumber: id, DraftID: d.ID, Consent: r.PostFormValue("dancu_consent") == "1"})
	var pe *problem.Error
	switch {
	case err == nil:
		app := &d.Data.Applicant
		app.Name, app.IDNumber, app.BirthDate = person.FullName, person.IDNumber, person.BirthDate
		if person.Permanent != "" {
			app.Address = person.Permanent
		}
		page.PopulationNote = page.T("portal.dancu.filled")
	case errors.As(err, &pe):
		page.PopulationError = s.web.Message(page.Page, err)
	default:
		return err
	}
	if err := s.dossiers.SaveDraft(r.Context(), a, d); err != nil {
		return err
	}
	cands, err := s.candidates(r.Context(), a, p)
	if err != nil {
		return err
	}
	return s.renderStep1(r.Context(), w, http.StatusOK, a, page, cands, d.Data, nil)
}

// populationOff shows step 1 as posted, unsaved, saying lookups are not
// available to a (no register, or no identity verified by VNeID).
func (s *Portal) populationOff(w http.ResponseWriter, r *http.Request, a *auth.Actor, p catalog.Procedure, page wizardPage, data dossier.DraftData) error {
	page.PopulationError = s.web.Message(page.Page, problem.New(problem.ErrUnavailable, "dancu_off"))
	cands, err := s.candidates(r.Context(), a, p)
	if err != nil {
		return err
	}
	return s.renderStep1(r.Context(), w, http.StatusOK, a, page, cands, data, nil)
}

type lookedUpPage struct {
	web.Page
	Records  []dancu.Record
	Verified *auth.Verified
}

// lookedUp lists the lookups of the citizen in the population database
// ("Dữ liệu của tôi đã được tra cứu").
func (s *Portal) lookedUp(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	page := lookedUpPage{Page: s.web.Page(r, "portal.lookedup.title"), Verified: a.Verified}
	if s.people != nil {
		if page.Records, err = s.people.About(r.Context(), a); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "looked_up", page)
}
