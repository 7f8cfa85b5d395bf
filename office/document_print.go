package office

import (
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The printable register (Decree 30/2020/NĐ-CP, Appendix IV: a register
// kept in the system must be printable): the incoming (?so=den) or
// outgoing (?so=di) register of a period, as a print-friendly page in the
// columns of the appendix's forms; the browser prints it (the filters and
// navigation are hidden in print), or as a PDF (…/in-so/pdf).

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
	p, err := o.readRegister(r, a)
	if err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "document_print", p)
}

// printRegisterPDF is the same register as a PDF in Appendix IV's
// columns (document.RenderRegister), to download and print.
func (o *Office) printRegisterPDF(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := o.readRegister(r, a)
	if err != nil {
		return err
	}
	if p.Message != "" {
		return problem.Invalid("tu", "invalid_date", "tu")
	}
	dir := document.In
	if p.Book == "di" {
		dir = document.Out
	}
	pdf, err := document.RenderRegister(document.RegisterSheet{Direction: dir, Organ: p.Organ, From: p.From, To: p.To, Docs: p.Docs, Truncated: p.Truncated})
	if err != nil {
		return err
	}
	name := "so-van-ban-" + p.Book
	if p.From != "" || p.To != "" {
		name += "-" + p.From + "-" + p.To
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Trim(name, "-")+`.pdf"`)
	_, err = w.Write(pdf)
	return err
}

// readRegister reads the register the query asks for: the book (so=den,
// di), the organ (don-vi) and the period (tu, den), filtered by the
// document service in SQL and read oldest first by keyset, at most
// printCap entries.
func (o *Office) readRegister(r *http.Request, a *auth.Actor) (printPage, error) {
	ctx := r.Context()
	q := r.URL.Query()
	p := printPage{Page: o.page(r, "office.doc.print.title_in"), Book: "den", From: q.Get("tu"), To: q.Get("den")}
	f := document.Filter{Direction: document.In, Limit: 200, Oldest: true}
	if q.Get("so") == "di" {
		p.Book, p.Title = "di", p.T("office.doc.print.title_out")
		f.Direction, f.State, f.Recipients = document.Out, document.StateIssued, true
	}
	units, err := o.visibleDocUnits(ctx, a)
	if err != nil {
		return p, err
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
	if p.From != "" && p.To != "" && p.To < p.From {
		p.Message, p.From, p.To = p.T("office.doc.print.bad_date"), "", ""
	}
	f.From, f.To = p.From, p.To
	for {
		page, err := o.documents.List(ctx, a, f)
		if err != nil {
			return p, err
		}
		p.Docs = append(p.Docs, page.Documents...)
		if page.Next == "" || len(p.Docs) >= printCap {
			p.Truncated = page.Next != "" || len(p.Docs) > printCap
			break
		}
		f.Cursor = page.Next
	}
	p.Docs = p.Docs[:min(len(p.Docs), printCap)]
	return p, nil
}
