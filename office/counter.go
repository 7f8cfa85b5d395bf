package office

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// Counter reception: a walk-in applicant's dossier is entered by a
// reception officer at their own unit (channel "counter"), then its
// components are scanned and checked on the dossier page, which receives it.

type counterPage struct {
	web.Page
	Units      []option
	Unit       unit.Unit
	Q          string
	Procedures []catalog.Summary
}

// receptionUnits are the units where a receives dossiers. A unit merged
// away keeps its officers' grants (their history is there) but receives
// nothing: a submission there is refused (unit_inactive), so the counter
// does not offer it, let alone first.
func (o *Office) receptionUnits(ctx context.Context, a *auth.Actor) ([]unit.Unit, error) {
	var out []unit.Unit
	for _, g := range a.Grants {
		if g.Role != auth.Reception {
			continue
		}
		u, err := o.units.ByCode(ctx, g.UnitCode)
		if err != nil {
			return nil, err
		}
		if u.Active {
			out = append(out, u)
		}
	}
	return out, nil
}

// pickUnit returns the reception unit named by code, or the first one.
func pickUnit(units []unit.Unit, code string) unit.Unit {
	for _, u := range units {
		if u.Code == code {
			return u
		}
	}
	return units[0]
}

func unitOptions(units []unit.Unit, sel unit.Unit) []option {
	var out []option
	for _, u := range units {
		out = append(out, option{Value: u.Code, Label: u.Name, Selected: u.Code == sel.Code})
	}
	return out
}

func (o *Office) counter(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	units, err := o.receptionUnits(ctx, a)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return o.deny(w, r, "office.denied.reception")
	}
	p := counterPage{Page: o.page(r, "office.counter.title"), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	p.Unit = pickUnit(units, r.URL.Query().Get("don-vi"))
	if len(units) > 1 {
		p.Units = unitOptions(units, p.Unit)
	}
	if p.Procedures, err = o.catalog.Search(ctx, catalog.Query{Text: p.Q, Level: p.Unit.Level}); err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "counter", p)
}

type counterFormPage struct {
	web.Page
	P         catalog.Procedure
	Unit      unit.Unit
	Units     []option
	Key       string
	Applicant dossier.Applicant
	Delivery  string
	// Competent lists the other communes the desk may receive for (phi
	// địa giới); ReturnAt is where the applicant collects the result then.
	Competent []option
	ReturnAt  string
	Fields    []formInput
	Error     string
	ErrorID   string
	// Land is the box that fills a land procedure's form from the
	// registry (counter_land.go); nil for other procedures.
	Land *counterLand
}

// formInput is one e-form field as an input.
type formInput struct {
	ID, Label, Type string
	Required        bool
	Options         []string
	Max             int
	Value           string
	Invalid         bool
}

func (o *Office) counterForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	return o.showCounterForm(w, r, a, http.StatusOK, "", "")
}

func (o *Office) showCounterForm(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, errText, errID string) error {
	return o.showCounterFormWith(w, r, a, status, errText, errID, nil)
}

// showCounterFormWith is showCounterForm with the land registry's box as
// a lookup left it (nil: as posted, or empty).
func (o *Office) showCounterFormWith(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, errText, errID string, lb *counterLand) error {
	ctx := r.Context()
	units, err := o.receptionUnits(ctx, a)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return o.deny(w, r, "office.denied.reception")
	}
	proc, err := o.catalog.Get(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := counterFormPage{Page: o.page(r, "office.counter.form_title", proc.Name), P: proc, Error: errText, ErrorID: errID}
	posted := r.Method == http.MethodPost
	unitCode := r.URL.Query().Get("don-vi")
	if posted {
		unitCode = r.PostFormValue("unit")
	}
	p.Unit = pickUnit(units, unitCode)
	if len(units) > 1 {
		p.Units = unitOptions(units, p.Unit)
	}
	p.Key, p.Delivery = r.PostFormValue("key"), "counter"
	if p.Key == "" || len(p.Key) > 64 {
		var b [16]byte
		rand.Read(b[:])
		p.Key = hex.EncodeToString(b[:])
	}
	if posted {
		p.Applicant, p.Delivery = applicantFrom(r), r.PostFormValue("delivery")
		p.ReturnAt = r.PostFormValue("return_at")
	}
	if p.Competent, err = o.competentOptions(ctx, proc, p.Unit, r.PostFormValue("competent_unit")); err != nil {
		return err
	}
	for _, f := range proc.Form {
		id := "f_" + f.Key
		p.Fields = append(p.Fields, formInput{ID: id, Label: f.Label, Type: f.Type, Required: f.Required,
			Options: f.Options, Max: f.Max, Value: r.PostFormValue(id), Invalid: id == errID})
	}
	p.Land = lb
	if p.Land == nil {
		p.Land = o.counterLandBox(r, proc)
	}
	return o.render(w, status, "counter_form", p)
}

func applicantFrom(r *http.Request) dossier.Applicant {
	return dossier.Applicant{
		Name: r.PostFormValue("applicant_name"), IDNumber: r.PostFormValue("applicant_id_number"),
		Phone: r.PostFormValue("applicant_phone"), Email: r.PostFormValue("applicant_email"),
		Address: r.PostFormValue("applicant_address"),
	}
}

// deskPost reads what a posted counter form is for: the procedure and
// the unit it is filed at, one where a receives. ok is false when a
// receives nowhere; the refusal is then written.
func (o *Office) deskPost(w http.ResponseWriter, r *http.Request, a *auth.Actor) (proc catalog.Procedure, u unit.Unit, ok bool, err error) {
	ctx := r.Context()
	if proc, err = o.catalog.Get(ctx, r.PathValue("code")); err != nil {
		return proc, u, false, err
	}
	units, err := o.receptionUnits(ctx, a)
	if err != nil {
		return proc, u, false, err
	}
	if len(units) == 0 {
		return proc, u, false, o.deny(w, r, "office.denied.reception")
	}
	return proc, pickUnit(units, r.PostFormValue("unit")), true, nil
}

func (o *Office) counterSubmit(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	proc, u, ok, err := o.deskPost(w, r, a)
	if !ok {
		return err
	}
	form := map[string]any{}
	for _, f := range proc.Form {
		form[f.Key] = r.PostFormValue("f_" + f.Key)
	}
	key := r.PostFormValue("key")
	if len(key) > 64 {
		key = key[:64]
	}
	d, _, err := o.dossiers.Submit(ctx, a, dossier.SubmitInput{
		Procedure: proc.Code, Unit: u.Code,
		Applicant: applicantFrom(r), Form: form, Delivery: r.PostFormValue("delivery"),
		Channel: "counter", IdempotencyKey: "counter:" + key,
		CompetentUnit: r.PostFormValue("competent_unit"), ReturnAt: r.PostFormValue("return_at"),
	})
	if err != nil {
		pe, ok := publicError(err)
		if !ok {
			return err
		}
		return o.showCounterForm(w, r, a, problem.Status(err), errorText(o.page(r, "office.counter.title"), pe), inputID(pe.Field))
	}
	http.Redirect(w, r, "/can-bo/ho-so/"+d.Code+"?moi=1#thanh-phan", http.StatusSeeOther)
	return nil
}

// inputID maps a service error's field to the input that holds it.
func inputID(field string) string {
	switch {
	case strings.HasPrefix(field, "applicant."):
		return "applicant_" + strings.TrimPrefix(field, "applicant.")
	case strings.HasPrefix(field, "form."):
		return "f_" + strings.TrimPrefix(field, "form.")
	case field == "delivery":
		return "delivery-counter"
	case field == "competent_unit":
		return "competent_unit"
	case field == "return_at":
		return "return-receiving"
	}
	return ""
}
