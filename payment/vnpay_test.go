package payment_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/payment"
)

// The worked example. The parameters below, the canonical string written
// out by hand from VNPAY's rules (keys sorted; url.QueryEscape, so spaces
// are "+" and ":" "/" are escaped), and the hash computed once with
//
//	printf '%s' "$CANONICAL" | openssl dgst -sha512 -hmac VNPAYTESTSECRET2026WORKEDEXAMPLE
//
// (OpenSSL 3.0.19) and pasted here. Nothing in this block comes from the
// adapter's code.
const (
	workedSecret    = "VNPAYTESTSECRET2026WORKEDEXAMPLE"
	workedCanonical = "vnp_Amount=1000000&vnp_Command=pay&vnp_CreateDate=20260302090000&vnp_CurrCode=VND" +
		"&vnp_ExpireDate=20260302091500&vnp_IpAddr=127.0.0.1&vnp_Locale=vn" +
		"&vnp_OrderInfo=nop+phi+ho+so+000.04.07.h40-260302-0001&vnp_OrderType=other" +
		"&vnp_ReturnUrl=https%3A%2F%2Fmotcua.example.vn%2Fthanh-toan%2Fket-qua&vnp_TmnCode=MOTCUA01" +
		"&vnp_TxnRef=MC26030200001&vnp_Version=2.1.0"
	workedHash = "e3c50383fb8e0f612fee84a8dd70a6900cb2323250b2bd973526729bc488945a" +
		"1fdfc073563af41b9476a5e92bb4f21368096bd8787aa3e04a59a077e2cf0abc"

	// An IPN for that order, as VNPAY would send it, signed the same way
	// with openssl over this canonical string:
	workedIPNCanonical = "vnp_Amount=1000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM" +
		"&vnp_OrderInfo=nop+phi+ho+so+000.04.07.h40-260302-0001&vnp_PayDate=20260302090512&vnp_ResponseCode=00" +
		"&vnp_TmnCode=MOTCUA01&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=MC26030200001"
	workedIPNHash = "9d7c7a943ca3cf53c7642eba448d34f199c3c4eed82b4c21daa1e31a0efeee2e" +
		"2034ee0524b5658ba8b6201e7291778e896e252569ce52f5911339ac900136c1"
)

var ict = time.FixedZone("ICT", 7*3600)

func workedAdapter(t *testing.T) *payment.VNPay {
	t.Helper()
	v, err := payment.NewVNPay(payment.VNPayConfig{TmnCode: "MOTCUA01", HashSecret: workedSecret,
		URL: "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVNPayPaymentURLMatchesTheWorkedExample(t *testing.T) {
	v := workedAdapter(t)
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, ict)
	got, err := v.PaymentURL(context.Background(), payment.Order{
		Ref: "MC26030200001", Amount: 10000, Info: "Nộp phí hồ sơ 000.04.07.H40-260302-0001",
		ReturnURL: "https://motcua.example.vn/thanh-toan/ket-qua", IPAddr: "127.0.0.1", Locale: "vn",
		// Given in UTC: the adapter must write them in GMT+7.
		CreatedAt: created.UTC(), ExpiresAt: created.Add(15 * time.Minute).UTC(),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?" + workedCanonical + "&vnp_SecureHash=" + workedHash
	if got != want {
		t.Fatalf("payment URL\n got %s\nwant %s", got, want)
	}
}

func TestVNPayVerifiesCallbacks(t *testing.T) {
	v := workedAdapter(t)
	ipn, err := url.ParseQuery(workedIPNCanonical + "&vnp_SecureHash=" + workedIPNHash)
	if err != nil {
		t.Fatal(err)
	}
	with := func(mut func(q url.Values)) url.Values {
		q := url.Values{}
		for k, vs := range ipn {
			q[k] = append([]string(nil), vs...)
		}
		mut(q)
		return q
	}
	cases := []struct {
		name    string
		q       url.Values
		wantErr error
	}{
		{"the worked IPN", ipn, nil},
		{"hash in capitals", with(func(q url.Values) { q.Set("vnp_SecureHash", strings.ToUpper(workedIPNHash)) }), nil},
		{"hash type is not signed", with(func(q url.Values) { q.Set("vnp_SecureHashType", "HmacSHA512") }), nil},
		{"foreign parameters are not signed", with(func(q url.Values) { q.Set("utm_source", "x") }), nil},
		{"amount changed", with(func(q url.Values) { q.Set("vnp_Amount", "100000000") }), payment.ErrBadSignature},
		{"status changed", with(func(q url.Values) { q.Set("vnp_ResponseCode", "24") }), payment.ErrBadSignature},
		{"no hash", with(func(q url.Values) { q.Del("vnp_SecureHash") }), payment.ErrBadSignature},
		{"hash not hex", with(func(q url.Values) { q.Set("vnp_SecureHash", "zz") }), payment.ErrBadSignature},
		{"hash of another secret", with(func(q url.Values) {
			q.Set("vnp_SecureHash", payment.VNPaySign("another secret", workedIPNCanonical))
		}), payment.ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.VerifyCallback(payment.Callback{Query: c.q})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err %v, want %v", err, c.wantErr)
			}
			if err != nil {
				return
			}
			paid := time.Date(2026, 3, 2, 9, 5, 12, 0, ict)
			if res.Ref != "MC26030200001" || res.Amount != 10000 || !res.Success || res.GatewayTxn != "14226112" ||
				res.BankCode != "NCB" || !res.PaidAt.Equal(paid) {
				t.Fatalf("read %+v", res)
			}
		})
	}
}

func TestVNPayCanonicalRules(t *testing.T) {
	q := url.Values{
		"vnp_B":          {"a b&c=d/é"},
		"vnp_A":          {"1"},
		"vnp_Empty":      {""},
		"vnp_SecureHash": {"ignored"},
		"other":          {"ignored"},
	}
	// Written by hand: sorted, empty and non-vnp_ left out, QueryEscape's
	// encoding (space "+", UTF-8 percent-encoded).
	want := "vnp_A=1&vnp_B=a+b%26c%3Dd%2F%C3%A9"
	if got := payment.VNPayCanonical(q); got != want {
		t.Fatalf("canonical %q, want %q", got, want)
	}
}

func TestVNPayIPNReplies(t *testing.T) {
	cases := map[payment.Outcome]payment.VNPayReply{
		payment.Confirmed:        {RspCode: "00", Message: "Confirm Success"},
		payment.OrderNotFound:    {RspCode: "01", Message: "Order not found"},
		payment.AlreadyConfirmed: {RspCode: "02", Message: "Order already confirmed"},
		payment.InvalidAmount:    {RspCode: "04", Message: "Invalid amount"},
		payment.InvalidSignature: {RspCode: "97", Message: "Invalid signature"},
		payment.UnknownError:     {RspCode: "99", Message: "Unknown error"},
	}
	for o, want := range cases {
		if got := payment.VNPayIPNReply(o); got != want {
			t.Errorf("%s: %+v, want %+v", o, got, want)
		}
	}
}

func TestVNPayRelativeURLFollowsTheReturnOrigin(t *testing.T) {
	v, err := payment.NewVNPay(payment.VNPayConfig{TmnCode: "T", HashSecret: "S", URL: "/_sim/vnpay/paymentv2/vpcpay.html",
		APIURL: "http://127.0.0.1:1/_sim/vnpay/merchant_webapi/api/transaction"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	u, err := v.PaymentURL(context.Background(), payment.Order{Ref: "R1", Amount: 1, ReturnURL: "http://192.168.1.5:8080/thanh-toan/ket-qua",
		CreatedAt: now, ExpiresAt: now})
	if err != nil || !strings.HasPrefix(u, "http://192.168.1.5:8080/_sim/vnpay/paymentv2/vpcpay.html?") {
		t.Fatalf("%s, %v", u, err)
	}
	if _, err := payment.NewVNPay(payment.VNPayConfig{TmnCode: "T", HashSecret: "S", URL: "/_sim/x"}); err == nil {
		t.Fatal("a relative URL without an API URL was accepted")
	}
}
