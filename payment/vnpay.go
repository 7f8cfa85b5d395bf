package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/vntext"
)

// VNPAY's payment gateway, protocol version 2.1.0 (regulations.md §10).
//
// The payer is sent to URL?<params>&vnp_SecureHash=<hash>. The params are
// sorted by key and written as key=value pairs joined by "&", keys and
// values URL-encoded the way VNPAY's reference code does (url.QueryEscape:
// a space is "+"); the hash is the hex HMAC-SHA512 of exactly that string
// under the terminal's hash secret. Empty values are left out, as VNPAY's
// Java and .NET reference code does. The return URL and the IPN carry
// vnp_* parameters signed the same way; vnp_SecureHash and
// vnp_SecureHashType are removed before checking.

const (
	vnpVersion    = "2.1.0"
	vnpTimeLayout = "20060102150405" // yyyyMMddHHmmss, GMT+7
)

// VNPayConfig configures the VNPAY adapter.
type VNPayConfig struct {
	// TmnCode is the terminal code (vnp_TmnCode) VNPAY gave the unit.
	TmnCode string
	// HashSecret is the terminal's secret for vnp_SecureHash.
	HashSecret string
	// URL is the payment page, e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html.
	// A path without a host (the simulator mounted on motcua's own server,
	// "/_sim/vnpay/paymentv2/vpcpay.html") is completed with the origin of
	// the order's return URL, so the payer's browser reaches it by whatever
	// address it reached motcua.
	URL string
	// APIURL is the merchant API endpoint the transaction list is asked
	// from; empty: URL with "paymentv2/vpcpay.html" replaced by
	// "merchant_webapi/api/transaction" (VNPAY's sandbox layout). It must
	// be absolute.
	APIURL string
	Client *http.Client
	Now    func() time.Time
}

// VNPay is the VNPAY gateway adapter.
type VNPay struct{ cfg VNPayConfig }

// NewVNPay checks cfg and returns the adapter.
func NewVNPay(cfg VNPayConfig) (*VNPay, error) {
	if cfg.TmnCode == "" || cfg.HashSecret == "" || cfg.URL == "" {
		return nil, errors.New("payment: VNPAY needs a terminal code, a hash secret and a URL")
	}
	if cfg.APIURL == "" {
		base, ok := strings.CutSuffix(cfg.URL, "paymentv2/vpcpay.html")
		if !ok || strings.HasPrefix(cfg.URL, "/") {
			return nil, errors.New("payment: cannot derive the VNPAY merchant API URL from " + cfg.URL + "; set it")
		}
		cfg.APIURL = base + "merchant_webapi/api/transaction"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &VNPay{cfg: cfg}, nil
}

// Name implements Gateway.
func (v *VNPay) Name() string { return "vnpay" }

// Config returns the adapter's configuration (for the start-up message).
func (v *VNPay) Config() VNPayConfig { return v.cfg }

// PaymentURL implements Gateway: the signed address of VNPAY's payment page.
func (v *VNPay) PaymentURL(_ context.Context, o Order) (string, error) {
	locale := o.Locale
	if locale != "en" {
		locale = "vn"
	}
	p := url.Values{
		"vnp_Version":    {vnpVersion},
		"vnp_Command":    {"pay"},
		"vnp_TmnCode":    {v.cfg.TmnCode},
		"vnp_Amount":     {strconv.FormatInt(o.Amount*100, 10)},
		"vnp_CurrCode":   {"VND"},
		"vnp_TxnRef":     {o.Ref},
		"vnp_OrderInfo":  {OrderInfo(o.Info)},
		"vnp_OrderType":  {"other"},
		"vnp_Locale":     {locale},
		"vnp_ReturnUrl":  {o.ReturnURL},
		"vnp_IpAddr":     {o.IPAddr},
		"vnp_CreateDate": {o.CreatedAt.In(calendar.Zone).Format(vnpTimeLayout)},
		"vnp_ExpireDate": {o.ExpiresAt.In(calendar.Zone).Format(vnpTimeLayout)},
	}
	base := v.cfg.URL
	if strings.HasPrefix(base, "/") {
		u, err := url.Parse(o.ReturnURL)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("payment: return URL %q is not absolute", o.ReturnURL)
		}
		base = u.Scheme + "://" + u.Host + base
	}
	data := VNPayCanonical(p)
	return base + "?" + data + "&vnp_SecureHash=" + VNPaySign(v.cfg.HashSecret, data), nil
}

// OrderInfo folds text to what vnp_OrderInfo accepts: ASCII without
// diacritics or special characters.
func OrderInfo(s string) string {
	return vntext.Fold(s)
}

// VNPayCanonical is the string VNPAY signs: the vnp_* parameters other than
// vnp_SecureHash and vnp_SecureHashType, with a value, sorted by key,
// URL-encoded (url.QueryEscape) as key=value and joined by "&".
func VNPayCanonical(p url.Values) string {
	var keys []string
	for k, v := range p {
		if strings.HasPrefix(k, "vnp_") && k != "vnp_SecureHash" && k != "vnp_SecureHashType" && len(v) > 0 && v[0] != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Get(k)))
	}
	return b.String()
}

// VNPaySign is the hex HMAC-SHA512 of data under secret.
func VNPaySign(secret, data string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil))
}

// sameHex compares two hex signatures in constant time, ignoring case.
func sameHex(a, b string) bool {
	x, err1 := hex.DecodeString(strings.ToLower(a))
	y, err2 := hex.DecodeString(strings.ToLower(b))
	return err1 == nil && err2 == nil && len(x) > 0 && hmac.Equal(x, y)
}

// VerifyCallback implements Gateway for the return URL and the IPN.
func (v *VNPay) VerifyCallback(c Callback) (Result, error) {
	q := c.Query
	if !sameHex(q.Get("vnp_SecureHash"), VNPaySign(v.cfg.HashSecret, VNPayCanonical(q))) {
		return Result{}, ErrBadSignature
	}
	if q.Get("vnp_TmnCode") != v.cfg.TmnCode {
		return Result{}, fmt.Errorf("%w: terminal %q", ErrMalformed, q.Get("vnp_TmnCode"))
	}
	r := Result{Ref: q.Get("vnp_TxnRef"), Code: q.Get("vnp_ResponseCode"), GatewayTxn: q.Get("vnp_TransactionNo"),
		BankCode: q.Get("vnp_BankCode")}
	r.Success = r.Code == "00" && q.Get("vnp_TransactionStatus") == "00"
	amount, err := strconv.ParseInt(q.Get("vnp_Amount"), 10, 64)
	if err != nil || amount < 0 || amount%100 != 0 || r.Ref == "" {
		return Result{}, fmt.Errorf("%w: amount %q, ref %q", ErrMalformed, q.Get("vnp_Amount"), r.Ref)
	}
	r.Amount = amount / 100
	if d := q.Get("vnp_PayDate"); d != "" {
		if r.PaidAt, err = time.ParseInLocation(vnpTimeLayout, d, calendar.Zone); err != nil {
			return Result{}, fmt.Errorf("%w: pay date %q", ErrMalformed, d)
		}
	}
	return r, nil
}

// VNPayReply is the JSON body motcua answers an IPN with.
type VNPayReply struct {
	RspCode string `json:"RspCode"`
	Message string `json:"Message"`
}

// VNPayIPNReply is VNPAY's wording of an outcome (regulations.md §10).
// VNPAY retries an IPN answered with anything but 00 or 02.
func VNPayIPNReply(o Outcome) VNPayReply {
	switch o {
	case Confirmed:
		return VNPayReply{"00", "Confirm Success"}
	case OrderNotFound:
		return VNPayReply{"01", "Order not found"}
	case AlreadyConfirmed:
		return VNPayReply{"02", "Order already confirmed"}
	case InvalidAmount:
		return VNPayReply{"04", "Invalid amount"}
	case InvalidSignature:
		return VNPayReply{"97", "Invalid signature"}
	}
	return VNPayReply{"99", "Unknown error"}
}
