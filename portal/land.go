package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The land registry fills a land procedure's e-form (step 2): the citizen
// picks one of their parcels, or types its sheet and number or its
// certificate's serial, and presses the button, which posts step 2's own
// form, so what was typed is saved too. Only a parcel of which the
// citizen is a current registered user (by the ID number VNeID verified)
// is ever shown or used: any other is "not found", whether it exists or
// not. The precondition check at submission (land.Service.Check) stays
// the rule; this only saves typing.

// landPicker is step 2's "fill from the land registry" box.
type landPicker struct {
	Action   string
	Verified bool
	Parcels  []parcelChoice
	// What was typed or picked, kept on the page after a failed lookup.
	Picked, Sheet, Number, Serial string
	Note, Error                   string
}

type parcelChoice struct {
	Value, Label string
}

// landPicker is the box for a's draft d of p; nil when not offered (no
// registry, not a land procedure, or a community team member filing for
// someone whose parcels they cannot see).
func (s *Portal) landPicker(ctx context.Context, pg web.Page, a *auth.Actor, p catalog.Procedure, d *dossier.Draft) (*landPicker, error) {
	if s.land == nil || !land.IsLand(p.Code) || !a.IsCitizen() {
		return nil, nil
	}
	lp := &landPicker{Action: fmt.Sprintf("/nop-ho-so/%s/%d/dat-dai", p.Code, d.ID), Verified: land.VerifiedID(a) != ""}
	ps, err := s.land.Held(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, pc := range ps {
		label := pg.T("portal.land.parcel", pc.Number, pc.Sheet, pc.Area())
		if pc.Address != "" {
			label += " — " + pc.Address
		}
		lp.Parcels = append(lp.Parcels, parcelChoice{Value: pc.Key(), Label: label})
	}
	return lp, nil
}

// landFill saves step 2 as typed, then fills it from the parcel picked.
func (s *Portal) landFill(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	if s.land == nil || !land.IsLand(p.Code) {
		return problem.New(problem.ErrState, "land_not_land")
	}
	d.Data.Form = readForm(r, p)
	page := s.wizard(r, p, d, 2)
	lp, err := s.landPicker(r.Context(), page.Page, a, p, d)
	if err != nil {
		return err
	}
	if lp == nil {
		return problem.Forbidden("online_filing")
	}
	lp.Picked = clip(r.PostFormValue("land_parcel"), 200)
	lp.Sheet, lp.Number = clip(r.PostFormValue("land_sheet"), 20), clip(r.PostFormValue("land_number"), 20)
	lp.Serial = clip(r.PostFormValue("land_serial"), 40)
	status := http.StatusOK
	pc, err := s.pickParcel(r.Context(), a, d, lp)
	var pe *problem.Error
	switch {
	case err == nil:
		for k, v := range land.Prefill(pc, pc.Holder(land.VerifiedID(a))) {
			if f, ok := formField(p, k); ok && (f.Type != "select" || slices.Contains(f.Options, v)) {
				d.Data.Form[k] = clip(v, 5000)
			}
		}
		lp.Note = page.T("portal.land.filled", pc.Number, pc.Sheet)
		if commune, err := s.land.RecordsOf(r.Context(), d.Data.Unit); err != nil {
			return err
		} else if pc.Commune != commune {
			lp.Note += " " + page.T("portal.land.other_unit")
		}
		lp.Picked, lp.Sheet, lp.Number, lp.Serial = pc.Key(), "", "", ""
	case errors.As(err, &pe):
		lp.Error, status = s.web.Message(page.Page, err), http.StatusUnprocessableEntity
	default:
		return err
	}
	if err := s.dossiers.SaveDraft(r.Context(), a, d); err != nil {
		return err
	}
	page.Land = lp
	return s.renderStep2(w, status, page, d.Data.Form, nil)
}

// pickParcel finds the parcel named by the box: one of the citizen's own
// (commune/sheet/number), else a serial, else a sheet and number at the
// unit chosen on step 1. Only the citizen's own parcels are found.
func (s *Portal) pickParcel(ctx context.Context, a *auth.Actor, d *dossier.Draft, lp *landPicker) (*land.Parcel, error) {
	if !lp.Verified {
		return nil, problem.New(problem.ErrInvalid, "land_unverified")
	}
	var pc *land.Parcel
	var err error
	switch {
	case lp.Picked != "":
		parts := strings.Split(lp.Picked, "/")
		if len(parts) != 3 {
			return nil, problem.NotFound("land_not_yours")
		}
		pc, err = s.land.Parcel(ctx, a, parts[0], parts[1], parts[2])
	case strings.TrimSpace(lp.Serial) != "":
		pc, err = s.land.Certified(ctx, a, lp.Serial)
	case strings.TrimSpace(lp.Sheet) != "" && strings.TrimSpace(lp.Number) != "":
		pc, err = s.land.Parcel(ctx, a, d.Data.Unit, lp.Sheet, lp.Number)
	default:
		return nil, problem.Invalid("land_parcel", "land_prefill_key")
	}
	if err != nil && problem.Status(err) == http.StatusNotFound {
		return nil, problem.NotFound("land_not_yours")
	}
	return pc, err
}

func formField(p catalog.Procedure, key string) (catalog.FormField, bool) {
	for _, f := range p.Form {
		if f.Key == key {
			return f, true
		}
	}
	return catalog.FormField{}, false
}

// readForm is the e-form as posted: its fields' values, empty ones left out.
func readForm(r *http.Request, p catalog.Procedure) map[string]string {
	out := map[string]string{}
	for _, f := range p.Form {
		if v := clip(r.PostFormValue(f.Key), 5000); v != "" {
			out[f.Key] = v
		}
	}
	return out
}
