package sign_test

import (
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// TestPlace: the rectangles Place reports are those Sign draws: the image
// inside the signature box, the seal over its left third, and the same
// seal box as signing and reading the widget back gives.
func TestPlace(t *testing.T) {
	w := newWorld(t)
	box := sign.Rect{X: 330, Y: 200, W: 200, H: 110}
	personal := w.personal().Appearance
	personal.Rect = &box
	b, err := sign.Place(personal, w.sealOver().Appearance, sign.Rect{W: 595.28, H: 841.89})
	if err != nil {
		t.Fatal(err)
	}
	im := b.Image
	if b.Signature != box || im.X < box.X || im.Y < box.Y || im.X+im.W > box.X+box.W || im.Y+im.H > box.Y+box.H {
		t.Errorf("image %+v is not inside the signature box %+v (reported %+v)", im, box, b.Signature)
	}
	if s := b.Seal; s.X >= im.X || s.X+s.W < im.X+im.W/3-0.01 || s.X+s.W > im.X+im.W/3+0.01 {
		t.Errorf("seal %+v does not end at the left third of the image %+v", s, im)
	}
	if got := b.Seal.W; got < 101 || got > 103 {
		t.Errorf("seal %.1f pt wide; the PNG declares 36 mm (102 pt)", got)
	}

	// Signing places the seal's widget where Place said.
	opt := w.personal()
	opt.Appearance.Rect = &box
	doc := mustSign(t, mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.leader, opt), w.seal, w.sealOver())
	ws := widgets(t, doc)
	if len(ws) != 2 || !near(rect(t, ws[1]["Rect"]), b.Seal) {
		t.Errorf("signed widgets %v; Place said the seal goes at %+v", ws, b.Seal)
	}

	if _, err := sign.Place(sign.Appearance{Kind: sign.Personal}, w.sealOver().Appearance, sign.Rect{W: 595, H: 842}); err == nil {
		t.Error("Place without a signature image answered")
	}
}

func near(a, b sign.Rect) bool {
	d := func(x, y float64) bool { return x-y < 0.01 && y-x < 0.01 }
	return d(a.X, b.X) && d(a.Y, b.Y) && d(a.W, b.W) && d(a.H, b.H)
}
