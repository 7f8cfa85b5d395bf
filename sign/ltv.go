package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/motcua/motcua/sign/internal/cms"
	"github.com/motcua/motcua/sign/internal/pdf"
)

// PAdES B-LT (ETSI EN 319 142-1 §5.4): the certificates and revocation
// data a verifier needs years from now, when the CA's CRL server may be
// gone, are kept in the document itself, in its Document Security Store
// (ISO 32000-2 §12.8.4.3): the catalog's /DSS with /Certs, /CRLs and
// /OCSPs, each entry a stream holding one DER object. It is added after
// the last signature in an incremental update, which leaves every
// signature intact (the verifier allows exactly that update, see
// changedSince).

// Validation is what goes into the store.
type Validation struct {
	Certs []*x509.Certificate
	// CRLs and OCSPs are DER CertificateList and OCSPResponse objects.
	CRLs, OCSPs [][]byte
}

// Empty reports whether there is nothing to store.
func (v *Validation) Empty() bool { return v == nil || len(v.CRLs)+len(v.OCSPs) == 0 }

// maxCRLBytes bounds what a CRL download may bring; maxCRLs how many
// distribution points one document may make motcua fetch (the URLs come
// from certificates: a chain naming hundreds would hold the leader's
// request for minutes).
const (
	maxCRLBytes = 10 << 20
	maxCRLs     = 16
)

// CollectValidation gathers, for every signature of doc and for the
// time-stamp authority of each, the certificate chain the signature
// carries and revocation data for each certificate below the root:
//   - an OCSP response (RFC 6960) from the responder the certificate
//     names (authority information access, http or https), checked
//     against the issuer (see checkOCSP), with a delegated responder's
//     certificate added to the chains; else, when no responder answers
//     good or revoked with a response that checks,
//   - the CRLs at the distribution points the certificate names (http
//     only, as RFC 5280 §4.2.1.13 advises for CRLs).
//
// A CRL that cannot be fetched, parsed, or whose signature does not
// check against the issuer is an error, as is a certificate whose
// responder fails and that names no CRL: a B-LT document with missing
// revocation data would claim what it does not hold. Certificates naming
// neither contribute their chain only.
func CollectValidation(ctx context.Context, doc []byte, client *http.Client) (*Validation, error) {
	if client == nil {
		// Not http.DefaultClient: it has no timeout, and a CA's server
		// that accepts the connection and never answers would hang the
		// caller as long as ctx allows.
		client = &http.Client{Timeout: 10 * time.Second}
	}
	r, err := pdf.Open(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	cat, _, err := r.Catalog()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	var chains [][]*x509.Certificate
	eachSignature(r, cat, func(_ string, v pdf.Dict) {
		contents, _ := v["Contents"].(pdf.String)
		sd, err := cms.Parse(contents)
		if err != nil || len(sd.Signers) == 0 {
			return
		}
		si := sd.Signers[0]
		if cert, err := si.SignerCert(sd.Certificates); err == nil {
			chains = append(chains, OrderChain(cert, sd.Certificates))
		}
		if tv, ok := cms.Attr(si.Unsigned, cms.OIDAttrTimeStampToken); ok {
			if tok, err := cms.ParseToken(tv.FullBytes); err == nil && tok.Cert != nil {
				chains = append(chains, OrderChain(tok.Cert, tok.Certs))
			}
		}
	})
	out := &Validation{}
	seenCert, seenURL := map[string]bool{}, map[string]bool{}
	// answered: certificates whose OCSP response is in out (a signer
	// may sign twice); asked: those already sent to their responders.
	answered, asked := map[string]bool{}, map[string]bool{}
	addCert := func(c *x509.Certificate) {
		if !seenCert[string(c.Raw)] {
			seenCert[string(c.Raw)] = true
			out.Certs = append(out.Certs, c)
		}
	}
	sent := 0
	for _, chain := range chains {
		for i, c := range chain {
			addCert(c)
			if i+1 >= len(chain) || bytes.Equal(c.RawIssuer, c.RawSubject) {
				continue // a root: nobody revokes it
			}
			// OCSP first: one small response about this certificate.
			// Only when no responder gives a good or revoked answer that
			// checks does the CA's CRL stand in for it.
			if answered[string(c.Raw)] {
				continue
			}
			var ocspErr error
			if len(c.OCSPServer) > 0 && !asked[string(c.Raw)] {
				asked[string(c.Raw)] = true
				der, resp, err := fetchOCSP(ctx, client, c, chain[i+1], &sent)
				if err == nil {
					out.OCSPs = append(out.OCSPs, der)
					answered[string(c.Raw)] = true
					if resp.Certificate != nil {
						addCert(resp.Certificate) // the delegated responder
					}
					continue
				}
				ocspErr = err
			}
			crls := 0
			for _, u := range c.CRLDistributionPoints {
				if !strings.HasPrefix(u, "http://") {
					continue
				}
				crls++
				if seenURL[u] {
					continue
				}
				seenURL[u] = true
				if len(seenURL) > maxCRLs {
					return nil, fmt.Errorf("sign: the certificates name more than %d CRL distribution points", maxCRLs)
				}
				crl, err := fetchCRL(ctx, client, u, chain[i+1])
				if err != nil {
					return nil, err
				}
				out.CRLs = append(out.CRLs, crl)
			}
			if ocspErr != nil && crls == 0 {
				// The certificate names a responder that did not answer
				// and no CRL: the store would lack its revocation data.
				return nil, ocspErr
			}
		}
	}
	return out, nil
}

func fetchCRL(ctx context.Context, client *http.Client, url string, issuer *x509.Certificate) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("sign: CRL %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign: CRL %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign: CRL %s: HTTP %d", url, resp.StatusCode)
	}
	der, err := io.ReadAll(io.LimitReader(resp.Body, maxCRLBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sign: CRL %s: %w", url, err)
	}
	if len(der) > maxCRLBytes {
		return nil, fmt.Errorf("sign: CRL %s larger than %d bytes", url, maxCRLBytes)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("sign: CRL %s: %w", url, err)
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return nil, fmt.Errorf("sign: CRL %s is not signed by %s: %w", url, commonName(issuer), err)
	}
	return der, nil
}

// AddValidation appends v to doc's document security store in one
// incremental update (entries already there are kept) and returns the
// new document; with nothing to add it returns doc.
func AddValidation(doc []byte, v *Validation) ([]byte, error) {
	if v == nil || len(v.Certs)+len(v.CRLs)+len(v.OCSPs) == 0 {
		return doc, nil
	}
	r, err := pdf.Open(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	cat, catRef, err := r.Catalog()
	if err != nil {
		return nil, err
	}
	u, err := pdf.NewUpdate(r)
	if err != nil {
		return nil, err
	}
	dss := pdf.Dict{}
	dssRef, indirect := cat["DSS"].(pdf.Ref)
	if d, ok := r.Dict(cat["DSS"]); ok {
		dss = d.Clone()
	}
	add := func(key pdf.Name, items [][]byte) {
		if len(items) == 0 {
			return
		}
		old, _ := r.Array(dss[key])
		arr := append(pdf.Array{}, old...)
		for _, der := range items {
			arr = append(arr, u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: der}))
		}
		dss[key] = arr
	}
	var certs [][]byte
	for _, c := range v.Certs {
		certs = append(certs, c.Raw)
	}
	add("Certs", certs)
	add("CRLs", v.CRLs)
	add("OCSPs", v.OCSPs)
	dss["Type"] = pdf.Name("DSS")
	if indirect {
		u.Set(dssRef, dss)
	} else {
		c := cat.Clone()
		c["DSS"] = u.Add(dss)
		u.Set(catRef, c)
	}
	w, err := u.Write()
	if err != nil {
		return nil, err
	}
	return w.PDF, nil
}

// LongTerm collects the validation data of doc's signatures and adds it
// (PAdES B-LT for time-stamped signatures). When no CA of theirs
// publishes a CRL or an OCSP responder, doc is returned unchanged.
func LongTerm(ctx context.Context, doc []byte, client *http.Client) ([]byte, error) {
	v, err := CollectValidation(ctx, doc, client)
	if err != nil {
		return nil, err
	}
	if v.Empty() {
		return doc, nil
	}
	return AddValidation(doc, v)
}

// errNoStore is returned by readStore for a document without a DSS.
var errNoStore = errors.New("no document security store")

// readStore reads the CRLs and the OCSP responses (DER, checked per
// signature by markLongTerm) of doc's document security store.
func readStore(r *pdf.Reader, cat pdf.Dict) ([]*x509.RevocationList, [][]byte, error) {
	dss, ok := r.Dict(cat["DSS"])
	if !ok {
		return nil, nil, errNoStore
	}
	var crls []*x509.RevocationList
	for _, der := range storeItems(r, dss["CRLs"]) {
		if crl, err := x509.ParseRevocationList(der); err == nil {
			crls = append(crls, crl)
		}
	}
	return crls, storeItems(r, dss["OCSPs"]), nil
}

// storeItems decodes the streams of a DSS array, skipping what is not one.
func storeItems(r *pdf.Reader, v pdf.Object) [][]byte {
	arr, _ := r.Array(v)
	var out [][]byte
	for _, o := range arr {
		ref, ok := o.(pdf.Ref)
		if !ok {
			continue
		}
		obj, err := r.Object(ref)
		if err != nil {
			continue
		}
		s, ok := obj.(*pdf.Stream)
		if !ok {
			continue
		}
		if der, err := r.Decode(s); err == nil {
			out = append(out, der)
		}
	}
	return out
}

// markLongTerm sets ValidationData on the signatures for which the store
// says the signer was not revoked, and raises a time-stamped one to
// PAdES B-LT. The store says so with the newest CRL signed by the
// signer's issuer not listing it, or with the newest OCSP response about
// it (checked as checkOCSP does) saying good and not already stale at
// the signature's time (nextUpdate absent, or not before the time-stamp,
// else the signing time). A signer that either lists as revoked before
// the signature's time-stamp — or at all, when there is no time-stamp to
// prove the signature came first — makes the signature invalid
// (ProblemRevoked): the document's own store says its key was no longer
// to be trusted. A response that does not check is ignored, as if absent.
func markLongTerm(r *pdf.Reader, cat pdf.Dict, sigs []SignatureInfo) {
	crls, ocsps, err := readStore(r, cat)
	if err != nil || len(crls)+len(ocsps) == 0 {
		return
	}
	for i := range sigs {
		s := &sigs[i]
		if s.cert == nil || s.issuer == nil {
			continue
		}
		good := false
		var revokedAt []time.Time
		if crl := newestCRL(crls, s.cert, s.issuer); crl != nil {
			good = true
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(s.cert.SerialNumber) == 0 {
					good = false
					revokedAt = append(revokedAt, e.RevocationTime)
				}
			}
		}
		if resp := newestOCSP(ocsps, s.cert, s.issuer); resp != nil {
			at := s.TimeStamp
			if at == nil {
				at = s.SigningTime
			}
			switch {
			case resp.Status == ocsp.Revoked:
				revokedAt = append(revokedAt, resp.RevokedAt)
			case resp.Status == ocsp.Good && (resp.NextUpdate.IsZero() || at == nil || !resp.NextUpdate.Before(*at)):
				good = true
			}
		}
		s.ValidationData = good && len(revokedAt) == 0
		for _, t := range revokedAt {
			if s.TimeStamp == nil || !t.After(*s.TimeStamp) {
				s.Valid = false
				s.Problems = append(s.Problems, ProblemRevoked)
				break
			}
		}
		if s.ValidationData && s.Level == "PAdES B-T" {
			s.Level = "PAdES B-LT"
		}
	}
}

// newestCRL is the newest CRL signed by cert's issuer, or nil.
func newestCRL(crls []*x509.RevocationList, cert, issuer *x509.Certificate) *x509.RevocationList {
	var newest *x509.RevocationList
	for _, crl := range crls {
		if bytes.Equal(crl.RawIssuer, cert.RawIssuer) && crl.CheckSignatureFrom(issuer) == nil &&
			(newest == nil || crl.ThisUpdate.After(newest.ThisUpdate) || crl.Number != nil && newest.Number != nil && crl.Number.Cmp(newest.Number) > 0) {
			newest = crl
		}
	}
	return newest
}

// newestOCSP is the OCSP response about cert that checks and was
// produced last, or nil. On a tie the later in the store wins: a later
// LongTerm appends the fresher answer.
func newestOCSP(ders [][]byte, cert, issuer *x509.Certificate) *ocsp.Response {
	var newest *ocsp.Response
	for _, der := range ders {
		resp, err := checkOCSP(der, cert, issuer)
		if err != nil {
			continue
		}
		if newest == nil || resp.ProducedAt.After(newest.ProducedAt) || resp.ProducedAt.Equal(newest.ProducedAt) && !resp.ThisUpdate.Before(newest.ThisUpdate) {
			newest = resp
		}
	}
	return newest
}
