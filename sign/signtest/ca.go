// Package signtest gives the tests of signing what real signing needs,
// without the outside world: a test certificate authority issuing signer
// and time-stamping certificates, an in-process RFC 3161 time-stamp
// authority, a SoftHSM2 token, small PDFs, signature and seal images, and
// poppler's pdfsig. It is imported by tests only.
package signtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/motcua/motcua/sign"
)

// CA is a test certificate authority: a self-signed root that issues
// certificates directly.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	mu   sync.Mutex
	next int64
	// crlURL, once PublishCRL ran, is put in every certificate issued.
	crlURL string
	// ocspURL, once PublishOCSP ran, is put in every certificate issued
	// (authority information access).
	ocspURL string
	revoked []*big.Int
	fetches int
}

// NewCA makes a root named name (ECDSA P-256, valid from yesterday for ten years).
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"motcua test"}, Country: []string{"VN"}},
		NotBefore:    time.Now().Add(-24 * time.Hour), NotAfter: time.Now().AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &CA{Cert: cert, Key: key, next: 100}
}

// PEM is the root certificate in PEM: a trust list file.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// Pool is a trust pool holding the root.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Issue certifies pub for cn (and org), for signing documents, or for
// time-stamping when usage is x509.ExtKeyUsageTimeStamping.
func (ca *CA) Issue(t testing.TB, pub crypto.PublicKey, cn, org string, usage ...x509.ExtKeyUsage) *x509.Certificate {
	t.Helper()
	ca.mu.Lock()
	ca.next++
	serial := ca.next
	ca.mu.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{org}, Country: []string{"VN"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(2, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: usage,
	}
	ca.mu.Lock()
	if ca.crlURL != "" {
		tmpl.CRLDistributionPoints = []string{ca.crlURL}
	}
	if ca.ocspURL != "" {
		tmpl.OCSPServer = []string{ca.ocspURL}
	}
	ca.mu.Unlock()
	if len(usage) == 1 && usage[0] == x509.ExtKeyUsageTimeStamping {
		// RFC 3161 §2.3: the time-stamping usage is the only one, critical.
		val, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: val}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// RSAKey returns a 2048-bit RSA key, the size Vietnamese signing tokens use.
// Keys are generated once per process and reused (generation is slow).
func RSAKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keysMu.Lock()
	defer keysMu.Unlock()
	for len(keys) <= i {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys[i]
}

var (
	keysMu sync.Mutex
	keys   []*rsa.PrivateKey
)

// Signer returns a software key (RSA key number i) certified for cn.
func (ca *CA) Signer(t testing.TB, i int, cn, org string) *sign.Key {
	t.Helper()
	k := RSAKey(t, i)
	cert := ca.Issue(t, k.Public(), cn, org, x509.ExtKeyUsageEmailProtection)
	return &sign.Key{Signer: k, Chain: []*x509.Certificate{cert, ca.Cert}}
}

// P12 encodes a key and chain as a PKCS#12 file (modern AES encryption).
func P12(t testing.TB, k *sign.Key, password string) []byte {
	t.Helper()
	data, err := pkcs12.Modern.Encode(k.Signer, k.Chain[0], k.Chain[1:], password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Require skips the test when a tool is missing, or fails it under
// CI=true (where .ci/run installs it); the message says what to install.
func Require(t testing.TB, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		msg := tool + " not found: install it with apt-get install -y " + pkg
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}
