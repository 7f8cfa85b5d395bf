// Package cms builds and parses the CMS (RFC 5652) SignedData structures
// of PDF signatures: CAdES-style detached signatures with the
// signing-certificate-v2 attribute (RFC 5035), and RFC 3161 time-stamp
// requests, responses and tokens. Only DER is produced; parsing accepts
// DER (and the trailing zero padding of a PDF /Contents string).
package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// Object identifiers.
var (
	OIDData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	OIDSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	OIDTSTInfo            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	OIDAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	OIDAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	OIDAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	OIDAttrSigningCert    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	OIDAttrSigningCertV2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	OIDAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	OIDSHA1               = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDSHA256             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	OIDRSAEncryption      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	OIDSHA1WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	OIDSHA256WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	OIDSHA384WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	OIDSHA512WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	OIDRSAPSS             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	OIDECDSAWithSHA256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	OIDECDSAWithSHA384    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	OIDECDSAWithSHA512    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

// ContentInfo is the outer CMS wrapper.
type ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// Attribute is a CMS attribute with its values already encoded.
type Attribute struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

// HashOID returns the digest algorithm identifier of h.
func HashOID(h crypto.Hash) (asn1.ObjectIdentifier, error) {
	switch h {
	case crypto.SHA1:
		return OIDSHA1, nil
	case crypto.SHA256:
		return OIDSHA256, nil
	case crypto.SHA384:
		return OIDSHA384, nil
	case crypto.SHA512:
		return OIDSHA512, nil
	}
	return nil, fmt.Errorf("cms: unsupported digest %v", h)
}

// HashOf returns the hash named by a digest algorithm identifier.
func HashOf(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case oid.Equal(OIDSHA1):
		return crypto.SHA1, nil
	case oid.Equal(OIDSHA256):
		return crypto.SHA256, nil
	case oid.Equal(OIDSHA384):
		return crypto.SHA384, nil
	case oid.Equal(OIDSHA512):
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("cms: unsupported digest algorithm %v", oid)
}

// signatureAlgorithm is the SignerInfo signatureAlgorithm for a key.
// RSA keys use rsaEncryption (with the digest from digestAlgorithm), the
// form Adobe, NSS and every PAdES validator accept.
func signatureAlgorithm(pub crypto.PublicKey, h crypto.Hash) (pkix.AlgorithmIdentifier, error) {
	switch pub.(type) {
	case *rsa.PublicKey:
		return pkix.AlgorithmIdentifier{Algorithm: OIDRSAEncryption, Parameters: asn1.NullRawValue}, nil
	case *ecdsa.PublicKey:
		switch h {
		case crypto.SHA256:
			return pkix.AlgorithmIdentifier{Algorithm: OIDECDSAWithSHA256}, nil
		case crypto.SHA384:
			return pkix.AlgorithmIdentifier{Algorithm: OIDECDSAWithSHA384}, nil
		case crypto.SHA512:
			return pkix.AlgorithmIdentifier{Algorithm: OIDECDSAWithSHA512}, nil
		}
	}
	return pkix.AlgorithmIdentifier{}, fmt.Errorf("cms: unsupported key type %T", pub)
}

// checkSignature verifies sig over a digest (made with h) by pub, for the
// signature algorithms PDF signatures use.
func checkSignature(pub crypto.PublicKey, alg asn1.ObjectIdentifier, h crypto.Hash, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg.Equal(OIDRSAPSS) {
			return rsa.VerifyPSS(k, h, digest, sig, nil)
		}
		return rsa.VerifyPKCS1v15(k, h, digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errors.New("cms: ECDSA signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("cms: unsupported public key %T", pub)
}

// hashAvailable reports whether h can be computed here.
func hashAvailable(h crypto.Hash) error {
	if !h.Available() {
		return fmt.Errorf("cms: digest %v not available", h)
	}
	return nil
}

// marshalSet encodes values as a DER SET OF: sorted by their encodings.
func marshalSet(tag int, class int, elems [][]byte) ([]byte, error) {
	sorted := make([][]byte, len(elems))
	copy(sorted, elems)
	sortDER(sorted)
	var content []byte
	for _, e := range sorted {
		content = append(content, e...)
	}
	return asn1.Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: content})
}

func sortDER(s [][]byte) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && lessDER(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func lessDER(a, b []byte) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// certHash returns the ESS certificate identifier of cert for hash h.
func certHash(cert *x509.Certificate, h crypto.Hash) []byte {
	d := h.New()
	d.Write(cert.Raw)
	return d.Sum(nil)
}
