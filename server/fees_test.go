package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestFeeBeforeResult (issue 10, "Fees before the result"): a dossier
// whose fee is still owed is not delivered at the counter; the desk
// records the fee paid in cash with its receipt number, the e-receipt is
// issued as for an online payment, and the result is then delivered.
func TestFeeBeforeResult(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newPayEnv(t, db)
		code := e.receivedDossier("2.000815")
		var p paymentView
		e.must(e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+code+"/payment-requests", map[string]any{"pages": 5, "copies": 2}, &p), 201)
		e.processToResult(code)

		if _, r := e.act("gialam.tiepnhan", code, "deliver", nil); r.status != 409 || r.errCode() != "fee_unpaid" {
			t.Fatalf("delivery with the fee owed: %d %s", r.status, r.body)
		}
		// Only the receiving desk takes money, and says how and under which number.
		desk := "/api/v1/payments/" + p.Ref + "/desk"
		if r := e.call("gialam.tiepnhan", "POST", desk, map[string]any{"method": "cheque", "receipt_no": "1"}, nil); r.status != 422 || r.errCode() != "invalid_payment_method" {
			t.Fatalf("a cheque: %d %s", r.status, r.body)
		}
		if r := e.call("gialam.tiepnhan", "POST", desk, map[string]any{"method": "cash", "receipt_no": " "}, nil); r.status != 422 || r.errCode() != "invalid_desk_receipt" {
			t.Fatalf("no receipt number: %d %s", r.status, r.body)
		}
		if r := e.call("congdan", "POST", desk, map[string]any{"method": "cash", "receipt_no": "0042"}, nil); r.errCode() != "payment_not_permitted" {
			t.Fatalf("the citizen recording a desk payment: %d %s", r.status, r.body)
		}
		var paid paymentView
		e.must(e.call("gialam.tiepnhan", "POST", desk, map[string]any{"method": "cash", "receipt_no": "0042"}, &paid), 200)
		if paid.State != "paid" || paid.Gateway != "cash" || paid.GatewayTxn != "0042" || paid.ReceiptNo != "0000001" || paid.ReceiptSeries != "BL-26E" {
			t.Fatalf("after the desk payment: %+v", paid)
		}
		if got := actions(paid); got != "request desk" {
			t.Fatalf("history %q", got)
		}
		if r := e.call("gialam.tiepnhan", "POST", desk, map[string]any{"method": "pos", "receipt_no": "9"}, nil); r.status != 409 || r.errCode() != "invalid_transition" {
			t.Fatalf("paying twice: %d %s", r.status, r.body)
		}
		// The same e-receipt as online, for the citizen.
		citizen := e.portalVisitor(t, "")
		citizen.login("congdan")
		receipt := citizen.get("/ho-so/" + code + "/bien-lai/" + p.Ref)
		for _, want := range []string{"Biên lai thu phí, lệ phí", "BL-26E", "0000001", "14.000 đ"} {
			if !receipt.has(want) {
				t.Errorf("receipt lacks %q", want)
			}
		}
		// Audited: the payment_events row reached the audit log.
		var n int
		if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_entries WHERE action = 'payment_paid' AND object = ?`, "payment:"+p.Ref).Scan(&n); err != nil || n != 1 {
			t.Fatalf("audit entries for the desk payment: %d %v", n, err)
		}
		if d := e.mustAct("gialam.tiepnhan", code, "deliver", nil); d.Status != "delivered" {
			t.Fatalf("delivery after payment: %s", d.Status)
		}
	})
}

// TestFeeBeforeShipment (issue 10, "Fees before the result"): the result
// is not handed to the post while its fee is owed, and nothing is ordered
// from the post; once the desk records the payment, the shipment goes.
func TestFeeBeforeShipment(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e, sim := newPostalEnv(t, db, true)
		d := e.submitByPost(t)
		var p paymentView
		e.must(e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/payment-requests", map[string]any{}, &p), 201)
		ship := map[string]any{"receiver_name": "Nguyễn Văn An", "receiver_phone": "0912345678", "service": "express",
			"address": map[string]string{"province": demo.ProvinceCode, "commune": demo.GiaLamCode, "detail": "Thôn Tân Lập"}}
		if r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/shipment", ship, nil); r.status != 409 || r.errCode() != "fee_unpaid" {
			t.Fatalf("shipment with the fee owed: %d %s", r.status, r.body)
		}
		if n := len(sim.Shipments()); n != 0 {
			t.Fatalf("%d orders at the post for an unpaid result", n)
		}
		// This time through the office fee page's form.
		desk := e.officeLogin("gialam.tiepnhan")
		form := "/can-bo/ho-so/" + d.Code + "/thu-phi/" + p.Ref + "/tai-quay"
		if _, page, _ := desk.get("/can-bo/ho-so/" + d.Code + "/thu-phi"); !strings.Contains(page, `action="`+form+`"`) {
			t.Fatal("the fee page offers no desk payment")
		}
		status, page, final := desk.post(form, url.Values{"method": {"pos"}, "receipt_no": {"POS-778"}})
		if status != 200 || !strings.HasSuffix(final, "?da=tai-quay") || !strings.Contains(page, "Đã ghi nhận thu phí tại quầy") {
			t.Fatalf("desk payment from the page: %d at %s", status, final)
		}
		if r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/shipment", ship, nil); r.status != 201 && r.status != 200 {
			t.Fatalf("shipment after payment: %d %s", r.status, r.body)
		}
		if got := e.get("gialam.tiepnhan", d.Code); got.Status != "delivered" {
			t.Fatalf("after the hand-over: %s", got.Status)
		}
	})
}
