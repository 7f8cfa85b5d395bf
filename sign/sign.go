// Package sign makes and checks the digital signatures of motcua's PDF
// documents: PAdES baseline B-B signatures (ETSI EN 319 142-1: a detached
// CAdES SignedData with content-type, message-digest and
// signing-certificate-v2, the time in the signature dictionary's /M) and
// B-T when an RFC 3161 time-stamp authority is configured, each appended
// as an incremental update so earlier signatures stay valid. The visible
// forms are Decree 30/2020's: the person's signature image between title
// and name, the organisation's seal over it, or the organisation's text
// signature at the top right of attachments. Keys come from a PKCS#11
// token or HSM, or a PKCS#12 file.
//
// The CMS, the RFC 3161 client and the PDF update are written here (in
// internal/cms and internal/pdf) rather than taken from a library: the
// one PDF signing library available writes adbe.pkcs7.detached with a
// signing-time attribute on Go 1.26, which is not PAdES.
package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/motcua/motcua/sign/internal/cms"
	"github.com/motcua/motcua/sign/internal/pdf"
)

// Key is a private key and its certificate chain, the signer's
// certificate first.
type Key struct {
	Signer crypto.Signer
	Chain  []*x509.Certificate
	close  func() error
}

// Close releases the token session behind a PKCS#11 key.
func (k *Key) Close() error {
	if k.close == nil {
		return nil
	}
	return k.close()
}

// Options are the details of one signature.
type Options struct {
	Appearance Appearance
	// Time is the signing time written to /M and shown; zero means now.
	Time time.Time
	// TSA, when set, time-stamps the signature (PAdES B-T).
	TSA *TSA
	// Reason and Location are shown by PDF readers; optional.
	Reason, Location string
}

// Sign signs doc with key and returns the signed document: doc followed
// by one incremental update.
func Sign(ctx context.Context, doc []byte, key *Key, opt Options) ([]byte, error) {
	if key == nil || key.Signer == nil || len(key.Chain) == 0 {
		return nil, errors.New("sign: no key or certificate")
	}
	cert := key.Chain[0]
	if !publicKeyEqual(cert.PublicKey, key.Signer.Public()) {
		return nil, errors.New("sign: the certificate is not the key's (wrong --cert?)")
	}
	if now := time.Now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, fmt.Errorf("sign: the certificate of %s is valid from %s to %s only", cert.Subject.CommonName,
			cert.NotBefore.Format(time.DateOnly), cert.NotAfter.Format(time.DateOnly))
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	r, err := pdf.Open(doc)
	if err != nil {
		return nil, err
	}
	size := 2048
	for _, c := range key.Chain {
		size += len(c.Raw)
	}
	size += 1024 // the signature value (RSA 4096 is 512 bytes)
	if opt.TSA != nil {
		size += 8192 // a token with the TSA's certificate chain
	}
	for attempt := 0; ; attempt++ {
		out, need, err := signOnce(ctx, r, key, opt, size)
		if err == nil {
			return out, nil
		}
		if need == 0 || attempt == 2 {
			return nil, err
		}
		size = need + 1024
	}
}

// errTooSmall carries the size a signature needed when the placeholder
// was too small.
var errTooSmall = errors.New("sign: signature larger than its placeholder")

func signOnce(ctx context.Context, r *pdf.Reader, key *Key, opt Options, size int) ([]byte, int, error) {
	u, err := pdf.NewUpdate(r)
	if err != nil {
		return nil, 0, err
	}
	pages, err := r.Pages()
	if err != nil {
		return nil, 0, err
	}
	pageNo := opt.Appearance.Page
	if pageNo == 0 {
		pageNo = len(pages)
		if opt.Appearance.Kind == SealText {
			pageNo = 1
		}
	}
	if pageNo < 1 || pageNo > len(pages) {
		return nil, 0, fmt.Errorf("sign: the document has no page %d", pageNo)
	}
	page := pages[pageNo-1]
	form, err := readForm(r, pages)
	if err != nil {
		return nil, 0, err
	}
	app, err := opt.Appearance.build(u, page, pageNo, form.placed, opt.Time)
	if err != nil {
		return nil, 0, err
	}

	sigDict, brAt, contentsAt := sigDictionary(opt, size)
	sigRef := u.Add(pdf.Raw(sigDict))
	widget := pdf.Dict{
		"Type": pdf.Name("Annot"), "Subtype": pdf.Name("Widget"), "FT": pdf.Name("Sig"),
		"T": textString(form.newName()), "V": sigRef, "F": int64(132), "P": page.Ref,
		"Rect": pdf.Array{app.rect.X, app.rect.Y, app.rect.X + app.rect.W, app.rect.Y + app.rect.H},
		"AP":   pdf.Dict{"N": app.ap},
	}
	if app.imageBox != nil {
		b := app.imageBox
		widget["MotcuaImageBox"] = pdf.Array{b.X, b.Y, b.X + b.W, b.Y + b.H}
	}
	widgetRef := u.Add(widget)
	if err := addWidget(r, u, page, widgetRef); err != nil {
		return nil, 0, err
	}
	if err := form.addField(u, widgetRef); err != nil {
		return nil, 0, err
	}
	w, err := u.Write()
	if err != nil {
		return nil, 0, err
	}
	out := w.PDF
	body := w.Body[sigRef.Num]
	// The signed bytes are everything but the /Contents hex string,
	// delimiters included (ISO 32000-1 §12.8.1).
	start, end := body+contentsAt, body+contentsAt+2*size+2
	br := fmt.Appendf(nil, "/ByteRange [0 %d %d %d]", start, end, len(out)-end)
	if len(br) > len(byteRangePlaceholder) {
		return nil, 0, errors.New("sign: document too large")
	}
	copy(out[body+brAt:], append(br, bytes.Repeat([]byte{' '}, len(byteRangePlaceholder)-len(br))...))

	h := crypto.SHA256
	d := h.New()
	d.Write(out[:start])
	d.Write(out[end:])
	certs := key.Chain
	built, err := cms.Sign(cms.Signer{Key: key.Signer, Cert: certs[0], Chain: certs[1:], Hash: h}, d.Sum(nil), cms.Options{})
	if err != nil {
		return nil, 0, fmt.Errorf("sign: %w", err)
	}
	if opt.TSA != nil {
		tok, err := opt.TSA.stamp(ctx, h, built.SignatureValue())
		if err != nil {
			return nil, 0, err
		}
		if err := built.SetUnsigned(cms.Attribute{Type: cms.OIDAttrTimeStampToken, Values: []asn1.RawValue{{FullBytes: tok.Raw}}}); err != nil {
			return nil, 0, err
		}
	}
	sig, err := built.Bytes()
	if err != nil {
		return nil, 0, err
	}
	if len(sig) > size {
		return nil, len(sig), errTooSmall
	}
	hex.Encode(out[start+1:], sig)
	return out, 0, nil
}

const byteRangePlaceholder = "/ByteRange [0 0000000000 0000000000 0000000000]"

// sigDictionary writes the signature dictionary with placeholders and
// returns the offsets of /ByteRange and of the /Contents string's "<".
func sigDictionary(opt Options, size int) ([]byte, int, int) {
	var b []byte
	b = append(b, "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M "...)
	b = pdf.Append(b, pdf.String(pdfDate(opt.Time)))
	if opt.Reason != "" {
		b = append(b, " /Reason "...)
		b = pdf.Append(b, textString(opt.Reason))
	}
	if opt.Location != "" {
		b = append(b, " /Location "...)
		b = pdf.Append(b, textString(opt.Location))
	}
	b = append(b, "\n/Prop_Build <</App <</Name /motcua>>>>\n"...)
	brAt := len(b)
	b = append(b, byteRangePlaceholder...)
	b = append(b, "\n/Contents "...)
	contentsAt := len(b)
	b = append(b, '<')
	b = append(b, bytes.Repeat([]byte{'0'}, 2*size)...)
	b = append(b, ">>>"...)
	return b, brAt, contentsAt
}

// pdfDate formats t as a PDF date in Vietnam time: D:YYYYMMDDHHmmSS+07'00'.
func pdfDate(t time.Time) string {
	t = t.In(vietnam)
	return "D:" + t.Format("20060102150405") + "+07'00'"
}

// textString encodes a PDF text string: ASCII as is, anything else as
// UTF-16BE with a byte order mark.
func textString(s string) pdf.String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
		}
	}
	if ascii {
		return pdf.String(s)
	}
	out := []byte{0xfe, 0xff}
	for _, r := range s {
		for _, u := range utf16Units(r) {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	return pdf.String(out)
}

// fieldNameBase names signature fields "Signature1", "Signature2"…
const fieldNameBase = "Signature"

func nameNumber(name string) int {
	if len(name) <= len(fieldNameBase) || name[:len(fieldNameBase)] != fieldNameBase {
		return 0
	}
	n, _ := strconv.Atoi(name[len(fieldNameBase):])
	return n
}

// PageBox returns the media box of page (1-based; 0 is the last page),
// for callers that place signatures in other units.
func PageBox(doc []byte, page int) (Rect, error) {
	r, err := pdf.Open(doc)
	if err != nil {
		return Rect{}, err
	}
	pages, err := r.Pages()
	if err != nil {
		return Rect{}, err
	}
	if page == 0 {
		page = len(pages)
	}
	if page < 1 || page > len(pages) {
		return Rect{}, fmt.Errorf("sign: the document has no page %d", page)
	}
	b := pages[page-1].MediaBox
	return Rect{b[0], b[1], b[2] - b[0], b[3] - b[1]}, nil
}
