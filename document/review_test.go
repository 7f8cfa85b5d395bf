package document_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestFileTypesFromBytes: a document's file is served back inline on the
// officers' origin with its stored type, so the type is sniffed from the
// bytes, never taken from the client's word: a scan may be a PDF, a JPEG
// or a PNG; HTML or script is refused; a PDF claimed as text/html is
// stored as application/pdf.
func TestFileTypesFromBytes(t *testing.T) {
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		clerk := w.actor(t, "huyen.vanthu")
		for i, body := range []string{`<html><script src="/can-bo/van-ban/1/tep/2"></script></html>`, `alert(document.cookie)`} {
			in := paper("9" + string(rune('0'+i)))
			in.File = &document.FileInput{Name: "scan.html", ContentType: "text/html", Content: []byte(body)}
			if _, err := w.docs.RegisterIncoming(ctx, clerk, in); !errors.Is(err, problem.ErrInvalid) {
				t.Fatalf("scan %q: want invalid, got %v", body, err)
			}
		}
		in := paper("95")
		in.File = &document.FileInput{Name: "scan.png", ContentType: "text/html", Content: img.Bytes()}
		d, err := w.docs.RegisterIncoming(ctx, clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.docs.Get(ctx, clerk, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Files) != 1 || got.Files[0].ContentType != "image/png" {
			t.Fatalf("scan stored as %+v", got.Files)
		}
		f := draftFile()
		f.ContentType = "text/html"
		draft, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "CV", Subject: "V/v kiểm tra tệp", File: f})
		if err != nil {
			t.Fatal(err)
		}
		if got, err = w.docs.Get(ctx, w.actor(t, "vp.chuyenvien"), draft.ID); err != nil {
			t.Fatal(err)
		}
		if len(got.Files) != 1 || got.Files[0].ContentType != "application/pdf" {
			t.Fatalf("draft stored as %+v", got.Files)
		}
	})
}
