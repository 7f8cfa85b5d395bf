package layout

import "github.com/motcua/motcua/sign"

// The appearances of the signatures on a rendered document (Decree 30/2020,
// Appendix I §II.7–8), for package sign to draw. The layout has already
// printed the position and the name, so the person's appearance fills only
// the blank between them: the signature image centred in it, and the
// signing time under it.

// Rect is the spot as package sign's rectangle.
func (s Spot) Rect() sign.Rect { return sign.Rect{X: s.X, Y: s.Y, W: s.W, H: s.H} }

// Personal is the competent person's signature: image (blue, transparent
// PNG) centred between the position title and the name.
func (s Spot) Personal(image []byte) (sign.Appearance, error) {
	font, err := Font(Regular)
	if err != nil {
		return sign.Appearance{}, err
	}
	r := s.Rect()
	return sign.Appearance{Kind: sign.Personal, Page: s.Page, Rect: &r, Image: image, Font: font}, nil
}

// Seal is the organisation's signature after the person's: the seal image
// (red, transparent PNG) at its actual size, which package sign places over
// the left third of the person's signature image on the same page.
func (s Spot) Seal(image []byte) sign.Appearance {
	return sign.Appearance{Kind: sign.Seal, Page: s.Page, Image: image}
}

// AttachmentSeal is the organisation's signature on an attachment or
// appendix in a file of its own: no image, top right of page 1, the
// number and symbol and the signing time (ISO 8601, Vietnam time) in
// Times New Roman 10.
func AttachmentSeal(numberSymbol string) (sign.Appearance, error) {
	font, err := Font(Regular)
	if err != nil {
		return sign.Appearance{}, err
	}
	return sign.Appearance{Kind: sign.SealText, Page: 1, Lines: []string{"Số: " + numberSymbol}, Font: font}, nil
}

// Boxes are where, on the spot's page of a rendered document, the person's
// signature image and the organisation's seal will show once signed with
// Personal and Seal (package sign computes them as it draws them).
func (r *Rendered) Boxes(signature, seal []byte) (*sign.Boxes, error) {
	personal, err := r.Signature.Personal(signature)
	if err != nil {
		return nil, err
	}
	return sign.Place(personal, r.Signature.Seal(seal), sign.Rect{W: r.PageW, H: r.PageH})
}
