package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSP (RFC 6960) is the other way a CA says a certificate is not
// revoked: a responder, named in the certificate's authority information
// access, signs a short statement about one certificate. Vietnamese CAs
// publish both CRLs and OCSP responders. An answer is one small signed
// object, so when the responder answers, its response goes into the
// store instead of the CA's CRL (see CollectValidation).

// maxOCSPBytes bounds a responder's answer (a response is a few KiB,
// with a delegated responder's certificate); maxOCSPs how many requests
// one document may make motcua send, for the reason maxCRLs exists.
const (
	maxOCSPBytes = 1 << 20
	maxOCSPs     = 16
)

// ocspSkew is how far in the future a response's thisUpdate may be (the
// responder's clock against ours) when it is fetched.
const ocspSkew = 5 * time.Minute

// fetchOCSP asks the responders cert names, in order, for its status and
// returns the first answer that checks (see checkOCSP) and says good or
// revoked. *sent counts the requests of the whole document.
func fetchOCSP(ctx context.Context, client *http.Client, cert, issuer *x509.Certificate, sent *int) ([]byte, *ocsp.Response, error) {
	req, err := ocsp.CreateRequest(cert, issuer, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("sign: OCSP request for %s: %w", commonName(cert), err)
	}
	var errs []error
	for _, u := range cert.OCSPServer {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			continue
		}
		if *sent++; *sent > maxOCSPs {
			return nil, nil, fmt.Errorf("sign: the certificates make more than %d OCSP requests", maxOCSPs)
		}
		der, err := postOCSP(ctx, client, u, req)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		resp, err := checkOCSP(der, cert, issuer)
		if err == nil && resp.Status == ocsp.Unknown {
			err = errors.New("the responder does not know the certificate")
		}
		// Fetched now, the answer must be current: the CA would not
		// stand behind a stale one (RFC 5019 §4 caches until nextUpdate).
		now := time.Now()
		if err == nil && (resp.ThisUpdate.After(now.Add(ocspSkew)) || !resp.NextUpdate.IsZero() && resp.NextUpdate.Before(now)) {
			err = fmt.Errorf("the response is not current (thisUpdate %s, nextUpdate %s)", resp.ThisUpdate.Format(time.RFC3339), resp.NextUpdate.Format(time.RFC3339))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("sign: OCSP %s for %s: %w", u, commonName(cert), err))
			continue
		}
		return der, resp, nil
	}
	if len(errs) == 0 {
		return nil, nil, fmt.Errorf("sign: %s names no http(s) OCSP responder", commonName(cert))
	}
	return nil, nil, errors.Join(errs...)
}

// postOCSP sends one request as RFC 6960 Appendix A.1 / RFC 5019 §5
// describe (POST, application/ocsp-request) and reads the answer.
func postOCSP(ctx context.Context, client *http.Client, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("sign: OCSP %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/ocsp-request")
	req.Header.Set("Accept", "application/ocsp-response")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign: OCSP %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign: OCSP %s: HTTP %d", url, resp.StatusCode)
	}
	der, err := io.ReadAll(io.LimitReader(resp.Body, maxOCSPBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sign: OCSP %s: %w", url, err)
	}
	if len(der) > maxOCSPBytes {
		return nil, fmt.Errorf("sign: OCSP %s: answer larger than %d bytes", url, maxOCSPBytes)
	}
	return der, nil
}

// checkOCSP parses der as a successful basic OCSP response about cert
// and checks what x/crypto/ocsp leaves to its caller:
//   - the signature is the issuer's, or a delegated responder's whose
//     certificate the issuer signed (ocsp checks both) and which carries
//     id-kp-OCSPSigning and was valid when the response was produced
//     (RFC 6960 §4.2.2.2; ocsp checks neither);
//   - the answer's CertID names cert's issuer by name and key hash, not
//     only its serial number (ocsp matches the serial only, and another
//     CA's certificate may share it);
//   - thisUpdate is not after nextUpdate.
func checkOCSP(der []byte, cert, issuer *x509.Certificate) (*ocsp.Response, error) {
	resp, err := ocsp.ParseResponseForCert(der, cert, issuer)
	if err != nil {
		return nil, err
	}
	if rc := resp.Certificate; rc != nil && !rc.Equal(issuer) {
		if !slices.Contains(rc.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
			return nil, fmt.Errorf("the responder %s is not authorised for OCSP signing", commonName(rc))
		}
		if resp.ProducedAt.Before(rc.NotBefore) || resp.ProducedAt.After(rc.NotAfter) {
			return nil, fmt.Errorf("the responder's certificate %s was not valid when the response was produced", commonName(rc))
		}
	}
	if err := checkCertID(der, cert, issuer, resp); err != nil {
		return nil, err
	}
	if !resp.NextUpdate.IsZero() && resp.NextUpdate.Before(resp.ThisUpdate) {
		return nil, errors.New("nextUpdate is before thisUpdate")
	}
	return resp, nil
}

// The parts of RFC 6960 §4.2.1 checkCertID reads.
type (
	ocspResponseASN1 struct {
		Status asn1.Enumerated
		Bytes  struct {
			Type     asn1.ObjectIdentifier
			Response []byte
		} `asn1:"explicit,tag:0,optional"`
	}
	ocspBasicASN1 struct {
		TBS struct {
			Version     int `asn1:"optional,explicit,default:0,tag:0"`
			ResponderID asn1.RawValue
			ProducedAt  time.Time `asn1:"generalized"`
			Responses   []struct {
				CertID struct {
					Hash     pkix.AlgorithmIdentifier
					NameHash []byte
					KeyHash  []byte
					Serial   *big.Int
				}
				Status     asn1.RawValue
				ThisUpdate time.Time        `asn1:"generalized"`
				NextUpdate time.Time        `asn1:"generalized,explicit,tag:0,optional"`
				Ext        []pkix.Extension `asn1:"explicit,tag:1,optional"`
			}
			Ext []pkix.Extension `asn1:"explicit,tag:1,optional"`
		}
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
		Certs     []asn1.RawValue `asn1:"explicit,tag:0,optional"`
	}
)

// checkCertID finds the single response resp was read from (the first
// with cert's serial, as ocsp.ParseResponseForCert takes) and checks its
// issuer hashes.
func checkCertID(der []byte, cert, issuer *x509.Certificate, resp *ocsp.Response) error {
	var outer ocspResponseASN1
	if _, err := asn1.Unmarshal(der, &outer); err != nil {
		return err
	}
	var basic ocspBasicASN1
	if _, err := asn1.Unmarshal(outer.Bytes.Response, &basic); err != nil {
		return err
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(issuer.RawSubjectPublicKeyInfo, &spki); err != nil {
		return err
	}
	if !resp.IssuerHash.Available() {
		return errors.New("unsupported CertID hash")
	}
	hash := func(b []byte) []byte { h := resp.IssuerHash.New(); h.Write(b); return h.Sum(nil) }
	for _, r := range basic.TBS.Responses {
		if r.CertID.Serial == nil || r.CertID.Serial.Cmp(cert.SerialNumber) != 0 {
			continue
		}
		if !bytes.Equal(r.CertID.NameHash, hash(issuer.RawSubject)) || !bytes.Equal(r.CertID.KeyHash, hash(spki.PublicKey.RightAlign())) {
			return errors.New("the response is about another CA's certificate")
		}
		return nil
	}
	return errors.New("no response for the certificate")
}
