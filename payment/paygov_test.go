package payment_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/payment"
)

// fakePayGov is a tiny PayGov as payment/paygov.go assumes it, with its
// own checksum code.
type fakePayGov struct {
	partner, secret string
	breakChecksum   bool
}

func (f *fakePayGov) sum(fields ...string) string {
	m := hmac.New(sha256.New, []byte(f.secret))
	m.Write([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(m.Sum(nil))
}

func (f *fakePayGov) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/payments":
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		amount, _ := json.Marshal(in["amount"])
		if in["checksum"] != f.sum(f.partner, in["transactionCode"].(string), string(amount), in["createdAt"].(string), in["expiredAt"].(string)) {
			json.NewEncoder(w).Encode(map[string]string{"code": "97", "message": "checksum"})
			return
		}
		pay := "https://paygov.example/pay/" + in["transactionCode"].(string)
		sum := f.sum(f.partner, in["transactionCode"].(string), pay)
		if f.breakChecksum {
			sum = f.sum("x")
		}
		json.NewEncoder(w).Encode(map[string]string{"code": "00", "transactionCode": in["transactionCode"].(string),
			"paymentUrl": pay, "checksum": sum})
	case "/transactions":
		q := r.URL.Query()
		if q.Get("checksum") != f.sum(f.partner, q.Get("date")) {
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"code": "97"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"code": "00", "date": q.Get("date"),
			"transactions": []map[string]any{
				{"transactionCode": "MC26030200001", "paygovTransactionId": "PG1", "amount": 10000, "status": "SUCCESS", "paidAt": "2026-03-02T09:05:12+07:00"},
				{"transactionCode": "MC26030200002", "paygovTransactionId": "PG2", "amount": 8000, "status": "FAILED", "paidAt": "2026-03-02T10:00:00+07:00"},
			},
			"checksum": f.sum(f.partner, q.Get("date"), "MC26030200001,PG1,10000,SUCCESS,2026-03-02T09:05:12+07:00",
				"MC26030200002,PG2,8000,FAILED,2026-03-02T10:00:00+07:00")})
	default:
		http.NotFound(w, r)
	}
}

func TestPayGovAdapterAgainstAFake(t *testing.T) {
	fake := &fakePayGov{partner: "UBNDNQ", secret: "paygov-secret"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	g, err := payment.NewPayGov(payment.PayGovConfig{PartnerCode: "UBNDNQ", SecretKey: "paygov-secret", BaseURL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, ict)
	order := payment.Order{Ref: "MC26030200001", Amount: 10000, Info: "Nop phi", ReturnURL: "https://motcua.example.vn/thanh-toan/ket-qua",
		CreatedAt: now, ExpiresAt: now.Add(15 * time.Minute)}

	t.Run("create an order", func(t *testing.T) {
		u, err := g.PaymentURL(ctx, order)
		if err != nil || u != "https://paygov.example/pay/MC26030200001" {
			t.Fatalf("%q, %v", u, err)
		}
		fake.breakChecksum = true
		defer func() { fake.breakChecksum = false }()
		if _, err := g.PaymentURL(ctx, order); !errors.Is(err, payment.ErrBadSignature) {
			t.Fatalf("a forged answer was accepted: %v", err)
		}
	})

	t.Run("callbacks", func(t *testing.T) {
		body := func(status, sum string) []byte {
			if sum == "" {
				sum = fake.sum("UBNDNQ", "MC26030200001", "PG1", "10000", status, "2026-03-02T09:05:12+07:00")
			}
			b, _ := json.Marshal(map[string]any{"partnerCode": "UBNDNQ", "transactionCode": "MC26030200001",
				"paygovTransactionId": "PG1", "amount": 10000, "status": status, "bankCode": "VCB",
				"paidAt": "2026-03-02T09:05:12+07:00", "checksum": sum})
			return b
		}
		res, err := g.VerifyCallback(payment.Callback{Body: body("SUCCESS", "")})
		if err != nil || !res.Success || res.Amount != 10000 || res.GatewayTxn != "PG1" || res.Ref != "MC26030200001" {
			t.Fatalf("%+v, %v", res, err)
		}
		res, err = g.VerifyCallback(payment.Callback{Body: body("FAILED", "")})
		if err != nil || res.Success {
			t.Fatalf("failure read as %+v, %v", res, err)
		}
		forged := body("SUCCESS", fake.sum("UBNDNQ", "MC26030200001", "PG1", "10000", "FAILED", "2026-03-02T09:05:12+07:00"))
		if _, err := g.VerifyCallback(payment.Callback{Body: forged}); !errors.Is(err, payment.ErrBadSignature) {
			t.Fatalf("forged callback: %v", err)
		}
		if _, err := g.VerifyCallback(payment.Callback{Body: []byte("{")}); !errors.Is(err, payment.ErrBadSignature) {
			t.Fatalf("broken JSON: %v", err)
		}
		if got := payment.PayGovReply(payment.AlreadyConfirmed); got.Code != "02" {
			t.Fatalf("reply %+v", got)
		}
	})

	t.Run("the day's transactions", func(t *testing.T) {
		txns, err := g.Transactions(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(txns) != 2 || !txns[0].Success || txns[1].Success || txns[0].Amount != 10000 || txns[0].GatewayTxn != "PG1" {
			t.Fatalf("%+v", txns)
		}
	})
}
