package sign_test

import (
	"bytes"
	"crypto/x509"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// ocspWorld: a CA that publishes an OCSP responder (and a CRL when crl),
// its time-stamp authority, and a leader and a seal certified after the
// responder was published (their certificates name it).
type ocspWorld struct {
	*world
	ca     *signtest.CA
	resp   *signtest.OCSPResponder
	tsa    *signtest.TSA
	leader *sign.Key
	seal   *sign.Key
}

func newOCSPWorld(t *testing.T, crl bool) *ocspWorld {
	t.Helper()
	ca := signtest.NewCA(t, "motcua Test OCSP CA")
	if crl {
		ca.PublishCRL(t)
	}
	o := &ocspWorld{world: newWorld(t), ca: ca, resp: ca.PublishOCSP(t)}
	o.tsa = signtest.NewTSA(t, ca)
	o.leader = ca.Signer(t, 0, "Đặng Văn Quân", "UBND xã Gia Lâm")
	o.seal = ca.Signer(t, 1, "UBND xã Gia Lâm", "UBND xã Gia Lâm")
	if got := o.leader.Chain[0].OCSPServer; len(got) != 1 || got[0] != o.resp.URL {
		t.Fatalf("the leader's certificate names OCSP %v, want %s", got, o.resp.URL)
	}
	return o
}

// signed is a document the leader signed and the seal sealed, both
// time-stamped (PAdES B-T).
func (o *ocspWorld) signed(t *testing.T) []byte {
	t.Helper()
	popt, sopt := o.personal(), o.sealOver()
	popt.TSA, sopt.TSA = o.tsa.Client(), o.tsa.Client()
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), o.leader, popt)
	return mustSign(t, doc, o.seal, sopt)
}

func levels(sigs []sign.SignatureInfo) []string {
	var out []string
	for _, s := range sigs {
		out = append(out, s.Level)
	}
	return out
}

// TestOCSPLongTerm: a CA that publishes only an OCSP responder. LongTerm
// asks it about the leader, the seal and the time-stamp authority and
// stores the responses in /OCSPs (no CRLs); motcua's verifier and pdfsig
// (trusting the CA) accept both signatures, both PAdES B-LT. Once the CA
// revokes the leader, a second LongTerm stores the revoked answer and
// the leader's signature is invalid (revoked before its time-stamp) while
// the seal stays B-LT.
func TestOCSPLongTerm(t *testing.T) {
	o := newOCSPWorld(t, false)
	doc := o.signed(t)
	signed := len(doc)
	doc, err := sign.LongTerm(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Leader, seal and the TSA's certificate (once per time-stamp token
	// chain, asked once each).
	if n := o.resp.Fetches(); n != 3 {
		t.Errorf("%d OCSP requests, want 3 (leader, seal, time-stamp authority)", n)
	}
	upd := doc[signed:]
	if !bytes.Contains(upd, []byte("/OCSPs")) || bytes.Contains(upd, []byte("/CRLs")) {
		t.Fatalf("the update has no /OCSPs, or has /CRLs:\n%.600s", upd)
	}
	sigs, err := sign.Verify(doc, o.ca.Pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 || !sign.AllValid(sigs) || !slices.Equal(levels(sigs), []string{"PAdES B-LT", "PAdES B-LT"}) {
		t.Fatalf("verify: %+v", sigs)
	}
	nss := signtest.NSSDB(t, o.ca.Cert)
	rep := pdfsig(t, doc, "-nssdir", nss)
	for n := 1; n <= 2; n++ {
		rep.expect(t, n, map[string]string{"Signature Validation": "Signature is Valid.", "Certificate Validation": "Certificate is Trusted."})
	}

	o.ca.Revoke(o.leader.Chain[0])
	again, err := sign.LongTerm(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	sigs, _ = sign.Verify(again, o.ca.Pool())
	if len(sigs) != 2 || sigs[0].Valid || !slices.Contains(sigs[0].Problems, sign.ProblemRevoked) || sigs[0].ValidationData || sigs[0].Level == "PAdES B-LT" {
		t.Errorf("a leader revoked over OCSP before the time-stamp: %+v", sigs)
	}
	if len(sigs) == 2 && (!sigs[1].Valid || sigs[1].Level != "PAdES B-LT") {
		t.Errorf("the seal after the leader's revocation: %+v", sigs[1])
	}
}

// TestOCSPDelegatedResponder: the answer is signed by a responder
// certificate the CA issued for OCSP signing; it is accepted and that
// certificate goes into the store's /Certs.
func TestOCSPDelegatedResponder(t *testing.T) {
	o := newOCSPWorld(t, false)
	o.resp.SetMode(signtest.OCSPDelegated)
	doc := o.signed(t)
	v, err := sign.CollectValidation(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.OCSPs) != 3 || len(v.CRLs) != 0 {
		t.Fatalf("%d OCSP responses, %d CRLs; want 3, 0", len(v.OCSPs), len(v.CRLs))
	}
	resp, err := ocsp.ParseResponse(v.OCSPs[0], o.ca.Cert)
	if err != nil || resp.Certificate == nil {
		t.Fatalf("not a delegated response: %v", err)
	}
	if !slices.ContainsFunc(v.Certs, resp.Certificate.Equal) {
		t.Error("the responder's certificate is not among the store's certificates")
	}
	doc, err = sign.AddValidation(doc, v)
	if err != nil {
		t.Fatal(err)
	}
	sigs, _ := sign.Verify(doc, o.ca.Pool())
	if !sign.AllValid(sigs) || !slices.Equal(levels(sigs), []string{"PAdES B-LT", "PAdES B-LT"}) {
		t.Errorf("verify: %+v", sigs)
	}
}

// TestOCSPRefused: answers that are not the CA's word are not stored.
// With no CRL to fall back on, LongTerm fails (esign then issues B-T);
// the same answers put in a store by someone else do not make the
// verifier report B-LT.
func TestOCSPRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode signtest.OCSPMode
		want string
	}{
		{"garbage", signtest.OCSPGarbage, "asn1"},
		{"wrong key", signtest.OCSPWrongKey, "bad OCSP signature"},
		{"responder not for OCSP", signtest.OCSPUnauthorised, "not authorised for OCSP signing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOCSPWorld(t, false)
			o.resp.SetMode(tc.mode)
			doc := o.signed(t)
			if _, err := sign.LongTerm(t.Context(), doc, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LongTerm: %v, want an error with %q", err, tc.want)
			}
			forged, err := sign.AddValidation(doc, &sign.Validation{OCSPs: [][]byte{askOCSP(t, o.resp.URL, o.leader.Chain[0], o.ca.Cert)}})
			if err != nil {
				t.Fatal(err)
			}
			sigs, _ := sign.Verify(forged, o.ca.Pool())
			if len(sigs) != 2 || sigs[0].ValidationData || sigs[0].Level != "PAdES B-T" || !sigs[0].Valid {
				t.Errorf("a refused answer in the store: %+v", sigs)
			}
		})
	}
}

// TestOCSPOtherIssuer: a response signed by the right key but naming
// another CA in its CertID (same serial number) is not about the signer.
func TestOCSPOtherIssuer(t *testing.T) {
	o := newOCSPWorld(t, false)
	doc := o.signed(t)
	other := signtest.NewCA(t, "motcua Test Other CA")
	der, err := ocsp.CreateResponse(other.Cert, o.ca.Cert, ocsp.Response{
		Status: ocsp.Good, SerialNumber: o.leader.Chain[0].SerialNumber,
		ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour),
	}, o.ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ocsp.ParseResponseForCert(der, o.leader.Chain[0], o.ca.Cert); err != nil {
		t.Fatalf("x/crypto/ocsp refuses it already (the test proves nothing): %v", err)
	}
	forged, err := sign.AddValidation(doc, &sign.Validation{OCSPs: [][]byte{der}})
	if err != nil {
		t.Fatal(err)
	}
	sigs, _ := sign.Verify(forged, o.ca.Pool())
	if len(sigs) != 2 || sigs[0].ValidationData || sigs[0].Level != "PAdES B-T" {
		t.Errorf("a response about another CA's certificate: %+v", sigs)
	}
}

// TestOCSPThenCRL: with both published, OCSP is preferred (no CRL is
// fetched); when the responder answers garbage, the CRL stands in.
func TestOCSPThenCRL(t *testing.T) {
	o := newOCSPWorld(t, true)
	doc := o.signed(t)
	v, err := sign.CollectValidation(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.OCSPs) != 3 || len(v.CRLs) != 0 || o.ca.CRLFetches() != 0 {
		t.Errorf("both published: %d OCSP responses, %d CRLs, %d CRL fetches; want 3, 0, 0", len(v.OCSPs), len(v.CRLs), o.ca.CRLFetches())
	}
	o.resp.SetMode(signtest.OCSPGarbage)
	lt, err := sign.LongTerm(t.Context(), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(lt[len(doc):], []byte("/OCSPs")) || !bytes.Contains(lt[len(doc):], []byte("/CRLs")) {
		t.Error("the responder failed: want the CRL and no OCSP response")
	}
	sigs, _ := sign.Verify(lt, o.ca.Pool())
	if !sign.AllValid(sigs) || !slices.Equal(levels(sigs), []string{"PAdES B-LT", "PAdES B-LT"}) {
		t.Errorf("verify with the CRL fallback: %+v", sigs)
	}
}

// askOCSP asks the responder at url about cert, as a client would.
func askOCSP(t *testing.T, url string, cert, issuer *x509.Certificate) []byte {
	t.Helper()
	req, err := ocsp.CreateRequest(cert, issuer, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/ocsp-request", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	der, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
