package cms_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/motcua/motcua/sign/internal/cms"
)

func selfSigned(t testing.TB) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Cán bộ"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// TestRoundTrip: what Sign builds, Parse reads and Verify accepts; a
// different digest is a mismatch; a time-stamp issued for a digest is
// about that digest only.
func TestRoundTrip(t *testing.T) {
	key, cert := selfSigned(t)
	digest := sha256.Sum256([]byte("nội dung"))
	b, err := cms.Sign(cms.Signer{Key: key, Cert: cert}, digest[:], cms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	der, _ := b.Bytes()
	sd, err := cms.Parse(append(der, make([]byte, 100)...)) // zero padding, as in /Contents
	if err != nil {
		t.Fatal(err)
	}
	si := sd.Signers[0]
	c, err := si.SignerCert(sd.Certificates)
	if err != nil || !c.Equal(cert) {
		t.Fatal(c, err)
	}
	if err := si.Verify(c, digest[:]); err != nil {
		t.Fatal(err)
	}
	other := sha256.Sum256([]byte("nội dung khác"))
	if err := si.Verify(c, other[:]); !errors.Is(err, cms.ErrDigestMismatch) {
		t.Fatalf("other digest: %v", err)
	}
	if v2, err := si.CheckSigningCertificate(c); !v2 || err != nil {
		t.Fatalf("signing-certificate-v2: %v %v", v2, err)
	}
	if _, ok := si.SigningTime(); ok || sd.Content != nil {
		t.Fatal("a PAdES signature has no signing-time and no content")
	}

	nonce := big.NewInt(42)
	req, _ := cms.NewRequest(crypto.SHA256, digest[:], nonce)
	resp, err := cms.Issue(cms.Signer{Key: key, Cert: cert}, req, time.Now(), big.NewInt(1), []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cms.ParseResponse(resp, crypto.SHA256, digest[:], nonce); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.ParseResponse(resp, crypto.SHA256, other[:], nonce); err == nil {
		t.Fatal("token accepted for another digest")
	}
	if _, err := cms.ParseResponse(resp, crypto.SHA256, digest[:], big.NewInt(43)); err == nil {
		t.Fatal("token accepted with another nonce")
	}
}

// FuzzParse: no input makes the CMS or time-stamp parsers panic.
func FuzzParse(f *testing.F) {
	key, cert := selfSigned(f)
	digest := sha256.Sum256([]byte("x"))
	b, _ := cms.Sign(cms.Signer{Key: key, Cert: cert}, digest[:], cms.Options{})
	der, _ := b.Bytes()
	f.Add(der)
	req, _ := cms.NewRequest(crypto.SHA256, digest[:], nil)
	resp, _ := cms.Issue(cms.Signer{Key: key, Cert: cert}, req, time.Now(), big.NewInt(1), []int{1, 2, 3})
	f.Add(resp)
	f.Fuzz(func(t *testing.T, b []byte) {
		if sd, err := cms.Parse(b); err == nil {
			for _, si := range sd.Signers {
				if c, err := si.SignerCert(sd.Certificates); err == nil {
					si.Verify(c, digest[:])
					si.CheckSigningCertificate(c)
				}
			}
		}
		cms.ParseToken(b)
		cms.ParseResponse(b, crypto.SHA256, digest[:], nil)
	})
}
