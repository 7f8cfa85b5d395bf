package sign

import (
	"errors"
	"time"

	"github.com/motcua/motcua/sign/internal/pdf"
)

// Boxes are where a document's two signatures show on a page (Decree
// 30/2020, Appendix I §II.7–8), in points from the page's lower left.
type Boxes struct {
	// Signature is the person's signature box; Image the signature image
	// drawn in it, centred between the position title and the name.
	Signature, Image Rect
	// Seal is the organisation's seal, at its actual size, over the left
	// third of Image.
	Seal Rect
}

// Place computes, without signing, the rectangles Sign uses for a
// Personal appearance and for the Seal appearance signed after it, on a
// page of size page (X and Y are its lower left corner). It builds both
// appearances as Sign does, into an update that is thrown away, so the
// answer cannot drift from what is drawn.
func Place(personal, seal Appearance, page Rect) (*Boxes, error) {
	if personal.Kind != Personal || personal.Image == nil || seal.Kind != Seal {
		return nil, errors.New("sign: Place needs a personal appearance with its image and a seal appearance")
	}
	u, err := pdf.NewUpdate(&pdf.Reader{})
	if err != nil {
		return nil, err
	}
	p := pdf.Page{MediaBox: [4]float64{page.X, page.Y, page.X + page.W, page.Y + page.H}}
	// The time only changes the text of the time line, not where it goes.
	var when time.Time
	pb, err := personal.build(u, p, 1, nil, when)
	if err != nil {
		return nil, err
	}
	if pb.imageBox == nil {
		return nil, errors.New("sign: the personal appearance drew no image")
	}
	sb, err := seal.build(u, p, 1, []placedSig{{page: 1, imageBox: pb.imageBox}}, when)
	if err != nil {
		return nil, err
	}
	return &Boxes{Signature: pb.rect, Image: *pb.imageBox, Seal: sb.rect}, nil
}
