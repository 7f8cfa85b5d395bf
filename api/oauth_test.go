package api

import (
	"testing"

	"github.com/motcua/motcua/auth"
)

// Every route's operation for a system account, spelt out: a new route
// stays closed to clients until it is added here and to ClientOp.
func TestClientOps(t *testing.T) {
	want := map[string]string{
		"GET /api/v1/dossiers/{code}":                   auth.OpDossiersRead,
		"POST /api/v1/dossiers":                         auth.OpDossiersWrite,
		"POST /api/v1/dossiers/{code}/actions/{action}": auth.OpDossiersWrite,
		"GET /api/v1/dossiers/{code}/payments":          auth.OpPaymentsRead,
		"POST /api/v1/dossiers/{code}/payment-requests": auth.OpPaymentsWrite,
		"POST /api/v1/payments/{ref}/refund":            auth.OpPaymentsWrite,
		"GET /api/v1/units/{code}/tracking-book":        auth.OpDossiersRead,
		"GET /api/v1/reports/ii06a":                     auth.OpReportsRead,
		"GET /api/v1/events":                            auth.OpEventsRead,
		"GET /api/v1/procedures/{code}":                 "",
		"POST /api/v1/oauth/token":                      "",
	}
	closed := []string{"GET /api/v1/me", "POST /api/v1/auth/token", "GET /api/v1/audit", "PUT /api/v1/procedures/{code}",
		"GET /api/v1/payments/vnpay/ipn", "POST /api/v1/calendar/announcements", "GET /api/v1/ratings", "POST /api/v1/reports/x"}
	for p, op := range want {
		if got, ok := ClientOp(p); !ok || got != op {
			t.Errorf("%s: %q %v, want %q", p, got, ok, op)
		}
	}
	for _, p := range closed {
		if got, ok := ClientOp(p); ok {
			t.Errorf("%s is open to clients (%q)", p, got)
		}
	}
}
