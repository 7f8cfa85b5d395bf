package signtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/internal/cms"
)

// TSA is an in-process RFC 3161 time-stamp authority whose certificate
// the test CA issued (extended key usage time-stamping, critical).
type TSA struct {
	*httptest.Server
	Cert *x509.Certificate
	// Requests counts the time-stamps issued.
	Requests atomic.Int64
	// Now gives the time stamped; nil means time.Now.
	Now func() time.Time
}

// testPolicy is the TSA policy OID of the test authority.
var testPolicy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1, 1}

// NewTSA starts a time-stamp authority; it stops with the test.
func NewTSA(t testing.TB, ca *CA) *TSA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := ca.Issue(t, key.Public(), "motcua test TSA", "motcua test", x509.ExtKeyUsageTimeStamping)
	tsa := &TSA{Cert: cert}
	signer := cms.Signer{Key: key, Cert: cert, Chain: []*x509.Certificate{ca.Cert}}
	tsa.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
			http.Error(w, "want POST application/timestamp-query", http.StatusBadRequest)
			return
		}
		req, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		now := time.Now()
		if tsa.Now != nil {
			now = tsa.Now()
		}
		n := tsa.Requests.Add(1)
		resp, err := cms.Issue(signer, req, now, big.NewInt(n), testPolicy)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(tsa.Close)
	return tsa
}

// Client returns the sign.TSA configuration for this authority.
func (tsa *TSA) Client() *sign.TSA { return &sign.TSA{URL: tsa.URL} }
