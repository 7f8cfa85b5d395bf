package cms

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// RFC 3161 structures.

// MessageImprint is the hash a time-stamp is about.
type MessageImprint struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	HashedMessage []byte
}

// TimeStampReq is an RFC 3161 request.
type TimeStampReq struct {
	Version        int
	MessageImprint MessageImprint
	ReqPolicy      asn1.ObjectIdentifier `asn1:"optional"`
	Nonce          *big.Int              `asn1:"optional"`
	CertReq        bool                  `asn1:"optional,default:false"`
	Extensions     []pkix.Extension      `asn1:"optional,tag:0"`
}

// PKIStatusInfo is the status of an RFC 3161 response.
type PKIStatusInfo struct {
	Status       int
	StatusString []string       `asn1:"optional,utf8"`
	FailInfo     asn1.BitString `asn1:"optional"`
}

// TimeStampResp is an RFC 3161 response.
type TimeStampResp struct {
	Status         PKIStatusInfo
	TimeStampToken asn1.RawValue `asn1:"optional"`
}

// Accuracy is the TSA's stated accuracy.
type Accuracy struct {
	Seconds int `asn1:"optional"`
	Millis  int `asn1:"optional,tag:0"`
	Micros  int `asn1:"optional,tag:1"`
}

// TSTInfo is the content of a time-stamp token.
type TSTInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint MessageImprint
	SerialNumber   *big.Int
	GenTime        time.Time        `asn1:"generalized"`
	Accuracy       Accuracy         `asn1:"optional"`
	Ordering       bool             `asn1:"optional,default:false"`
	Nonce          *big.Int         `asn1:"optional"`
	TSA            asn1.RawValue    `asn1:"optional,tag:0"`
	Extensions     []pkix.Extension `asn1:"optional,tag:1"`
}

// NewRequest encodes a request for a time-stamp on digest (made with h),
// asking for the TSA's certificate and carrying nonce.
func NewRequest(h crypto.Hash, digest []byte, nonce *big.Int) ([]byte, error) {
	oid, err := HashOID(h)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(TimeStampReq{
		Version:        1,
		MessageImprint: MessageImprint{HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}, HashedMessage: digest},
		Nonce:          nonce,
		CertReq:        true,
	})
}

// Token is a verified time-stamp token.
type Token struct {
	// Raw is the token (a ContentInfo), as embedded in a signature.
	Raw  []byte
	Info TSTInfo
	// Cert is the TSA's certificate, Certs every certificate in the token.
	Cert  *x509.Certificate
	Certs []*x509.Certificate
}

// ParseResponse checks an RFC 3161 response to a request for digest
// (made with h) with nonce, and returns its token.
func ParseResponse(resp []byte, h crypto.Hash, digest []byte, nonce *big.Int) (*Token, error) {
	var r TimeStampResp
	if _, err := asn1.Unmarshal(resp, &r); err != nil {
		return nil, fmt.Errorf("tsp: bad response: %w", err)
	}
	if r.Status.Status > 1 { // 0 granted, 1 granted with modifications
		return nil, fmt.Errorf("tsp: the time-stamp authority refused (status %d %q)", r.Status.Status, r.Status.StatusString)
	}
	if len(r.TimeStampToken.FullBytes) == 0 {
		return nil, errors.New("tsp: response without a token")
	}
	t, err := ParseToken(r.TimeStampToken.FullBytes)
	if err != nil {
		return nil, err
	}
	if err := t.Check(h, digest); err != nil {
		return nil, err
	}
	if nonce != nil && (t.Info.Nonce == nil || t.Info.Nonce.Cmp(nonce) != 0) {
		return nil, errors.New("tsp: the response's nonce does not match the request")
	}
	return t, nil
}

// ParseToken parses a time-stamp token and verifies its signature (not
// its certificate chain, which the caller checks against a trust list).
func ParseToken(der []byte) (*Token, error) {
	sd, err := Parse(der)
	if err != nil {
		return nil, fmt.Errorf("tsp: %w", err)
	}
	if !sd.ContentType.Equal(OIDTSTInfo) || sd.Content == nil {
		return nil, errors.New("tsp: token does not hold a TSTInfo")
	}
	t := &Token{Raw: der, Certs: sd.Certificates}
	if _, err := asn1.Unmarshal(sd.Content, &t.Info); err != nil {
		return nil, fmt.Errorf("tsp: bad TSTInfo: %w", err)
	}
	si := sd.Signers[0]
	if t.Cert, err = si.SignerCert(sd.Certificates); err != nil {
		return nil, fmt.Errorf("tsp: %w", err)
	}
	d := si.Hash.New()
	d.Write(sd.Content)
	if err := si.Verify(t.Cert, d.Sum(nil)); err != nil {
		return nil, fmt.Errorf("tsp: token signature: %w", err)
	}
	if _, err := si.CheckSigningCertificate(t.Cert); err != nil {
		return nil, fmt.Errorf("tsp: %w", err)
	}
	return t, nil
}

// Check verifies that the token is about digest, made with h.
func (t *Token) Check(h crypto.Hash, digest []byte) error {
	th, err := HashOf(t.Info.MessageImprint.HashAlgorithm.Algorithm)
	if err != nil {
		return fmt.Errorf("tsp: %w", err)
	}
	if th != h || !bytes.Equal(t.Info.MessageImprint.HashedMessage, digest) {
		return errors.New("tsp: the time-stamp is about other data")
	}
	return nil
}

// Issue is the server side, for test and internal time-stamp
// authorities: it answers a DER request with a granted response signed by
// s, stamped at now.
func Issue(s Signer, req []byte, now time.Time, serial *big.Int, policy asn1.ObjectIdentifier) ([]byte, error) {
	var q TimeStampReq
	if rest, err := asn1.Unmarshal(req, &q); err != nil || len(rest) > 0 {
		return asn1.Marshal(TimeStampResp{Status: PKIStatusInfo{Status: 2, StatusString: []string{"bad request"}, FailInfo: asn1.BitString{Bytes: []byte{0x80}, BitLength: 1}}})
	}
	info := TSTInfo{
		Version: 1, Policy: policy, MessageImprint: q.MessageImprint,
		SerialNumber: serial, GenTime: now.UTC().Truncate(time.Second),
		Accuracy: Accuracy{Seconds: 1}, Nonce: q.Nonce,
	}
	content, err := asn1.Marshal(info)
	if err != nil {
		return nil, err
	}
	h := s.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	d := h.New()
	d.Write(content)
	signer := s
	if !q.CertReq {
		signer.Chain = nil
	}
	b, err := Sign(signer, d.Sum(nil), Options{ContentType: OIDTSTInfo, Content: content, SigningTime: now})
	if err != nil {
		return nil, err
	}
	token, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(TimeStampResp{Status: PKIStatusInfo{Status: 0}, TimeStampToken: asn1.RawValue{FullBytes: token}})
}
