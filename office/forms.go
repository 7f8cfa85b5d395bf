package office

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/web"
)

// The official PDF forms from the back office: the dossier page lists the
// forms its state has (FormLinks), each opened in the browser's PDF viewer
// to print, or downloaded; the receiving unit's officers open its tracking
// book for a period.

// formLinks is the dossier page's "Biểu mẫu" section.
type formLinks struct {
	Items []formLink
	// Book is the address of the receiving unit's tracking book, when the
	// officer holds a role there; BookFrom and BookTo preset its period.
	Book, BookFrom, BookTo string
}

type formLink struct {
	Label, View, Download, ViewLabel, DownloadLabel string
}

// FormLinks lists the forms that exist for the dossier now, or nil.
func (p dossierPage) FormLinks() *formLinks {
	d := p.D
	var out formLinks
	add := func(id, label string) {
		u := "/can-bo/ho-so/" + d.Code + "/bieu-mau/" + id
		out.Items = append(out.Items, formLink{Label: label, View: u, Download: u + "?tai=1",
			ViewLabel: p.T("office.forms.view_label", label), DownloadLabel: p.T("office.forms.download_label", label)})
	}
	for _, f := range forms.Applicable(d) {
		add(f, p.T("office.forms.item", f, p.T(key("office.forms.name.", f))))
	}
	if forms.HasResult(d, p.P, true) {
		add("ket-qua", p.T("office.forms.result"))
	}
	if d.ReceivedAt != nil && p.User.HoldsAt(d.ReceivingUnitID()) {
		day := d.ReceivedAt.In(calendar.Zone).Format("2006-01-02")
		out.Book, out.BookFrom, out.BookTo = "/can-bo/don-vi/"+d.ReceivingUnit+"/so-theo-doi", day, day
	}
	if len(out.Items) == 0 && out.Book == "" {
		return nil
	}
	return &out
}

// formPDF serves form 01–07 of a dossier, or its result ("ket-qua");
// ?tai=1 downloads it.
func (o *Office) formPDF(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code, form := r.PathValue("code"), r.PathValue("form")
	var doc *forms.Document
	var err error
	if form == "ket-qua" {
		doc, err = o.forms.Result(r.Context(), a, code, web.Origin(r))
	} else {
		doc, err = o.forms.Dossier(r.Context(), a, code, form, web.Origin(r))
	}
	if err != nil {
		return err
	}
	return doc.Write(w, r.URL.Query().Get("tai") == "1")
}

// trackingBook serves a unit's tracking book for ?tu=…&den=… (YYYY-MM-DD).
func (o *Office) trackingBook(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	from, err := forms.ParseDay("tu", r.URL.Query().Get("tu"))
	if err != nil {
		return err
	}
	to, err := forms.ParseDay("den", r.URL.Query().Get("den"))
	if err != nil {
		return err
	}
	doc, err := o.forms.Book(r.Context(), a, r.PathValue("unit"), from, to, web.Origin(r))
	if err != nil {
		return err
	}
	return doc.Write(w, r.URL.Query().Get("tai") == "1")
}
