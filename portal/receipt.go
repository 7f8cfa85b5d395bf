package portal

import (
	"html/template"
	"net/http"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/web"
)

type receiptPage struct {
	web.Page
	D        *dossier.Dossier
	TrackURL string
	QR       template.HTML
}

// receipt is the online submission receipt: the code, what was filed, what
// happens next, and a QR code of the public tracking page.
func (s *Portal) receipt(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	d, err := s.dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	page := receiptPage{Page: s.web.Page(r, "portal.receipt.title", d.Code), D: d, TrackURL: web.AbsURL(r, d.TrackPath())}
	if page.QR, err = web.QRSVG(page.TrackURL, page.T("portal.receipt.qr", d.Code), "qr"); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "receipt", page)
}
