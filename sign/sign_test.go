package sign_test

import (
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// TestLeaderAndSeal is Decree 30's pair on a result document: the
// leader signs with their signature image between title and name, then
// the organisation signs with its seal over the left third of that image.
// Both signatures are valid for motcua and for poppler; the first covers
// the revision it signed, the second the whole file.
func TestLeaderAndSeal(t *testing.T) {
	w := newWorld(t)
	for _, xref := range []struct {
		name   string
		stream bool
	}{{"xref table", false}, {"xref stream", true}} {
		t.Run(xref.name, func(t *testing.T) {
			doc := signtest.PDF(signtest.PDFOptions{Pages: 2, XrefStream: xref.stream})
			once := mustSign(t, doc, w.leader, w.personal())
			twice := mustSign(t, once, w.seal, w.sealOver())

			sigs, err := sign.Verify(twice, w.ca.Pool())
			if err != nil {
				t.Fatal(err)
			}
			if len(sigs) != 2 {
				t.Fatalf("%d signatures", len(sigs))
			}
			leader, seal := sigs[0], sigs[1]
			if leader.Signer != "Đặng Văn Quân" || seal.Signer != "UBND xã Gia Lâm" || seal.Organization != "UBND xã Gia Lâm" {
				t.Errorf("signers %q, %q (%q)", leader.Signer, seal.Signer, seal.Organization)
			}
			for _, s := range sigs {
				if !s.Valid || !s.Intact || !s.Trusted || s.ModifiedAfter || s.Level != "PAdES B-B" || s.SubFilter != "ETSI.CAdES.detached" || len(s.Problems) > 0 {
					t.Errorf("%s: %+v", s.Field, s)
				}
			}
			if leader.CoversDocument || leader.Revision != len(once) || !seal.CoversDocument {
				t.Errorf("coverage: leader %v (%d of %d), seal %v", leader.CoversDocument, leader.Revision, len(once), seal.CoversDocument)
			}
			if !leader.SigningTime.Equal(signedAt) || leader.Reason != "Phê duyệt kết quả" {
				t.Errorf("time %v reason %q", leader.SigningTime, leader.Reason)
			}
			if len(leader.Chain) != 2 || leader.Chain[1].Subject != w.ca.Cert.Subject.String() {
				t.Errorf("chain %+v", leader.Chain)
			}

			// Poppler: both valid; the leader's covers part of the file
			// ("Not total document signed"), the seal's all of it.
			rep := pdfsig(t, twice, "-nocert")
			rep.expect(t, 1, map[string]string{
				"Signature Field Name": "Signature1", "Signer Certificate Common Name": "Đặng Văn Quân",
				"Signature Type": "ETSI.CAdES.detached", "Signing Time": "Mar 02 2026 14:05:09",
				"Not total document signed": "", "Signature Validation": "Signature is Valid.",
			})
			rep.expect(t, 2, map[string]string{
				"Signature Field Name": "Signature2", "Signer Certificate Common Name": "UBND xã Gia Lâm",
				"Signature Type": "ETSI.CAdES.detached", "Total document signed": "",
				"Signature Validation": "Signature is Valid.",
			})
			if _, ok := rep[2]["Not total document signed"]; ok {
				t.Error("pdfsig: the last signature does not cover the document")
			}

			// The seal covers the left third of the signature image.
			ws := widgets(t, twice)
			box, sealRect := rect(t, ws[0]["MotcuaImageBox"]), rect(t, ws[1]["Rect"])
			if d := math.Abs(sealRect.X + sealRect.W - (box.X + box.W/3)); d > 0.01 {
				t.Errorf("seal right edge %.2f, want a third into the image at %.2f", sealRect.X+sealRect.W, box.X+box.W/3)
			}
			if d := math.Abs(sealRect.W - 36*72/25.4); d > 0.1 {
				t.Errorf("seal %.1f pt wide, want 36 mm (its PNG's resolution)", sealRect.W)
			}
			leaderRect := rect(t, ws[0]["Rect"])
			if !(box.Y > leaderRect.Y && box.Y+box.H < leaderRect.Y+leaderRect.H) {
				t.Errorf("image %+v not between the name and the title of %+v", box, leaderRect)
			}
			// And it shows: red seal, blue signature to its right.
			page := render(t, twice, 2)
			if n := count(page, sealRect, isRed); n < 500 {
				t.Errorf("%d red pixels in the seal's box", n)
			}
			right := sign.Rect{X: box.X + box.W/3 + 2, Y: box.Y, W: box.W*2/3 - 2, H: box.H}
			if n := count(page, right, isBlue); n < 300 {
				t.Errorf("%d blue pixels in the signature image", n)
			}
		})
	}
}

// TestAttachmentSeal: the organisation signs an attachment with text
// only, 10 pt, in the top right corner of page 1.
func TestAttachmentSeal(t *testing.T) {
	w := newWorld(t)
	doc := signtest.PDF(signtest.PDFOptions{Pages: 3})
	out := mustSign(t, doc, w.seal, sign.Options{Time: signedAt, Appearance: sign.Appearance{
		Kind: sign.SealText, Lines: []string{"Số: 15/QĐ-UBND"}, Font: w.font,
	}})
	sigs, err := sign.Verify(out, w.ca.Pool())
	if err != nil || len(sigs) != 1 || !sigs[0].Valid {
		t.Fatalf("%+v %v", sigs, err)
	}
	wd := widgets(t, out)[0]
	r := rect(t, wd["Rect"])
	pageW, pageH := 595.28, 841.89
	if math.Abs(r.X+r.W-(pageW-20*72/25.4)) > 0.01 || math.Abs(r.Y+r.H-(pageH-10*72/25.4)) > 0.01 {
		t.Errorf("rect %+v is not in the top right corner", r)
	}
	if r.H < 20 || r.H > 30 { // two lines of 10 pt
		t.Errorf("height %.1f for two 10 pt lines", r.H)
	}
	pdfsig(t, out, "-nocert").expect(t, 1, map[string]string{"Total document signed": "", "Signature Validation": "Signature is Valid."})
	if n := count(render(t, out, 1), r, isDark); n < 100 {
		t.Errorf("%d dark pixels: the text is not drawn", n)
	}
	if _, ok := wd["MotcuaImageBox"]; ok {
		t.Error("an attachment signature has no image")
	}
}

// TestSealNeedsAPlace: a seal with no personal signature to cover and no
// position is refused rather than put somewhere arbitrary.
func TestSealNeedsAPlace(t *testing.T) {
	w := newWorld(t)
	_, err := sign.Sign(t.Context(), signtest.PDF(signtest.PDFOptions{}), w.seal, w.sealOver())
	if err == nil {
		t.Fatal("seal placed without a personal signature")
	}
	opt := w.sealOver()
	opt.Appearance.Rect = &sign.Rect{X: 300, Y: 100, W: 100, H: 100}
	mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.seal, opt)
}

// render draws page n at 72 dpi (one pixel per point) with pdftoppm.
func render(t *testing.T, doc []byte, n int) image.Image {
	t.Helper()
	tool := signtest.Require(t, "pdftoppm", "poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	os.WriteFile(in, doc, 0o600)
	out, err := exec.Command(tool, "-r", "72", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-singlefile", "-png", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// count counts pixels inside r (page coordinates, origin bottom left).
func count(img image.Image, r sign.Rect, match func(r, g, b uint32) bool) int {
	h := img.Bounds().Dy()
	n := 0
	for y := int(r.Y) + 1; y < int(r.Y+r.H); y++ {
		for x := int(r.X) + 1; x < int(r.X+r.W); x++ {
			cr, cg, cb, _ := img.At(x, h-y).RGBA()
			if match(cr>>8, cg>>8, cb>>8) {
				n++
			}
		}
	}
	return n
}

func isRed(r, g, b uint32) bool  { return r > 150 && g < 110 && b < 110 }
func isBlue(r, g, b uint32) bool { return b > 130 && r < 110 && g < 130 }
func isDark(r, g, b uint32) bool { return r < 100 && g < 100 && b < 100 }
