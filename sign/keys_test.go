package sign_test

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// TestSoftHSM signs a result document the way officials do, with keys on
// a PKCS#11 token: the leader's key and the organisation's seal key on
// one SoftHSM2 token, each chosen by label or id, the PIN given at login.
// poppler accepts both signatures and the document as unmodified.
func TestSoftHSM(t *testing.T) {
	w := newWorld(t)
	tok := signtest.SoftHSM(t, "UBND Gia Lam")
	leaderKey, sealKey := signtest.RSAKey(t, 0), signtest.RSAKey(t, 1)
	tok.Import(t, leaderKey, w.leader.Chain[0], "leader", []byte{0x01})
	tok.Import(t, sealKey, w.seal.Chain[0], "seal", []byte{0x02})

	open := func(cfg sign.PKCS11Config) (*sign.Key, error) {
		cfg.Module, cfg.TokenLabel = tok.Module, tok.Label
		return sign.OpenPKCS11(cfg)
	}
	if _, err := open(sign.PKCS11Config{PIN: "0000", KeyLabel: "leader"}); err == nil {
		t.Fatal("wrong PIN accepted")
	}
	if _, err := open(sign.PKCS11Config{PIN: tok.PIN}); err == nil || !strings.Contains(err.Error(), "2 key pairs") {
		t.Fatalf("ambiguous key: %v", err)
	}
	if _, err := open(sign.PKCS11Config{PIN: tok.PIN, KeyLabel: "nobody"}); err == nil {
		t.Fatal("unknown key label accepted")
	}

	leader, err := open(sign.PKCS11Config{PIN: tok.PIN, KeyLabel: "leader", Certs: []*x509.Certificate{w.ca.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer leader.Close()
	if len(leader.Chain) != 2 || !leader.Chain[0].Equal(w.leader.Chain[0]) {
		t.Fatalf("the token's certificate was not found: %v", leader.Chain)
	}
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{Pages: 2}), leader, w.personal())

	seal, err := open(sign.PKCS11Config{PIN: tok.PIN, KeyID: []byte{0x02}, Certs: []*x509.Certificate{w.ca.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer seal.Close()
	doc = mustSign(t, doc, seal, w.sealOver())

	sigs, err := sign.Verify(doc, w.ca.Pool())
	if err != nil || !sign.AllValid(sigs) || len(sigs) != 2 {
		t.Fatalf("%+v %v", sigs, err)
	}
	rep := pdfsig(t, doc, "-nocert")
	rep.expect(t, 1, map[string]string{"Signer Certificate Common Name": "Đặng Văn Quân", "Signature Validation": "Signature is Valid.", "Not total document signed": ""})
	rep.expect(t, 2, map[string]string{"Signer Certificate Common Name": "UBND xã Gia Lâm", "Signature Validation": "Signature is Valid.", "Total document signed": ""})
}

// TestPKCS12 signs with a key from a .p12 file.
func TestPKCS12(t *testing.T) {
	w := newWorld(t)
	p12 := signtest.P12(t, w.seal, "mật khẩu")
	if _, err := sign.OpenPKCS12(p12, "sai"); err == nil || !strings.Contains(err.Error(), "wrong PKCS#12 password") {
		t.Fatalf("wrong password: %v", err)
	}
	k, err := sign.OpenPKCS12(p12, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Chain) != 2 || !k.Chain[1].Equal(w.ca.Cert) {
		t.Fatalf("chain %v", k.Chain)
	}
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), k, sign.Options{Appearance: sign.Appearance{Kind: sign.SealText, Lines: []string{"Số: 15/QĐ-UBND"}}})

	// A certificate that is not the key's is refused before signing.
	wrong := &sign.Key{Signer: k.Signer, Chain: w.leader.Chain}
	if _, err := sign.Sign(t.Context(), doc, wrong, sign.Options{}); err == nil || !strings.Contains(err.Error(), "not the key's") {
		t.Fatalf("mismatched certificate: %v", err)
	}
	sigs, err := sign.Verify(doc, w.ca.Pool())
	if err != nil || !sign.AllValid(sigs) {
		t.Fatalf("%+v %v", sigs, err)
	}
	pdfsig(t, doc, "-nocert").expect(t, 1, map[string]string{"Signature Validation": "Signature is Valid.", "Total document signed": ""})
}

// TestTrustList: a chain that reaches the configured trust list is
// trusted; a signature from another CA is reported untrusted (and so not
// valid); without a trust list, trust is not judged.
func TestTrustList(t *testing.T) {
	w := newWorld(t)
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.leader, w.personal())
	other := signtest.NewCA(t, "Some Other CA")
	both, err := sign.TrustPool(append(other.PEM(), w.ca.PEM()...))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name                    string
		trust                   *x509.CertPool
		checked, trusted, valid bool
	}{
		{"own CA", w.ca.Pool(), true, true, true},
		{"bundle with own CA", both, true, true, true},
		{"unknown CA", other.Pool(), true, false, false},
		{"no trust list", nil, false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sigs, err := sign.Verify(doc, c.trust)
			if err != nil || len(sigs) != 1 {
				t.Fatal(sigs, err)
			}
			s := sigs[0]
			if s.TrustChecked != c.checked || s.Trusted != c.trusted || s.Valid != c.valid || !s.Intact {
				t.Errorf("checked %v trusted %v valid %v intact %v, problems %v", s.TrustChecked, s.Trusted, s.Valid, s.Intact, s.Problems)
			}
		})
	}
	// poppler with an NSS database that trusts the test CA agrees.
	certutil := signtest.Require(t, "certutil", "libnss3-tools")
	nss := t.TempDir()
	run(t, certutil, "-N", "-d", "sql:"+nss, "--empty-password")
	run(t, certutil, "-A", "-d", "sql:"+nss, "-n", "motcua test", "-t", "C,C,C", "-i", writeTemp(t, "ca.pem", w.ca.PEM()))
	pdfsig(t, doc, "-nssdir", "sql:"+nss).expect(t, 1, map[string]string{"Certificate Validation": "Certificate is Trusted."})
	pdfsig(t, doc).expect(t, 1, map[string]string{"Certificate Validation": "Certificate issuer isn't Trusted."})
}
