package sign_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/internal/cms"
	"github.com/motcua/motcua/sign/internal/pdf"
	"github.com/motcua/motcua/sign/signtest"
)

// signature returns the last signature's dictionary, its CMS and the
// bytes it signs.
func signature(t *testing.T, doc []byte) (pdf.Dict, []byte, []byte) {
	t.Helper()
	r, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	ws := widgets(t, doc)
	v, _ := r.Dict(ws[len(ws)-1]["V"])
	contents, _ := v["Contents"].(pdf.String)
	br, _ := v["ByteRange"].(pdf.Array)
	a, b, c := br[1].(int64), br[2].(int64), br[3].(int64)
	signed := append(bytes.Clone(doc[:a]), doc[b:b+c]...)
	// The CMS is padded with zeros to the reserved size; its own DER
	// header says where it ends (trimming the zeros cut a token whose last
	// byte was 0, one signature in 256: a flaky TestTimeStamp in CI).
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(contents, &raw)
	if err != nil {
		t.Fatal(err)
	}
	der := []byte(contents)[:len(contents)-len(rest)]
	return v, der, signed
}

// TestPAdESBaselineB checks the signature's structure with OpenSSL, an
// implementation independent of ours: SubFilter ETSI.CAdES.detached, a
// detached CMS whose signed attributes are exactly content-type,
// message-digest and signing-certificate-v2 (no signing-time: the time is
// /M), and a signature OpenSSL verifies over the byte range.
func TestPAdESBaselineB(t *testing.T) {
	w := newWorld(t)
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.leader, w.personal())
	v, der, signed := signature(t, doc)
	if v.Name("SubFilter") != "ETSI.CAdES.detached" || v.Name("Filter") != "Adobe.PPKLite" {
		t.Errorf("filter %s/%s", v.Name("Filter"), v.Name("SubFilter"))
	}
	if m, _ := v["M"].(pdf.String); string(m) != "D:20260302210509+07'00'" {
		t.Errorf("/M %q", m)
	}

	openssl := signtest.Require(t, "openssl", "openssl")
	sig := writeTemp(t, "sig.der", der)
	printed := run(t, openssl, "cms", "-cmsout", "-print", "-inform", "DER", "-in", sig)
	for _, want := range []string{"contentType", "messageDigest", "id-smime-aa-signingCertificateV2", "eContent: <ABSENT>"} {
		if !strings.Contains(printed, want) {
			t.Errorf("CMS lacks %s", want)
		}
	}
	if strings.Contains(printed, "signingTime") {
		t.Error("CMS has a signing-time attribute (PAdES puts the time in /M)")
	}
	attrs := printed[strings.Index(printed, "signedAttrs:"):strings.Index(printed, "signatureAlgorithm:")]
	if n := strings.Count(attrs, "object: "); n != 3 {
		t.Errorf("%d signed attributes, want 3:\n%s", n, attrs)
	}
	out := run(t, openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
		"-content", writeTemp(t, "signed.bin", signed), "-CAfile", writeTemp(t, "ca.pem", w.ca.PEM()), "-purpose", "any", "-out", "/dev/null")
	if !strings.Contains(out, "Verification successful") {
		t.Errorf("openssl cms -verify: %s", out)
	}
}

// TestTimeStamp: with a time-stamp authority the signature is PAdES B-T:
// an RFC 3161 token over the signature value, as an unsigned attribute.
// motcua reports the attested time; OpenSSL verifies the token; poppler
// still validates the signature (pdfsig 22.12 prints only the /M time,
// nothing about the time-stamp).
func TestTimeStamp(t *testing.T) {
	w := newWorld(t)
	tsa := signtest.NewTSA(t, w.ca)
	// The attested time differs from the claimed /M, and the certificates
	// (issued an hour ago) are valid at it.
	stamped := time.Now().UTC().Truncate(time.Second).Add(-time.Minute)
	tsa.Now = func() time.Time { return stamped }
	opt := w.personal()
	opt.TSA = tsa.Client()
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.leader, opt)
	if tsa.Requests.Load() != 1 {
		t.Fatalf("%d time-stamp requests", tsa.Requests.Load())
	}
	sigs, err := sign.Verify(doc, w.ca.Pool())
	if err != nil || len(sigs) != 1 {
		t.Fatal(sigs, err)
	}
	s := sigs[0]
	if s.Level != "PAdES B-T" || !s.Valid || s.TimeStamp == nil || !s.TimeStamp.Equal(stamped) || s.TimeStampAuthority != "motcua test TSA" {
		t.Fatalf("%+v", s)
	}
	pdfsig(t, doc, "-nocert").expect(t, 1, map[string]string{
		"Signature Validation": "Signature is Valid.", "Total document signed": "", "Signing Time": "Mar 02 2026 14:05:09",
	})

	// The token, checked by OpenSSL against the digest of the signature value.
	_, der, _ := signature(t, doc)
	sd, err := cms.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	tok, ok := cms.Attr(sd.Signers[0].Unsigned, cms.OIDAttrTimeStampToken)
	if !ok {
		t.Fatal("no signature time-stamp attribute")
	}
	sum := sha256.Sum256(sd.Signers[0].Signature)
	openssl := signtest.Require(t, "openssl", "openssl")
	out := run(t, openssl, "ts", "-verify", "-token_in", "-in", writeTemp(t, "tok.der", tok.FullBytes),
		"-digest", hex.EncodeToString(sum[:]), "-CAfile", writeTemp(t, "ca.pem", w.ca.PEM()))
	if !strings.Contains(out, "Verification: OK") {
		t.Errorf("openssl ts -verify: %s", out)
	}

	// A time-stamp authority that fails or lies makes signing fail.
	for name, h := range map[string]http.HandlerFunc{
		"down": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "bảo trì", http.StatusServiceUnavailable)
		},
		"garbage": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("not DER")) },
		"another document's token": func(rw http.ResponseWriter, r *http.Request) {
			resp, err := http.Post(tsa.URL, "application/timestamp-query", bytes.NewReader(mustRequest(t)))
			if err != nil {
				http.Error(rw, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			rw.Write(b.Bytes())
		},
	} {
		srv := httptest.NewServer(h)
		opt.TSA = &sign.TSA{URL: srv.URL}
		if _, err := sign.Sign(t.Context(), signtest.PDF(signtest.PDFOptions{}), w.leader, opt); err == nil {
			t.Errorf("%s: signed anyway", name)
		}
		srv.Close()
	}
}

func mustRequest(t *testing.T) []byte {
	sum := sha256.Sum256([]byte("something else"))
	req, err := cms.NewRequest(crypto.SHA256, sum[:], nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
