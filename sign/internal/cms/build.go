package cms

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"
)

// Signer is a key and the certificates that go with it.
type Signer struct {
	Key  crypto.Signer
	Cert *x509.Certificate
	// Chain holds the certificates embedded besides Cert (intermediates,
	// and the root if the caller wants it there).
	Chain []*x509.Certificate
	// Hash is the digest algorithm; zero means SHA-256.
	Hash crypto.Hash
}

// Options shape the SignedData that Sign builds.
type Options struct {
	// ContentType is the eContentType; nil means id-data.
	ContentType asn1.ObjectIdentifier
	// Content, when set, is encapsulated (a time-stamp token carries its
	// TSTInfo); otherwise the signature is detached.
	Content []byte
	// SigningTime adds the signing-time attribute when not zero. PAdES
	// forbids it (the time is the PDF's /M), time-stamp tokens may carry it.
	SigningTime time.Time
}

// Built is a signed SignedData that can still receive unsigned attributes
// (the signature time-stamp of PAdES B-T).
type Built struct {
	sd  signedData
	sig []byte
}

// Sign signs digest (the hash of the content, or of Options.Content when
// that is set) and returns the SignedData. The signed attributes are
// content-type, message-digest and signing-certificate-v2 (RFC 5035),
// which is what PAdES baseline B asks for.
func Sign(s Signer, digest []byte, opt Options) (*Built, error) {
	h := s.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	if err := hashAvailable(h); err != nil {
		return nil, err
	}
	if s.Key == nil || s.Cert == nil {
		return nil, errors.New("cms: signer needs a key and a certificate")
	}
	hashOID, err := HashOID(h)
	if err != nil {
		return nil, err
	}
	sigAlg, err := signatureAlgorithm(s.Key.Public(), h)
	if err != nil {
		return nil, err
	}
	ct := opt.ContentType
	if ct == nil {
		ct = OIDData
	}
	var attrs [][]byte
	add := func(oid asn1.ObjectIdentifier, v any) error {
		der, err := asn1.Marshal(v)
		if err != nil {
			return err
		}
		a, err := asn1.Marshal(Attribute{Type: oid, Values: []asn1.RawValue{{FullBytes: der}}})
		attrs = append(attrs, a)
		return err
	}
	if err := add(OIDAttrContentType, ct); err != nil {
		return nil, err
	}
	if err := add(OIDAttrMessageDigest, digest); err != nil {
		return nil, err
	}
	if !opt.SigningTime.IsZero() {
		if err := add(OIDAttrSigningTime, opt.SigningTime.UTC()); err != nil {
			return nil, err
		}
	}
	scv2, err := signingCertificateV2(s.Cert, h)
	if err != nil {
		return nil, err
	}
	if err := add(OIDAttrSigningCertV2, asn1.RawValue{FullBytes: scv2}); err != nil {
		return nil, err
	}
	// The signature covers the attributes encoded as a SET OF (tag 0x31);
	// in the SignerInfo the same bytes carry the [0] IMPLICIT tag.
	toSign, err := marshalSet(asn1.TagSet, asn1.ClassUniversal, attrs)
	if err != nil {
		return nil, err
	}
	signedAttrs, err := marshalSet(0, asn1.ClassContextSpecific, attrs)
	if err != nil {
		return nil, err
	}
	d := h.New()
	d.Write(toSign)
	sig, err := s.Key.Sign(rand.Reader, d.Sum(nil), h)
	if err != nil {
		return nil, err
	}
	sid, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: s.Cert.RawIssuer}, Serial: s.Cert.SerialNumber})
	if err != nil {
		return nil, err
	}
	certs := [][]byte{s.Cert.Raw}
	for _, c := range s.Chain {
		if !c.Equal(s.Cert) {
			certs = append(certs, c.Raw)
		}
	}
	certSet, err := marshalSet(0, asn1.ClassContextSpecific, certs)
	if err != nil {
		return nil, err
	}
	eci := encapContentInfo{EContentType: ct}
	if opt.Content != nil {
		oct, err := asn1.Marshal(opt.Content)
		if err != nil {
			return nil, err
		}
		eci.EContent = explicit(0, oct)
	}
	b := &Built{sig: sig, sd: signedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{{Algorithm: hashOID}},
		EncapContentInfo: eci,
		Certificates:     asn1.RawValue{FullBytes: certSet},
		SignerInfos: []signerInfo{{
			Version:            1,
			SID:                asn1.RawValue{FullBytes: sid},
			DigestAlgorithm:    pkix.AlgorithmIdentifier{Algorithm: hashOID},
			SignedAttrs:        asn1.RawValue{FullBytes: signedAttrs},
			SignatureAlgorithm: sigAlg,
			Signature:          sig,
		}},
	}}
	if opt.ContentType != nil && !opt.ContentType.Equal(OIDData) {
		b.sd.Version = 3 // RFC 5652 §5.1: other eContentType
	}
	return b, nil
}

// SignatureValue is the signer's signature value: what a signature
// time-stamp covers.
func (b *Built) SignatureValue() []byte { return b.sig }

// SetUnsigned sets the signer's unsigned attributes.
func (b *Built) SetUnsigned(attrs ...Attribute) error {
	var enc [][]byte
	for _, a := range attrs {
		der, err := asn1.Marshal(a)
		if err != nil {
			return err
		}
		enc = append(enc, der)
	}
	set, err := marshalSet(1, asn1.ClassContextSpecific, enc)
	if err != nil {
		return err
	}
	b.sd.SignerInfos[0].UnsignedAttrs = asn1.RawValue{FullBytes: set}
	return nil
}

// Bytes returns the DER ContentInfo.
func (b *Built) Bytes() ([]byte, error) {
	sd, err := asn1.Marshal(b.sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(ContentInfo{ContentType: OIDSignedData, Content: explicit(0, sd)})
}

func explicit(tag int, der []byte) asn1.RawValue {
	v, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: tag, IsCompound: true, Bytes: der})
	return asn1.RawValue{FullBytes: v}
}

type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"`
	CertHash      []byte
	IssuerSerial  issuerSerial `asn1:"optional"`
}

type essCertID struct {
	CertHash     []byte
	IssuerSerial issuerSerial `asn1:"optional"`
}

type issuerSerial struct {
	Issuer asn1.RawValue // GeneralNames
	Serial *big.Int
}

type signingCertificate struct {
	Certs    []essCertIDv2
	Policies asn1.RawValue `asn1:"optional"`
}

type signingCertificateV1 struct {
	Certs    []essCertID
	Policies asn1.RawValue `asn1:"optional"`
}

// signingCertificateV2 encodes SigningCertificateV2 naming cert by its
// hash and by issuer and serial number. The hash algorithm is left out
// when it is SHA-256, its DER default.
func signingCertificateV2(cert *x509.Certificate, h crypto.Hash) ([]byte, error) {
	id := essCertIDv2{CertHash: certHash(cert, h)}
	if h != crypto.SHA256 {
		oid, err := HashOID(h)
		if err != nil {
			return nil, err
		}
		id.HashAlgorithm = pkix.AlgorithmIdentifier{Algorithm: oid}
	}
	dirName, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer})
	if err != nil {
		return nil, err
	}
	names, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: dirName})
	if err != nil {
		return nil, err
	}
	id.IssuerSerial = issuerSerial{Issuer: asn1.RawValue{FullBytes: names}, Serial: cert.SerialNumber}
	return asn1.Marshal(signingCertificate{Certs: []essCertIDv2{id}})
}
