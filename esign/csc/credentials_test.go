package csc_test

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/esign/cscsim"
)

// TestCredentialsInOneCall: Credentials asks credentials/list with
// credInfo and gets each credential's chain in the same answer, one call;
// against a service that ignores credInfo (answers the IDs alone) it asks
// credentials/info for each, and the chain is the same. An unknown user
// has none, in one call.
func TestCredentialsInOneCall(t *testing.T) {
	for _, c := range []struct {
		name     string
		credInfo bool // the service honours credInfo
		calls    []string
	}{
		{"credInfo honoured", true, []string{"credentials/list"}},
		{"credInfo ignored", false, []string{"credentials/list", "credentials/info"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sim, err := cscsim.New(cscsim.Config{ClientID: "motcua", ClientSecret: "s3cret"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sim.Enroll("quan.dv", "Đặng Văn Quân", "UBND xã Gia Lâm", "0912345678"); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var calls []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				method, ok := strings.CutPrefix(r.URL.Path, "/csc/v2/")
				if ok {
					mu.Lock()
					calls = append(calls, method)
					mu.Unlock()
				}
				if ok && method == "credentials/list" && !c.credInfo {
					// An older service: the request's credInfo is dropped.
					var in map[string]any
					body, _ := io.ReadAll(r.Body)
					json.Unmarshal(body, &in)
					delete(in, "credInfo")
					body, _ = json.Marshal(in)
					r.Body = io.NopCloser(bytes.NewReader(body))
				}
				sim.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			client, err := csc.New(csc.Config{BaseURL: srv.URL + "/csc/v2", ClientID: "motcua", ClientSecret: "s3cret"})
			if err != nil {
				t.Fatal(err)
			}
			creds, err := client.Credentials(t.Context(), "quan.dv")
			if err != nil || len(creds) != 1 || creds[0].ID == "" || creds[0].SCAL != "2" {
				t.Fatalf("credentials: %+v %v", creds, err)
			}
			chain, err := creds[0].Chain()
			if err != nil || len(chain) != 2 {
				t.Fatalf("chain: %d certificates, %v", len(chain), err)
			}
			cert, err := x509.ParseCertificate(chain[0])
			if err != nil || cert.Subject.CommonName != "Đặng Văn Quân" || !cert.Equal(sim.Certificate(creds[0].ID)) {
				t.Fatalf("the credential's certificate: %v %v", cert, err)
			}
			if strings.Join(calls, " ") != strings.Join(c.calls, " ") {
				t.Fatalf("calls %v, want %v", calls, c.calls)
			}
			calls = nil
			if none, err := client.Credentials(t.Context(), "nobody"); err != nil || len(none) != 0 || len(calls) != 1 {
				t.Fatalf("an unknown user: %v %v, calls %v", none, err, calls)
			}
		})
	}
}
