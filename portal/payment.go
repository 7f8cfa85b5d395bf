package portal

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/vntext"
	"github.com/motcua/motcua/web"
)

// Fees and online payment: the dossier's fee page (what is owed, a button
// to the gateway, past payments and their receipts), the page the gateway
// sends the payer back to, and the printable e-receipt.

type payPage struct {
	web.Page
	D       *dossier.Dossier
	F       *payment.Fees
	Lines   []payment.FeeLine // what paying now pays: the fee owed, or the procedure's fixed fee
	Total   int64
	Words   string
	Gateway string
}

func (s *Portal) payPage(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if !a.IsCitizen() {
		http.Redirect(w, r, "/can-bo/ho-so/"+r.PathValue("code")+"/thu-phi", http.StatusSeeOther)
		return nil
	}
	ps, err := s.pay()
	if err != nil {
		return err
	}
	f, err := ps.Fees(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	page := payPage{Page: s.web.Page(r, "portal.pay.title", f.Dossier.Code), D: f.Dossier, F: f}
	page.Lines, page.Total = f.Quote, f.QuoteTotal
	if f.Owed != nil {
		page.Lines, page.Total = f.Owed.Lines, f.Owed.Amount
	}
	page.Words = payment.AmountInWords(page.Total)
	if g := ps.Gateway(); g != nil {
		page.Gateway = gatewayLabel(g.Name())
		if f.CanPay {
			w = allowFormTarget(w, ps)
		}
	}
	return s.render(w, http.StatusOK, "payment", page)
}

// startPay sends the applicant to the gateway (303 to its payment page).
func (s *Portal) startPay(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.pay()
	if err != nil {
		return err
	}
	locale := "vn"
	if web.Lang(r) == "en" {
		locale = "en"
	}
	p, _, err := ps.Start(r.Context(), a, r.PathValue("code"), payment.StartInput{
		ReturnURL: web.AbsURL(r, "/thanh-toan/ket-qua"), IPAddr: remoteIP(r), Locale: locale})
	if err != nil {
		return err
	}
	http.Redirect(w, r, p.PaymentURL, http.StatusSeeOther)
	return nil
}

// allowFormTarget lets the fee page's form go on to the gateway: the
// strict policy lets forms post to our own origin only, and browsers apply
// form-action to the redirect that follows the post as well. A gateway
// on our own server (the mounted simulator) needs nothing.
func allowFormTarget(w http.ResponseWriter, ps Payments) http.ResponseWriter {
	v, ok := ps.Gateway().(*payment.VNPay)
	if !ok {
		return w
	}
	u, err := url.Parse(v.Config().URL)
	if err != nil || u.Host == "" {
		return w
	}
	return formTargetWriter{ResponseWriter: w, origin: u.Scheme + "://" + u.Host}
}

// formTargetWriter adds origin to the form-action of the policy that
// web.Render sets, as the header goes out.
type formTargetWriter struct {
	http.ResponseWriter
	origin string
}

func (f formTargetWriter) WriteHeader(code int) {
	h := f.Header()
	h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"), "form-action 'self'", "form-action 'self' "+f.origin, 1))
	f.ResponseWriter.WriteHeader(code)
}

type returnPage struct {
	web.Page
	P *payment.Payment
	// Status is what the page says: paid, confirming, cancelled, failed or expired.
	Status string
	Code   string
	Self   string
}

// payReturn is where the gateway sends the payer back. It shows, and
// never decides: until the IPN has confirmed the payment, a success the
// gateway reports is "being confirmed".
func (s *Portal) payReturn(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.pay()
	if err != nil {
		return err
	}
	ret, err := ps.Return(r.Context(), r.URL.Query())
	if err != nil {
		return err
	}
	page := returnPage{Page: s.web.Page(r, "portal.return.title"), P: ret.Payment, Code: ret.Code, Self: r.URL.RequestURI()}
	switch st := ret.Payment.State; {
	case st == payment.Paid || st == payment.Refunded:
		page.Status = "paid"
	case ret.GatewaySuccess:
		page.Status = "confirming"
	case st == payment.Expired:
		page.Status = "expired"
	case ret.Code == "24":
		page.Status = "cancelled"
	default:
		page.Status = "failed"
	}
	return s.render(w, http.StatusOK, "payment_return", page)
}

type feeReceiptPage struct {
	web.Page
	R       *payment.Receipt
	Gateway string
}

// feeReceipt is the printable e-receipt of a confirmed payment.
func (s *Portal) feeReceipt(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.pay()
	if err != nil {
		return err
	}
	rc, err := ps.Receipt(r.Context(), a, r.PathValue("code"), r.PathValue("ref"))
	if err != nil {
		return err
	}
	page := feeReceiptPage{Page: s.web.Page(r, "portal.feereceipt.title", rc.Payment.ReceiptSeries, rc.Payment.ReceiptNo), R: rc,
		Gateway: gatewayLabel(rc.Payment.Gateway)}
	return s.render(w, http.StatusOK, "fee_receipt", page)
}

var errNoPay = problem.NotFound("payment_unavailable")

func (s *Portal) pay() (Payments, error) {
	if s.payments == nil {
		return nil, errNoPay
	}
	return s.payments, nil
}

// owed is what each dossier with codes owes (none when payments are off).
func (s *Portal) owed(ctx context.Context, codes ...string) (map[string]*payment.Payment, error) {
	if s.payments == nil {
		return nil, nil
	}
	return s.payments.Owed(ctx, codes)
}

// payAsk is the "fee to pay" ask of a dossier that owes one.
func payAsk(pg web.Page, d *dossier.Dossier, owed *payment.Payment) []ask {
	if owed == nil {
		return nil
	}
	return []ask{{Kind: "pay", Text: pg.T("portal.ask.pay", vntext.Money(owed.Amount)), URL: "/ho-so/" + d.Code + "/thanh-toan",
		Link: pg.T("portal.ask.pay.link")}}
}

func gatewayLabel(name string) string {
	switch name {
	case "vnpay":
		return "VNPAY"
	case "paygov":
		return "PayGov"
	}
	return strings.ToUpper(name)
}

// remoteIP is the payer's address as the connection shows it (vnp_IpAddr).
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
