package payment

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
)

// The day's transaction list. VNPAY's public merchant API answers for one
// transaction at a time (vnp_Command=querydr, JSON posted to
// /merchant_webapi/api/transaction, signed with HMAC-SHA512 over the
// fields joined by "|"); merchants get the day's list from VNPAY's
// merchant portal. motcua's simulator (payment/vnpaysim) answers the same
// endpoint with a list, vnp_Command=querylist, shaped and signed like
// querydr. This command is motcua's, not VNPAY's: against VNPAY itself
// the call fails with VNPAY's error and reconciliation reports it.
//
// Request (JSON): vnp_RequestId, vnp_Version, vnp_Command ("querylist"),
// vnp_TmnCode, vnp_TransactionDate (yyyyMMdd), vnp_CreateDate, vnp_IpAddr,
// vnp_SecureHash = HMAC-SHA512(secret, RequestId|Version|Command|TmnCode|
// TransactionDate|CreateDate|IpAddr).
//
// Response (JSON): vnp_ResponseId, vnp_Command, vnp_ResponseCode ("00"),
// vnp_Message, vnp_TmnCode, vnp_TransactionDate, vnp_Transactions (each
// vnp_TxnRef, vnp_Amount ×100, vnp_TransactionNo, vnp_TransactionStatus,
// vnp_PayDate), vnp_SecureHash = HMAC-SHA512(secret, ResponseId|Command|
// ResponseCode|TmnCode|TransactionDate, then for each transaction in order
// "|TxnRef,Amount,TransactionNo,TransactionStatus,PayDate").

// VNPayListRequest is the body of a querylist call.
type VNPayListRequest struct {
	RequestID       string `json:"vnp_RequestId"`
	Version         string `json:"vnp_Version"`
	Command         string `json:"vnp_Command"`
	TmnCode         string `json:"vnp_TmnCode"`
	TransactionDate string `json:"vnp_TransactionDate"`
	CreateDate      string `json:"vnp_CreateDate"`
	IPAddr          string `json:"vnp_IpAddr"`
	SecureHash      string `json:"vnp_SecureHash"`
}

// VNPayListResponse is the answer to a querylist call.
type VNPayListResponse struct {
	ResponseID      string         `json:"vnp_ResponseId"`
	Command         string         `json:"vnp_Command"`
	ResponseCode    string         `json:"vnp_ResponseCode"`
	Message         string         `json:"vnp_Message"`
	TmnCode         string         `json:"vnp_TmnCode"`
	TransactionDate string         `json:"vnp_TransactionDate"`
	Transactions    []VNPayListTxn `json:"vnp_Transactions"`
	SecureHash      string         `json:"vnp_SecureHash"`
}

// VNPayListTxn is one transaction of the list.
type VNPayListTxn struct {
	TxnRef            string `json:"vnp_TxnRef"`
	Amount            string `json:"vnp_Amount"`
	TransactionNo     string `json:"vnp_TransactionNo"`
	TransactionStatus string `json:"vnp_TransactionStatus"`
	PayDate           string `json:"vnp_PayDate"`
}

// Transactions implements Gateway with the querylist call.
func (v *VNPay) Transactions(ctx context.Context, day time.Time) ([]Transaction, error) {
	var id [8]byte
	rand.Read(id[:])
	req := VNPayListRequest{RequestID: hex.EncodeToString(id[:]), Version: vnpVersion, Command: "querylist",
		TmnCode: v.cfg.TmnCode, TransactionDate: day.In(calendar.Zone).Format("20060102"),
		CreateDate: v.cfg.Now().In(calendar.Zone).Format(vnpTimeLayout), IPAddr: "127.0.0.1"}
	req.SecureHash = VNPaySign(v.cfg.HashSecret, strings.Join([]string{req.RequestID, req.Version, req.Command,
		req.TmnCode, req.TransactionDate, req.CreateDate, req.IPAddr}, "|"))
	body, _ := json.Marshal(req)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, v.cfg.APIURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := v.cfg.Client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("payment: VNPAY transaction list: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("payment: VNPAY transaction list: %w", err)
	}
	var out VNPayListResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("payment: VNPAY transaction list: HTTP %d, not JSON", resp.StatusCode)
	}
	if !sameHex(out.SecureHash, VNPaySign(v.cfg.HashSecret, VNPayListSignData(out))) {
		return nil, fmt.Errorf("payment: VNPAY transaction list: %w", ErrBadSignature)
	}
	if out.ResponseCode != "00" {
		return nil, fmt.Errorf("payment: VNPAY transaction list: code %s: %s", out.ResponseCode, out.Message)
	}
	if out.TmnCode != v.cfg.TmnCode || out.TransactionDate != req.TransactionDate {
		return nil, fmt.Errorf("payment: VNPAY transaction list is for %s %s", out.TmnCode, out.TransactionDate)
	}
	txns := make([]Transaction, 0, len(out.Transactions))
	for _, t := range out.Transactions {
		amount, err := strconv.ParseInt(t.Amount, 10, 64)
		if err != nil || amount%100 != 0 {
			return nil, fmt.Errorf("payment: VNPAY transaction list: %s: amount %q", t.TxnRef, t.Amount)
		}
		paid, err := time.ParseInLocation(vnpTimeLayout, t.PayDate, calendar.Zone)
		if err != nil {
			return nil, fmt.Errorf("payment: VNPAY transaction list: %s: pay date %q", t.TxnRef, t.PayDate)
		}
		txns = append(txns, Transaction{Ref: t.TxnRef, Amount: amount / 100, GatewayTxn: t.TransactionNo,
			Success: t.TransactionStatus == "00", PaidAt: paid})
	}
	return txns, nil
}

// VNPayListSignData is the string a querylist response's hash covers.
func VNPayListSignData(r VNPayListResponse) string {
	parts := []string{r.ResponseID, r.Command, r.ResponseCode, r.TmnCode, r.TransactionDate}
	for _, t := range r.Transactions {
		parts = append(parts, strings.Join([]string{t.TxnRef, t.Amount, t.TransactionNo, t.TransactionStatus, t.PayDate}, ","))
	}
	return strings.Join(parts, "|")
}
