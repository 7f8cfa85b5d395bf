package sign

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/color"
	"image/png"

	"github.com/motcua/motcua/sign/internal/pdf"
)

// maxImagePixels bounds signature and seal images (a 2,000 × 2,000 seal
// at 1,400 dpi is already far more than print needs).
const maxImagePixels = 4_000_000

// pngImage is a decoded PNG ready to embed: colour and alpha planes.
type pngImage struct {
	w, h  int
	rgb   []byte
	alpha []byte // nil when fully opaque
	// dpi is the resolution the PNG declares (pHYs), 0 when it declares none.
	dpi float64
}

func decodePNG(b []byte) (*pngImage, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("sign: image is not a PNG: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, errors.New("sign: image too large (at most 4 megapixels)")
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("sign: image: %w", err)
	}
	bounds := img.Bounds()
	out := &pngImage{w: bounds.Dx(), h: bounds.Dy(), dpi: pngDPI(b)}
	out.rgb = make([]byte, 0, 3*out.w*out.h)
	alpha := make([]byte, 0, out.w*out.h)
	opaque := true
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			out.rgb = append(out.rgb, c.R, c.G, c.B)
			alpha = append(alpha, c.A)
			opaque = opaque && c.A == 0xff
		}
	}
	if !opaque {
		out.alpha = alpha
	}
	return out, nil
}

// pngDPI reads the pHYs chunk (pixels per metre) if there is one.
func pngDPI(b []byte) float64 {
	for p := 8; p+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		typ := string(b[p+4 : p+8])
		if n < 0 || p+12+n > len(b) {
			return 0
		}
		if typ == "pHYs" && n == 9 && b[p+16] == 1 {
			ppm := binary.BigEndian.Uint32(b[p+8:])
			return float64(ppm) * 0.0254
		}
		if typ == "IDAT" {
			return 0
		}
		p += 12 + n
	}
	return 0
}

// object embeds the image (with a soft mask for transparency).
func (im *pngImage) object(u *pdf.Update) pdf.Ref {
	d := pdf.Dict{
		"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Image"),
		"Width": int64(im.w), "Height": int64(im.h), "ColorSpace": pdf.Name("DeviceRGB"),
		"BitsPerComponent": int64(8), "Filter": pdf.Name("FlateDecode"), "Interpolate": true,
	}
	if im.alpha != nil {
		d["SMask"] = u.Add(&pdf.Stream{Dict: pdf.Dict{
			"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Image"),
			"Width": int64(im.w), "Height": int64(im.h), "ColorSpace": pdf.Name("DeviceGray"),
			"BitsPerComponent": int64(8), "Filter": pdf.Name("FlateDecode"),
		}, Data: deflate(im.alpha)})
	}
	return u.Add(&pdf.Stream{Dict: d, Data: deflate(im.rgb)})
}

// aspect is width over height.
func (im *pngImage) aspect() float64 { return float64(im.w) / float64(im.h) }
