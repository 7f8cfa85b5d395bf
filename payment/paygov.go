package payment

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
)

// PayGov is the adapter for the national payment platform of the National
// Public Service Portal (regulations.md §10). It is not wired by default.
//
// [M] PayGov's integration specification is not public and is marked
// unconfirmed in regulations.md. This adapter is the shape motcua expects
// the platform to have, so a unit with the real document changes field
// names here and nothing else. Assumed:
//
//   - Orders are created server-to-server: POST {BaseURL}/payments with JSON
//     partnerCode, transactionCode (motcua's reference), amount (VND, not
//     ×100), description, returnUrl, ipAddress, createdAt and expiredAt
//     (RFC 3339, +07:00) and checksum; the answer is JSON code ("00" for
//     success), message, transactionCode, paymentUrl and checksum.
//   - The result comes as a JSON callback (POST) with partnerCode,
//     transactionCode, paygovTransactionId, amount, status (SUCCESS, FAILED
//     or CANCELLED), bankCode, paidAt and checksum; motcua answers JSON
//     code and message with VNPAY's codes (00, 01, 02, 04, 97, 99). The
//     payer's return carries the same fields as query parameters.
//   - The day's list: GET {BaseURL}/transactions?partnerCode=…&date=
//     YYYY-MM-DD&checksum=…, answered with code, date, transactions (each
//     transactionCode, paygovTransactionId, amount, status, paidAt) and
//     checksum.
//   - Every checksum is the hex HMAC-SHA256, under the partner's secret
//     key, of the documented fields joined by "|" in the order listed in
//     the functions below.
type PayGov struct{ cfg PayGovConfig }

// PayGovConfig configures the PayGov adapter.
type PayGovConfig struct {
	PartnerCode string
	SecretKey   string
	BaseURL     string
	Client      *http.Client
	Now         func() time.Time
}

// NewPayGov checks cfg and returns the adapter.
func NewPayGov(cfg PayGovConfig) (*PayGov, error) {
	if cfg.PartnerCode == "" || cfg.SecretKey == "" || cfg.BaseURL == "" {
		return nil, errors.New("payment: PayGov needs a partner code, a secret key and a base URL")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &PayGov{cfg: cfg}, nil
}

// Name implements Gateway.
func (g *PayGov) Name() string { return "paygov" }

// PayGovChecksum is the hex HMAC-SHA256 of fields joined by "|".
func PayGovChecksum(secret string, fields ...string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(m.Sum(nil))
}

// PayGovCreate is the body of an order creation.
type PayGovCreate struct {
	PartnerCode     string `json:"partnerCode"`
	TransactionCode string `json:"transactionCode"`
	Amount          int64  `json:"amount"`
	Description     string `json:"description"`
	ReturnURL       string `json:"returnUrl"`
	IPAddress       string `json:"ipAddress"`
	CreatedAt       string `json:"createdAt"`
	ExpiredAt       string `json:"expiredAt"`
	// Checksum covers partnerCode|transactionCode|amount|createdAt|expiredAt.
	Checksum string `json:"checksum"`
}

// PayGovCreated is the platform's answer to an order creation.
type PayGovCreated struct {
	Code            string `json:"code"`
	Message         string `json:"message"`
	TransactionCode string `json:"transactionCode"`
	PaymentURL      string `json:"paymentUrl"`
	// Checksum covers partnerCode|transactionCode|paymentUrl.
	Checksum string `json:"checksum"`
}

// PayGovResult is a callback (JSON body, or the return's query).
type PayGovResult struct {
	PartnerCode     string `json:"partnerCode"`
	TransactionCode string `json:"transactionCode"`
	PaygovTxnID     string `json:"paygovTransactionId"`
	Amount          int64  `json:"amount"`
	Status          string `json:"status"`
	BankCode        string `json:"bankCode"`
	PaidAt          string `json:"paidAt"`
	// Checksum covers partnerCode|transactionCode|paygovTransactionId|amount|status|paidAt.
	Checksum string `json:"checksum"`
}

// PaymentURL implements Gateway: it creates the order at the platform.
func (g *PayGov) PaymentURL(ctx context.Context, o Order) (string, error) {
	req := PayGovCreate{PartnerCode: g.cfg.PartnerCode, TransactionCode: o.Ref, Amount: o.Amount, Description: o.Info,
		ReturnURL: o.ReturnURL, IPAddress: o.IPAddr, CreatedAt: o.CreatedAt.In(calendar.Zone).Format(time.RFC3339),
		ExpiredAt: o.ExpiresAt.In(calendar.Zone).Format(time.RFC3339)}
	req.Checksum = PayGovChecksum(g.cfg.SecretKey, req.PartnerCode, req.TransactionCode, strconv.FormatInt(req.Amount, 10),
		req.CreatedAt, req.ExpiredAt)
	var out PayGovCreated
	if err := g.call(ctx, http.MethodPost, g.cfg.BaseURL+"/payments", req, &out); err != nil {
		return "", err
	}
	if out.Code != "00" {
		return "", fmt.Errorf("payment: PayGov refused order %s: %s %s", o.Ref, out.Code, out.Message)
	}
	if !sameHex(out.Checksum, PayGovChecksum(g.cfg.SecretKey, g.cfg.PartnerCode, out.TransactionCode, out.PaymentURL)) ||
		out.TransactionCode != o.Ref {
		return "", fmt.Errorf("payment: PayGov order %s: %w", o.Ref, ErrBadSignature)
	}
	return out.PaymentURL, nil
}

// VerifyCallback implements Gateway.
func (g *PayGov) VerifyCallback(c Callback) (Result, error) {
	var r PayGovResult
	if len(c.Body) > 0 {
		if err := json.Unmarshal(c.Body, &r); err != nil {
			return Result{}, ErrBadSignature // unreadable, so unverifiable
		}
	} else {
		q := c.Query
		amount, _ := strconv.ParseInt(q.Get("amount"), 10, 64)
		r = PayGovResult{PartnerCode: q.Get("partnerCode"), TransactionCode: q.Get("transactionCode"),
			PaygovTxnID: q.Get("paygovTransactionId"), Amount: amount, Status: q.Get("status"), BankCode: q.Get("bankCode"),
			PaidAt: q.Get("paidAt"), Checksum: q.Get("checksum")}
	}
	want := PayGovChecksum(g.cfg.SecretKey, r.PartnerCode, r.TransactionCode, r.PaygovTxnID, strconv.FormatInt(r.Amount, 10),
		r.Status, r.PaidAt)
	if !sameHex(r.Checksum, want) {
		return Result{}, ErrBadSignature
	}
	if r.PartnerCode != g.cfg.PartnerCode || r.TransactionCode == "" || r.Amount < 0 {
		return Result{}, fmt.Errorf("%w: partner %q, transaction %q", ErrMalformed, r.PartnerCode, r.TransactionCode)
	}
	res := Result{Ref: r.TransactionCode, Amount: r.Amount, Success: r.Status == "SUCCESS", Code: r.Status,
		GatewayTxn: r.PaygovTxnID, BankCode: r.BankCode}
	if r.PaidAt != "" {
		t, err := time.Parse(time.RFC3339, r.PaidAt)
		if err != nil {
			return Result{}, fmt.Errorf("%w: paidAt %q", ErrMalformed, r.PaidAt)
		}
		res.PaidAt = t.In(calendar.Zone)
	}
	return res, nil
}

// PayGovAck is motcua's answer to a PayGov callback.
type PayGovAck struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// PayGovReply words an outcome for PayGov (assumed: VNPAY's codes).
func PayGovReply(o Outcome) PayGovAck {
	r := VNPayIPNReply(o)
	return PayGovAck{Code: r.RspCode, Message: r.Message}
}

// PayGovList is the platform's answer for a day's transactions.
type PayGovList struct {
	Code         string         `json:"code"`
	Date         string         `json:"date"`
	Transactions []PayGovResult `json:"transactions"`
	// Checksum covers partnerCode|date, then for each transaction
	// "|transactionCode,paygovTransactionId,amount,status,paidAt".
	Checksum string `json:"checksum"`
}

// PayGovListSignData is the string a list's checksum covers.
func PayGovListSignData(partner string, l PayGovList) []string {
	fields := []string{partner, l.Date}
	for _, t := range l.Transactions {
		fields = append(fields, strings.Join([]string{t.TransactionCode, t.PaygovTxnID, strconv.FormatInt(t.Amount, 10), t.Status, t.PaidAt}, ","))
	}
	return fields
}

// Transactions implements Gateway.
func (g *PayGov) Transactions(ctx context.Context, day time.Time) ([]Transaction, error) {
	date := day.In(calendar.Zone).Format("2006-01-02")
	q := url.Values{"partnerCode": {g.cfg.PartnerCode}, "date": {date},
		"checksum": {PayGovChecksum(g.cfg.SecretKey, g.cfg.PartnerCode, date)}}
	var out PayGovList
	if err := g.call(ctx, http.MethodGet, g.cfg.BaseURL+"/transactions?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	if !sameHex(out.Checksum, PayGovChecksum(g.cfg.SecretKey, PayGovListSignData(g.cfg.PartnerCode, out)...)) {
		return nil, fmt.Errorf("payment: PayGov transaction list: %w", ErrBadSignature)
	}
	if out.Code != "00" || out.Date != date {
		return nil, fmt.Errorf("payment: PayGov transaction list: code %s for %s", out.Code, out.Date)
	}
	var txns []Transaction
	for _, t := range out.Transactions {
		paid, err := time.Parse(time.RFC3339, t.PaidAt)
		if err != nil {
			return nil, fmt.Errorf("payment: PayGov transaction %s: paidAt %q", t.TransactionCode, t.PaidAt)
		}
		txns = append(txns, Transaction{Ref: t.TransactionCode, Amount: t.Amount, GatewayTxn: t.PaygovTxnID,
			Success: t.Status == "SUCCESS", PaidAt: paid.In(calendar.Zone)})
	}
	return txns, nil
}

// call sends a JSON request (in nil: none) and decodes the JSON answer.
func (g *PayGov) call(ctx context.Context, method, u string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("payment: PayGov: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("payment: PayGov: %w", err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("payment: PayGov: HTTP %d, not JSON", resp.StatusCode)
	}
	return nil
}
