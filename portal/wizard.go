package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// The wizard's steps, by number: where each one lives under the draft's URL.
var stepSlugs = [...]string{1: "nguoi-nop", 2: "to-khai", 3: "tai-lieu", 4: "xem-lai"}

func draftURL(code string, id int64, step int) string {
	return fmt.Sprintf("/nop-ho-so/%s/%d/%s", code, id, stepSlugs[step])
}

// wizardPage is the data of every step of the online submission.
type wizardPage struct {
	web.Page
	P       catalog.Procedure
	DraftID int64
	Step    int
	Steps   []stepLink
	// Action is where the step's form posts.
	Action   string
	Problems []problemLink
	// Step 1: receiving unit, applicant, delivery. Step 2: the e-form.
	Units         []unitGroup
	UnitError     string
	Inputs        []formInput
	Delivery      string
	DeliveryError string
	OnBehalf      bool
	Postal        *postalForm
	// Verified is the identity VNeID verified for the citizen; ForOther:
	// the applicant is someone else, so the dossier is filed on their
	// behalf (dossier.OnBehalfOtherPerson).
	Verified *auth.Verified
	ForOther bool
	// PopulationAction is where the population database lookup posts
	// step 1 (population.go), "" when it is not offered; the Note or Error
	// says how the last one went.
	PopulationAction                string
	PopulationNote, PopulationError string
	// Competent offers, for a procedure on the province's phi địa giới
	// list, another commune to decide the dossier filed at the unit, and
	// ReturnAt where the result is then collected.
	Competent []unitGroup
	ReturnAt  string
	// Land is step 2's box filling a land procedure's e-form from the
	// citizen's parcels in the land registry (land.go); nil: not offered.
	Land *landPicker
	// Step 3: one upload per component, and the papers of the citizen's
	// data store that can stand in for one (package sohoa).
	Comps     []compView
	FromStore []storeTarget
	MaxMB     int64
	Max       int64
	// Step 4: everything, to check before submitting.
	Review *review
}

type stepLink struct {
	N       int
	Key     string
	URL     string
	Current bool
}

// problemLink is one entry of the error summary, linking to the field.
type problemLink struct {
	Href, Text string
}

// formInput is one labelled field; Kind is "input", "textarea" or "select".
type formInput struct {
	ID, Name, Label         string
	Kind, Type              string
	InputMode, Autocomplete string
	Value                   string
	Options                 []string
	Required                bool
	MaxLen                  int
	Error                   string
}

// filer returns the signed-in actor if they may file online: a citizen,
// or a community digital team member filing for one.
func (s *Portal) filer(r *http.Request) (*auth.Actor, error) {
	a, err := web.RequireActor(r)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() || a.HasAnywhere(auth.Community) {
		return a, nil
	}
	return nil, problem.Forbidden("online_filing")
}

func (s *Portal) onlineProcedure(ctx context.Context, code string) (catalog.Procedure, error) {
	p, err := s.catalog.Get(ctx, code)
	if err != nil {
		return p, err
	}
	if p.Online == "none" {
		return p, problem.Invalid("procedure", "not_online")
	}
	return p, nil
}

// candidates are the units a may file p at: those of p's levels; for a
// community digital team member, only the units they serve.
func (s *Portal) candidates(ctx context.Context, a *auth.Actor, p catalog.Procedure) ([]unit.Unit, error) {
	us, err := s.activeUnits(ctx, func(u unit.Unit) bool {
		return slices.Contains(p.Levels, u.Level) && (a.IsCitizen() || a.Has(auth.Community, u.ID))
	})
	if err == nil && len(us) == 0 {
		err = problem.Invalid("unit", "no_unit_for_procedure")
	}
	return us, err
}

// prefill starts a draft from the citizen's account; a community team
// member starts with empty applicant fields and their own unit.
func prefill(a *auth.Actor, cands []unit.Unit) dossier.DraftData {
	d := dossier.DraftData{Delivery: "counter", Form: map[string]string{}}
	if a.IsCitizen() {
		d.Applicant = dossier.Applicant{Name: a.FullName, IDNumber: a.IDNumber, Phone: a.Phone, Email: a.Email, Address: a.Address}
		if v := a.Verified; v != nil {
			// The identity VNeID verified: the applicant unless the citizen
			// changes it (the dossier is then filed on someone's behalf).
			d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.BirthDate = v.FullName, v.IDNumber, v.BirthDate
		}
		d.Unit = guessUnit(cands, a.Address)
	} else {
		d.Unit = cands[0].Code
	}
	return d
}

// loadDraft returns the actor, the procedure and the actor's draft named by the URL.
func (s *Portal) loadDraft(r *http.Request) (*auth.Actor, catalog.Procedure, *dossier.Draft, error) {
	var p catalog.Procedure
	a, err := s.filer(r)
	if err != nil {
		return nil, p, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	if err != nil {
		return nil, p, nil, problem.NotFound("draft_not_found")
	}
	d, err := s.dossiers.GetDraft(r.Context(), a, id)
	if err != nil {
		return nil, p, nil, err
	}
	if d.Procedure != r.PathValue("code") {
		return nil, p, nil, problem.NotFound("draft_not_found")
	}
	p, err = s.catalog.Get(r.Context(), d.Procedure)
	return a, p, d, err
}

// wizard builds the common data of a step; draft is nil before the first save.
func (s *Portal) wizard(r *http.Request, p catalog.Procedure, d *dossier.Draft, step int) wizardPage {
	w := wizardPage{Page: s.web.Page(r, "portal.wizard.title", step), P: p, Step: step}
	for n := 1; n <= 4; n++ {
		l := stepLink{N: n, Key: fmt.Sprintf("portal.wizard.step%d", n), Current: n == step}
		if d != nil {
			l.URL = draftURL(p.Code, d.ID, n)
		}
		w.Steps = append(w.Steps, l)
	}
	if d != nil {
		w.DraftID = d.ID
		w.Action = draftURL(p.Code, d.ID, step)
		if a := web.ActorFrom(r.Context()); a != nil {
			w.ForOther = forOther(a, d.Data.Applicant)
		}
	}
	return w
}

// resumeStep is the first step whose data is missing or invalid.
func (s *Portal) resumeStep(ctx context.Context, a *auth.Actor, p catalog.Procedure, d *dossier.Draft) (int, error) {
	cands, err := s.candidates(ctx, a, p)
	if err != nil {
		return 0, err
	}
	probs := step1Problems(cands, d.Data)
	if err := s.postalProblems(ctx, d.ID, d.Data, probs); err != nil {
		return 0, err
	}
	switch {
	case len(probs) > 0:
		return 1, nil
	case len(dossier.FormProblems(p, d.Data.Form)) > 0:
		return 2, nil
	case len(dossier.MissingComponents(p, d.Data.Files)) > 0:
		return 3, nil
	}
	return 4, nil
}

// wizardStart resumes the latest draft of the procedure, or shows step 1
// prefilled; nothing is stored until the citizen saves it.
func (s *Portal) wizardStart(w http.ResponseWriter, r *http.Request) error {
	a, err := s.filer(r)
	if err != nil {
		return err
	}
	p, err := s.onlineProcedure(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	switch d, err := s.dossiers.LatestDraft(r.Context(), a, p.Code); {
	case err == nil:
		return s.resume(w, r, a, p, d)
	case !errors.Is(err, problem.ErrNotFound):
		return err
	}
	cands, err := s.candidates(r.Context(), a, p)
	if err != nil {
		return err
	}
	page := s.wizard(r, p, nil, 1)
	page.Action = "/nop-ho-so/" + p.Code
	return s.renderStep1(r.Context(), w, http.StatusOK, a, page, cands, prefill(a, cands), nil)
}

func (s *Portal) wizardResume(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	return s.resume(w, r, a, p, d)
}

func (s *Portal) resume(w http.ResponseWriter, r *http.Request, a *auth.Actor, p catalog.Procedure, d *dossier.Draft) error {
	step, err := s.resumeStep(r.Context(), a, p, d)
	if err != nil {
		return err
	}
	http.Redirect(w, r, draftURL(p.Code, d.ID, step), http.StatusSeeOther)
	return nil
}

// wizardCreate saves step 1 as a new draft.
func (s *Portal) wizardCreate(w http.ResponseWriter, r *http.Request) error {
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
	addr, err := s.readPostal(r.Context(), r, &data)
	if err != nil {
		return err
	}
	d, err := s.dossiers.CreateDraft(r.Context(), a, p.Code, data)
	if err != nil {
		return err
	}
	if err := s.postal.SaveDraftAddress(r.Context(), d.ID, addr); err != nil {
		return err
	}
	return s.afterStep1(w, r, a, p, d)
}

func (s *Portal) stepApplicant(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	cands, err := s.candidates(r.Context(), a, p)
	if err != nil {
		return err
	}
	return s.renderStep1(r.Context(), w, http.StatusOK, a, s.wizard(r, p, d, 1), cands, d.Data, nil)
}

func (s *Portal) saveApplicant(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	readStep1(r, &d.Data)
	addr, err := s.readPostal(r.Context(), r, &d.Data)
	if err != nil {
		return err
	}
	if err := s.dossiers.SaveDraft(r.Context(), a, d); err != nil {
		return err
	}
	if err := s.postal.SaveDraftAddress(r.Context(), d.ID, addr); err != nil {
		return err
	}
	return s.afterStep1(w, r, a, p, d)
}

// afterStep1 goes on to the e-form, or shows step 1 again with every
// problem next to its field (what was typed is already saved).
func (s *Portal) afterStep1(w http.ResponseWriter, r *http.Request, a *auth.Actor, p catalog.Procedure, d *dossier.Draft) error {
	cands, err := s.candidates(r.Context(), a, p)
	if err != nil {
		return err
	}
	probs := step1Problems(cands, d.Data)
	if err := s.postalProblems(r.Context(), d.ID, d.Data, probs); err != nil {
		return err
	}
	if len(probs) > 0 {
		return s.renderStep1(r.Context(), w, http.StatusUnprocessableEntity, a, s.wizard(r, p, d, 1), cands, d.Data, probs)
	}
	http.Redirect(w, r, draftURL(p.Code, d.ID, 2), http.StatusSeeOther)
	return nil
}

// forOther: a citizen with a verified identity files for someone else.
func forOther(a *auth.Actor, app dossier.Applicant) bool {
	return a.IsCitizen() && a.Verified != nil && app.IDNumber != a.Verified.IDNumber
}

func readStep1(r *http.Request, d *dossier.DraftData) {
	d.Unit = clip(r.PostFormValue("unit"), 40)
	d.Applicant = dossier.Applicant{
		Name:      clip(r.PostFormValue("name"), 300),
		IDNumber:  clip(r.PostFormValue("id_number"), 40),
		Phone:     clip(r.PostFormValue("phone"), 40),
		Email:     clip(r.PostFormValue("email"), 300),
		Address:   clip(r.PostFormValue("address"), 500),
		BirthDate: clip(r.PostFormValue("birth_date"), 10),
	}
	d.Delivery = clip(r.PostFormValue("delivery"), 20)
	d.CompetentUnit = clip(r.PostFormValue("competent_unit"), 40)
	d.ReturnAt = ""
	if d.CompetentUnit != "" {
		d.ReturnAt = clip(r.PostFormValue("return_at"), 20)
	}
}

func step1Problems(cands []unit.Unit, d dossier.DraftData) map[string]*problem.Error {
	probs := dossier.ApplicantProblems(d.Applicant, d.Delivery)
	if !hasUnit(cands, d.Unit) {
		probs["unit"] = problem.Invalid("unit", "unit_required")
	}
	return probs
}

// applicantField is one input of step 1: the problem field it shows, the
// input's id, name, label key and HTML hints.
type applicantField struct {
	field, id, name, label string
	typ, mode, auto        string
	max                    int
	required               bool
}

var applicantFields = []applicantField{
	{"applicant.name", "f-name", "name", "portal.applicant.name", "text", "", "name", dossier.MaxApplicantName, true},
	{"applicant.id_number", "f-id_number", "id_number", "portal.applicant.id_number", "text", "numeric", "off", 12, false},
	{"applicant.birth_date", "f-birth_date", "birth_date", "portal.applicant.birth_date", "date", "", "bday", 10, false},
	{"applicant.phone", "f-phone", "phone", "portal.applicant.phone", "tel", "tel", "tel", 12, false},
	{"applicant.email", "f-email", "email", "portal.applicant.email", "email", "", "email", dossier.MaxEmail, false},
	{"applicant.address", "f-address", "address", "portal.applicant.address", "text", "", "street-address", dossier.MaxAddress, false},
}

func applicantValue(a dossier.Applicant, name string) string {
	switch name {
	case "name":
		return a.Name
	case "id_number":
		return a.IDNumber
	case "phone":
		return a.Phone
	case "email":
		return a.Email
	case "birth_date":
		return a.BirthDate
	}
	return a.Address
}

func (s *Portal) renderStep1(ctx context.Context, w http.ResponseWriter, status int, a *auth.Actor, page wizardPage, cands []unit.Unit,
	d dossier.DraftData, probs map[string]*problem.Error) error {
	page.Units = groupUnits(cands, d.Unit)
	if page.P.Boundless != nil {
		page.Competent, page.ReturnAt = groupUnits(cands, d.CompetentUnit), d.ReturnAt
	}
	page.Delivery = d.Delivery
	page.OnBehalf = !a.IsCitizen()
	page.Verified, page.ForOther = a.Verified, forOther(a, d.Applicant)
	if s.populationOffer(a) {
		page.PopulationAction = "/nop-ho-so/" + page.P.Code + "/dan-cu"
		if page.DraftID != 0 {
			page.PopulationAction = fmt.Sprintf("/nop-ho-so/%s/%d/dan-cu", page.P.Code, page.DraftID)
		}
	}
	if pe := probs["unit"]; pe != nil {
		page.UnitError = s.explain(page.Page, pe)
		page.Problems = append(page.Problems, problemLink{"#unit", page.UnitError})
	}
	for _, f := range applicantFields {
		in := formInput{ID: f.id, Name: f.name, Label: page.T(f.label), Kind: "input", Type: f.typ, InputMode: f.mode,
			Autocomplete: f.auto, MaxLen: f.max, Required: f.required, Value: applicantValue(d.Applicant, f.name)}
		if page.OnBehalf {
			in.Autocomplete = "off" // someone else's data: do not offer the officer's own
		}
		if pe := probs[f.field]; pe != nil {
			in.Error = s.explain(page.Page, pe)
			page.Problems = append(page.Problems, problemLink{"#" + f.id, in.Label + ": " + in.Error})
		}
		page.Inputs = append(page.Inputs, in)
	}
	if pe := probs["delivery"]; pe != nil {
		page.DeliveryError = s.explain(page.Page, pe)
		page.Problems = append(page.Problems, problemLink{"#delivery-counter", page.DeliveryError})
	}
	if err := s.postalForm(ctx, &page, d, probs); err != nil {
		return err
	}
	return s.render(w, status, "wizard", page)
}

func (s *Portal) stepForm(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	page := s.wizard(r, p, d, 2)
	if page.Land, err = s.landPicker(r.Context(), page.Page, a, p, d); err != nil {
		return err
	}
	return s.renderStep2(w, http.StatusOK, page, d.Data.Form, nil)
}

// saveForm keeps what was typed, valid or not, then either goes on or
// shows the e-form again with each problem next to its field. "Back"
// saves without checking.
func (s *Portal) saveForm(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	d.Data.Form = readForm(r, p)
	if err := s.dossiers.SaveDraft(r.Context(), a, d); err != nil {
		return err
	}
	if r.PostFormValue("di") == "lui" {
		http.Redirect(w, r, draftURL(p.Code, d.ID, 1), http.StatusSeeOther)
		return nil
	}
	if probs := dossier.FormProblems(p, d.Data.Form); len(probs) > 0 {
		page := s.wizard(r, p, d, 2)
		if page.Land, err = s.landPicker(r.Context(), page.Page, a, p, d); err != nil {
			return err
		}
		return s.renderStep2(w, http.StatusUnprocessableEntity, page, d.Data.Form, probs)
	}
	http.Redirect(w, r, draftURL(p.Code, d.ID, 3), http.StatusSeeOther)
	return nil
}

func (s *Portal) renderStep2(w http.ResponseWriter, status int, page wizardPage, values map[string]string, probs map[string]*problem.Error) error {
	for _, f := range page.P.Form {
		in := inputFor(f, values[f.Key])
		if pe := probs[f.Key]; pe != nil {
			in.Error = s.fieldError(page.Page, in, pe)
			page.Problems = append(page.Problems, problemLink{"#" + in.ID, f.Label + ": " + in.Error})
		}
		page.Inputs = append(page.Inputs, in)
	}
	return s.render(w, status, "wizard", page)
}

// inputFor is the HTML input of an e-form field: its type, keyboard and
// length limit follow the field's type (server-side checks stay the rule).
func inputFor(f catalog.FormField, value string) formInput {
	in := formInput{ID: "f-" + f.Key, Name: f.Key, Label: f.Label, Kind: "input", Type: "text", Value: value,
		Required: f.Required, MaxLen: f.Max}
	if in.MaxLen == 0 {
		in.MaxLen = dossier.MaxFormText
	}
	switch f.Type {
	case "textarea":
		in.Kind = "textarea"
	case "select":
		in.Kind, in.Options, in.MaxLen = "select", f.Options, 0
	case "date":
		in.Type, in.MaxLen = "date", 0
	case "number":
		in.InputMode, in.MaxLen = "decimal", 20
		if f.Integer {
			in.InputMode = "numeric"
		}
	case "id_number":
		in.InputMode, in.MaxLen, in.Autocomplete = "numeric", 12, "off"
	case "phone":
		in.Type, in.InputMode, in.MaxLen = "tel", "tel", 12
	}
	return in
}

// fieldError is the text of an e-form field's problem.
func (s *Portal) fieldError(pg web.Page, in formInput, pe *problem.Error) string {
	if pe.Code == "form_field_too_long" {
		return s.explain(pg, pe, in.MaxLen)
	}
	return s.explain(pg, pe)
}
