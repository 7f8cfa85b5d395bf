package cms

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// SignedData is a parsed CMS SignedData with its first signer.
type SignedData struct {
	// Certificates are all certificates the structure carries.
	Certificates []*x509.Certificate
	ContentType  asn1.ObjectIdentifier
	// Content is the encapsulated content; nil for a detached signature.
	Content []byte
	// Signers holds the signer infos (PDF signatures have exactly one).
	Signers []*SignerInfo
}

// SignerInfo is one parsed signer.
type SignerInfo struct {
	Hash               crypto.Hash
	SignatureAlgorithm asn1.ObjectIdentifier
	Signature          []byte
	// Signed and Unsigned are the attributes, in the order encoded.
	Signed   []Attribute
	Unsigned []Attribute

	signedDER []byte // the signed attributes re-tagged as SET OF
	issuer    []byte
	serial    *big.Int
	ski       []byte
}

// Parse reads a DER ContentInfo holding a SignedData. Bytes after the
// structure (a PDF /Contents string's zero padding) are ignored.
func Parse(der []byte) (*SignedData, error) {
	var ci ContentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("cms: not a CMS structure: %w", err)
	}
	if !ci.ContentType.Equal(OIDSignedData) {
		return nil, fmt.Errorf("cms: content type %v is not SignedData", ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("cms: bad SignedData: %w", err)
	}
	out := &SignedData{ContentType: sd.EncapContentInfo.EContentType}
	// Explicitly tagged RawValues keep their [0] wrapper: Bytes is the inner value.
	if len(sd.EncapContentInfo.EContent.FullBytes) > 0 {
		var content []byte
		if _, err := asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &content); err != nil {
			return nil, fmt.Errorf("cms: bad encapsulated content: %w", err)
		}
		out.Content = content
	}
	rest := sd.Certificates.Bytes
	for len(rest) > 0 {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			return nil, fmt.Errorf("cms: bad certificate set: %w", err)
		}
		if v.Class != asn1.ClassUniversal || v.Tag != asn1.TagSequence {
			continue // attribute certificates and other choices
		}
		c, err := x509.ParseCertificate(v.FullBytes)
		if err != nil {
			return nil, fmt.Errorf("cms: bad certificate: %w", err)
		}
		out.Certificates = append(out.Certificates, c)
	}
	if len(sd.SignerInfos) == 0 {
		return nil, errors.New("cms: no signer")
	}
	for _, si := range sd.SignerInfos {
		s, err := parseSigner(si)
		if err != nil {
			return nil, err
		}
		out.Signers = append(out.Signers, s)
	}
	return out, nil
}

func parseSigner(si signerInfo) (*SignerInfo, error) {
	h, err := HashOf(si.DigestAlgorithm.Algorithm)
	if err != nil {
		return nil, err
	}
	s := &SignerInfo{Hash: h, SignatureAlgorithm: si.SignatureAlgorithm.Algorithm, Signature: si.Signature}
	switch {
	case si.SID.Class == asn1.ClassUniversal && si.SID.Tag == asn1.TagSequence:
		var ias issuerAndSerial
		if _, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err != nil {
			return nil, fmt.Errorf("cms: bad signer identifier: %w", err)
		}
		s.issuer, s.serial = ias.Issuer.FullBytes, ias.Serial
	case si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0:
		s.ski = si.SID.Bytes
	default:
		return nil, errors.New("cms: bad signer identifier")
	}
	if len(si.SignedAttrs.FullBytes) > 0 {
		s.signedDER = append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
		if s.Signed, err = parseAttributes(si.SignedAttrs.Bytes); err != nil {
			return nil, err
		}
	}
	if len(si.UnsignedAttrs.FullBytes) > 0 {
		if s.Unsigned, err = parseAttributes(si.UnsignedAttrs.Bytes); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func parseAttributes(b []byte) ([]Attribute, error) {
	var out []Attribute
	for len(b) > 0 {
		var a Attribute
		var err error
		if b, err = asn1.Unmarshal(b, &a); err != nil {
			return nil, fmt.Errorf("cms: bad attribute: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Attr returns the first value of the attribute oid.
func Attr(attrs []Attribute, oid asn1.ObjectIdentifier) (asn1.RawValue, bool) {
	for _, a := range attrs {
		if a.Type.Equal(oid) && len(a.Values) > 0 {
			return a.Values[0], true
		}
	}
	return asn1.RawValue{}, false
}

// Has reports whether attrs has the attribute oid.
func Has(attrs []Attribute, oid asn1.ObjectIdentifier) bool {
	_, ok := Attr(attrs, oid)
	return ok
}

// SignerCert finds the signer's certificate among certs.
func (s *SignerInfo) SignerCert(certs []*x509.Certificate) (*x509.Certificate, error) {
	for _, c := range certs {
		if s.ski != nil && bytes.Equal(c.SubjectKeyId, s.ski) {
			return c, nil
		}
		if s.serial != nil && c.SerialNumber.Cmp(s.serial) == 0 && bytes.Equal(c.RawIssuer, s.issuer) {
			return c, nil
		}
	}
	return nil, errors.New("cms: the signer's certificate is not in the signature")
}

// SigningTime returns the signing-time attribute, if any.
func (s *SignerInfo) SigningTime() (time.Time, bool) {
	v, ok := Attr(s.Signed, OIDAttrSigningTime)
	if !ok {
		return time.Time{}, false
	}
	var t time.Time
	if _, err := asn1.Unmarshal(v.FullBytes, &t); err != nil {
		return time.Time{}, false
	}
	return t, true
}

// Verify checks the signer against the digest of the signed content:
// the message-digest attribute must equal it and the signature over the
// signed attributes must verify with cert's key. Without signed
// attributes the signature is checked over the digest itself.
func (s *SignerInfo) Verify(cert *x509.Certificate, digest []byte) error {
	if s.signedDER == nil {
		return checkSignature(cert.PublicKey, s.SignatureAlgorithm, s.Hash, digest, s.Signature)
	}
	v, ok := Attr(s.Signed, OIDAttrMessageDigest)
	if !ok {
		return errors.New("cms: no message-digest attribute")
	}
	var md []byte
	if _, err := asn1.Unmarshal(v.FullBytes, &md); err != nil {
		return fmt.Errorf("cms: bad message-digest attribute: %w", err)
	}
	if !bytes.Equal(md, digest) {
		return ErrDigestMismatch
	}
	if !Has(s.Signed, OIDAttrContentType) {
		return errors.New("cms: no content-type attribute")
	}
	d := s.Hash.New()
	d.Write(s.signedDER)
	if err := checkSignature(cert.PublicKey, s.SignatureAlgorithm, s.Hash, d.Sum(nil), s.Signature); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

// Errors a verifier distinguishes.
var (
	ErrDigestMismatch = errors.New("cms: the signed content's digest does not match")
	ErrBadSignature   = errors.New("cms: the signature value does not verify")
)

// CheckSigningCertificate checks the signing-certificate(-v2) attribute,
// when present, against cert. It reports whether the attribute was
// present (PAdES requires signing-certificate-v2).
func (s *SignerInfo) CheckSigningCertificate(cert *x509.Certificate) (bool, error) {
	if v, ok := Attr(s.Signed, OIDAttrSigningCertV2); ok {
		var sc signingCertificate
		if _, err := asn1.Unmarshal(v.FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
			return true, errors.New("cms: bad signing-certificate-v2 attribute")
		}
		h := crypto.SHA256
		if len(sc.Certs[0].HashAlgorithm.Algorithm) > 0 {
			var err error
			if h, err = HashOf(sc.Certs[0].HashAlgorithm.Algorithm); err != nil {
				return true, err
			}
		}
		if !bytes.Equal(sc.Certs[0].CertHash, certHash(cert, h)) {
			return true, errors.New("cms: signing-certificate-v2 names another certificate")
		}
		return true, nil
	}
	if v, ok := Attr(s.Signed, OIDAttrSigningCert); ok {
		var sc signingCertificateV1
		if _, err := asn1.Unmarshal(v.FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
			return false, errors.New("cms: bad signing-certificate attribute")
		}
		if !bytes.Equal(sc.Certs[0].CertHash, certHash(cert, crypto.SHA1)) {
			return false, errors.New("cms: signing-certificate names another certificate")
		}
	}
	return false, nil
}

// AlgorithmName names the signature algorithm for people.
func (s *SignerInfo) AlgorithmName(cert *x509.Certificate) string {
	key := cert.PublicKeyAlgorithm.String()
	if s.SignatureAlgorithm.Equal(OIDRSAPSS) {
		key = "RSA-PSS"
	}
	return fmt.Sprintf("%s with %s", key, hashName(s.Hash))
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA1:
		return "SHA-1"
	case crypto.SHA256:
		return "SHA-256"
	case crypto.SHA384:
		return "SHA-384"
	case crypto.SHA512:
		return "SHA-512"
	}
	return h.String()
}
