package portal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// review is what step 4 shows before submitting.
type review struct {
	UnitName  string
	Applicant dossier.Applicant
	Delivery  string
	Values    []labelValue
	Comps     []compView
	// Error is why the last submission failed, and ErrorURL the step to fix it.
	Error    string
	ErrorURL string
}

type labelValue struct {
	Label, Value string
}

// stepReview shows the draft to check before submitting; with a required
// document missing it sends the citizen back to the documents step.
func (s *Portal) stepReview(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	if len(dossier.MissingComponents(p, d.Data.Files)) > 0 {
		http.Redirect(w, r, draftURL(p.Code, d.ID, 3)+"?thieu=1", http.StatusSeeOther)
		return nil
	}
	page, err := s.reviewPage(r, a, p, d)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "wizard", page)
}

// reviewPage lists everything the draft holds and every problem left,
// each linking to the step that fixes it.
func (s *Portal) reviewPage(r *http.Request, a *auth.Actor, p catalog.Procedure, d *dossier.Draft) (wizardPage, error) {
	page := s.wizard(r, p, d, 4)
	rv := &review{Applicant: d.Data.Applicant, Delivery: d.Data.Delivery, Comps: s.filesPage(r, p, d).Comps}
	if u, err := s.units.ByCode(r.Context(), d.Data.Unit); err == nil {
		rv.UnitName = u.Name
	}
	for _, f := range p.Form {
		if v := d.Data.Form[f.Key]; v != "" {
			rv.Values = append(rv.Values, labelValue{f.Label, v})
		}
	}
	cands, err := s.candidates(r.Context(), a, p)
	if err != nil {
		return page, err
	}
	step1 := draftURL(p.Code, d.ID, 1)
	probs1 := step1Problems(cands, d.Data)
	if err := s.postalProblems(r.Context(), d.ID, d.Data, probs1); err != nil {
		return page, err
	}
	fields := append([]applicantField{{field: "unit", id: "unit"}}, applicantFields...)
	for _, f := range append(fields, applicantField{field: "delivery", id: "delivery-counter"}) {
		if pe := probs1[f.field]; pe != nil {
			page.Problems = append(page.Problems, problemLink{step1 + "#" + f.id, s.explain(page.Page, pe)})
		}
	}
	page.Problems = append(page.Problems, s.postalLinks(page.Page, step1, probs1)...)
	probs := dossier.FormProblems(p, d.Data.Form)
	for _, f := range p.Form {
		if pe := probs[f.Key]; pe != nil {
			in := inputFor(f, "")
			page.Problems = append(page.Problems, problemLink{draftURL(p.Code, d.ID, 2) + "#" + in.ID, f.Label + ": " + s.fieldError(page.Page, in, pe)})
		}
	}
	for _, c := range dossier.MissingComponents(p, d.Data.Files) {
		page.Problems = append(page.Problems, problemLink{draftURL(p.Code, d.ID, 3) + "#c-" + c.Key,
			c.Name + ": " + page.T("portal.err.component_missing")})
	}
	page.Review = rv
	return page, nil
}

// submitDraft files the draft. It works from the draft id alone: a second
// click, or a retry after a lost reply, finds the draft already submitted
// and lands on the same receipt.
func (s *Portal) submitDraft(w http.ResponseWriter, r *http.Request) error {
	a, err := s.filer(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	if err != nil {
		return problem.NotFound("draft_not_found")
	}
	d, err := s.submitWithAddress(r.Context(), a, id)
	if pe, ok := asProblem(err); ok {
		_, p, dr, lerr := s.loadDraft(r)
		if lerr != nil {
			return err
		}
		page, perr := s.reviewPage(r, a, p, dr)
		if perr != nil {
			return perr
		}
		page.Review.Error = s.explain(page.Page, pe)
		page.Review.ErrorURL = draftURL(p.Code, dr.ID, stepOf(pe.Field))
		return s.render(w, http.StatusUnprocessableEntity, "wizard", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/ho-so/"+d.Code+"/bien-nhan", http.StatusSeeOther)
	return nil
}

// stepOf is the wizard step where the input named by a problem's field is entered.
func stepOf(field string) int {
	switch {
	case strings.HasPrefix(field, "form."):
		return 2
	case field == "component" || field == "file":
		return 3
	case field == "unit" || field == "delivery" || strings.HasPrefix(field, "applicant.") || strings.HasPrefix(field, "address."):
		return 1
	}
	return 4
}

func (s *Portal) deleteDraft(w http.ResponseWriter, r *http.Request) error {
	a, _, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	if err := s.dossiers.DeleteDraft(r.Context(), a, d.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/ho-so-cua-toi", http.StatusSeeOther)
	return nil
}
