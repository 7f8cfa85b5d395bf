package cscsim_test

import (
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/esign/cscsim"
)

// TestSimulatorPagesAndCRL: the OTP page shows what was sent, the CRL is
// the CA's and lists a revoked credential, faults can be set over HTTP,
// and the API refuses calls without a token.
func TestSimulatorPagesAndCRL(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	sim, err := cscsim.New(cscsim.Config{ClientID: "c", ClientSecret: "s", BaseURL: srv.URL + "/sim"})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/sim/", http.StripPrefix("/sim", sim))
	id, err := sim.Enroll("u1", "Trần Văn Bình", "UBND xã X", "0900000000")
	if err != nil {
		t.Fatal(err)
	}
	cert := sim.Certificate(id)
	if len(cert.CRLDistributionPoints) != 1 || cert.CRLDistributionPoints[0] != srv.URL+"/sim/crl" {
		t.Fatalf("CRL distribution points %v", cert.CRLDistributionPoints)
	}
	get := func(path string) (int, []byte) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if err := sim.Revoke(id); err != nil {
		t.Fatal(err)
	}
	_, der := get("/sim/crl")
	crl, err := x509.ParseRevocationList(der)
	if err != nil || crl.CheckSignatureFrom(sim.CA()) != nil || len(crl.RevokedCertificateEntries) != 1 ||
		crl.RevokedCertificateEntries[0].SerialNumber.Cmp(cert.SerialNumber) != 0 {
		t.Fatalf("CRL: %v %+v", err, crl)
	}
	// Without a bearer token the API answers 401 invalid_token.
	resp, err := http.Post(srv.URL+"/sim/csc/v2/credentials/sendOTP", "application/json", strings.NewReader(`{"credentialID":"`+id+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || sim.LastOTP("u1") != "" {
		t.Fatalf("sendOTP without a token: %d", resp.StatusCode)
	}
	// A fault set from the page applies to the next call.
	resp, err = http.PostForm(srv.URL+"/sim/fail", url.Values{"method": {"oauth2/token"}, "status": {"503"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.PostForm(srv.URL+"/sim/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"c"}, "client_secret": {"s"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("injected fault: %d", resp.StatusCode)
	}
	status, page := get("/sim/")
	if status != 200 || !strings.Contains(string(page), "Chưa gửi mã nào") {
		t.Fatalf("page: %d %s", status, page)
	}
}
