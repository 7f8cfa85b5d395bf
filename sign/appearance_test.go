package sign_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// TestAppearanceText: the visible text reads back (pdftotext) as written,
// in Vietnamese with an embedded Liberation Serif subset, and without
// diacritics in the standard Times-Roman when no font is given. The
// signing time is in Vietnam time, ISO 8601.
func TestAppearanceText(t *testing.T) {
	w := newWorld(t)
	if w.font == nil {
		t.Fatal("no Liberation Serif to embed: typeset/fonts/ ships it, so it must be found")
	}
	tool := signtest.Require(t, "pdftotext", "poppler-utils")
	cases := []struct {
		name  string
		font  []byte
		wants []string
	}{
		{"embedded font", w.font, []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đặng Văn Quân", "Thời gian ký: 2026-03-02T21:05:09+07:00"}},
		{"standard font", nil, []string{"KT. CHU TICH", "PHO CHU TICH", "Dang Van Quan", "Thoi gian ky: 2026-03-02T21:05:09+07:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := w.personal()
			opt.Appearance.Font, opt.Appearance.BoldFont = c.font, c.font
			doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.leader, opt)
			text := run(t, tool, "-enc", "UTF-8", writeTemp(t, "doc.pdf", doc), "-")
			for _, want := range c.wants {
				if !strings.Contains(text, want) {
					t.Errorf("no %q in\n%s", want, text)
				}
			}
		})
	}
	doc := mustSign(t, signtest.PDF(signtest.PDFOptions{}), w.leader, w.personal())
	fonts := run(t, signtest.Require(t, "pdffonts", "poppler-utils"), writeTemp(t, "doc.pdf", doc))
	if !strings.Contains(fonts, "+LiberationSerif-Bold") || !strings.Contains(fonts, "CID TrueType      Identity-H       yes yes yes") {
		t.Errorf("the appearance font is not an embedded subset with a Unicode map:\n%s", fonts)
	}
}

// TestAppearanceErrors: bad inputs are refused with a reason.
func TestAppearanceErrors(t *testing.T) {
	w := newWorld(t)
	doc := signtest.PDF(signtest.PDFOptions{})
	cases := map[string]sign.Appearance{
		"image is not a PNG":  {Kind: sign.Personal, Image: []byte("GIF89a")},
		"font is not a font":  {Kind: sign.Personal, Font: []byte("not a font at all")},
		"seal without image":  {Kind: sign.Seal, Rect: &sign.Rect{W: 100, H: 100}},
		"page out of range":   {Kind: sign.SealText, Page: 9},
		"box too small":       {Kind: sign.Personal, Title: "A\nB\nC", Name: "D", Image: signtest.SignatureImage(), Rect: &sign.Rect{X: 10, Y: 10, W: 100, H: 40}},
		"unknown kind":        {Kind: sign.Kind(42)},
		"seal over no signer": {Kind: sign.Seal, Image: signtest.SealImage()},
	}
	for name, a := range cases {
		if _, err := sign.Sign(t.Context(), doc, w.leader, sign.Options{Appearance: a}); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}
