package signtest

import (
	"testing"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/internal/pdf"
)

// Widget is a signature field's widget as a signed PDF holds it.
type Widget struct {
	Field string
	// Page is 1-based, 0 when the widget names no page of the document.
	Page int
	// Rect is the widget's rectangle in PDF points.
	Rect sign.Rect
}

// Widgets reads back the signature widgets of doc in field order, so a
// test outside package sign can check where a signature was placed.
func Widgets(t testing.TB, doc []byte) []Widget {
	t.Helper()
	r, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := r.Pages()
	if err != nil {
		t.Fatal(err)
	}
	cat, _, err := r.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	acro, _ := r.Dict(cat["AcroForm"])
	fields, _ := r.Array(acro["Fields"])
	var out []Widget
	for _, f := range fields {
		d, _ := r.Dict(f)
		if d.Name("FT") != "Sig" {
			continue
		}
		w := Widget{}
		if name, ok := d["T"].(pdf.String); ok {
			w.Field = string(name)
		}
		if v, ok := r.Rect(d["Rect"]); ok {
			w.Rect = sign.Rect{X: v[0], Y: v[1], W: v[2] - v[0], H: v[3] - v[1]}
		}
		if ref, ok := d["P"].(pdf.Ref); ok {
			for i, p := range pages {
				if p.Ref == ref {
					w.Page = i + 1
				}
			}
		}
		out = append(out, w)
	}
	return out
}
