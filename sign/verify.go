package sign

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/sign/internal/cms"
	"github.com/motcua/motcua/sign/internal/pdf"
)

// SignatureInfo is what a verifier tells about one signature.
type SignatureInfo struct {
	Field string `json:"field"`
	// Signer is the signer certificate's common name (or whole subject),
	// Organization its organisation.
	Signer       string `json:"signer"`
	Organization string `json:"organization,omitempty"`
	// SigningTime is the time the signer's computer claimed (/M).
	SigningTime *time.Time `json:"signing_time,omitempty"`
	// TimeStamp is the time a time-stamp authority attests, when the
	// signature carries a valid time-stamp; TimeStampAuthority names it.
	TimeStamp          *time.Time `json:"time_stamp,omitempty"`
	TimeStampAuthority string     `json:"time_stamp_authority,omitempty"`
	// Level is "PAdES B-B", "PAdES B-T", "PKCS#7" (a non-PAdES CMS
	// signature) or "document time-stamp".
	Level     string `json:"level"`
	SubFilter string `json:"sub_filter"`
	Algorithm string `json:"algorithm,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Location  string `json:"location,omitempty"`
	// Chain is the signer's certificate chain, signer first: the
	// validated path when it reaches the trust list, otherwise what the
	// signature carries.
	Chain []CertInfo `json:"chain"`
	// Intact is true when the digest and the signature value check: the
	// bytes the signature covers are exactly what was signed.
	Intact bool `json:"intact"`
	// CoversDocument is true when the signature covers the whole file;
	// Revision is the length of the file version it covers.
	CoversDocument bool `json:"covers_document"`
	Revision       int  `json:"revision_bytes"`
	// ModifiedAfter is true when the document was changed after this
	// signature: for the last signature, anything appended; for an
	// earlier one, anything but what later signatures add (new fields,
	// widgets and their appearances).
	ModifiedAfter bool `json:"modified_after"`
	// TrustChecked is false when no trust list was given; Trusted is true
	// when the chain reaches the trust list (at the time-stamp's time, or
	// now).
	TrustChecked bool `json:"trust_checked"`
	Trusted      bool `json:"trusted"`
	// Valid sums up: intact, not modified after, and trusted when a trust
	// list was given.
	Valid bool `json:"valid"`
	// Problems are machine codes (see ProblemText) for what is wrong.
	Problems []string `json:"problems,omitempty"`
	// ValidationData is true when the document's security store holds a
	// CRL of the signer's CA that does not list the signer, or a good OCSP
	// response about the signer, and nothing there says it was revoked
	// (PAdES B-LT when the signature is also time-stamped).
	ValidationData bool `json:"validation_data,omitempty"`

	cert, issuer *x509.Certificate // the signer's and its issuer's, for markLongTerm
}

// CertInfo describes one certificate.
type CertInfo struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
}

// Problem codes.
const (
	ProblemMalformed     = "malformed"
	ProblemByteRange     = "bad_byte_range"
	ProblemDigest        = "digest_mismatch"
	ProblemSignature     = "bad_signature"
	ProblemSigningCert   = "signing_certificate_mismatch"
	ProblemModified      = "modified_after_signing"
	ProblemUntrusted     = "untrusted_chain"
	ProblemTimeStamp     = "bad_time_stamp"
	ProblemUnsupported   = "unsupported"
	ProblemNotPAdES      = "not_pades"
	ProblemUntrustedTime = "untrusted_time_stamp_authority"
	ProblemRevoked       = "revoked"
)

// ProblemCodes lists every problem code, for callers that translate them.
func ProblemCodes() []string {
	return []string{ProblemMalformed, ProblemByteRange, ProblemDigest, ProblemSignature, ProblemSigningCert, ProblemModified,
		ProblemUntrusted, ProblemTimeStamp, ProblemUnsupported, ProblemNotPAdES, ProblemUntrustedTime, ProblemRevoked}
}

// ProblemText explains a problem code in English (the portal has both
// languages as message keys "verify.problem.<code>").
func ProblemText(code string) string {
	switch code {
	case ProblemMalformed:
		return "the signature cannot be read"
	case ProblemByteRange:
		return "the signature's byte range is not well-formed"
	case ProblemDigest:
		return "the signed bytes have been changed"
	case ProblemSignature:
		return "the signature value does not verify with the signer's key"
	case ProblemSigningCert:
		return "the signed signing-certificate attribute names another certificate"
	case ProblemModified:
		return "the document was changed after this signature"
	case ProblemUntrusted:
		return "the certificate chain does not reach the trust list"
	case ProblemTimeStamp:
		return "the signature time-stamp is invalid"
	case ProblemUnsupported:
		return "this kind of signature is not supported"
	case ProblemNotPAdES:
		return "not a PAdES signature (no signing-certificate-v2)"
	case ProblemUntrustedTime:
		return "the time-stamp authority's chain does not reach the trust list"
	case ProblemRevoked:
		return "the signer's certificate was revoked before the signature's time-stamp (or it has none)"
	}
	return code
}

// ErrNotPDF is returned by Verify for input that is not a readable PDF.
var ErrNotPDF = errors.New("sign: not a readable PDF")

// Verify checks every signature of doc. trust, when not nil, is the trust
// list the chains must reach. A document without signatures gives an
// empty list and no error.
func Verify(doc []byte, trust *x509.CertPool) ([]SignatureInfo, error) {
	r, err := pdf.Open(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	cat, _, err := r.Catalog()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	var out []SignatureInfo
	eachSignature(r, cat, func(name string, v pdf.Dict) {
		out = append(out, verifyOne(doc, name, v, trust))
	})
	slices.SortStableFunc(out, func(a, b SignatureInfo) int { return a.Revision - b.Revision })
	for i := range out {
		s := &out[i]
		// The last signature must cover the file; an earlier one, the
		// file less what later signing adds (see changedSince).
		// The last may be followed by validation data only (a DSS, PAdES B-LT).
		if s.Revision > 0 && !s.CoversDocument && (i == len(out)-1 && changedSince(doc, s.Revision, true) || i < len(out)-1 && changedSince(doc, s.Revision, false)) {
			s.ModifiedAfter = true
			s.Problems = append(s.Problems, ProblemModified)
		}
		s.Valid = s.Intact && !s.ModifiedAfter && (!s.TrustChecked || s.Trusted) && !slices.Contains(s.Problems, ProblemTimeStamp)
	}
	markLongTerm(r, cat, out)
	return out, nil
}

// eachSignature calls fn for every filled signature field of the form,
// with its fully qualified name and its signature dictionary.
func eachSignature(r *pdf.Reader, cat pdf.Dict, fn func(name string, v pdf.Dict)) {
	acro, _ := r.Dict(cat["AcroForm"])
	fields, _ := r.Array(acro["Fields"])
	seen := map[pdf.Ref]bool{}
	var walk func(fields pdf.Array, prefix string, depth int)
	walk = func(fields pdf.Array, prefix string, depth int) {
		for _, o := range fields {
			if ref, ok := o.(pdf.Ref); ok {
				if seen[ref] {
					continue
				}
				seen[ref] = true
			}
			d, ok := r.Dict(o)
			if !ok || depth > 20 {
				continue
			}
			name := prefix
			if t, ok := d["T"].(pdf.String); ok {
				name = strings.TrimPrefix(prefix+"."+decodeText(t), ".")
			}
			if kids, ok := r.Array(d["Kids"]); ok {
				walk(kids, name, depth+1)
			}
			if d.Name("FT") != "Sig" {
				continue
			}
			v, ok := r.Dict(d["V"])
			if !ok {
				continue // an empty signature field
			}
			fn(name, v)
		}
	}
	walk(fields, "", 0)
}

// AllValid reports whether there is at least one signature and every one
// is valid.
func AllValid(sigs []SignatureInfo) bool {
	for _, s := range sigs {
		if !s.Valid {
			return false
		}
	}
	return len(sigs) > 0
}

func verifyOne(doc []byte, field string, v pdf.Dict, trust *x509.CertPool) SignatureInfo {
	s := SignatureInfo{Field: field, SubFilter: string(v.Name("SubFilter")), TrustChecked: trust != nil, Chain: []CertInfo{}}
	if m, ok := v["M"].(pdf.String); ok {
		if t, ok := parsePDFDate(string(m)); ok {
			s.SigningTime = &t
		}
	}
	if t, ok := v["Reason"].(pdf.String); ok {
		s.Reason = decodeText(t)
	}
	if t, ok := v["Location"].(pdf.String); ok {
		s.Location = decodeText(t)
	}
	fail := func(code string) SignatureInfo {
		s.Problems = append(s.Problems, code)
		return s
	}
	contents, _ := v["Contents"].(pdf.String)
	br, ok := v["ByteRange"].(pdf.Array)
	var rng [4]int64
	if ok && len(br) == 4 {
		for i, x := range br {
			rng[i], ok = x.(int64)
			if !ok {
				break
			}
		}
	}
	a, b, c := rng[1], rng[2], rng[3]
	if !ok || len(br) != 4 || rng[0] != 0 || a <= 0 || b <= a+1 || c < 0 || b+c > int64(len(doc)) ||
		doc[a] != '<' || doc[b-1] != '>' || !sameHex(doc[a+1:b-1], contents) {
		return fail(ProblemByteRange)
	}
	s.Revision = int(b + c)
	s.CoversDocument = b+c == int64(len(doc))
	digest := func(h crypto.Hash) []byte {
		d := h.New()
		d.Write(doc[:a])
		d.Write(doc[b : b+c])
		return d.Sum(nil)
	}
	sd, err := cms.Parse(contents)
	if err != nil {
		return fail(ProblemMalformed)
	}
	si := sd.Signers[0]
	if s.SubFilter == "ETSI.RFC3161" {
		return verifyDocTimeStamp(s, contents, digest, trust)
	}
	cert, err := si.SignerCert(sd.Certificates)
	if err != nil {
		return fail(ProblemMalformed)
	}
	s.Signer, s.Organization = commonName(cert), strings.Join(cert.Subject.Organization, ", ")
	s.Algorithm = si.AlgorithmName(cert)
	ordered := OrderChain(cert, sd.Certificates)
	s.Chain = certInfos(ordered)
	s.cert = cert
	if len(ordered) > 1 {
		s.issuer = ordered[1]
	}
	switch s.SubFilter {
	case "ETSI.CAdES.detached", "adbe.pkcs7.detached":
		err = si.Verify(cert, digest(si.Hash))
	case "adbe.pkcs7.sha1":
		// The signed content is the SHA-1 digest of the byte range.
		if !bytes.Equal(sd.Content, digest(crypto.SHA1)) {
			err = cms.ErrDigestMismatch
		} else {
			d := si.Hash.New()
			d.Write(sd.Content)
			err = si.Verify(cert, d.Sum(nil))
		}
	default:
		return fail(ProblemUnsupported)
	}
	switch {
	case errors.Is(err, cms.ErrDigestMismatch):
		return fail(ProblemDigest)
	case err != nil:
		return fail(ProblemSignature)
	}
	s.Intact = true
	hasV2, err := si.CheckSigningCertificate(cert)
	if err != nil {
		s.Intact = false
		return fail(ProblemSigningCert)
	}
	s.Level = "PKCS#7"
	if s.SubFilter == "ETSI.CAdES.detached" {
		if !hasV2 {
			s.Problems = append(s.Problems, ProblemNotPAdES)
		} else {
			s.Level = "PAdES B-B"
		}
	}
	at := time.Now()
	if v, ok := cms.Attr(si.Unsigned, cms.OIDAttrTimeStampToken); ok {
		tok, err := cms.ParseToken(v.FullBytes)
		if err == nil {
			th, _ := cms.HashOf(tok.Info.MessageImprint.HashAlgorithm.Algorithm)
			if th == 0 {
				err = errors.New("unsupported time-stamp digest")
			} else {
				d := th.New()
				d.Write(si.Signature)
				err = tok.Check(th, d.Sum(nil))
			}
		}
		if err != nil {
			s.Problems = append(s.Problems, ProblemTimeStamp)
		} else {
			t := tok.Info.GenTime
			s.TimeStamp, s.TimeStampAuthority, at = &t, commonName(tok.Cert), t
			if s.Level == "PAdES B-B" {
				s.Level = "PAdES B-T"
			}
			if trust != nil {
				if _, err := chain(tok.Cert, tok.Certs, trust, t, x509.ExtKeyUsageTimeStamping); err != nil {
					s.Problems = append(s.Problems, ProblemUntrustedTime)
				}
			}
		}
	}
	if trust != nil {
		path, err := chain(cert, sd.Certificates, trust, at, x509.ExtKeyUsageAny)
		if err != nil {
			s.Problems = append(s.Problems, ProblemUntrusted)
		} else {
			s.Trusted = !slices.Contains(s.Problems, ProblemUntrustedTime)
			s.Chain = certInfos(path)
		}
	}
	return s
}

// verifyDocTimeStamp checks a document time-stamp (ISO 32000-2
// §12.8.5): the token's imprint is the digest of the byte range.
func verifyDocTimeStamp(s SignatureInfo, contents []byte, digest func(crypto.Hash) []byte, trust *x509.CertPool) SignatureInfo {
	s.Level = "document time-stamp"
	tok, err := cms.ParseToken(contents)
	if err != nil {
		s.Problems = append(s.Problems, ProblemSignature)
		return s
	}
	h, err := cms.HashOf(tok.Info.MessageImprint.HashAlgorithm.Algorithm)
	if err != nil || tok.Check(h, digest(h)) != nil {
		s.Problems = append(s.Problems, ProblemDigest)
		return s
	}
	t := tok.Info.GenTime
	s.Intact, s.TimeStamp = true, &t
	s.Signer, s.TimeStampAuthority = commonName(tok.Cert), commonName(tok.Cert)
	s.Chain = certInfos(OrderChain(tok.Cert, tok.Certs))
	if trust != nil {
		if path, err := chain(tok.Cert, tok.Certs, trust, t, x509.ExtKeyUsageTimeStamping); err != nil {
			s.Problems = append(s.Problems, ProblemUntrusted)
		} else {
			s.Trusted, s.Chain = true, certInfos(path)
		}
	}
	return s
}

// chain validates cert up to the trust list at time at.
func chain(cert *x509.Certificate, pool []*x509.Certificate, trust *x509.CertPool, at time.Time, usage x509.ExtKeyUsage) ([]*x509.Certificate, error) {
	inter := x509.NewCertPool()
	for _, c := range pool {
		inter.AddCert(c)
	}
	paths, err := cert.Verify(x509.VerifyOptions{Roots: trust, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{usage}})
	if err != nil {
		return nil, err
	}
	return paths[0], nil
}

func sameHex(h []byte, contents pdf.String) bool {
	h = bytes.TrimRight(bytes.Join(bytes.Fields(h), nil), "0")
	want := bytes.TrimRight([]byte(strings.ToLower(hex.EncodeToString(contents))), "0")
	return bytes.Equal(bytes.ToLower(h), want)
}

func commonName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

func certInfos(certs []*x509.Certificate) []CertInfo {
	out := make([]CertInfo, 0, len(certs))
	for _, c := range certs {
		sum := sha256.Sum256(c.Raw)
		out = append(out, CertInfo{
			Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: c.SerialNumber.Text(16),
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: hex.EncodeToString(sum[:]),
		})
	}
	return out
}

// parsePDFDate reads D:YYYYMMDDHHmmSSOHH'mm' (every part after the year
// optional).
func parsePDFDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(s, "D:")
	s = strings.ReplaceAll(s, "'", "")
	layouts := []string{"20060102150405-0700", "20060102150405Z", "20060102150405", "200601021504-0700", "200601021504", "20060102"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	if strings.HasSuffix(s, "Z00") || strings.HasSuffix(s, "Z0000") {
		if t, err := time.Parse("20060102150405Z", strings.TrimRight(s, "0")); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
