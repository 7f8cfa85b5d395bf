package office

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/web"
)

// The printable register (Decree 30/2020/NĐ-CP, Appendix IV: a register
// kept in the system must be printable): the incoming (?so=den) or
// outgoing (?so=di) register of a period, as a print-friendly page in the
// columns of the appendix's forms; the browser prints it (the filters and
// navigation are hidden in print).

// printCap bounds the documents one printed register holds.
const printCap = 2000

type printPage struct {
	web.Page
	dayFmt
	Book, From, To, Unit string
	// Organ is the name of the organ whose register it is, when one is chosen.
	Organ     string
	Units     []option
	Docs      []document.Document
	Truncated bool
	Message   string
}

func (o *Office) printRegister(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	q := r.URL.Query()
	p := printPage{Page: o.page(r, "office.doc.print.title_in"), Book: "den", From: q.Get("tu"), To: q.Get("den")}
	f := document.Filter{Direction: document.In, Limit: 200}
	if q.Get("so") == "di" {
		p.Book, p.Title = "di", p.T("office.doc.print.title_out")
		f.Direction, f.State = document.Out, document.StateIssued
	}
	units, err := o.visibleDocUnits(ctx, a)
	if err != nil {
		return err
	}
	for _, u := range units {
		sel := u.Code == q.Get("don-vi")
		if sel {
			f.Unit, p.Unit, p.Organ = u.Code, u.Code, u.Name
		}
		p.Units = append(p.Units, option{Value: u.Code, Label: u.Name, Selected: sel})
	}
	for _, d := range []*string{&p.From, &p.To} {
		if *d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, *d); err != nil {
			p.Message, *d = p.T("office.doc.print.bad_date"), ""
		}
	}
	for {
		page, err := o.documents.List(ctx, a, f)
		if err != nil {
			return err
		}
		for _, d := range page.Documents {
			day := d.IssuedDate
			if p.Book == "den" {
				day = d.ArrivalAt.In(calendar.Zone).Format(time.DateOnly)
			}
			if p.From != "" && day < p.From || p.To != "" && day > p.To {
				continue
			}
			if p.Book == "di" {
				full, err := o.documents.Get(ctx, a, d.ID)
				if err != nil {
					return err
				}
				d.Recipients = full.Recipients
			}
			p.Docs = append(p.Docs, d)
		}
		if page.Next == "" || len(p.Docs) >= printCap {
			p.Truncated = page.Next != ""
			break
		}
		f.Cursor = page.Next
	}
	// The register reads in the order of its numbers: oldest first.
	for i, j := 0, len(p.Docs)-1; i < j; i, j = i+1, j-1 {
		p.Docs[i], p.Docs[j] = p.Docs[j], p.Docs[i]
	}
	return o.render(w, http.StatusOK, "document_print", p)
}
