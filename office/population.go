package office

import (
	"context"
	"errors"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// Population is the population database's lookup (*dancu.Service): the
// officer at reception verifies the applicant against the register.
type Population interface {
	Enabled() bool
	Lookup(ctx context.Context, a *auth.Actor, r dancu.Request) (*dancu.Person, error)
}

// populationView is the dossier page's "check against the population
// database" box: the form, then the comparison or why there is none.
type populationView struct {
	Action string
	Fields []populationField
	Error  string
	// Mismatch: at least one field the applicant gave differs.
	Mismatch bool
}

type populationField struct {
	dancu.Field
	Label string
}

// lookupOutcome is a lookup just made, to show on the dossier page.
type lookupOutcome struct {
	person *dancu.Person
	err    error
}

// populationBox is the box for officer a on dossier d, nil when not offered:
// no register, no ID number to look up, or a is not at d's reception.
func (o *Office) populationBox(pg web.Page, a *auth.Actor, d *dossier.Dossier, lo *lookupOutcome) *populationView {
	if lo == nil && (o.people == nil || !o.people.Enabled() || d.Applicant.IDNumber == "" || !a.HoldsAt(d.ReceivingUnitID(), auth.Reception)) {
		return nil
	}
	v := &populationView{Action: "/can-bo/ho-so/" + d.Code + "/dan-cu"}
	if lo == nil {
		return v
	}
	if lo.err != nil {
		v.Error = o.web.Message(pg, lo.err)
		return v
	}
	for _, f := range dancu.Compare(d.Applicant, lo.person) {
		v.Fields = append(v.Fields, populationField{Field: f, Label: fieldLabel(pg, f.Key)})
		if !f.Match {
			v.Mismatch = true
		}
	}
	return v
}

// verifyApplicant looks the dossier's applicant up, the applicant's
// consent confirmed by the officer, and shows the dossier with the
// comparison.
func (o *Office) verifyApplicant(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	d, err := o.dossiers.Read(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	if !a.HoldsAt(d.ReceivingUnitID(), auth.Reception) {
		return problem.Forbidden("dancu_reception_only")
	}
	if o.people == nil || !o.people.Enabled() {
		return o.showDossier(w, r, a, http.StatusOK, &actionState{Lookup: &lookupOutcome{err: problem.New(problem.ErrUnavailable, "dancu_off")}})
	}
	p, err := o.people.Lookup(r.Context(), a, dancu.Request{IDNumber: d.Applicant.IDNumber, DossierCode: d.Code,
		Consent: r.PostFormValue("consent") == "1"})
	var pe *problem.Error
	if err != nil && !errors.As(err, &pe) {
		return err
	}
	return o.showDossier(w, r, a, http.StatusOK, &actionState{Lookup: &lookupOutcome{person: p, err: err}})
}

// fieldLabel names a compared field. The keys are spelled out, not built,
// so the catalog test (server/i18n_test.go) sees each one.
func fieldLabel(pg web.Page, key string) string {
	switch key {
	case "name":
		return pg.T("office.dancu.field.name")
	case "id_number":
		return pg.T("office.dancu.field.id_number")
	case "birth_date":
		return pg.T("office.dancu.field.birth_date")
	case "permanent":
		return pg.T("office.dancu.field.permanent")
	case "current":
		return pg.T("office.dancu.field.current")
	}
	return key
}
