package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/payment/vnpaysim"
)

// TestPaymentsReconcile runs `motcua payments reconcile` against a
// simulated gateway: a clean day prints the summary and succeeds; a day
// with a transaction motcua never ordered lists it and fails (for cron).
// The kinds of mismatch are covered in server/payment_rules_test.go.
func TestPaymentsReconcile(t *testing.T) {
	day := time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	sim := vnpaysim.New(vnpaysim.Config{TmnCode: "CLI00001", HashSecret: "CLISECRET", Now: func() time.Time { return day }})
	gw := httptest.NewServer(sim.Handler())
	defer gw.Close()
	dir := t.TempDir()
	flags := []string{"--data", dir, "--vnpay-tmn-code", "CLI00001", "--vnpay-hash-secret", "CLISECRET",
		"--vnpay-url", gw.URL + "/paymentv2/vpcpay.html"}
	reconcile := func(extra ...string) (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), append(append([]string{"payments", "reconcile"}, flags...), extra...), strings.NewReader(""), &out, &out)
		return out.String(), err
	}

	out, err := reconcile("--date", "2026-03-02")
	if err != nil || !strings.Contains(out, "Đối soát VNPAY ngày 2026-03-02: motcua 0 giao dịch, cổng 0, khớp 0, lệch 0") {
		t.Fatalf("clean day: %v\n%s", err, out)
	}
	sim.AddPaid("XX0001", 5000)
	out, err = reconcile("--date", "2026-03-02")
	if err == nil || !strings.Contains(err.Error(), "1 mismatch") || !strings.Contains(out, "XX0001") || !strings.Contains(out, "5.000 đ") {
		t.Fatalf("day with a foreign transaction: %v\n%s", err, out)
	}
	if _, err := reconcile("--date", "2.3.2026"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Fatalf("bad date: %v", err)
	}
	var out2 bytes.Buffer
	if err := run(t.Context(), []string{"payments", "reconcile", "--data", dir, "--date", "2026-03-02"}, strings.NewReader(""), &out2, &out2); err == nil ||
		!strings.Contains(err.Error(), "no gateway") {
		t.Fatalf("without a gateway: %v", err)
	}
}
