package payment_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/payment/vnpaysim"
)

// TestAdapterAndSimulatorSpeakTheSameProtocol pays an order at the
// simulator with the adapter's URL; the simulator signs the IPN and the
// return with its own code, and the adapter verifies both; the adapter
// reads the simulator's transaction list.
func TestAdapterAndSimulatorSpeakTheSameProtocol(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, ict)
	clock := func() time.Time { return now }
	var mu sync.Mutex
	var ipns []url.Values
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ipns = append(ipns, r.URL.Query())
		mu.Unlock()
		w.Write([]byte(`{"RspCode":"00","Message":"Confirm Success"}`))
	}))
	defer merchant.Close()
	sim := vnpaysim.New(vnpaysim.Config{TmnCode: "SIM00001", HashSecret: "SIMSECRET", IPNURL: merchant.URL + "/ipn", Now: clock})
	gw := httptest.NewServer(sim.Handler())
	defer gw.Close()
	v, err := payment.NewVNPay(payment.VNPayConfig{TmnCode: "SIM00001", HashSecret: "SIMSECRET",
		URL: gw.URL + "/paymentv2/vpcpay.html", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	order := func(ref string) payment.Order {
		return payment.Order{Ref: ref, Amount: 14000, Info: "Nộp phí hồ sơ 000.04.07.H40-260302-0001",
			ReturnURL: merchant.URL + "/return?x=1", IPAddr: "127.0.0.1", CreatedAt: now, ExpiresAt: now.Add(15 * time.Minute)}
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	payURL, err := v.PaymentURL(ctx, order("MC26030200001"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		url  string
		code int
		want string
	}{
		{"the adapter's URL", payURL, 200, "14.000 VND"},
		{"a tampered amount", strings.Replace(payURL, "vnp_Amount=1400000", "vnp_Amount=100", 1), 400, "mã lỗi 97"},
		{"another terminal's secret", gw.URL + "/paymentv2/vpcpay.html?" + resign(payURL, "OTHER"), 400, "mã lỗi 97"},
	}
	for _, c := range cases {
		resp, err := http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(resp)
		if resp.StatusCode != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want %d with %q", c.name, resp.StatusCode, c.code, c.want)
		}
	}

	// The payer pays: the IPN reaches the merchant, then the payer is sent back.
	resp, err := noRedirect.PostForm(gw.URL+"/paymentv2/pay", url.Values{"ref": {"MC26030200001"}, "action": {"pay"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || back.Path != "/return" || back.Query().Get("x") != "1" {
		t.Fatalf("pay: %d to %s", resp.StatusCode, back)
	}
	mu.Lock()
	got := ipns
	mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("%d IPNs", len(got))
	}
	for name, q := range map[string]url.Values{"IPN": got[0], "return": back.Query()} {
		res, err := v.VerifyCallback(payment.Callback{Query: q})
		if err != nil || !res.Success || res.Amount != 14000 || res.Ref != "MC26030200001" || res.GatewayTxn == "" {
			t.Fatalf("%s: %+v, %v", name, res, err)
		}
	}
	if r := sim.IPNs(); len(r) != 1 || r[0].RspCode != "00" {
		t.Fatalf("the simulator recorded %+v", r)
	}

	// A cancelled order is reported as not successful.
	u2, _ := v.PaymentURL(ctx, order("MC26030200002"))
	http.Get(u2)
	noRedirect.PostForm(gw.URL+"/paymentv2/pay", url.Values{"ref": {"MC26030200002"}, "action": {"cancel"}})
	if res, err := v.VerifyCallback(payment.Callback{Query: sim.Result("MC26030200002")}); err != nil || res.Success || res.Code != "24" {
		t.Fatalf("cancelled: %+v, %v", res, err)
	}

	// An order past its expiry cannot be paid.
	late := order("MC26030200003")
	late.ExpiresAt = now.Add(-time.Minute)
	u3, _ := v.PaymentURL(ctx, late)
	if resp, _ := http.Get(u3); resp.StatusCode != 400 || !strings.Contains(readAll(resp), "mã lỗi 11") {
		t.Fatal("an expired order was offered")
	}

	txns, err := v.Transactions(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(txns) != 2 || !txns[0].Success || txns[0].Amount != 14000 || txns[1].Success {
		t.Fatalf("transactions %+v", txns)
	}
	other, _ := payment.NewVNPay(payment.VNPayConfig{TmnCode: "SIM00001", HashSecret: "WRONG", URL: gw.URL + "/paymentv2/vpcpay.html"})
	if _, err := other.Transactions(ctx, now); err == nil {
		t.Fatal("a list asked with the wrong secret was answered")
	}
}

// resign signs a payment URL's parameters with another secret.
func resign(payURL, secret string) string {
	u, _ := url.Parse(payURL)
	q := u.Query()
	q.Set("vnp_SecureHash", payment.VNPaySign(secret, payment.VNPayCanonical(q)))
	return q.Encode()
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
