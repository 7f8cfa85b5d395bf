package layout_test

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/document/layout"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// pageImage renders page n at 72 dpi, one pixel per point.
func pageImage(t *testing.T, pdf []byte, n int) image.Image {
	t.Helper()
	tool := signtest.Require(t, "pdftoppm", "poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
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

// inkBox is the bounding box, in PDF points from the page's lower left,
// of the pixels of a colour; ok is false when there are none.
func inkBox(img image.Image, match func(r, g, b uint32) bool) (box sign.Rect, ok bool) {
	b := img.Bounds()
	x0, y0, x1, y1 := b.Max.X, b.Max.Y, -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if match(r>>8, g>>8, bl>>8) {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return sign.Rect{}, false
	}
	return sign.Rect{X: float64(x0), Y: float64(b.Dy() - y1 - 1), W: float64(x1 - x0 + 1), H: float64(y1 - y0 + 1)}, true
}

func isRed(r, g, b uint32) bool  { return r > 150 && g < 110 && b < 110 }
func isBlue(r, g, b uint32) bool { return b > 130 && r < 110 && g < 130 }

func inside(in, out sign.Rect, slack float64) bool {
	return in.X >= out.X-slack && in.Y >= out.Y-slack && in.X+in.W <= out.X+out.W+slack && in.Y+in.H <= out.Y+out.H+slack
}

// TestBoxes: on a rendered decision the signature image lies in the blank
// under the position, inside the page and its margins, and the seal covers
// the image's left third, level with it.
func TestBoxes(t *testing.T) {
	r, err := layout.Render(decision(0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Boxes(signtest.SignatureImage(), signtest.SealImage())
	if err != nil {
		t.Fatal(err)
	}
	const mm = 72 / 25.4
	text := sign.Rect{X: 30 * mm, Y: 20 * mm, W: r.PageW - 45*mm, H: r.PageH - 40*mm}
	if !inside(r.Signature.Rect(), text, 0.01) || !inside(b.Image, r.Signature.Rect(), 0.01) {
		t.Errorf("the blank %+v is not within the margins %+v, or the image %+v not within the blank", r.Signature.Rect(), text, b.Image)
	}
	im, s := b.Image, b.Seal
	if s.X >= im.X || s.X+s.W < im.X+im.W/4 || s.X+s.W > im.X+im.W*0.4 {
		t.Errorf("seal %+v does not cover about the left third of the image %+v", s, im)
	}
	if c, ic := s.Y+s.H/2, im.Y+im.H/2; c < ic-1 || c > ic+1 {
		t.Errorf("seal centred at y=%.1f, the image at %.1f", c, ic)
	}
	if !inside(s, sign.Rect{W: r.PageW, H: r.PageH}, 0) {
		t.Errorf("seal %+v runs off the page", s)
	}
}

// TestSignRendered signs a rendered two-page decision as the decree has
// it: the vice-chairman's signature image between his position and his
// name on the last page, then the commune's seal over the left third of
// it; sign's verifier accepts both, and the page shows them where the
// decree places them.
func TestSignRendered(t *testing.T) {
	formstest.Require(t)
	r := render(t, decision(10))
	spot := r.Signature
	if r.Pages < 2 || spot.Page != r.Pages {
		t.Fatalf("signature on page %d of %d; want the last of at least 2", spot.Page, r.Pages)
	}
	page := sign.Rect{W: r.PageW, H: r.PageH}
	if !inside(spot.Rect(), page, 0) || spot.W < 60 || spot.H < 60 {
		t.Fatalf("signature spot %+v is not a usable box inside the page %+v", spot, page)
	}
	// The blank lies under the position title and over the name.
	var position, name float64 // from the page's top, as pdftotext measures
	for _, w := range formstest.Words(t, r.PDF) {
		if w.Page != spot.Page {
			continue
		}
		switch w.Text {
		case "PHÓ":
			position = w.YMax
		case "Quân":
			name = w.YMin
		}
	}
	if top, bottom := r.PageH-(spot.Y+spot.H), r.PageH-spot.Y; position == 0 || name == 0 || position > top+0.5 || name < bottom-0.5 {
		t.Errorf("spot from %.1f to %.1f (from the top) is not between the position (ends %.1f) and the name (starts %.1f)", top, bottom, position, name)
	}

	ca := signtest.NewCA(t, "motcua Test Root CA")
	leader := ca.Signer(t, 0, "Đặng Văn Quân", "UBND xã Đông Dư")
	seal := ca.Signer(t, 1, "UBND xã Đông Dư", "UBND xã Đông Dư")
	at := time.Date(2026, 2, 5, 9, 30, 0, 0, ict)

	personal, err := spot.Personal(signtest.SignatureImage())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sign.Sign(t.Context(), r.PDF, leader, sign.Options{Time: at, Reason: "Ký ban hành", Appearance: personal})
	if err != nil {
		t.Fatal(err)
	}
	doc, err = sign.Sign(t.Context(), doc, seal, sign.Options{Time: at.Add(time.Minute), Appearance: spot.Seal(signtest.SealImage())})
	if err != nil {
		t.Fatal(err)
	}

	sigs, err := sign.Verify(doc, ca.Pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 || !sign.AllValid(sigs) {
		t.Fatalf("signatures: %+v; want two valid", sigs)
	}
	if sigs[0].Signer != "Đặng Văn Quân" || sigs[1].Signer != "UBND xã Đông Dư" || !sigs[1].CoversDocument {
		t.Errorf("signers %q then %q (the seal covering the document: %v); want the person, then the organisation over all",
			sigs[0].Signer, sigs[1].Signer, sigs[1].CoversDocument)
	}

	img := pageImage(t, doc, spot.Page)
	blue, okBlue := inkBox(img, isBlue)
	red, okRed := inkBox(img, isRed)
	if !okBlue || !okRed {
		t.Fatalf("page %d shows no signature image (%v) or no seal (%v)", spot.Page, okBlue, okRed)
	}
	if !inside(blue, spot.Rect(), 1) {
		t.Errorf("signature image %+v is outside the blank %+v", blue, spot.Rect())
	}
	if c, sc := blue.X+blue.W/2, spot.X+spot.W/2; c < sc-blue.W/6 || c > sc+blue.W/6 {
		t.Errorf("signature image centred at x=%.1f, the blank at %.1f", c, sc)
	}
	// The seal covers about the left third of the signature image: it
	// starts left of the image and ends within its first half.
	if red.X >= blue.X || red.X+red.W < blue.X+blue.W/5 || red.X+red.W > blue.X+blue.W/2 {
		t.Errorf("seal %+v does not cover the left third of the signature image %+v", red, blue)
	}
	if red.Y > blue.Y+blue.H || red.Y+red.H < blue.Y {
		t.Errorf("seal %+v is not level with the signature image %+v", red, blue)
	}
	if !inside(red, page, 0) {
		t.Errorf("seal %+v runs off the page", red)
	}
	// What shows is where Boxes said it would.
	b, err := r.Boxes(signtest.SignatureImage(), signtest.SealImage())
	if err != nil {
		t.Fatal(err)
	}
	if !inside(blue, b.Image, 1.5) || !inside(red, b.Seal, 1.5) {
		t.Errorf("shown: image %+v, seal %+v; Boxes: image %+v, seal %+v", blue, red, b.Image, b.Seal)
	}
	if !strings.Contains(formstest.Flat(t, doc), "Đặng Văn Quân") {
		t.Error("the signed document lost its text")
	}
}

// TestSignAttachment: an attachment in a file of its own carries only the
// organisation's signature, top right of page 1, no image, the number and
// symbol and the signing time in ISO 8601, Vietnam time, in 10 pt.
func TestSignAttachment(t *testing.T) {
	formstest.Require(t)
	d := decision(0)
	d.TypeName, d.Subject = "Danh sách", "Thành viên Tổ công tác chuyển đổi số cộng đồng"
	r := render(t, d)
	ca := signtest.NewCA(t, "motcua Test Root CA")
	seal := ca.Signer(t, 1, "UBND xã Đông Dư", "UBND xã Đông Dư")
	app, err := layout.AttachmentSeal(layout.NumberSymbol(15, "QĐ-UBND"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 5, 2, 30, 5, 0, time.UTC) // 09:30:05 in Vietnam
	doc, err := sign.Sign(t.Context(), r.PDF, seal, sign.Options{Time: at, Appearance: app})
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := sign.Verify(doc, ca.Pool())
	if err != nil || len(sigs) != 1 || !sign.AllValid(sigs) {
		t.Fatalf("signatures %+v, %v; want one valid", sigs, err)
	}
	corner := strings.Join(strings.Fields(formstest.TextIn(t, doc, int(r.PageW/2), 0, int(r.PageW/2), 60)), " ")
	inOrder(t, corner, "Số: 15/QĐ-UBND", "2026-02-05T09:30:05+07:00")
	for _, w := range formstest.Words(t, doc) {
		if w.Text == "2026-02-05T09:30:05+07:00" {
			if h := w.YMax - w.YMin; h < 8 || h > 13 {
				t.Errorf("the signing time is set %.1f pt high; want about 10 pt", h)
			}
			if w.XMax < r.PageW*0.75 || w.Page != 1 {
				t.Errorf("the signing time ends at x=%.1f on page %d; want the top right of page 1", w.XMax, w.Page)
			}
		}
	}
	if _, ok := inkBox(pageImage(t, doc, 1), isRed); ok {
		t.Error("the attachment's signature shows an image; the decree wants none")
	}
}
