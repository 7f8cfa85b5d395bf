// Package cscsim is a remote signing service speaking the Cloud
// Signature Consortium API v2, for tests and the demo: its own CA
// certifies one RSA key per enrolled leader, it sends one-time passwords
// (shown on its page and kept for tests instead of an SMS), authorises
// SCAL2 signatures bound to their digests, signs hashes, publishes its
// CA's CRL, and can be told to fail. It is a real HTTP service: package
// csc talks to it as to a province's signing service.
package cscsim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config sets up a simulator.
type Config struct {
	// ClientID and ClientSecret are the OAuth2 client motcua must present.
	ClientID, ClientSecret string
	// BaseURL is where the simulator's handler is reachable from outside
	// ("http://localhost:8080/_sim/csc"); the CA's CRL distribution point
	// is BaseURL/crl. Empty: certificates name no CRL.
	BaseURL string
	// Now is the clock of OTPs, SADs and tokens; nil: time.Now.
	Now func() time.Time
	// OTPLife is how long an OTP may be used; zero: five minutes.
	OTPLife time.Duration
}

// Sim is the simulated service. Its handler is safe for concurrent use.
type Sim struct {
	cfg    Config
	caCert *x509.Certificate
	caKey  crypto.Signer

	mu         sync.Mutex
	serial     int64
	creds      map[string]*credential // by credential ID
	users      map[string][]string    // userID → credential IDs
	tokens     map[string]time.Time
	sads       map[string]*activation
	sent       []Delivery
	faults     map[string][]fault
	signatures int
}

type credential struct {
	id, userID, name, phone string
	key                     *rsa.PrivateKey
	cert                    *x509.Certificate
	revoked                 bool
	otp                     string
	otpExpires              time.Time
	wrong                   int
	// authorized remembers the SAD given for an OTP and digests, so a
	// repeated authorize (a lost answer) gets the same SAD.
	authorized map[string]string
}

type activation struct {
	cred    string
	hashes  []string
	expires time.Time
	// signed keeps the answer, so a repeated signHash returns it again.
	signed []string
}

type fault struct {
	status int
	code   string
}

// Delivery is one OTP the simulator "sent".
type Delivery struct {
	At           time.Time
	UserID, Name string
	Phone        string
	OTP          string
}

// New makes a simulator with a fresh CA.
func New(cfg Config) (*Sim, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OTPLife == 0 {
		cfg.OTPLife = 5 * time.Minute
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "motcua CSC Simulator CA", Organization: []string{"motcua simulator"}, Country: []string{"VN"}},
		NotBefore:    now.AddDate(-2, 0, 0), NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Sim{cfg: cfg, caCert: cert, caKey: key, serial: 100, creds: map[string]*credential{}, users: map[string][]string{},
		tokens: map[string]time.Time{}, sads: map[string]*activation{}, faults: map[string][]fault{}}, nil
}

// CA is the simulator's root certificate: add it to the trust list.
func (s *Sim) CA() *x509.Certificate { return s.caCert }

// Enroll gives userID a credential: a new RSA 2048 key certified for
// name (of org) by the simulator's CA, its OTPs "sent" to phone. It
// returns the credential ID.
func (s *Sim) Enroll(userID, name, org, phone string) (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.serial++
	serial := s.serial
	s.mu.Unlock()
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name, Organization: []string{org}, Country: []string{"VN"}, SerialNumber: userID},
		NotBefore:    now.AddDate(-1, 0, 0), NotAfter: now.AddDate(2, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	if s.cfg.BaseURL != "" {
		tmpl.CRLDistributionPoints = []string{s.cfg.BaseURL + "/crl"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.caCert, key.Public(), s.caKey)
	if err != nil {
		return "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("cred-%s-%d", userID, serial)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[id] = &credential{id: id, userID: userID, name: name, phone: phone, key: key, cert: cert, authorized: map[string]string{}}
	s.users[userID] = append(s.users[userID], id)
	return id, nil
}

// Certificate is the certificate of a credential.
func (s *Sim) Certificate(credID string) *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.creds[credID]; c != nil {
		return c.cert
	}
	return nil
}

// LastOTP is the newest OTP sent to userID ("" if none): what the
// leader's phone would show.
func (s *Sim) LastOTP(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.sent) - 1; i >= 0; i-- {
		if s.sent[i].UserID == userID {
			return s.sent[i].OTP
		}
	}
	return ""
}

// Sent lists the OTPs sent, oldest first.
func (s *Sim) Sent() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// Signatures counts the hashes signed.
func (s *Sim) Signatures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signatures
}

// Fail makes the next call of method ("credentials/authorize",
// "signatures/signHash", "oauth2/token"…) answer status with the CSC
// error code instead of working. Calls queue: Fail twice fails twice.
func (s *Sim) Fail(method string, status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], fault{status, code})
}

// takeFault returns the next injected fault of method, if any.
func (s *Sim) takeFault(method string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

// Revoke puts a credential's certificate on the CA's CRL.
func (s *Sim) Revoke(credID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.creds[credID]
	if c == nil {
		return errors.New("cscsim: no such credential")
	}
	c.revoked = true
	return nil
}

// crl is the CA's current CRL (DER), listing revoked credentials.
func (s *Sim) crl() ([]byte, error) {
	s.mu.Lock()
	var entries []x509.RevocationListEntry
	for _, c := range s.creds {
		if c.revoked {
			entries = append(entries, x509.RevocationListEntry{SerialNumber: c.cert.SerialNumber, RevocationTime: time.Now().Add(-time.Minute)})
		}
	}
	s.mu.Unlock()
	now := time.Now()
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(now.UnixNano()), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.AddDate(0, 0, 7),
		RevokedCertificateEntries: entries,
	}, s.caCert, s.caKey)
}

func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// otp is six random digits.
func otp() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// authKey is what identifies an authorize request for idempotency.
func authKey(otp string, hashes []string) string {
	return otp + "|" + strings.Join(hashes, ",")
}

var _ http.Handler = (*Sim)(nil)

// DemoSeal issues a software key certified by the simulator's CA for
// org: the demo's stand-in for the organisation's seal when no PKCS#11
// token is given. Production seals live on a token or HSM.
func (s *Sim) DemoSeal(org string) (crypto.Signer, []*x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	s.serial++
	serial := s.serial
	s.mu.Unlock()
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: org, Organization: []string{org}, Country: []string{"VN"}},
		NotBefore:    now.AddDate(-1, 0, 0), NotAfter: now.AddDate(2, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	if s.cfg.BaseURL != "" {
		tmpl.CRLDistributionPoints = []string{s.cfg.BaseURL + "/crl"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.caCert, key.Public(), s.caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return key, []*x509.Certificate{cert, s.caCert}, nil
}
