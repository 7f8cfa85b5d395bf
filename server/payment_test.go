package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPaidDossierEndToEnd: the desk asks for the fee of a certified copy
// from the office page, the citizen sees it in "Hồ sơ của tôi", pays at
// the (simulated) gateway, the gateway's IPN confirms it server to
// server, the citizen comes back to "paid" and opens the e-receipt.
func TestPaidDossierEndToEnd(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		code := e.receivedDossier("2.000815") // chứng thực bản sao: per page, tiered, capped

		// The fee depends on the pages: the citizen cannot pay before it is asked.
		if r := e.call("congdan", "POST", "/api/v1/dossiers/"+code+"/payments", nil, nil); r.status != 409 || r.errCode() != "nothing_to_pay" {
			t.Fatalf("paying before a request: %d %s", r.status, r.body)
		}

		// The desk: the office page prefills the counts the applicant declared
		// (2 pages, 2 copies), the officer corrects them to 5 pages and asks.
		desk := e.officeLogin("gialam.tiepnhan")
		if _, body, _ := desk.get("/can-bo/ho-so/" + code); !strings.Contains(body, `action="/can-bo/ho-so/`+code+`/thu-phi"`) {
			t.Fatal("the dossier page has no way to the fees")
		}
		_, body, _ := desk.get("/can-bo/ho-so/" + code + "/thu-phi")
		if !strings.Contains(body, `name="trang" min="1" max="10000" value="2"`) || !strings.Contains(body, "8.000 đ") {
			t.Fatalf("the fee page does not prefill 2 pages × 2 copies = 8.000 đ:\n%s", body)
		}
		_, body, _ = desk.get("/can-bo/ho-so/" + code + "/thu-phi?trang=5&ban=2")
		if !strings.Contains(body, "14.000 đ") || !strings.Contains(body, "Mười bốn nghìn đồng") {
			t.Fatal("recomputed fee for 5 pages × 2 copies is not 14.000 đ")
		}
		status, body, final := desk.post("/can-bo/ho-so/"+code+"/thu-phi", url.Values{"trang": {"5"}, "ban": {"2"}, "note": {"Bản chính 5 trang"}})
		if status != 200 || !strings.HasSuffix(final, "?da=yeu-cau") || !strings.Contains(body, "Đã gửi yêu cầu nộp phí") {
			t.Fatalf("request: %d at %s", status, final)
		}

		// The citizen is told (notification outbox) and sees it in "Hồ sơ của tôi".
		var told int
		db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'fee_requested'`).Scan(&told)
		if told == 0 {
			t.Error("the fee request notified nobody")
		}
		citizen := e.portalVisitor(t, "")
		citizen.login("congdan")
		mine := citizen.get("/ho-so-cua-toi")
		if !mine.has("Nộp phí, lệ phí 14.000 đ.") || !mine.has(`href="/ho-so/`+code+`/thanh-toan"`) {
			t.Fatalf("“Hồ sơ của tôi” does not ask for the fee:\n%s", mine.body)
		}
		pay := citizen.get("/ho-so/" + code + "/thanh-toan")
		pay.wellFormed(t, "vi")
		if !pay.has("Thanh toán trực tuyến qua VNPAY") || !pay.has("3 × 1.000 đ = 7.000 đ; × 2 bản") {
			t.Fatalf("payment page:\n%s", pay.body)
		}
		// The page's policy lets its form continue to the gateway, and only there.
		resp, err := citizen.c.Get(e.srv.URL + "/ho-so/" + code + "/thanh-toan")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+e.gw.URL+";") {
			t.Errorf("CSP does not allow the gateway as a form target: %s", csp)
		}

		// To the gateway: the POST lands on VNPAY's (simulated) page.
		atGateway := citizen.post("/ho-so/"+code+"/thanh-toan", pay.formWith(t))
		if atGateway.url.Host != strings.TrimPrefix(e.gw.URL, "http://") || !atGateway.has("14.000 VND") {
			t.Fatalf("not at the gateway: %s\n%s", atGateway.url, atGateway.body)
		}
		ref := atGateway.url.Query().Get("vnp_TxnRef")
		if p := e.payment(ref); p.State != "pending" || p.Amount != 14000 {
			t.Fatalf("before paying: %+v", p)
		}
		// "Thanh toán": the IPN reaches motcua, then the payer comes back.
		req, _ := http.NewRequest("POST", e.gw.URL+"/paymentv2/pay", strings.NewReader(url.Values{"ref": {ref}, "action": {"pay"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		back := citizen.do(req)
		if back.url.Path != "/thanh-toan/ket-qua" || !back.has("Thanh toán thành công") {
			t.Fatalf("return page at %s:\n%s", back.url, back.body)
		}
		back.wellFormed(t, "vi")
		if ipns := e.sim.IPNs(); len(ipns) != 1 || ipns[0].RspCode != "00" {
			t.Fatalf("IPNs %+v", ipns)
		}

		p := e.payment(ref)
		if p.State != "paid" || p.ReceiptNo != "0000001" || p.ReceiptSeries != "BL-26E" || p.GatewayTxn == "" || p.Gateway != "vnpay" {
			t.Fatalf("after the IPN: %+v", p)
		}
		if got := actions(p); got != "request start confirm" {
			t.Fatalf("history %q", got)
		}
		receipt := citizen.get("/ho-so/" + code + "/bien-lai/" + ref)
		receipt.wellFormed(t, "vi")
		for _, want := range []string{"Biên lai thu phí, lệ phí", "BL-26E", "0000001", "Nguyễn Văn An", "14.000 đ",
			"Mười bốn nghìn đồng", p.GatewayTxn, "UBND xã Gia Lâm"} {
			if !receipt.has(want) {
				t.Errorf("receipt lacks %q", want)
			}
		}
		if citizen.get("/ho-so-cua-toi").has("Nộp phí, lệ phí") {
			t.Error("a paid fee is still asked for")
		}
		// The desk sees it paid, with the receipt.
		if _, body, _ := desk.get("/can-bo/ho-so/" + code + "/thu-phi"); !strings.Contains(body, "Đã nộp phí") ||
			!strings.Contains(body, "/ho-so/"+code+"/bien-lai/"+ref) {
			t.Error("the office fee page does not show the payment paid with its receipt")
		}
	})
}

func actions(p paymentView) string {
	var out []string
	for _, h := range p.History {
		out = append(out, h.Action)
	}
	return strings.Join(out, " ")
}

// TestIPNRejectsAndAbsorbs sends the IPN address what VNPAY never should:
// forged signatures, a wrong amount, an unknown order, then the genuine
// IPN, its replay and a contradicting one out of order. Each is answered
// in VNPAY's words, and the payment changes exactly once.
func TestIPNRejectsAndAbsorbs(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		code := e.receivedDossier("2.000884") // chứng thực chữ ký: 10.000 đ, known without a request
		p := e.start(code)
		if p.Amount != 10000 {
			t.Fatalf("fixed fee %d", p.Amount)
		}
		e.sim.Hold(true) // keep the real IPN: the test delivers everything itself
		e.payAtGateway(p.PaymentURL, true)
		genuine := e.sim.Result(p.Ref)
		failure := e.sim.Sign(with(genuine, "vnp_ResponseCode", "24", "vnp_TransactionStatus", "02"))

		steps := []struct {
			name  string
			q     url.Values
			code  string
			state string
		}{
			{"amount changed after signing", with(genuine, "vnp_Amount", "100"), "97", "pending"},
			{"status changed after signing", with(failure, "vnp_ResponseCode", "00", "vnp_TransactionStatus", "00"), "97", "pending"},
			{"no signature", with(genuine, "vnp_SecureHash", ""), "97", "pending"},
			{"signed with another secret", with(genuine, "vnp_SecureHash", strings.Repeat("ab", 64)), "97", "pending"},
			{"wrong amount, validly signed", e.sim.Sign(with(genuine, "vnp_Amount", "100000")), "04", "pending"},
			{"unknown order", e.sim.Sign(with(genuine, "vnp_TxnRef", "MC99999999999")), "01", "pending"},
			{"the genuine IPN", genuine, "00", "paid"},
			{"the same IPN again", genuine, "02", "paid"},
			{"a failure for the same order, out of order", failure, "02", "paid"},
			{"wrong amount after payment", e.sim.Sign(with(genuine, "vnp_Amount", "100000")), "04", "paid"},
			{"forged after payment", with(failure, "vnp_SecureHash", ""), "97", "paid"},
		}
		for _, s := range steps {
			if code := e.ipn(s.q); code != s.code {
				t.Errorf("%s: RspCode %s, want %s", s.name, code, s.code)
			}
			if got := e.payment(p.Ref); got.State != s.state {
				t.Fatalf("%s: state %s, want %s", s.name, got.State, s.state)
			}
		}
		final := e.payment(p.Ref)
		if got := actions(final); got != "start confirm" {
			t.Fatalf("history %q: the payment changed more than once", got)
		}
		if final.ReceiptNo != "0000001" {
			t.Fatalf("receipt %q", final.ReceiptNo)
		}
		if n, ok := e.paid.Load(p.Ref); !ok || n.(*atomic.Int64).Load() != 1 {
			t.Fatalf("payment.FeePaid published %v times, want once", n)
		}
		// Every call is kept for whoever investigates (the unknown order under its own reference).
		if n := e.count("payment_callbacks", p.Ref); n != len(steps)-1 {
			t.Fatalf("%d callbacks kept, want %d", n, len(steps)-1)
		}
		// The real IPN, delivered late by the gateway, is absorbed too.
		if got := e.sim.Release(context.Background()); len(got) != 1 || got[0].RspCode != "02" {
			t.Fatalf("late genuine IPN: %+v", got)
		}
	})
}

// TestReturnAndIPNInEitherOrder: whether the payer comes back before the
// IPN or after it, the payment ends paid once; the return alone never
// marks it paid. A cancelled payment fails, and the citizen pays again
// with a new order.
func TestReturnAndIPNInEitherOrder(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		visitor := e.portalVisitor(t, "")
		visitor.login("congdan")
		for _, order := range []string{"IPN first", "return first"} {
			t.Run(order, func(t *testing.T) {
				code := e.receivedDossier("2.000884")
				p := e.start(code)
				e.sim.Hold(order == "return first")
				back := e.payAtGateway(p.PaymentURL, true)
				page := visitor.get(strings.TrimPrefix(back.String(), e.srv.URL))
				if order == "return first" {
					if !page.has("đang xác nhận") || e.payment(p.Ref).State != "pending" {
						t.Fatalf("before the IPN the return page must say “being confirmed” and change nothing:\n%s", page.body)
					}
					if got := e.sim.Release(context.Background()); len(got) != 1 || got[0].RspCode != "00" {
						t.Fatalf("IPN after the return: %+v", got)
					}
					page = visitor.get(strings.TrimPrefix(back.String(), e.srv.URL))
				}
				if !page.has("Thanh toán thành công") {
					t.Fatalf("return page after the IPN:\n%s", page.body)
				}
				// Coming back again (reload, back button) changes nothing.
				visitor.get(strings.TrimPrefix(back.String(), e.srv.URL))
				if got := e.payment(p.Ref); got.State != "paid" || actions(got) != "start confirm" {
					t.Fatalf("%s: %+v", order, got)
				}
			})
		}
		e.sim.Hold(false)

		t.Run("cancelled, then paid with a new order", func(t *testing.T) {
			code := e.receivedDossier("2.000884")
			first := e.start(code)
			back := e.payAtGateway(first.PaymentURL, false)
			if page := visitor.get(strings.TrimPrefix(back.String(), e.srv.URL)); !page.has("Bạn đã hủy giao dịch") {
				t.Fatalf("cancel page:\n%s", page.body)
			}
			if got := e.payment(first.Ref); got.State != "failed" {
				t.Fatalf("cancelled payment is %s", got.State)
			}
			if !visitor.get("/ho-so-cua-toi").has("Nộp phí, lệ phí 10.000 đ.") {
				t.Fatal("a failed payment is no longer asked for")
			}
			second := e.start(code)
			if second.Ref == first.Ref {
				t.Fatal("a retry reused the order's reference")
			}
			e.payAtGateway(second.PaymentURL, true)
			if got := e.payment(second.Ref); got.State != "paid" {
				t.Fatalf("retry: %+v", got)
			}
			// An order still payable is handed out again, not duplicated.
			code2 := e.receivedDossier("2.000884")
			a := e.start(code2)
			var again paymentView
			e.must(e.call("congdan", "POST", "/api/v1/dossiers/"+code2+"/payments", nil, &again), 200)
			if again.Ref != a.Ref || again.PaymentURL != a.PaymentURL {
				t.Fatalf("second start made %s, want the same order %s", again.Ref, a.Ref)
			}
		})
	})
}
