package document_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/forms/formstest"
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

// TestWorkFileHidesSecretDocuments: the clerk files a secret document
// (secrecy > 0) with an ordinary one; an officer who reads the organ's
// documents but does not act on the secret one finds only the ordinary
// one in the file and in its XML and PDF exports; the clerk finds both.
func TestWorkFileHidesSecretDocuments(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		clerk := w.actor(t, "huyen.vanthu")
		in := paper("71")
		in.Secrecy, in.Subject = 2, "Kế hoạch phòng thủ bí mật"
		secret, err := w.docs.RegisterIncoming(ctx, clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		// Dated after the secret one (27 February), so it is second in the file.
		plain := register(t, w, "huyen.vanthu", demo.DistrictCode, "72", "2026-03-05", "Kế hoạch công khai", 1)
		f, err := w.docs.CreateFile(ctx, clerk, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "09.VT", Title: "Hồ sơ", Maintenance: "10 năm"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{secret.ID, plain} {
			if f, err = w.docs.AddToFile(ctx, clerk, f.ID, f.Version, id); err != nil {
				t.Fatal(err)
			}
		}
		if len(f.Items) != 2 {
			t.Fatalf("the clerk's file: %+v", f.Items)
		}
		reader := w.actor(t, "huyen.chuyenvien")
		if _, err := w.docs.Get(ctx, reader, secret.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("precondition: the specialist does not read the secret document: %v", err)
		}
		got, err := w.docs.GetFile(ctx, reader, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != 1 || got.Items[0].DocumentID != plain {
			t.Fatalf("the specialist's file: %+v", got.Items)
		}
		// Neither the totals nor a gap in the ordinals tells that a
		// document is hidden: the secret one has 2 pages, the plain one 1.
		if got.DocTotal != 1 || got.PageTotal != 1 || got.Items[0].DocOrdinal != 1 {
			t.Fatalf("the specialist's file counts what it hides: %d documents, %d pages, ordinal %d", got.DocTotal, got.PageTotal, got.Items[0].DocOrdinal)
		}
		for _, c := range []struct {
			who         string
			docs, pages int
		}{{"huyen.chuyenvien", 1, 1}, {"huyen.giamsat", 1, 1}, {"huyen.vanthu", 2, 3}} {
			list, err := w.docs.ListFiles(ctx, w.actor(t, c.who), document.FileFilter{})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list, func(x document.WorkFile) bool { return x.ID == f.ID })
			if i < 0 || list[i].DocTotal != c.docs || list[i].PageTotal != c.pages {
				t.Errorf("%s's list of files: %+v, want %d documents and %d pages", c.who, list, c.docs, c.pages)
			}
		}
		x, _, err := w.docs.ExportFileXML(ctx, reader, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(x, []byte("bí mật")) || !bytes.Contains(x, []byte("công khai")) {
			t.Fatalf("the specialist's XML:\n%s", x)
		}
		if got, err = w.docs.GetFile(ctx, clerk, f.ID); err != nil || len(got.Items) != 2 || got.DocTotal != 2 || got.PageTotal != 3 || got.Items[1].DocOrdinal != 2 {
			t.Fatalf("the clerk's file again: %v %+v", err, got)
		}
		formstest.Require(t)
		for _, c := range []struct {
			who    string
			secret bool
		}{{"huyen.chuyenvien", false}, {"huyen.vanthu", true}} {
			pdf, _, err := w.docs.ExportFilePDF(ctx, w.actor(t, c.who), f.ID)
			if err != nil {
				t.Fatal(err)
			}
			text := formstest.Flat(t, pdf)
			if strings.Contains(text, "bí mật") != c.secret || !strings.Contains(text, "Kế hoạch công khai") {
				t.Errorf("%s's PDF (the secret subject listed: %v):\n%s", c.who, c.secret, text)
			}
		}
	})
}

// TestInputBounds: an act's note, a distribution list and an
// assignment's coordinating units are bounded (each unit is looked up,
// each note lands in the trail and the audit log).
func TestInputBounds(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		d, err := w.docs.RegisterIncoming(ctx, w.actor(t, "huyen.vanthu"), paper("81"))
		if err != nil {
			t.Fatal(err)
		}
		coords := make([]string, 101)
		for i := range coords {
			coords[i] = demo.GiaLamCode
		}
		if _, err := w.docs.Assign(ctx, w.actor(t, "huyen.lanhdao"), d.ID, document.AssignInput{Version: 1, Instruction: "Giao.",
			LeadUnit: demo.DistrictCode, Coordinators: coords}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("101 coordinating units: %v", err)
		}
		if _, err := w.docs.Assign(ctx, w.actor(t, "huyen.lanhdao"), d.ID, document.AssignInput{Version: 1, Instruction: "Giao.",
			LeadUnit: demo.GiaLamCode}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.docs.Process(ctx, w.actor(t, "gialam.lanhdao"), d.ID, document.NoteInput{Note: string(bytes.Repeat([]byte("a"), 2001))}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("a 2001-character note: %v", err)
		}
		rs := make([]document.RecipientInput, 501)
		for i := range rs {
			rs[i] = document.RecipientInput{Unit: demo.GiaLamCode}
		}
		if _, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "CV", Subject: "V/v nơi nhận", Recipients: rs, File: draftFile()}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("501 recipients: %v", err)
		}
		if _, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "CV", Subject: "V/v nơi nhận", Recipients: []document.RecipientInput{{Name: string(bytes.Repeat([]byte("x"), 251))}}, File: draftFile()}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("a 251-character recipient: %v", err)
		}
	})
}
