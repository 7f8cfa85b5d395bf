package api

import (
	"bytes"
	"io"
	"net"
	"net/http"

	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// Fees and online payment (package payment). The applicant starts a
// payment and is sent to its payment_url; the gateway's IPN arrives at
// /api/v1/payments/vnpay/ipn exactly as VNPAY sends it.

var errNoPayments = problem.New(problem.ErrState, "payment_unavailable")

func (s *Server) payments() (Payments, error) {
	if s.Payments == nil {
		return nil, errNoPayments
	}
	return s.Payments, nil
}

// dossierFees lists a dossier's payments and what it owes.
func (s *Server) dossierFees(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.payments()
	if err != nil {
		return err
	}
	f, err := ps.Fees(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

// startPayment sends the applicant to the gateway: {"locale": "vn"|"en"}
// (optional). The answer's payment_url is where to send the payer; an
// order still payable is returned again (200) instead of a new one (201).
func (s *Server) startPayment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.payments()
	if err != nil {
		return err
	}
	var in struct {
		Locale string `json:"locale"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1)) // decode answers 413 beyond maxBody
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) > 0 { // the body is optional
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	p, created, err := ps.Start(r.Context(), a, r.PathValue("code"), payment.StartInput{
		ReturnURL: web.AbsURL(r, "/thanh-toan/ket-qua"), IPAddr: clientIP(r), Locale: in.Locale})
	if err != nil {
		return err
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/payments/"+p.Ref)
	return writeJSON(w, code, p)
}

// requestPayment is an officer asking for the fee:
// {"pages", "copies", "exempt", "note"}, all optional.
func (s *Server) requestPayment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.payments()
	if err != nil {
		return err
	}
	var in payment.RequestInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := ps.Request(r.Context(), a, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/payments/"+p.Ref)
	return writeJSON(w, http.StatusCreated, p)
}

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.payments()
	if err != nil {
		return err
	}
	p, err := ps.Get(r.Context(), a, r.PathValue("ref"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// refundPayment records a refund: {"note": "the reason"}.
func (s *Server) refundPayment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.payments()
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := ps.Refund(r.Context(), a, r.PathValue("ref"), in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// deskPayment records a fee paid at the counter:
// {"method": "cash"|"pos", "receipt_no": "…"}; the e-receipt is issued as
// for an online payment.
func (s *Server) deskPayment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.payments()
	if err != nil {
		return err
	}
	var in payment.DeskInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := ps.PayAtDesk(r.Context(), a, r.PathValue("ref"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// vnpayIPN is VNPAY's server-to-server result. It always answers 200 with
// VNPAY's {"RspCode","Message"}: VNPAY reads the code, not the status.
func (s *Server) vnpayIPN(w http.ResponseWriter, r *http.Request) error {
	out := payment.UnknownError
	if s.Payments != nil && s.Payments.Gateway() != nil && s.Payments.Gateway().Name() == "vnpay" {
		out = s.Payments.HandleCallback(r.Context(), payment.Callback{Query: r.URL.Query(), Remote: clientIP(r)})
	}
	return writeJSON(w, http.StatusOK, payment.VNPayIPNReply(out))
}

// clientIP is the caller's address as the connection shows it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
