package signtest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
)

// SignatureImage draws a handwritten-looking signature: blue strokes on a
// transparent 360 × 140 background.
func SignatureImage() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 360, 140))
	blue := color.NRGBA{0x10, 0x2a, 0xc8, 0xff}
	for i := 0; i < 2000; i++ {
		t := float64(i) / 2000
		x := 20 + 320*t
		y := 70 + 40*math.Sin(t*6*math.Pi)*math.Exp(-t) + 15*math.Sin(t*23)
		dot(img, x, y, 3, blue)
	}
	for i := 0; i < 400; i++ { // the underline flourish
		t := float64(i) / 400
		dot(img, 60+260*t, 115-10*t, 2, blue)
	}
	return encode(img, 0)
}

// SealImage draws a round seal: a red double ring and a star on a
// transparent 300 × 300 background, declaring 36 mm across (pHYs).
func SealImage() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 300))
	red := color.NRGBA{0xd0, 0x10, 0x10, 0xff}
	for y := 0; y < 300; y++ {
		for x := 0; x < 300; x++ {
			dx, dy := float64(x)-149.5, float64(y)-149.5
			r := math.Hypot(dx, dy)
			a := math.Atan2(dy, dx)
			star := r < 40*(0.55+0.45*math.Cos(5*(a+math.Pi/2))) // a five-pointed star
			if (r > 138 && r < 148) || (r > 120 && r < 124) || star {
				img.SetNRGBA(x, y, red)
			}
		}
	}
	return encode(img, 8333) // 300 px over 36 mm
}

func dot(img *image.NRGBA, x, y, r float64, c color.NRGBA) {
	for yy := int(y - r); yy <= int(y+r); yy++ {
		for xx := int(x - r); xx <= int(x+r); xx++ {
			if math.Hypot(float64(xx)-x, float64(yy)-y) <= r {
				img.SetNRGBA(xx, yy, c)
			}
		}
	}
}

// encode writes a PNG, with a pHYs chunk when ppm (pixels per metre) > 0.
func encode(img image.Image, ppm int) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	out := b.Bytes()
	if ppm == 0 {
		return out
	}
	// Insert pHYs after IHDR (8-byte signature + 25-byte IHDR chunk).
	chunk := binary.BigEndian.AppendUint32(nil, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(ppm))
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(ppm))
	chunk = append(chunk, 1)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	return append(append(append([]byte{}, out[:33]...), chunk...), out[33:]...)
}
