package signtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSPMode is how an OCSPResponder signs (or garbles) its answers.
type OCSPMode int

const (
	// OCSPDirect: the CA's own key signs (RFC 6960 §4.2.2.2, the issuer).
	OCSPDirect OCSPMode = iota
	// OCSPDelegated: a responder certificate the CA issued with
	// id-kp-OCSPSigning signs, and is sent in the response.
	OCSPDelegated
	// OCSPUnauthorised: as OCSPDelegated, but the responder's
	// certificate lacks id-kp-OCSPSigning (a plain signing certificate).
	OCSPUnauthorised
	// OCSPWrongKey: a key the CA never certified signs, with a
	// self-signed certificate of the CA's name.
	OCSPWrongKey
	// OCSPGarbage: the answer is not an OCSP response at all.
	OCSPGarbage
)

// OCSPResponder is a CA's OCSP responder over HTTP (see CA.PublishOCSP).
type OCSPResponder struct {
	URL     string
	ca      *CA
	mu      sync.Mutex
	mode    OCSPMode
	fetches int
	// keys and certificates of the delegated modes, made once.
	delegated, unauthorised, wrong *x509.Certificate
	key                            crypto.Signer
}

// PublishOCSP serves an OCSP responder for the CA over HTTP for the rest
// of the test (POST per RFC 6960 Appendix A.1, and GET with the base64
// request in the path, which NSS may use), and names it in every
// certificate the CA issues from now on. The status is good, or revoked
// for what Revoke was given; the answer is valid for a day.
func (ca *CA) PublishOCSP(t testing.TB) *OCSPResponder {
	t.Helper()
	o := &OCSPResponder{ca: ca}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	o.key = key
	o.delegated = ca.Issue(t, key.Public(), ca.Cert.Subject.CommonName+" OCSP", "motcua test", x509.ExtKeyUsageOCSPSigning)
	o.unauthorised = ca.Issue(t, key.Public(), ca.Cert.Subject.CommonName+" OCSP", "motcua test", x509.ExtKeyUsageEmailProtection)
	self := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: ca.Cert.Subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
	}
	der, err := x509.CreateCertificate(rand.Reader, self, self, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	o.wrong, _ = x509.ParseCertificate(der)
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	o.URL = srv.URL + "/ocsp"
	ca.mu.Lock()
	ca.ocspURL = o.URL
	ca.mu.Unlock()
	return o
}

// SetMode changes how the following answers are made.
func (o *OCSPResponder) SetMode(m OCSPMode) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mode = m
}

// Fetches counts the requests answered.
func (o *OCSPResponder) Fetches() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.fetches
}

func (o *OCSPResponder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var err error
	switch r.Method {
	case http.MethodPost:
		if r.Header.Get("Content-Type") != "application/ocsp-request" {
			http.Error(w, "want application/ocsp-request", http.StatusUnsupportedMediaType)
			return
		}
		body, err = io.ReadAll(io.LimitReader(r.Body, 64<<10))
	case http.MethodGet:
		body, err = base64.StdEncoding.DecodeString(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
	default:
		http.Error(w, "POST or GET", http.StatusMethodNotAllowed)
		return
	}
	if err != nil {
		w.Write(ocsp.MalformedRequestErrorResponse)
		return
	}
	req, err := ocsp.ParseRequest(body)
	if err != nil {
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(ocsp.MalformedRequestErrorResponse)
		return
	}
	o.mu.Lock()
	o.fetches++
	mode := o.mode
	o.mu.Unlock()
	ca := o.ca
	ca.mu.Lock()
	status, revokedAt := ocsp.Good, time.Time{}
	for _, s := range ca.revoked {
		if s.Cmp(req.SerialNumber) == 0 {
			status, revokedAt = ocsp.Revoked, time.Now().Add(-time.Minute)
		}
	}
	ca.mu.Unlock()
	now := time.Now()
	tmpl := ocsp.Response{
		Status: status, SerialNumber: req.SerialNumber, RevokedAt: revokedAt,
		ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(24 * time.Hour),
		IssuerHash: req.HashAlgorithm,
	}
	var der []byte
	switch mode {
	case OCSPDirect:
		der, err = ocsp.CreateResponse(ca.Cert, ca.Cert, tmpl, ca.Key)
	case OCSPDelegated:
		tmpl.Certificate = o.delegated
		der, err = ocsp.CreateResponse(ca.Cert, o.delegated, tmpl, o.key)
	case OCSPUnauthorised:
		tmpl.Certificate = o.unauthorised
		der, err = ocsp.CreateResponse(ca.Cert, o.unauthorised, tmpl, o.key)
	case OCSPWrongKey:
		der, err = ocsp.CreateResponse(ca.Cert, o.wrong, tmpl, o.key)
	case OCSPGarbage:
		der = []byte("<html>Service Unavailable</html>")
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	w.Write(der)
}
