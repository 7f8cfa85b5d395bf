package office

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The dossier's fees in the back office: the fee lines prefilled from the
// procedure with the counts the officer enters (pages, copies, an
// exempted group), recomputed by a plain GET; the request to the
// applicant; past payments with their receipts; a leader's refund.

type feesPage struct {
	web.Page
	D                 *dossier.Dossier
	F                 *payment.Fees
	Pages, Copies     int
	AskPages, AskCopy bool
	Groups            []option
	Lines             []payment.FeeLine
	Total             int64
	Words             string
	Note              string
	CanRefund         bool
	CanDesk           bool
	Notice, Error     string
}

var errNoFees = problem.NotFound("payment_unavailable")

func (o *Office) fees(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	q := r.URL.Query()
	return o.showFees(w, r, a, http.StatusOK, q.Get("trang"), q.Get("ban"), q.Get("mien"), "", "")
}

// showFees renders the page for the counts given (as typed; empty: the
// counts of the fee already asked for, else those the applicant declared
// on the e-form, else 1).
func (o *Office) showFees(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, pages, copies, exempt, note, errText string) error {
	if o.payments == nil {
		return errNoFees
	}
	ctx := r.Context()
	f, err := o.payments.Fees(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := feesPage{Page: o.page(r, "office.fees.title", f.Dossier.Code), D: f.Dossier, F: f, Note: note, Error: errText,
		CanRefund: payment.MayRefund(a, f.Dossier), CanDesk: payment.MayTakeAtDesk(a, f.Dossier)}
	p.Pages, p.Copies = payment.CountsFromForm(f.Dossier.Form) // what the applicant declared
	p.Pages, p.Copies = max(p.Pages, 1), max(p.Copies, 1)
	if f.Owed != nil {
		for _, l := range f.Owed.Lines {
			if l.Pages > 0 {
				p.Pages = l.Pages
			}
			if l.Copies > 0 {
				p.Copies = l.Copies
			}
			if l.Exempt != "" {
				exempt = firstNonEmpty(exempt, l.Exempt)
			}
		}
	}
	p.Pages, p.Copies = count(pages, p.Pages), count(copies, p.Copies)
	p.AskPages, p.AskCopy = payment.CountsMatter(f.Procedure)
	for _, g := range payment.ExemptGroups(f.Procedure) {
		p.Groups = append(p.Groups, option{Value: g, Label: g, Selected: g == exempt})
	}
	p.Lines, p.Total = payment.ComputeFee(f.Procedure, p.Pages, p.Copies, exempt)
	p.Words = payment.AmountInWords(p.Total)
	switch r.URL.Query().Get("da") {
	case "yeu-cau":
		p.Notice = p.T("office.fees.requested")
	case "hoan-phi":
		p.Notice = p.T("office.fees.refunded")
	case "tai-quay":
		p.Notice = p.T("office.fees.desk_recorded")
	}
	return o.render(w, status, "fees", p)
}

// count reads a typed count, keeping def when it is empty or not a number
// (the service bounds it).
func count(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return def
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// requestFee asks the applicant for the fee computed from the counts.
func (o *Office) requestFee(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if o.payments == nil {
		return errNoFees
	}
	pages, copies, exempt, note := r.PostFormValue("trang"), r.PostFormValue("ban"), r.PostFormValue("mien"), r.PostFormValue("note")
	in := payment.RequestInput{Pages: count(pages, 1), Copies: count(copies, 1), Exempt: exempt, Note: note}
	_, err := o.payments.Request(r.Context(), a, r.PathValue("code"), in)
	if pe, ok := publicError(err); ok {
		return o.showFees(w, r, a, problem.Status(err), pages, copies, exempt, note, o.web.Catalog().Error(web.Lang(r), pe))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, dossierURL(r.PathValue("code"))+"/thu-phi?da=yeu-cau", http.StatusSeeOther)
	return nil
}

// refundFee records a refund with its reason.
func (o *Office) refundFee(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if o.payments == nil {
		return errNoFees
	}
	code := r.PathValue("code")
	_, err := o.payments.Refund(r.Context(), a, r.PathValue("ref"), r.PostFormValue("note"))
	if pe, ok := publicError(err); ok {
		return o.showFees(w, r, a, problem.Status(err), "", "", "", "", o.web.Catalog().Error(web.Lang(r), pe))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, dossierURL(code)+"/thu-phi?da=hoan-phi", http.StatusSeeOther)
	return nil
}

// deskFee records the fee paid at the counter (cash or POS) with the
// number of the desk's receipt; the e-receipt is then issued.
func (o *Office) deskFee(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if o.payments == nil {
		return errNoFees
	}
	code := r.PathValue("code")
	in := payment.DeskInput{Method: r.PostFormValue("method"), ReceiptNo: r.PostFormValue("receipt_no")}
	_, err := o.payments.PayAtDesk(r.Context(), a, r.PathValue("ref"), in)
	if pe, ok := publicError(err); ok {
		return o.showFees(w, r, a, problem.Status(err), "", "", "", "", o.web.Catalog().Error(web.Lang(r), pe))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, dossierURL(code)+"/thu-phi?da=tai-quay", http.StatusSeeOther)
	return nil
}

// ReceiptURL is the e-receipt of a paid payment: the portal's page, which
// officers who may see the dossier open too.
func (p feesPage) ReceiptURL(ref string) string {
	return "/ho-so/" + url.PathEscape(p.D.Code) + "/bien-lai/" + url.PathEscape(ref)
}
