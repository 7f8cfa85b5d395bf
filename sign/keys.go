package sign

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// OpenPKCS12 reads a key and its certificates from a PKCS#12 (.p12,
// .pfx) file, in the modern (AES, PBES2) or legacy (3DES, RC2) format.
func OpenPKCS12(data []byte, password string) (*Key, error) {
	priv, cert, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, errors.New("sign: wrong PKCS#12 password")
		}
		return nil, fmt.Errorf("sign: PKCS#12: %w", err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("sign: PKCS#12 key of type %T cannot sign", priv)
	}
	return &Key{Signer: signer, Chain: OrderChain(cert, cas)}, nil
}

// OrderChain returns leaf followed by the certificates of others that
// certify it, issuer after subject; certificates not on the path are
// dropped.
func OrderChain(leaf *x509.Certificate, others []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{leaf}
	used := map[int]bool{}
	for cur := leaf; len(chain) <= len(others); {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break
		}
		next := -1
		for i, c := range others {
			if !used[i] && bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		cur = others[next]
		chain = append(chain, cur)
	}
	return chain
}

// ParseCertificates reads PEM certificates (a trust list, a chain).
func ParseCertificates(pemData []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: certificate: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("sign: no PEM certificate found")
	}
	return out, nil
}

// TrustPool reads a PEM bundle of trusted root (or intermediate)
// certificates into a pool for Verify.
func TrustPool(pemData []byte) (*x509.CertPool, error) {
	certs, err := ParseCertificates(pemData)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// PKCS11Config selects a key on a PKCS#11 token: a USB token of the
// Government Cipher Committee or a licensed CA, an HSM, or SoftHSM.
type PKCS11Config struct {
	// Module is the token's PKCS#11 library (.so/.dll).
	Module string
	// TokenLabel names the token.
	TokenLabel string
	// KeyLabel or KeyID (CKA_LABEL, CKA_ID) choose the key when the token
	// holds more than one.
	KeyLabel string
	KeyID    []byte
	// PIN is the user PIN.
	PIN string
	// Certs are the signer's certificate and chain when the token does
	// not hold them (the first certificate is the signer's); otherwise
	// extra certificates (intermediates) for the chain.
	Certs []*x509.Certificate
}

// publicKeyEqual compares public keys of any standard type.
func publicKeyEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}
