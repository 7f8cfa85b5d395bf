package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/payment/vnpaysim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestConcurrentDuplicateIPNs: the same IPN delivered many times at once
// confirms the payment once and numbers one receipt.
func TestConcurrentDuplicateIPNs(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		p := e.start(e.receivedDossier("2.000884"))
		e.sim.Hold(true)
		e.payAtGateway(p.PaymentURL, true)
		genuine := e.sim.Result(p.Ref)
		var wg sync.WaitGroup
		codes := make([]string, 8)
		for i := range codes {
			wg.Add(1)
			go func() { defer wg.Done(); codes[i] = e.ipn(genuine) }()
		}
		wg.Wait()
		sort.Strings(codes)
		if strings.Join(codes, " ") != "00 02 02 02 02 02 02 02" {
			t.Fatalf("answers %v, want one 00 and the rest 02", codes)
		}
		if got := e.payment(p.Ref); got.State != "paid" || actions(got) != "start confirm" || got.ReceiptNo != "0000001" {
			t.Fatalf("%+v", got)
		}
	})
}

// TestPaymentExpiry: an order nobody pays expires at vnp_ExpireDate, on
// read or by the sweep; a success the gateway confirms just after still
// counts, because the money moved.
func TestPaymentExpiry(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		ctx := context.Background()

		read := e.start(e.receivedDossier("2.000884"))
		swept := e.start(e.receivedDossier("2.000884"))
		late := e.start(e.receivedDossier("2.000884"))
		e.sim.Hold(true)
		e.payAtGateway(late.PaymentURL, true) // paid at the gateway in time; the IPN is slow

		e.advance(16 * time.Minute)
		var fees struct{ Owed paymentView }
		e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+read.Dossier+"/payments", nil, &fees), 200)
		if fees.Owed.State != "expired" || fees.Owed.PaymentURL != "" {
			t.Fatalf("on read: %+v", fees.Owed)
		}
		n, err := e.app.Payments.ExpireDue(ctx)
		if err != nil || n != 2 {
			t.Fatalf("sweep expired %d, %v; want 2 (swept and late)", n, err)
		}
		if got := e.payment(swept.Ref); got.State != "expired" || actions(got) != "start expire" {
			t.Fatalf("swept: %+v", got)
		}
		if got := e.sim.Release(ctx); len(got) != 1 || got[0].RspCode != "00" {
			t.Fatalf("late IPN: %+v", got)
		}
		if got := e.payment(late.Ref); got.State != "paid" || actions(got) != "start expire confirm" {
			t.Fatalf("late success: %+v", got)
		}
		// The expired order's page at the gateway is gone; paying again is a new order.
		again := e.start(read.Dossier)
		if again.Ref == read.Ref {
			t.Fatal("an expired order was handed out again")
		}
	})
}

// TestPaymentRules: who may ask, start, see and refund, and what a
// request can be changed into.
func TestPaymentRules(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		code := e.receivedDossier("2.000815")
		ask := func(user string, body map[string]any) reply {
			return e.call(user, "POST", "/api/v1/dossiers/"+code+"/payment-requests", body, nil)
		}
		cases := []struct {
			name, user string
			body       map[string]any
			status     int
			errCode    string
		}{
			{"the citizen cannot ask", "congdan", map[string]any{}, 422, "payment_not_permitted"},
			{"the district desk does not even see it", "huyen.tiepnhan", map[string]any{}, 404, "dossier_not_found"},
			{"a count out of range", "gialam.tiepnhan", map[string]any{"pages": 20000}, 422, "invalid_pages"},
			{"a group the procedure does not exempt", "gialam.tiepnhan", map[string]any{"exempt": "Người cao tuổi"}, 422, "invalid_exempt"},
			{"unknown field", "gialam.tiepnhan", map[string]any{"page": 3}, 422, "invalid_json"},
			{"the desk asks (counts from the e-form: 2 pages, 2 copies)", "gialam.tiepnhan", map[string]any{}, 201, ""},
			{"and amends before the citizen pays", "gialam.tiepnhan", map[string]any{"pages": 300, "copies": 1}, 201, ""},
		}
		for _, c := range cases {
			if r := ask(c.user, c.body); r.status != c.status || r.errCode() != c.errCode {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.errCode)
			}
		}
		var fees struct {
			Owed       paymentView
			Payments   []paymentView
			CanPay     bool `json:"can_pay"`
			CanRequest bool `json:"can_request"`
		}
		e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+code+"/payments", nil, &fees), 200)
		if len(fees.Payments) != 1 || fees.Owed.Amount != 200000 || !fees.Owed.Lines[0].Capped || !fees.CanPay || fees.CanRequest {
			t.Fatalf("an amended request is one payment of 200.000 đ (capped): %+v", fees)
		}
		if got := actions(e.payment(fees.Owed.Ref)); got != "request request" {
			t.Fatalf("history %q", got)
		}
		if r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+code+"/payments", nil, nil); r.status != 422 {
			t.Fatalf("an officer started a payment: %d %s", r.status, r.body)
		}
		p := e.start(code)
		if r := ask("gialam.tiepnhan", map[string]any{}); r.status != 409 || r.errCode() != "payment_in_progress" {
			t.Fatalf("asking while the citizen pays: %d %s", r.status, r.body)
		}
		e.payAtGateway(p.PaymentURL, true)

		// Strangers see nothing: another citizen, anonymous callers.
		e.addCitizen("nguoikhac")
		if r := e.call("nguoikhac", "GET", "/api/v1/payments/"+p.Ref, nil, nil); r.status != 404 {
			t.Fatalf("another citizen read the payment: %d", r.status)
		}
		if r := e.call("", "GET", "/api/v1/payments/"+p.Ref, nil, nil); r.status != 401 {
			t.Fatalf("anonymous read: %d", r.status)
		}

		// Refunds: a leader, with a reason; the receipt stays and says so.
		refund := func(user, note string) reply {
			return e.call(user, "POST", "/api/v1/payments/"+p.Ref+"/refund", map[string]string{"note": note}, nil)
		}
		if r := refund("gialam.tiepnhan", "Trả lại"); r.status != 422 || r.errCode() != "payment_not_permitted" {
			t.Fatalf("the desk refunded: %d %s", r.status, r.body)
		}
		if r := refund("gialam.lanhdao", " "); r.status != 422 || r.errCode() != "note_required" {
			t.Fatalf("refund without a reason: %d %s", r.status, r.body)
		}
		e.must(refund("gialam.lanhdao", "Thu nhầm số trang"), 200)
		if r := refund("gialam.lanhdao", "lần nữa"); r.status != 409 {
			t.Fatalf("refunded twice: %d", r.status)
		}
		if got := e.payment(p.Ref); got.State != "refunded" || got.ReceiptNo == "" {
			t.Fatalf("%+v", got)
		}
		citizen := e.portalVisitor(t, "en")
		citizen.login("congdan")
		page := citizen.get("/ho-so/" + code + "/bien-lai/" + p.Ref)
		page.wellFormed(t, "en")
		if !page.has("This fee has been refunded.") || !page.has("Hai trăm nghìn đồng") {
			t.Fatalf("refunded receipt:\n%s", page.body)
		}
	})
}

// TestReconciliation compares a day's payments with the gateway's list:
// one matches; one the gateway never saw (confirmed here by an IPN signed
// with the terminal's secret but not paid there); one with a different
// amount; one paid there whose IPN was lost; one motcua never ordered.
func TestReconciliation(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		ctx := context.Background()
		matched := e.start(e.receivedDossier("2.000884"))
		e.payAtGateway(matched.PaymentURL, true)

		hereOnly := e.start(e.receivedDossier("2.000884"))
		e.payAtGateway(hereOnly.PaymentURL, false) // cancelled at the gateway…
		forged := e.sim.Sign(with(e.sim.Result(hereOnly.Ref), "vnp_ResponseCode", "00", "vnp_TransactionStatus", "00"))
		hereOnly = e.start(hereOnly.Dossier) // …then a new order, "confirmed" without the gateway
		if code := e.ipn(with(e.sim.Sign(with(forged, "vnp_TxnRef", hereOnly.Ref)))); code != "00" {
			t.Fatalf("setup: %s", code)
		}

		differs := e.start(e.receivedDossier("2.000884"))
		e.payAtGateway(differs.PaymentURL, true)
		e.sim.AddPaid(differs.Ref, 12000)

		lost := e.start(e.receivedDossier("2.000884"))
		e.sim.Hold(true)
		e.payAtGateway(lost.PaymentURL, true)

		e.sim.AddPaid("XX0001", 5000)

		rep, err := e.app.Payments.Reconcile(ctx, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range rep.Mismatches {
			got[m.Ref] = m.Kind
		}
		want := map[string]string{hereOnly.Ref: payment.PaidHereOnly, differs.Ref: payment.AmountDiffers,
			lost.Ref: payment.GatewayOnly, "XX0001": payment.GatewayOnly}
		if len(got) != len(want) || rep.Matched != 1 || rep.Here != 3 || rep.There != 4 {
			t.Fatalf("report %+v", rep)
		}
		for ref, kind := range want {
			if got[ref] != kind {
				t.Errorf("%s: %q, want %q", ref, got[ref], kind)
			}
		}
		var out strings.Builder
		payment.WriteReport(&out, rep)
		for _, s := range []string{"khớp 1, lệch 4", "Lệch số tiền", "12.000 đ", "Cổng có, motcua chưa ghi nhận", "Đang chờ xác nhận thanh toán"} {
			if !strings.Contains(out.String(), s) {
				t.Errorf("printed report lacks %q:\n%s", s, out.String())
			}
		}
		other, _ := e.app.Payments.Reconcile(ctx, e.clock.Now().AddDate(0, 0, -1))
		if other.Here != 0 || other.There != 0 || len(other.Mismatches) != 0 {
			t.Fatalf("the day before: %+v", other)
		}
	})
}

// TestSimulatorOnTheSameServer is the demo's set-up: the simulator under
// /_sim/vnpay/ of motcua's own server, reached by the address the browser
// used; its buttons work for a signed-in citizen (they are outside the
// session's CSRF check, as VNPAY's own site is).
func TestSimulatorOnTheSameServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, ict)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	sim := vnpaysim.New(vnpaysim.Config{TmnCode: vnpaysim.DemoTmnCode, HashSecret: vnpaysim.DemoHashSecret,
		IPNURL: "/api/v1/payments/vnpay/ipn", Now: c.Now, Log: quiet})
	servertest.Prepare(t, db)
	app, err := server.New(ctx, db, server.Config{DataDir: t.TempDir(), Log: quiet, AuthParams: testParams, Now: c.Now, PublicURL: base,
		Payment: server.PaymentConfig{VNPaySimulator: sim, VNPay: payment.VNPayConfig{TmnCode: vnpaysim.DemoTmnCode,
			HashSecret: vnpaysim.DemoHashSecret, URL: server.VNPaySimulatorPath + "/paymentv2/vpcpay.html",
			APIURL: base + server.VNPaySimulatorPath + "/merchant_webapi/api/transaction"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = app.Handler
	srv.Start()
	defer srv.Close()
	e := &env{t: t, app: app, srv: srv, clock: c, tokens: map[string]string{}}
	d := e.submit("2.000884", demo.GiaLamCode)

	citizen := e.portalVisitor(t, "")
	citizen.login("congdan")
	pay := citizen.get("/ho-so/" + d.Code + "/thanh-toan")
	atGateway := citizen.post("/ho-so/"+d.Code+"/thanh-toan", pay.formWith(t))
	if atGateway.url.Path != server.VNPaySimulatorPath+"/paymentv2/vpcpay.html" || !atGateway.has("10.000 VND") {
		t.Fatalf("not at the mounted simulator: %s", atGateway.url)
	}
	ref := atGateway.url.Query().Get("vnp_TxnRef")
	back := citizen.post(server.VNPaySimulatorPath+"/paymentv2/pay", url.Values{"ref": {ref}, "action": {"pay"}})
	if back.url.Path != "/thanh-toan/ket-qua" || !back.has("Thanh toán thành công") {
		t.Fatalf("back at %s (%d):\n%s", back.url, back.status, back.body)
	}
	rep, err := app.Payments.Reconcile(ctx, c.Now())
	if err != nil || rep.Matched != 1 || len(rep.Mismatches) != 0 {
		t.Fatalf("reconcile: %+v, %v", rep, err)
	}
}
