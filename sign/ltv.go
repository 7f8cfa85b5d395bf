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
// carries and the CRLs its CAs publish at the distribution points named
// in the certificates (http only, as RFC 5280 §4.2.1.13 advises for
// CRLs). A CRL that cannot be fetched, parsed, or whose signature does
// not check against the issuer is an error: a B-LT document with a
// missing CRL would claim what it does not hold. Certificates naming no
// distribution point contribute their chain only.
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
	for _, chain := range chains {
		for i, c := range chain {
			if !seenCert[string(c.Raw)] {
				seenCert[string(c.Raw)] = true
				out.Certs = append(out.Certs, c)
			}
			if i+1 >= len(chain) || bytes.Equal(c.RawIssuer, c.RawSubject) {
				continue // a root: nobody revokes it
			}
			for _, u := range c.CRLDistributionPoints {
				if !strings.HasPrefix(u, "http://") || seenURL[u] {
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
// publishes a CRL, doc is returned unchanged.
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

// readStore reads the CRLs of doc's document security store.
func readStore(r *pdf.Reader, cat pdf.Dict) ([]*x509.RevocationList, error) {
	dss, ok := r.Dict(cat["DSS"])
	if !ok {
		return nil, errNoStore
	}
	arr, _ := r.Array(dss["CRLs"])
	var out []*x509.RevocationList
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
		der, err := r.Decode(s)
		if err != nil {
			continue
		}
		if crl, err := x509.ParseRevocationList(der); err == nil {
			out = append(out, crl)
		}
	}
	return out, nil
}

// markLongTerm sets ValidationData on the signatures whose signer's
// issuer has a CRL in the store (the newest one signed by that issuer)
// that does not list the signer, and raises a time-stamped one to PAdES
// B-LT. A signer the CRL lists as revoked before the signature's
// time-stamp — or at all, when there is no time-stamp to prove the
// signature came first — makes the signature invalid (ProblemRevoked):
// the document's own store says its key was no longer to be trusted.
func markLongTerm(r *pdf.Reader, cat pdf.Dict, sigs []SignatureInfo) {
	crls, err := readStore(r, cat)
	if err != nil || len(crls) == 0 {
		return
	}
	for i := range sigs {
		s := &sigs[i]
		if s.cert == nil || s.issuer == nil {
			continue
		}
		var newest *x509.RevocationList
		for _, crl := range crls {
			if bytes.Equal(crl.RawIssuer, s.cert.RawIssuer) && crl.CheckSignatureFrom(s.issuer) == nil &&
				(newest == nil || crl.ThisUpdate.After(newest.ThisUpdate) || crl.Number != nil && newest.Number != nil && crl.Number.Cmp(newest.Number) > 0) {
				newest = crl
			}
		}
		if newest == nil {
			continue
		}
		s.ValidationData = true
		for _, e := range newest.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(s.cert.SerialNumber) != 0 {
				continue
			}
			s.ValidationData = false
			if s.TimeStamp == nil || !e.RevocationTime.After(*s.TimeStamp) {
				s.Valid = false
				s.Problems = append(s.Problems, ProblemRevoked)
			}
		}
		if s.ValidationData && s.Level == "PAdES B-T" {
			s.Level = "PAdES B-LT"
		}
	}
}
