package office

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// Return of results by post on the dossier page ("Gửi kết quả qua bưu
// chính"): for a dossier whose applicant chose the post, the reception
// officer fills in the shipment form once the result is ready; creating
// the shipment places the order with the post and is the hand-over (the
// deliver action runs with the item code in its note; see package postal).
// Afterwards the section shows the item code and every tracking event.

// shipmentAction names the shipment form on the page; it is not a
// lifecycle action, only how a failed post finds its form again.
const shipmentAction dossier.Action = "tao-van-don"

// postalSection is the dossier page's postal section; nil for a dossier
// returned at the counter.
type postalSection struct {
	Shipment *postal.Shipment
	// Address is where the result will go, before there is a shipment.
	Address      string
	Form         *shipmentForm
	NotConnected bool
	CanRefresh   bool
	Notice       string
}

// shipmentForm is the "Tạo vận đơn" form, prefilled from the dossier.
type shipmentForm struct {
	Version                     int64
	ReceiverName, ReceiverPhone string
	Choices                     postal.Choices
	Detail                      string
	Services                    []option
	COD                         string
	// Given is the applicant's address as typed on the dossier, to check against.
	Given string
	// Error is the failed attempt's message and Field the input it is about.
	Error, Field string
}

// postalSection builds the section for d; st is a failed attempt of the
// shipment form (or of another action) to show again.
func (o *Office) postalSection(ctx context.Context, r *http.Request, d *dossier.Dossier, p web.Page, st *actionState) (*postalSection, error) {
	if d.Delivery != "post" {
		return nil, nil
	}
	sec := &postalSection{}
	sh, err := o.postal.ShipmentOf(ctx, d)
	switch {
	case err == nil:
		sec.Shipment = sh
		sec.CanRefresh = sh.ItemCode != "" && sh.HandedOverAt != nil && o.postal.Connected()
	case !errors.Is(err, problem.ErrNotFound):
		return nil, err
	}
	handedOver := sh != nil && sh.HandedOverAt != nil
	if !handedOver && d.Status == dossier.ResultReady && slices.Contains(d.Actions, dossier.Deliver) {
		if !o.postal.Connected() {
			sec.NotConnected = true
		} else if sec.Form, err = o.shipmentForm(ctx, r, d, p, sh, st); err != nil {
			return nil, err
		}
	}
	if sh == nil {
		addr, err := o.postal.AddressOf(ctx, d)
		switch {
		case err == nil:
			sec.Address = addr.Line()
		case errors.Is(err, problem.ErrNotFound):
			sec.Address = d.Applicant.Address
		default:
			return nil, err
		}
	}
	switch r.URL.Query().Get("van-don") {
	case "tao":
		if handedOver {
			sec.Notice = p.T("office.postal.notice.created", sh.ItemCode)
		}
	case "cap-nhat":
		sec.Notice = p.T("office.postal.notice.refreshed")
	}
	return sec, nil
}

// shipmentForm prefills the form: what a failed attempt posted, else a
// shipment being resumed, else the dossier's applicant and postal address.
func (o *Office) shipmentForm(ctx context.Context, r *http.Request, d *dossier.Dossier, p web.Page, sh *postal.Shipment,
	st *actionState) (*shipmentForm, error) {
	f := &shipmentForm{Version: d.Version, Given: d.Applicant.Address}
	in := postal.CreateInput{ReceiverName: d.Applicant.Name, ReceiverPhone: d.Applicant.Phone, Service: postal.ServiceExpress}
	switch {
	case st != nil && st.Action == shipmentAction:
		in = readShipment(r)
		f.Error, f.Field = st.Message, st.Field
	case sh != nil:
		in = postal.CreateInput{ReceiverName: sh.ReceiverName, ReceiverPhone: sh.ReceiverPhone, Address: sh.Address, Service: sh.Service, COD: sh.COD}
	default:
		addr, err := o.postal.AddressOf(ctx, d)
		if errors.Is(err, problem.ErrNotFound) {
			addr, err = o.postal.Guess(ctx, d.Applicant.Address)
		}
		if err != nil {
			return nil, err
		}
		in.Address = addr
	}
	areas, err := o.postal.Areas(ctx)
	if err != nil {
		return nil, err
	}
	f.ReceiverName, f.ReceiverPhone, f.Detail = in.ReceiverName, in.ReceiverPhone, in.Address.Detail
	f.Choices = postal.ChoicesFor(areas, in.Address)
	for _, s := range postal.Services {
		f.Services = append(f.Services, option{Value: s, Label: p.T(key("office.postal.service.", s)), Selected: s == in.Service})
	}
	if in.COD > 0 {
		f.COD = strconv.FormatInt(in.COD, 10)
	}
	return f, nil
}

// readShipment reads the posted shipment form; a COD that is not a number
// becomes -1, which the service refuses with its own message.
func readShipment(r *http.Request) postal.CreateInput {
	in := postal.CreateInput{
		ReceiverName:  r.PostFormValue("receiver_name"),
		ReceiverPhone: r.PostFormValue("receiver_phone"),
		Address: postal.Address{ProvinceCode: r.PostFormValue("province"), CommuneCode: r.PostFormValue("commune"),
			Detail: r.PostFormValue("detail")},
		Service: r.PostFormValue("service"),
	}
	in.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if cod := strings.ReplaceAll(strings.TrimSpace(r.PostFormValue("cod_amount")), ".", ""); cod != "" {
		n, err := strconv.ParseInt(cod, 10, 64)
		if err != nil {
			n = -1
		}
		in.COD = n
	}
	return in
}

// createShipment is the shipment form's post: on success the page shows
// the item code; a refusal shows the form again with what was typed.
func (o *Office) createShipment(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code := r.PathValue("code")
	sh, err := o.postal.Create(r.Context(), a, code, readShipment(r))
	if err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) {
			return err
		}
		p := o.page(r, "office.dossier.title", code)
		st := &actionState{Action: shipmentAction, Message: postalErrorText(p, pe), Field: inputOf(pe.Field)}
		status := problem.Status(err)
		if pe.Kind == nil {
			status = http.StatusBadGateway
		}
		return o.showDossier(w, r, a, status, st)
	}
	http.Redirect(w, r, dossierURL(sh.DossierCode)+"?van-don=tao#van-don", http.StatusSeeOther)
	return nil
}

// refreshShipment asks the post for the events the webhook may have missed.
func (o *Office) refreshShipment(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code := r.PathValue("code")
	if _, err := o.postal.Refresh(r.Context(), a, code); err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Kind != nil {
			return err
		}
		p := o.page(r, "office.dossier.title", code)
		return o.showDossier(w, r, a, http.StatusBadGateway, &actionState{Message: postalErrorText(p, pe)})
	}
	http.Redirect(w, r, dossierURL(code)+"?van-don=cap-nhat#van-don", http.StatusSeeOther)
	return nil
}

// inputOf is the form input a problem's field is about.
func inputOf(field string) string {
	return strings.TrimPrefix(field, "address.")
}

// postalErrors are the shipment errors the page explains in its own words;
// the rest go through errorText.
var postalErrors = []string{"receiver_name_required", "invalid_phone", "invalid_service", "invalid_cod",
	"province_required", "invalid_province", "commune_required", "invalid_commune", "commune_not_in_province",
	"address_detail_required", "address_detail_too_long", "shipment_exists", "shipment_in_progress",
	"postal_unavailable", "postal_not_connected", "result_not_ready"}

func postalErrorText(p web.Page, pe *problem.Error) string {
	if slices.Contains(postalErrors, pe.Code) {
		return p.T(key("office.postal.error.", pe.Code))
	}
	return errorText(p, pe)
}
