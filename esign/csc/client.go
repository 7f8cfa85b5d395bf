// Package csc is a client of the Cloud Signature Consortium API v2
// (remote signing, "ký số từ xa"): the service holds each leader's key in
// its HSM; motcua sends the digest of what is signed and receives the
// signature value. The calls are those a SCAL2 credential needs:
// credentials/list and credentials/info to find the leader's credential
// and certificate chain, credentials/sendOTP so the leader receives a
// one-time password, credentials/authorize with that OTP and the
// digests to obtain the Signature Activation Data (SAD), and
// signatures/signHash with the SAD. The service itself is authenticated
// with an OAuth2 bearer token (client credentials grant).
package csc

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Algorithm identifiers (OIDs) the client sends.
const (
	OIDSHA256     = "2.16.840.1.101.3.4.2.1"
	OIDRSA        = "1.2.840.113549.1.1.1"  // rsaEncryption: PKCS#1 v1.5 over the given hash
	OIDECDSA256   = "1.2.840.10045.4.3.2"   // ecdsa-with-SHA256
	OIDRSASHA256  = "1.2.840.113549.1.1.11" // sha256WithRSAEncryption, accepted as signAlgo too
	maxAnswerSize = 1 << 20
)

// Config says how to reach a CSC service.
type Config struct {
	// BaseURL is the API's base, up to and including "/csc/v2"
	// (https://rs.example.vn/csc/v2).
	BaseURL string
	// TokenURL is the OAuth2 token endpoint; empty: the "oauth2" address
	// the service's info method announces, else BaseURL's
	// "../../oauth2/token".
	TokenURL string
	// ClientID and ClientSecret authenticate motcua (client credentials).
	ClientID, ClientSecret string
	// Timeout bounds each call; zero means 15 seconds. Signing is
	// interactive (the leader waits with the OTP typed in), so a call
	// either answers soon or fails and the leader tries again.
	Timeout time.Duration
	// HTTP is the client to use; nil: a new one.
	HTTP *http.Client
	// Lang is sent with calls that take one ("vi").
	Lang string
}

// Client talks to one CSC service. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New checks cfg and makes a client. The service must be reached over
// https: motcua's client secret, the leaders' OTPs and the SADs cross
// that connection. Plain http is accepted for a loopback address only
// (the simulator beside motcua, tests).
func New(cfg Config) (*Client, error) {
	if err := checkURL("base", cfg.BaseURL); err != nil {
		return nil, err
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = strings.TrimSuffix(strings.TrimSuffix(cfg.BaseURL, "/v2"), "/csc") + "/oauth2/token"
	}
	if err := checkURL("token", cfg.TokenURL); err != nil {
		return nil, err
	}
	h := cfg.HTTP
	if h == nil {
		h = &http.Client{}
	}
	return &Client{cfg: cfg, http: h}, nil
}

// checkURL accepts an https URL, or an http one to a loopback address.
func checkURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("csc: %s URL %q is not an http(s) URL", what, raw)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		ip, err := netip.ParseAddr(host)
		if host != "localhost" && (err != nil || !ip.IsLoopback()) {
			return fmt.Errorf("csc: %s URL %q is not https: the client secret and the leaders' OTPs would cross the network in clear", what, raw)
		}
	}
	return nil
}

// Error is an error the service answered (CSC: {"error", "error_description"}).
type Error struct {
	Status      int
	Code        string
	Description string
}

func (e *Error) Error() string {
	return fmt.Sprintf("csc: HTTP %d %s: %s", e.Status, e.Code, e.Description)
}

// ErrWrongOTP is returned (wrapped) by Authorize when the service refuses
// the one-time password: wrong, expired or already used.
var ErrWrongOTP = errors.New("csc: the one-time password was refused")

// WrongOTP reports whether err is the service refusing the OTP.
func WrongOTP(err error) bool {
	if errors.Is(err, ErrWrongOTP) {
		return true
	}
	var e *Error
	return errors.As(err, &e) && (e.Code == "invalid_otp" ||
		e.Code == "invalid_request" && strings.Contains(strings.ToUpper(e.Description), "OTP"))
}

// Info is the answer of the info method.
type Info struct {
	Specs       string   `json:"specs"`
	Name        string   `json:"name"`
	Logo        string   `json:"logo,omitempty"`
	Region      string   `json:"region"`
	Lang        string   `json:"lang"`
	Description string   `json:"description,omitempty"`
	AuthType    []string `json:"authType"`
	OAuth2      string   `json:"oauth2,omitempty"`
	Methods     []string `json:"methods"`
}

// Info asks the service what it is and which methods it has.
func (c *Client) Info(ctx context.Context) (*Info, error) {
	var out Info
	if err := c.call(ctx, "info", map[string]any{"lang": c.cfg.Lang}, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// Credential is what credentials/info tells about one credential.
type Credential struct {
	ID                 string `json:"credentialID,omitempty"`
	Description        string `json:"description,omitempty"`
	SignatureQualifier string `json:"signatureQualifier,omitempty"`
	Key                struct {
		Status string   `json:"status"`
		Algo   []string `json:"algo"`
		Len    int      `json:"len"`
	} `json:"key"`
	Cert struct {
		Status       string   `json:"status"`
		Certificates []string `json:"certificates"`
		IssuerDN     string   `json:"issuerDN,omitempty"`
		SerialNumber string   `json:"serialNumber,omitempty"`
		SubjectDN    string   `json:"subjectDN,omitempty"`
		ValidFrom    string   `json:"validFrom,omitempty"`
		ValidTo      string   `json:"validTo,omitempty"`
	} `json:"cert"`
	Auth struct {
		Mode       string `json:"mode"`
		Expression string `json:"expression,omitempty"`
		Objects    []struct {
			Type   string `json:"type"`
			ID     string `json:"id"`
			Format string `json:"format,omitempty"`
			Label  string `json:"label,omitempty"`
		} `json:"objects,omitempty"`
	} `json:"auth"`
	SCAL      string `json:"SCAL"`
	Multisign int    `json:"multisign"`
}

// List returns the credential IDs of userID (the service's name for the
// leader).
func (c *Client) List(ctx context.Context, userID string) ([]string, error) {
	var out struct {
		CredentialIDs []string `json:"credentialIDs"`
	}
	err := c.call(ctx, "credentials/list", map[string]any{"userID": userID, "onlyValid": true}, &out, true)
	return out.CredentialIDs, err
}

// Credential returns the credential's key, certificate chain (signer
// first, DER) and how it is authorised.
func (c *Client) Credential(ctx context.Context, id string) (*Credential, [][]byte, error) {
	var out Credential
	if err := c.call(ctx, "credentials/info", map[string]any{"credentialID": id, "certificates": "chain", "certInfo": true, "authInfo": true, "lang": c.cfg.Lang}, &out, true); err != nil {
		return nil, nil, err
	}
	out.ID = id
	chain, err := out.Chain()
	if err != nil {
		return nil, nil, err
	}
	return &out, chain, nil
}

// Credentials returns userID's valid credentials with what
// credentials/info tells of each (their chains in Cert.Certificates), in
// one call where the service can: credentials/list with credInfo (CSC
// API v2.0.0.2, §11.4) spares the page that shows the leader's
// certificate a second round trip per view. A service that ignores
// credInfo answers the IDs alone; each is then asked with
// credentials/info.
func (c *Client) Credentials(ctx context.Context, userID string) ([]*Credential, error) {
	var out struct {
		CredentialIDs   []string      `json:"credentialIDs"`
		CredentialInfos []*Credential `json:"credentialInfos"`
	}
	if err := c.call(ctx, "credentials/list", map[string]any{"userID": userID, "onlyValid": true, "credInfo": true,
		"certificates": "chain", "certInfo": true, "authInfo": true, "lang": c.cfg.Lang}, &out, true); err != nil {
		return nil, err
	}
	infos := map[string]*Credential{}
	for _, cr := range out.CredentialInfos {
		if cr != nil && cr.ID != "" {
			infos[cr.ID] = cr
		}
	}
	creds := make([]*Credential, 0, len(out.CredentialIDs))
	for _, id := range out.CredentialIDs {
		cr := infos[id]
		if cr == nil || len(cr.Cert.Certificates) == 0 {
			var err error
			if cr, _, err = c.Credential(ctx, id); err != nil {
				return nil, err
			}
		}
		creds = append(creds, cr)
	}
	return creds, nil
}

// Chain is the credential's certificate chain, signer first, DER.
func (cr *Credential) Chain() ([][]byte, error) {
	var chain [][]byte
	for _, b := range cr.Cert.Certificates {
		der, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return nil, fmt.Errorf("csc: credentials/info: certificate: %w", err)
		}
		chain = append(chain, der)
	}
	if len(chain) == 0 {
		return nil, errors.New("csc: credentials/info returned no certificate")
	}
	return chain, nil
}

// SendOTP asks the service to send the credential's owner a one-time
// password (by SMS or its app). Sending twice sends a new password; the
// service invalidates the old one.
func (c *Client) SendOTP(ctx context.Context, id string) error {
	return c.call(ctx, "credentials/sendOTP", map[string]any{"credentialID": id}, nil, true)
}

// Authorize exchanges the OTP for the Signature Activation Data bound
// to exactly these digests (SCAL2). The service answers a repeated
// request (same OTP, same digests) with the same SAD, so a retry after a
// lost answer is safe.
func (c *Client) Authorize(ctx context.Context, id, otp string, h crypto.Hash, digests ...[]byte) (string, error) {
	oid, err := hashOID(h)
	if err != nil {
		return "", err
	}
	var out struct {
		SAD       string `json:"SAD"`
		ExpiresIn int    `json:"expiresIn"`
	}
	err = c.call(ctx, "credentials/authorize", map[string]any{
		"credentialID": id, "numSignatures": len(digests), "hashes": b64(digests), "hashAlgorithmOID": oid,
		"authData": []map[string]string{{"id": "OTP", "value": otp}},
	}, &out, true)
	if err != nil {
		if WrongOTP(err) {
			return "", fmt.Errorf("%w (%v)", ErrWrongOTP, err)
		}
		return "", err
	}
	if out.SAD == "" {
		return "", errors.New("csc: credentials/authorize returned no SAD")
	}
	return out.SAD, nil
}

// SignHash signs the digests with the credential, authorised by sad.
// signAlgo is OIDRSA or OIDECDSA256. Repeating the call with the same
// SAD and digests returns the same signatures.
func (c *Client) SignHash(ctx context.Context, id, sad, signAlgo string, h crypto.Hash, digests ...[]byte) ([][]byte, error) {
	oid, err := hashOID(h)
	if err != nil {
		return nil, err
	}
	var out struct {
		Signatures []string `json:"signatures"`
	}
	if err := c.call(ctx, "signatures/signHash", map[string]any{
		"credentialID": id, "SAD": sad, "hashes": b64(digests), "hashAlgorithmOID": oid, "signAlgo": signAlgo, "operationMode": "S",
	}, &out, true); err != nil {
		return nil, err
	}
	if len(out.Signatures) != len(digests) {
		return nil, fmt.Errorf("csc: signatures/signHash returned %d signatures for %d digests", len(out.Signatures), len(digests))
	}
	sigs := make([][]byte, len(out.Signatures))
	for i, s := range out.Signatures {
		if sigs[i], err = base64.StdEncoding.DecodeString(s); err != nil {
			return nil, fmt.Errorf("csc: signatures/signHash: %w", err)
		}
	}
	return sigs, nil
}

func hashOID(h crypto.Hash) (string, error) {
	if h != crypto.SHA256 {
		return "", fmt.Errorf("csc: hash %v not supported", h)
	}
	return OIDSHA256, nil
}

func b64(ds [][]byte) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = base64.StdEncoding.EncodeToString(d)
	}
	return out
}

// call POSTs in to method and decodes the answer into out. Every call
// is retried once on a transport error or a 5xx: the methods that change
// something (sendOTP aside) are idempotent at the service. A 401 (the
// service dropped motcua's token before its announced expiry) is
// retried with a new token, sendOTP too: the service refused the call,
// so no SMS went out.
func (c *Client) call(ctx context.Context, method string, in, out any, auth bool) error {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var retry bool
		retry, err = c.once(ctx, method, in, out, auth)
		if err == nil || !retry || ctx.Err() != nil {
			return err
		}
		var ce *Error
		if method == "credentials/sendOTP" && !(errors.As(err, &ce) && ce.Status == http.StatusUnauthorized) {
			return err
		}
	}
	return err
}

func (c *Client) once(ctx context.Context, method string, in, out any, auth bool) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	body, err := json.Marshal(in)
	if err != nil {
		return false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/"+method, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth {
		tok, err := c.bearer(ctx)
		if err != nil {
			return false, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return true, fmt.Errorf("csc: %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerSize))
	if err != nil {
		return true, fmt.Errorf("csc: %s: %w", method, err)
	}
	if resp.StatusCode == http.StatusUnauthorized && auth {
		c.mu.Lock()
		c.token = "" // expired early: the retry fetches a new one
		c.mu.Unlock()
		return true, &Error{Status: resp.StatusCode, Code: "invalid_token", Description: method}
	}
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode}
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(data, &body) == nil {
			e.Code, e.Description = body.Error, body.Description
		}
		if e.Code == "" {
			e.Code = http.StatusText(resp.StatusCode)
		}
		return resp.StatusCode >= 500, e
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return false, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, fmt.Errorf("csc: %s: %w", method, err)
	}
	return false, nil
}

// bearer returns a valid access token, fetching one with the client
// credentials grant (RFC 6749 §4.4) when needed.
func (c *Client) bearer(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && time.Now().Before(c.expires) {
		return c.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("csc: token: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswerSize)).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		return "", &Error{Status: resp.StatusCode, Code: "token", Description: "the OAuth2 token endpoint refused motcua's client credentials " + out.Error}
	}
	if !strings.EqualFold(out.TokenType, "bearer") {
		return "", fmt.Errorf("csc: token type %q, want Bearer", out.TokenType)
	}
	c.token = out.AccessToken
	life := time.Duration(out.ExpiresIn) * time.Second
	if life <= 0 {
		life = 5 * time.Minute
	}
	c.expires = time.Now().Add(life - life/10)
	return c.token, nil
}
