package csc_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/esign/cscsim"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// service starts the simulator as its own HTTP server, with one leader
// enrolled, and a client of it.
func service(t *testing.T) (*cscsim.Sim, *csc.Client, string) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sim, err := cscsim.New(cscsim.Config{ClientID: "motcua", ClientSecret: "s3cret", BaseURL: srv.URL + "/rs"})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/rs/", http.StripPrefix("/rs", sim))
	if _, err := sim.Enroll("quan.dv", "Đặng Văn Quân", "UBND xã Gia Lâm", "0912345678"); err != nil {
		t.Fatal(err)
	}
	c, err := csc.New(csc.Config{BaseURL: srv.URL + "/rs/csc/v2", ClientID: "motcua", ClientSecret: "s3cret", Lang: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	return sim, c, srv.URL
}

// TestClientAgainstSimulator walks the SCAL2 flow: list, info, sendOTP,
// authorize with a wrong then the right OTP, signHash; the signature
// verifies with the certificate credentials/info returned.
func TestClientAgainstSimulator(t *testing.T) {
	sim, c, _ := service(t)
	ctx := t.Context()
	info, err := c.Info(ctx)
	if err != nil || info.Specs[:1] != "2" || len(info.Methods) == 0 {
		t.Fatalf("info: %+v %v", info, err)
	}
	ids, err := c.List(ctx, "quan.dv")
	if err != nil || len(ids) != 1 {
		t.Fatalf("list: %v %v", ids, err)
	}
	if none, err := c.List(ctx, "nobody"); err != nil || len(none) != 0 {
		t.Fatalf("list of an unknown user: %v %v", none, err)
	}
	cred, chain, err := c.Credential(ctx, ids[0])
	if err != nil || len(chain) != 2 || cred.SCAL != "2" || cred.Auth.Mode != "explicit" || cred.Cert.Status != "valid" {
		t.Fatalf("info: %+v, %d certs, %v", cred, len(chain), err)
	}
	cert, err := x509.ParseCertificate(chain[0])
	if err != nil || cert.Subject.CommonName != "Đặng Văn Quân" {
		t.Fatalf("certificate: %v %v", cert, err)
	}
	if err := cert.CheckSignatureFrom(sim.CA()); err != nil {
		t.Fatal("the leader's certificate is not the simulator CA's:", err)
	}
	digest := sha256.Sum256([]byte("kết quả"))
	if _, err := c.Authorize(ctx, ids[0], "123456", crypto.SHA256, digest[:]); !csc.WrongOTP(err) {
		t.Fatalf("authorize before any OTP was sent: %v", err)
	}
	if err := c.SendOTP(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	otp := sim.LastOTP("quan.dv")
	if len(otp) != 6 {
		t.Fatalf("OTP %q", otp)
	}
	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}
	_, err = c.Authorize(ctx, ids[0], wrong, crypto.SHA256, digest[:])
	if !errors.Is(err, csc.ErrWrongOTP) {
		t.Fatalf("a wrong OTP: %v", err)
	}
	sad, err := c.Authorize(ctx, ids[0], otp, crypto.SHA256, digest[:])
	if err != nil || sad == "" {
		t.Fatalf("authorize: %q %v", sad, err)
	}
	// A repeated request (the answer was lost) gets the same SAD.
	if again, err := c.Authorize(ctx, ids[0], otp, crypto.SHA256, digest[:]); err != nil || again != sad {
		t.Fatalf("authorize again: %q %v, want %q", again, err, sad)
	}
	// The SAD is bound to the digest authorised (SCAL2).
	other := sha256.Sum256([]byte("khác"))
	if _, err := c.SignHash(ctx, ids[0], sad, csc.OIDRSA, crypto.SHA256, other[:]); err == nil {
		t.Fatal("signHash signed a digest the SAD does not cover")
	}
	// A 503 is retried once: the call still succeeds.
	sim.Fail("signatures/signHash", http.StatusServiceUnavailable, "temporarily_unavailable")
	sigs, err := c.SignHash(ctx, ids[0], sad, csc.OIDRSA, crypto.SHA256, digest[:])
	if err != nil || len(sigs) != 1 {
		t.Fatalf("signHash: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sigs[0]); err != nil {
		t.Fatal("the signature does not verify:", err)
	}
	if again, err := c.SignHash(ctx, ids[0], sad, csc.OIDRSA, crypto.SHA256, digest[:]); err != nil || string(again[0]) != string(sigs[0]) {
		t.Fatalf("signHash repeated: %v", err)
	}
	if n := sim.Signatures(); n != 1 {
		t.Errorf("the simulator signed %d hashes, want 1 (the repeat is answered from its record)", n)
	}
	// An error that is not transient is returned as it is.
	sim.Fail("credentials/info", http.StatusBadRequest, "invalid_request")
	var ce *csc.Error
	if _, _, err := c.Credential(ctx, ids[0]); !errors.As(err, &ce) || ce.Status != 400 {
		t.Fatalf("injected 400: %v", err)
	}
}

// TestClientTokenDropped: the service forgets motcua's token before its
// announced expiry. The next call, sendOTP included, gets a new token and
// goes through once: one OTP is sent.
func TestClientTokenDropped(t *testing.T) {
	sim, c, _ := service(t)
	ids, err := c.List(t.Context(), "quan.dv")
	if err != nil || len(ids) != 1 {
		t.Fatalf("list: %v %v", ids, err)
	}
	sim.Fail("credentials/sendOTP", http.StatusUnauthorized, "invalid_token")
	if err := c.SendOTP(t.Context(), ids[0]); err != nil {
		t.Fatal("sendOTP after the token was dropped:", err)
	}
	if n := len(sim.Sent()); n != 1 {
		t.Fatalf("%d OTPs sent, want 1", n)
	}
	// A 5xx is not retried for sendOTP: the SMS may have gone out.
	sim.Fail("credentials/sendOTP", http.StatusServiceUnavailable, "temporarily_unavailable")
	if err := c.SendOTP(t.Context(), ids[0]); err == nil {
		t.Fatal("a failed sendOTP was retried")
	}
	if n := len(sim.Sent()); n != 1 {
		t.Fatalf("%d OTPs sent, want 1", n)
	}
}

// TestClientNeedsHTTPS: the secret and the OTPs never go over plain
// http, except to the simulator on a loopback address.
func TestClientNeedsHTTPS(t *testing.T) {
	for _, tt := range []struct {
		base, token string
		ok          bool
	}{
		{"https://rs.example.vn/csc/v2", "", true},
		{"http://127.0.0.1:8080/_sim/csc/csc/v2", "", true},
		{"http://localhost:8080/_sim/csc/csc/v2", "", true},
		{"http://[::1]:8080/csc/v2", "", true},
		{"http://rs.example.vn/csc/v2", "", false},
		{"http://10.0.0.5/csc/v2", "", false},
		{"https://rs.example.vn/csc/v2", "http://id.example.vn/oauth2/token", false},
		{"ftp://rs.example.vn/csc/v2", "", false},
	} {
		_, err := csc.New(csc.Config{BaseURL: tt.base, TokenURL: tt.token, ClientID: "motcua", ClientSecret: "s3cret"})
		if (err == nil) != tt.ok {
			t.Errorf("%s %s: %v, want ok %v", tt.base, tt.token, err, tt.ok)
		}
	}
}

func TestClientCredentialsRefused(t *testing.T) {
	_, c, url := service(t)
	bad, _ := csc.New(csc.Config{BaseURL: url + "/rs/csc/v2", ClientID: "motcua", ClientSecret: "wrong"})
	if _, err := bad.List(t.Context(), "quan.dv"); err == nil {
		t.Fatal("a wrong client secret was accepted")
	}
	if _, err := c.List(t.Context(), "quan.dv"); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteSignedPDF signs a PDF through sign.External with a csc.Signer:
// the document verifies, and the OTP cannot be used twice.
func TestRemoteSignedPDF(t *testing.T) {
	sim, c, _ := service(t)
	ctx := t.Context()
	ids, _ := c.List(ctx, "quan.dv")
	_, chainDER, err := c.Credential(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	var chain []*x509.Certificate
	for _, der := range chainDER {
		cert, _ := x509.ParseCertificate(der)
		chain = append(chain, cert)
	}
	if err := c.SendOTP(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	s := &csc.Signer{Client: c, CredentialID: ids[0], OTP: sim.LastOTP("quan.dv"), Cert: chain[0]}
	key, err := sign.External(ctx, s, chain)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sign.Sign(ctx, signtest.PDF(signtest.PDFOptions{}), key, sign.Options{Reason: "Phê duyệt"})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(sim.CA())
	sigs, err := sign.Verify(doc, pool)
	if err != nil || !sign.AllValid(sigs) || sigs[0].Signer != "Đặng Văn Quân" {
		t.Fatalf("verify: %+v %v", sigs, err)
	}
	if _, err := s.SignHash(ctx, make([]byte, 32), crypto.SHA256); err == nil {
		t.Fatal("one OTP signed twice")
	}
}
