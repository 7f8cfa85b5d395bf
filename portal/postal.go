package portal

import (
	"context"
	"errors"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// Return of results by post on the citizens' pages (package postal): the
// wizard's postal address, chosen from the province and commune lists
// with the street or village typed; the shipment's item code and tracking
// on "my dossier"; the item code and its latest status on the public
// tracking page (never the address).

// postalFields are the wizard's address inputs: the problem field each
// shows, the input's id and name.
var postalFields = []struct{ field, id, name string }{
	{postal.FieldProvince, "postal-province", "postal_province"},
	{postal.FieldCommune, "postal-commune", "postal_commune"},
	{postal.FieldDetail, "postal-detail", "postal_detail"},
}

// postalForm is the wizard's postal address fieldset.
type postalForm struct {
	Choices postal.Choices
	Detail  string
	// Errors by input id.
	Errors map[string]string
}

// readPostal reads step 1's postal address. The two addresses complete
// each other when the result goes by post: address fields left empty are
// read from the applicant's address ("Thôn Tân Lập, xã Gia Lâm…" names the
// commune), and an empty applicant's address is the postal one written
// out (the dossier needs one for post).
func (s *Portal) readPostal(ctx context.Context, r *http.Request, d *dossier.DraftData) (postal.Address, error) {
	a := postal.Address{ProvinceCode: clip(r.PostFormValue("postal_province"), 40),
		CommuneCode: clip(r.PostFormValue("postal_commune"), 40), Detail: clip(r.PostFormValue("postal_detail"), 400)}
	if d.Delivery != "post" {
		return a, nil
	}
	if a.Empty() {
		return s.postal.Guess(ctx, d.Applicant.Address)
	}
	if d.Applicant.Address == "" {
		checked, probs, err := s.postal.Problems(ctx, a)
		if err != nil {
			return a, err
		}
		if len(probs) == 0 {
			d.Applicant.Address = checked.Line()
		}
	}
	return a, nil
}

// draftAddress is what the draft holds, else a guess from the applicant's
// free-text address (the account's, on a new draft).
func (s *Portal) draftAddress(ctx context.Context, draftID int64, d dossier.DraftData) (postal.Address, error) {
	if draftID != 0 {
		a, err := s.postal.DraftAddress(ctx, draftID)
		if !errors.Is(err, problem.ErrNotFound) {
			return a, err
		}
	}
	return s.postal.Guess(ctx, d.Applicant.Address)
}

// postalProblems adds to probs the problems of the postal address of a
// draft whose result goes by post.
func (s *Portal) postalProblems(ctx context.Context, draftID int64, d dossier.DraftData, probs map[string]*problem.Error) error {
	if d.Delivery != "post" {
		return nil
	}
	a, err := s.postal.DraftAddress(ctx, draftID)
	if err != nil && !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	_, ps, err := s.postal.Problems(ctx, a)
	if err != nil {
		return err
	}
	for k, pe := range ps {
		probs[k] = pe
	}
	return nil
}

// postalForm fills step 1's address fieldset and adds its problems to the
// page's summary.
func (s *Portal) postalForm(ctx context.Context, page *wizardPage, d dossier.DraftData, probs map[string]*problem.Error) error {
	a, err := s.draftAddress(ctx, page.DraftID, d)
	if err != nil {
		return err
	}
	areas, err := s.postal.Areas(ctx)
	if err != nil {
		return err
	}
	f := &postalForm{Choices: postal.ChoicesFor(areas, a), Detail: a.Detail, Errors: map[string]string{}}
	for _, pf := range postalFields {
		if pe := probs[pf.field]; pe != nil {
			f.Errors[pf.id] = s.explain(page.Page, pe)
			page.Problems = append(page.Problems, problemLink{"#" + pf.id, f.Errors[pf.id]})
		}
	}
	page.Postal = f
	return nil
}

// postalLinks lists the postal problems of a draft for the review step,
// each linking to its input on step 1.
func (s *Portal) postalLinks(pg web.Page, step1 string, probs map[string]*problem.Error) []problemLink {
	var out []problemLink
	for _, pf := range postalFields {
		if pe := probs[pf.field]; pe != nil {
			out = append(out, problemLink{step1 + "#" + pf.id, s.explain(pg, pe)})
		}
	}
	return out
}

// submitWithAddress files the draft and gives the dossier the postal
// address chosen in the wizard. A draft going by post with an address
// that does not check out is refused before anything is filed.
func (s *Portal) submitWithAddress(ctx context.Context, a *auth.Actor, id int64) (*dossier.Dossier, error) {
	addr, err := s.postal.DraftAddress(ctx, id)
	found := err == nil
	if err != nil && !errors.Is(err, problem.ErrNotFound) {
		return nil, err
	}
	if dr, err := s.dossiers.GetDraft(ctx, a, id); err == nil && dr.Data.Delivery == "post" {
		if _, err := s.postal.Check(ctx, addr); err != nil {
			return nil, err
		}
	}
	// The papers taken from the data store are logged as reused in the
	// transaction that attaches the draft's files (sohoa.OnDraftFiled).
	d, replayed, err := s.dossiers.SubmitDraft(ctx, a, id)
	if err != nil || replayed || !found || d.Delivery != "post" {
		return d, err
	}
	// The draft, and its address with it, is gone: record the address on the
	// dossier now. Should this fail, the dossier stands with the address
	// written out, and the officer chooses it again on the shipment form.
	_, err = s.postal.SetAddress(ctx, a, d.Code, addr)
	return d, err
}

// postalView is the postal part of the applicant's dossier page.
type postalView struct {
	// Shipment, once the result is handed over to the post.
	Shipment *postal.Shipment
	// Address is where the result will go, before.
	Address string
}

func (s *Portal) postalView(ctx context.Context, d *dossier.Dossier) (*postalView, error) {
	if d.Delivery != "post" {
		return nil, nil
	}
	v := &postalView{Address: d.Applicant.Address}
	sh, err := s.postal.ShipmentOf(ctx, d)
	switch {
	case err == nil && sh.HandedOverAt != nil:
		v.Shipment = sh
		return v, nil
	case err != nil && !errors.Is(err, problem.ErrNotFound):
		return nil, err
	}
	addr, err := s.postal.AddressOf(ctx, d)
	switch {
	case err == nil:
		v.Address = addr.Line()
	case !errors.Is(err, problem.ErrNotFound):
		return nil, err
	}
	return v, nil
}

// trackShipment is the public view of a dossier's shipment, or nil.
func (s *Portal) trackShipment(ctx context.Context, code string) (*postal.Public, error) {
	p, err := s.postal.Track(ctx, code)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	return p, err
}
