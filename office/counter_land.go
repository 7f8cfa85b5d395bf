package office

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
)

// At the counter, a land procedure's form is filled from the registry:
// the desk types the parcel's sheet and number (or the certificate's
// serial) and presses the box's button, which posts the whole counter
// form to its own route, so what was already typed stays. The
// precondition check at submission (land.Service.Check) stays the rule;
// this only saves typing and catches a wrong number before the citizen
// leaves the desk.

// LandRegistry fills a land procedure's counter form (*land.Service).
type LandRegistry interface {
	CounterFill(ctx context.Context, a *auth.Actor, unitCode, sheet, number, serial, applicantID string) (fill map[string]string, holder bool, err error)
}

// counterLand is the counter form's "fill from the land registry" box.
type counterLand struct {
	Action                string
	Sheet, Number, Serial string
	Note, Error           string
}

// counterLandBox is the box for procedure p as posted; nil when the
// procedure is not one the registry follows or there is no registry.
func (o *Office) counterLandBox(r *http.Request, p catalog.Procedure) *counterLand {
	if o.land == nil || o.landPanel == nil || !o.landPanel(p.Code) {
		return nil
	}
	return &counterLand{Action: "/can-bo/tiep-nhan/" + p.Code + "/dat-dai",
		Sheet: clipped(r.PostFormValue("land_sheet"), 20), Number: clipped(r.PostFormValue("land_number"), 20),
		Serial: clipped(r.PostFormValue("land_serial"), 40)}
}

// counterLandFill fills the posted counter form from the parcel named in
// the box and shows it again; nothing is saved.
func (o *Office) counterLandFill(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	proc, u, ok, err := o.deskPost(w, r, a)
	if !ok {
		return err
	}
	lb := o.counterLandBox(r, proc)
	if lb == nil {
		return problem.New(problem.ErrState, "land_not_land")
	}
	page := o.page(r, "office.counter.title")
	fill, holder, err := o.land.CounterFill(r.Context(), a, u.Code, lb.Sheet, lb.Number, lb.Serial, r.PostFormValue("applicant_id_number"))
	status := http.StatusOK
	var pe *problem.Error
	switch {
	case err == nil:
		for _, f := range proc.Form {
			if v, ok := fill[f.Key]; ok && (f.Type != "select" || slices.Contains(f.Options, v)) {
				r.PostForm.Set("f_"+f.Key, v)
			}
		}
		lb.Note = page.T("office.counter.land_filled", fill["so_thua"], fill["so_to_ban_do"])
		if !holder {
			lb.Note += " " + page.T("office.counter.land_not_holder")
		}
		lb.Sheet, lb.Number, lb.Serial = "", "", ""
	case errors.As(err, &pe):
		lb.Error, status = errorText(page, pe), http.StatusUnprocessableEntity
	default:
		return err
	}
	return o.showCounterFormWith(w, r, a, status, "", "", lb)
}

// clipped is s trimmed and cut to n characters: the box's inputs are
// short numbers, and a longer one is bounded before it reaches a query.
func clipped(s string, n int) string {
	if s = strings.TrimSpace(s); utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
