package sign_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// remote stands for a remote signing service: it holds the key and
// signs digests only, as signatures/signHash does.
type remote struct {
	key   *rsa.PrivateKey
	calls int
	fail  error
}

func (r *remote) SignHash(_ context.Context, digest []byte, h crypto.Hash) ([]byte, error) {
	r.calls++
	if r.fail != nil {
		return nil, r.fail
	}
	return rsa.SignPKCS1v15(rand.Reader, r.key, h, digest)
}

// TestExternalSignerAndLongTerm: the leader signs through a hash-only
// signer, the organisation seals, and the CRLs the CA publishes over
// HTTP go into a document security store. motcua's verifier and poppler
// (trusting the CA through an NSS database) accept both signatures;
// both are PAdES B-LT (time-stamped, with validation data).
func TestExternalSignerAndLongTerm(t *testing.T) {
	w := newWorld(t)
	ca := signtest.NewCA(t, "motcua Test CRL CA")
	ca.PublishCRL(t)
	tsa := signtest.NewTSA(t, ca)
	lk := signtest.RSAKey(t, 0)
	lcert := ca.Issue(t, lk.Public(), "Đặng Văn Quân", "UBND xã Gia Lâm", x509.ExtKeyUsageEmailProtection)
	if len(lcert.CRLDistributionPoints) != 1 {
		t.Fatal("the CA did not name its CRL in the certificate")
	}
	rs := &remote{key: lk}
	leader, err := sign.External(t.Context(), rs, []*x509.Certificate{lcert, ca.Cert})
	if err != nil {
		t.Fatal(err)
	}
	sk := signtest.RSAKey(t, 1)
	seal := &sign.Key{Signer: sk, Chain: []*x509.Certificate{ca.Issue(t, sk.Public(), "UBND xã Gia Lâm", "UBND xã Gia Lâm", x509.ExtKeyUsageEmailProtection), ca.Cert}}

	doc := signtest.PDF(signtest.PDFOptions{})
	popt := w.personal()
	popt.TSA = tsa.Client()
	doc = mustSign(t, doc, leader, popt)
	if rs.calls != 1 {
		t.Fatalf("the remote signer was called %d times, want 1", rs.calls)
	}
	sopt := w.sealOver()
	sopt.TSA = tsa.Client()
	doc = mustSign(t, doc, seal, sopt)
	signed := len(doc)
	doc, err = sign.LongTerm(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc) == signed || ca.CRLFetches() == 0 {
		t.Fatal("no validation data added")
	}
	if !bytes.Contains(doc[signed:], []byte("/DSS")) || !bytes.Contains(doc[signed:], []byte("/CRLs")) {
		t.Fatal("the update has no DSS with CRLs")
	}
	sigs, err := sign.Verify(doc, ca.Pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 || !sign.AllValid(sigs) {
		t.Fatalf("verify: %+v", sigs)
	}
	for _, s := range sigs {
		if s.Level != "PAdES B-LT" || !s.ValidationData {
			t.Errorf("%s: level %q, validation data %v; want PAdES B-LT", s.Signer, s.Level, s.ValidationData)
		}
	}
	nss := signtest.NSSDB(t, ca.Cert)
	rep := pdfsig(t, doc, "-nssdir", nss)
	for n := 1; n <= 2; n++ {
		rep.expect(t, n, map[string]string{"Signature Validation": "Signature is Valid.", "Certificate Validation": "Certificate is Trusted."})
	}

	// A revoked signer is not long-term validated.
	ca.Revoke(lcert)
	again, err := sign.LongTerm(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) == len(doc) {
		t.Fatal("no second store update")
	}
	sigs, _ = sign.Verify(again, ca.Pool())
	if len(sigs) != 2 || sigs[0].ValidationData || sigs[0].Level == "PAdES B-LT" || !sigs[1].ValidationData {
		t.Errorf("after revoking the leader: %+v", sigs)
	}
	// Revoked before its time-stamp: the document's own CRL says the key
	// was not to be trusted any more, so the signature is not valid.
	if len(sigs) != 2 || sigs[0].Valid || !slices.Contains(sigs[0].Problems, sign.ProblemRevoked) || !sigs[1].Valid {
		t.Errorf("a signer revoked before the time-stamp: %+v", sigs)
	}

	// A remote signer answering with a wrong value is refused before embedding.
	bad := &remote{key: signtest.RSAKey(t, 2)}
	k, _ := sign.External(t.Context(), bad, []*x509.Certificate{lcert, ca.Cert})
	if _, err := sign.Sign(t.Context(), signtest.PDF(signtest.PDFOptions{}), k, w.personal()); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("a signature by another key: %v", err)
	}
	failing := &remote{key: lk, fail: errors.New("service down")}
	k, _ = sign.External(t.Context(), failing, []*x509.Certificate{lcert, ca.Cert})
	if _, err := sign.Sign(t.Context(), signtest.PDF(signtest.PDFOptions{}), k, w.personal()); err == nil || !strings.Contains(err.Error(), "service down") {
		t.Errorf("a failing service: %v", err)
	}
}
