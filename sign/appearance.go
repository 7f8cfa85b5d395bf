package sign

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/sign/internal/pdf"
)

// Kind is the form a signature takes on the page (Decree 30/2020,
// Appendix I §II.7–8).
type Kind int

const (
	// Personal is the competent person's signature: their signature image
	// (blue, transparent PNG) between the position title and the name.
	Personal Kind = iota
	// Seal is the organisation's signature on a document: the seal image
	// (red, transparent PNG) at actual size, over the left third of the
	// person's signature image.
	Seal
	// SealText is the organisation's signature on attachments and
	// electronic copies: no image, the document's number and symbol (or
	// the copy's details) and the signing time, 10 pt, top right of page 1.
	SealText
	// Invisible has no appearance at all.
	Invisible
)

func (k Kind) String() string {
	switch k {
	case Personal:
		return "personal"
	case Seal:
		return "seal"
	case SealText:
		return "seal-text"
	}
	return "invisible"
}

// Rect is a rectangle on a page, in points (1/72 inch) from the page's
// lower left corner.
type Rect struct{ X, Y, W, H float64 }

// Appearance is what a signature looks like on the page.
type Appearance struct {
	Kind Kind
	// Page is 1-based; 0 means the last page for Personal and Seal, the
	// first for SealText.
	Page int
	// Rect places the signature; nil chooses: Personal in the lower right
	// of the page, Seal (at actual size) over the newest personal
	// signature's image on the page, SealText in the top right corner. A
	// seal given a Rect is fitted into it.
	Rect *Rect
	// Title (position, may hold several lines) and Name of a Personal signer.
	Title, Name string
	// Image is the PNG of the signature (Personal) or the seal (Seal).
	Image []byte
	// SealWidth is the seal's actual width in points; 0 takes it from the
	// PNG's resolution (pHYs), or 36 mm when the PNG declares none.
	SealWidth float64
	// Lines are SealText's lines before the signing time, e.g. the number
	// and symbol "Số: 15/QĐ-UBND".
	Lines []string
	// Font is a TrueType font (Decree 30 asks for Times New Roman: Liberation
	// Serif has the same metrics). Without one the text is set in the
	// standard Times-Roman, which cannot show Vietnamese diacritics, so the
	// text is written without them.
	Font []byte
	// BoldFont, when set, sets the title and the name in bold, as the
	// decree prescribes (Liberation Serif Bold).
	BoldFont []byte
}

const (
	mm          = 72 / 25.4
	defaultSeal = 36 * mm
	pad         = 2.0
)

// vietnam is Vietnam's time zone (UTC+7, no daylight saving), fixed so no
// time zone database is needed.
var vietnam = time.FixedZone("ICT", 7*3600)

// placedSig is an existing signature widget, for placing a seal.
type placedSig struct {
	page     int
	imageBox *Rect
}

type builtAppearance struct {
	rect     Rect
	ap       pdf.Ref
	imageBox *Rect // Personal: where the signature image was drawn, on the page
}

// build writes the appearance's objects and returns where it goes.
func (a Appearance) build(u *pdf.Update, page pdf.Page, pageNo int, placed []placedSig, when time.Time) (*builtAppearance, error) {
	pw, ph := page.MediaBox[2]-page.MediaBox[0], page.MediaBox[3]-page.MediaBox[1]
	ox, oy := page.MediaBox[0], page.MediaBox[1]
	out := &builtAppearance{}
	res := pdf.Dict{}
	var f, fb face // regular and bold (fb is f without a bold font)
	// Drawing is recorded first and written once the font subset, and so
	// the glyph numbers, are known.
	var ops []func() string
	text := func(ff face, s string, size, x, y float64) {
		ff.use(s)
		res := "/F1"
		if ff != f {
			res = "/F2"
		}
		ops = append(ops, func() string {
			return fmt.Sprintf("BT %s %s Tf %s %s Td %s Tj ET\n", res, num(size), num(x), num(y), ff.show(s))
		})
	}
	draw := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		ops = append(ops, func() string { return s })
	}
	useFont := func() error {
		var err error
		if f, err = newFace(a.Font); err != nil {
			return err
		}
		fb = f
		if a.BoldFont != nil {
			fb, err = newFace(a.BoldFont)
		}
		return err
	}
	stamp := when.In(vietnam).Format("2006-01-02T15:04:05-07:00")
	switch a.Kind {
	case Invisible:
		out.rect = Rect{ox, oy, 0, 0}
	case Personal:
		if err := useFont(); err != nil {
			return nil, err
		}
		r := Rect{ox + pw - 20*mm - 200, oy + 30*mm, 200, 140}
		if a.Rect != nil {
			r = *a.Rect
		}
		out.rect = r
		const big, small = 13.0, 8.0
		fit := func(f face, s string, size float64) float64 {
			if w := f.width(s, size); w > r.W-2*pad && w > 0 {
				return size * (r.W - 2*pad) / w
			}
			return size
		}
		top := r.H - pad
		for _, line := range splitLines(a.Title) {
			s := fit(fb, line, big)
			top -= fb.ascent() * s / 1000
			text(fb, line, s, (r.W-fb.width(line, s))/2, top)
			top -= -fb.descent()*s/1000 + 2
		}
		bottom := pad
		timeLine := "Thời gian ký: " + stamp
		s := fit(f, timeLine, small)
		text(f, timeLine, s, (r.W-f.width(timeLine, s))/2, bottom-f.descent()*s/1000)
		bottom += (f.ascent() - f.descent()) * s / 1000
		if a.Name != "" {
			s := fit(fb, a.Name, big)
			bottom += 2
			text(fb, a.Name, s, (r.W-fb.width(a.Name, s))/2, bottom-fb.descent()*s/1000)
			bottom += (fb.ascent() - fb.descent()) * s / 1000
		}
		if a.Image != nil {
			im, err := decodePNG(a.Image)
			if err != nil {
				return nil, err
			}
			areaW, areaH := r.W-2*pad, top-bottom-4
			if areaH < 10 {
				return nil, errors.New("sign: the signature box is too small for the title, image and name")
			}
			w := min(areaW, areaH*im.aspect())
			h := w / im.aspect()
			x, y := (r.W-w)/2, bottom+2+(areaH-h)/2
			res["XObject"] = pdf.Dict{"Im1": im.object(u)}
			draw("q %s 0 0 %s %s %s cm /Im1 Do Q\n", num(w), num(h), num(x), num(y))
			out.imageBox = &Rect{r.X + x, r.Y + y, w, h}
		}
	case Seal:
		if a.Image == nil {
			return nil, errors.New("sign: a seal signature needs the seal image")
		}
		im, err := decodePNG(a.Image)
		if err != nil {
			return nil, err
		}
		w := a.SealWidth
		if w == 0 && im.dpi > 0 {
			w = float64(im.w) / im.dpi * 72
		}
		if w == 0 {
			w = defaultSeal
		}
		h := w / im.aspect()
		var r Rect
		switch {
		case a.Rect != nil:
			r = *a.Rect
			w, h = min(r.W, r.H*im.aspect()), min(r.W, r.H*im.aspect())/im.aspect()
		default:
			var box *Rect
			for _, p := range placed {
				if p.page == pageNo && p.imageBox != nil {
					box = p.imageBox
				}
			}
			if box == nil {
				return nil, errors.New("sign: no personal signature image on the page to place the seal over; give the seal's position")
			}
			// The seal covers the left third of the signature image.
			r = Rect{box.X + box.W/3 - w, box.Y + box.H/2 - h/2, w, h}
		}
		out.rect = r
		res["XObject"] = pdf.Dict{"Im1": im.object(u)}
		draw("q %s 0 0 %s %s %s cm /Im1 Do Q\n", num(w), num(h), num((r.W-w)/2), num((r.H-h)/2))
	case SealText:
		if err := useFont(); err != nil {
			return nil, err
		}
		const size = 10.0
		lines := append(append([]string{}, a.Lines...), stamp)
		lh := (f.ascent() - f.descent()) * size / 1000
		var w float64
		for _, l := range lines {
			w = max(w, f.width(l, size))
		}
		r := Rect{W: w + 2*pad, H: float64(len(lines))*lh + 2*pad}
		r.X, r.Y = ox+pw-20*mm-r.W, oy+ph-10*mm-r.H
		if a.Rect != nil {
			r = *a.Rect
		}
		out.rect = r
		y := r.H - pad
		for _, l := range lines {
			y -= lh
			text(f, l, size, r.W-pad-f.width(l, size), y-f.descent()*size/1000)
		}
	default:
		return nil, fmt.Errorf("sign: unknown appearance kind %d", a.Kind)
	}
	if f != nil {
		fonts := pdf.Dict{"F1": f.object(u)}
		if fb != f {
			fonts["F2"] = fb.object(u)
		}
		res["Font"] = fonts
	}
	var content strings.Builder
	for _, op := range ops {
		content.WriteString(op())
	}
	out.ap = u.Add(&pdf.Stream{Dict: pdf.Dict{
		"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Form"),
		"BBox": pdf.Array{0.0, 0.0, out.rect.W, out.rect.H}, "Resources": res,
	}, Data: []byte(content.String())})
	return out, nil
}

func splitLines(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func num(f float64) string { return string(pdf.Append(nil, f)) }
