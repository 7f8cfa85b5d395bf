package api

import (
	"encoding/json"
	"slices"
	"strings"
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

// The document says which operations a system account may call, and with
// which scope, exactly as ClientOp decides: an operation a client reaches
// with a scope lists {"oauth2": [scope]} beside the bearer token.
func TestOpenAPIClientScopes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	b, err := openapiFS.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, rt := range (&Server{}).Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		o, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			continue // the route coverage test reports it
		}
		var got []string
		for _, req := range o.Security {
			if s, ok := req["oauth2"]; ok {
				got = append(got, s...)
			}
		}
		op, open := ClientOp(rt.Pattern)
		var want []string
		if open && op != "" {
			want = []string{op}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: oauth2 scopes %v in the document, %v by ClientOp", rt.Pattern, got, want)
		}
	}
}
