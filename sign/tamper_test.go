package sign_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/internal/pdf"
	"github.com/motcua/motcua/sign/signtest"
)

// TestOneChangedByte: a single byte changed anywhere after signing makes
// the signature invalid, for poppler and for motcua's verifier.
func TestOneChangedByte(t *testing.T) {
	w := newWorld(t)
	signed := mustSign(t, signtest.PDF(signtest.PDFOptions{Text: "GIAY BIEN NHAN so 0001"}), w.leader, w.personal())
	// The signature value ends the DER inside the zero-padded hex string.
	contents := bytes.Index(signed, []byte("/Contents <")) + len("/Contents <")
	derEnd := contents + bytes.IndexByte(signed[contents:], '>')
	for signed[derEnd-1] == '0' {
		derEnd--
	}
	cases := []struct {
		name    string
		at      int
		problem string
		poppler string
	}{
		{"in the page text", bytes.Index(signed, []byte("0001")) + 3, sign.ProblemDigest, "Digest Mismatch."},
		{"in the signing time", bytes.Index(signed, []byte("/M (D:20")) + len("/M (D:20"), sign.ProblemDigest, "Digest Mismatch."},
		{"in the last byte", len(signed) - 2, sign.ProblemDigest, "Digest Mismatch."},
		{"in the signature value", derEnd - 20, sign.ProblemSignature, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := bytes.Clone(signed)
			doc[c.at] ^= 0x01
			if c.at > contents && c.at < derEnd { // keep a hex digit a hex digit
				doc[c.at] = "10"[min(1, int(signed[c.at]-'0'))]
			}
			if c.at < 0 || bytes.Equal(doc, signed) {
				t.Fatal("nothing changed")
			}
			sigs, err := sign.Verify(doc, w.ca.Pool())
			if err != nil {
				t.Fatal(err)
			}
			if len(sigs) != 1 || sigs[0].Valid || sigs[0].Intact || !slices.Contains(sigs[0].Problems, c.problem) {
				t.Fatalf("%+v", sigs)
			}
			if sign.AllValid(sigs) {
				t.Fatal("AllValid")
			}
			rep := pdfsig(t, doc, "-nocert")
			if v := rep[1]["Signature Validation"]; v == "Signature is Valid." || (c.poppler != "" && v != c.poppler) {
				t.Errorf("pdfsig says %q", v)
			}
		})
	}
}

// TestChangedAfterSigning: an unsigned incremental update after the
// signature (here a changed page) leaves the signature intact for the
// revision it covers, but the document is reported modified.
func TestChangedAfterSigning(t *testing.T) {
	w := newWorld(t)
	signed := mustSign(t, signtest.PDF(signtest.PDFOptions{Pages: 2}), w.leader, w.personal())
	r, err := pdf.Open(signed)
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := r.Pages()
	u, _ := pdf.NewUpdate(r)
	d := pages[0].Dict.Clone()
	d["Contents"] = u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: []byte("BT /F1 20 Tf 72 700 Td (DA SUA) Tj ET")})
	u.Set(pages[0].Ref, d)
	wr, _ := u.Write()

	sigs, err := sign.Verify(wr.PDF, w.ca.Pool())
	if err != nil || len(sigs) != 1 {
		t.Fatal(sigs, err)
	}
	s := sigs[0]
	if !s.Intact || s.CoversDocument || !s.ModifiedAfter || s.Valid || !slices.Contains(s.Problems, sign.ProblemModified) {
		t.Fatalf("%+v", s)
	}
	pdfsig(t, wr.PDF, "-nocert").expect(t, 1, map[string]string{"Not total document signed": "", "Signature Validation": "Signature is Valid."})

	// Signing the changed document does not launder the change: the seal
	// is valid for what it covers, but the leader's signature still
	// reports that the page changed after it (a later signature may add
	// fields and their appearances, nothing else).
	resigned := mustSign(t, wr.PDF, w.seal, sign.Options{Appearance: sign.Appearance{Kind: sign.Invisible}})
	sigs, _ = sign.Verify(resigned, w.ca.Pool())
	if len(sigs) != 2 || sigs[0].Valid || !sigs[0].ModifiedAfter || !sigs[1].Valid || sign.AllValid(sigs) {
		t.Fatalf("%+v", sigs)
	}
}

// TestNoSignatures: an unsigned PDF has none; garbage is not a PDF.
func TestNoSignatures(t *testing.T) {
	sigs, err := sign.Verify(signtest.PDF(signtest.PDFOptions{}), nil)
	if err != nil || len(sigs) != 0 || sign.AllValid(sigs) {
		t.Fatal(sigs, err)
	}
	if _, err := sign.Verify([]byte("<html>"), nil); err == nil {
		t.Fatal("garbage verified")
	}
}

// FuzzVerify: no input makes the verifier panic; a signed document with
// a changed byte is never reported valid.
func FuzzVerify(f *testing.F) {
	ca := signtest.NewCA(f, "fuzz CA")
	key := ca.Signer(f, 0, "Fuzz", "Fuzz")
	signed, err := sign.Sign(f.Context(), signtest.PDF(signtest.PDFOptions{}), key, sign.Options{Appearance: sign.Appearance{Kind: sign.Invisible}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed, 100, byte(1))
	f.Add(signed, len(signed)-10, byte(0x20))
	f.Fuzz(func(t *testing.T, doc []byte, at int, x byte) {
		if at >= 0 && at < len(doc) && x != 0 {
			doc = bytes.Clone(doc)
			doc[at] ^= x
		}
		sigs, err := sign.Verify(doc, ca.Pool())
		if err != nil {
			return
		}
		if !bytes.Equal(doc, signed) && sign.AllValid(sigs) && len(doc) == len(signed) {
			// Only bytes outside the signed range (the zero padding of the
			// signature value) may change and leave the signature valid.
			i := 0
			for i < len(doc) && doc[i] == signed[i] {
				i++
			}
			if !bytes.Equal(bytes.TrimRight(doc[i:i+1], "0"), nil) && doc[i] != '0' && signed[i] != '0' {
				t.Fatalf("changed byte %d (%q→%q) still valid", i, signed[i], doc[i])
			}
		}
	})
}

// TestProblemTexts: every problem code has an explanation.
func TestProblemTexts(t *testing.T) {
	for _, code := range sign.ProblemCodes() {
		if sign.ProblemText(code) == code {
			t.Errorf("no text for %q", code)
		}
	}
}
