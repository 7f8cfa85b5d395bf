package signtest

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// PublishCRL serves the CA's certificate revocation list over HTTP (as
// a CA's distribution point does) for the rest of the test, and names
// it in every certificate the CA issues from now on. It returns the
// CRL's URL.
func (ca *CA) PublishCRL(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		der, err := ca.CRL()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ca.mu.Lock()
		ca.fetches++
		ca.mu.Unlock()
		w.Header().Set("Content-Type", "application/pkix-crl")
		w.Write(der)
	}))
	t.Cleanup(srv.Close)
	ca.mu.Lock()
	ca.crlURL = srv.URL + "/ca.crl"
	ca.mu.Unlock()
	return ca.crlURL
}

// CRL is the CA's current revocation list (DER), valid for a week.
func (ca *CA) CRL() ([]byte, error) {
	ca.mu.Lock()
	var entries []x509.RevocationListEntry
	for _, s := range ca.revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: s, RevocationTime: time.Now().Add(-time.Minute)})
	}
	ca.mu.Unlock()
	now := time.Now()
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(now.UnixNano()), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.AddDate(0, 0, 7),
		RevokedCertificateEntries: entries,
		ExtraExtensions:           []pkix.Extension{},
	}, ca.Cert, ca.Key)
}

// Revoke lists cert on the CA's CRL.
func (ca *CA) Revoke(cert *x509.Certificate) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.revoked = append(ca.revoked, cert.SerialNumber)
}

// CRLFetches counts the downloads of the CRL.
func (ca *CA) CRLFetches() int {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return ca.fetches
}
