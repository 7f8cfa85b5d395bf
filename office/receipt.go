package office

import (
	"html/template"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// receiptPage is the printable "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
// (Mẫu 01), in HTML with print styles; the official PDF (form 01) is at /can-bo/ho-so/{code}/bieu-mau/01.
type receiptPage struct {
	web.Page
	D           *dossier.Dossier
	Items       []dossier.CheckItem
	Unit        string
	ReceivedBy  string
	ReceiveNote string
	Collect     string
	Notice      string
	// TrackURL and QR are the public tracking page with the dossier's
	// token: the citizen tracks it without typing the code.
	TrackURL string
	QR       template.HTML
}

func (o *Office) receipt(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	d, err := o.dossiers.Read(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	if d.ReceivedAt == nil {
		return problem.New(problem.ErrState, "not_received")
	}
	proc, err := o.dossiers.ProcedureFor(ctx, d)
	if err != nil {
		return err
	}
	p := receiptPage{Page: o.page(r, "office.receipt.title"), D: d, Items: dossier.Checklist(proc, d.Files, nil), Unit: d.ReceivingUnit}
	if u, err := o.units.ByCode(ctx, d.ReceivingUnit); err == nil {
		p.Unit = u.Name
	}
	for _, e := range d.History {
		if e.Action == dossier.Receive {
			p.ReceivedBy, p.ReceiveNote = e.Actor, e.Note
		}
	}
	p.Collect = p.T("office.receipt.collect_counter", p.Unit)
	if d.Delivery == "post" {
		p.Collect = p.T("office.receipt.collect_post", d.Applicant.Address)
	}
	p.Notice = notice(p.Page, r)
	p.TrackURL = web.AbsURL(r, d.TrackPath())
	if p.QR, err = web.QRSVG(p.TrackURL, p.T("office.receipt.qr", d.Code), "qr"); err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "receipt", p)
}
