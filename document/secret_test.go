package document_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSecretDocuments: a secret document (secrecy > 0) is read only by
// those who act on it. The district's specialists, its supervisor, a
// coordinating unit and the lead unit's clerk hold document.read there
// and see an ordinary document, but get "not found" for the secret one
// and do not find it in their listing; the clerk, the leader, the lead
// unit's leader, the named specialist, the drafter and the head do.
func TestSecretDocuments(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		in := paper("07")
		in.Secrecy = 1
		secret, err := w.docs.RegisterIncoming(ctx, w.actor(t, "huyen.vanthu"), in)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := w.docs.RegisterIncoming(ctx, w.actor(t, "huyen.vanthu"), paper("08"))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []*document.Document{secret, plain} {
			if _, err := w.docs.Assign(ctx, w.actor(t, "huyen.lanhdao"), d.ID, document.AssignInput{Version: 1, Instruction: "Giao Gia Lâm chủ trì.",
				LeadUnit: demo.GiaLamCode, Coordinators: []string{demo.DistrictCode}}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.docs.AssignSpecialist(ctx, w.actor(t, "gialam.lanhdao"), d.ID, document.SpecialistInput{Specialist: "gialam.chuyenvien"}); err != nil {
				t.Fatal(err)
			}
		}
		draft, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "CV", Secrecy: 2, Subject: "V/v bảo vệ bí mật nhà nước", File: draftFile()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.docs.Submit(ctx, w.actor(t, "vp.chuyenvien"), draft.ID, document.NoteInput{Version: 1}); err != nil {
			t.Fatal(err)
		}
		listed := func(name string, id int64) bool {
			t.Helper()
			p, err := w.docs.List(ctx, w.actor(t, name), document.Filter{Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(p.Documents, func(d document.Document) bool { return d.ID == id })
		}
		for _, c := range []struct {
			doc     *document.Document
			readers []string
			others  []string
		}{
			{secret, []string{"huyen.vanthu", "huyen.lanhdao", "gialam.lanhdao", "gialam.chuyenvien"},
				[]string{"huyen.chuyenvien", "huyen.giamsat", "gialam.vanthu", "khac.lanhdao", "vp.truongphong"}},
			{draft, []string{"vp.chuyenvien", "vp.truongphong", "huyen.lanhdao", "huyen.vanthu"},
				[]string{"huyen.chuyenvien", "huyen.giamsat", "gialam.lanhdao", "khac.vanthu"}},
		} {
			for _, name := range c.readers {
				t.Run(name+" reads "+c.doc.Subject, func(t *testing.T) {
					if _, err := w.docs.Get(ctx, w.actor(t, name), c.doc.ID); err != nil {
						t.Fatal(err)
					}
					if !listed(name, c.doc.ID) {
						t.Fatal("not listed")
					}
				})
			}
			for _, name := range c.others {
				t.Run(name+" does not find "+c.doc.Subject, func(t *testing.T) {
					if _, err := w.docs.Get(ctx, w.actor(t, name), c.doc.ID); !errors.Is(err, problem.ErrNotFound) {
						t.Fatalf("get: want not found, got %v", err)
					}
					if listed(name, c.doc.ID) {
						t.Fatal("listed")
					}
				})
			}
		}
		t.Run("the same readers see an ordinary document", func(t *testing.T) {
			for _, name := range []string{"huyen.chuyenvien", "huyen.giamsat", "gialam.vanthu"} {
				if _, err := w.docs.Get(ctx, w.actor(t, name), plain.ID); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !listed(name, plain.ID) {
					t.Fatalf("%s: not listed", name)
				}
			}
		})
		t.Run("a coordinating unit cannot act on a secret document", func(t *testing.T) {
			if _, err := w.docs.Process(ctx, w.actor(t, "huyen.chuyenvien"), secret.ID, document.NoteInput{Note: "góp ý"}); !errors.Is(err, problem.ErrNotFound) {
				t.Fatalf("process: %v", err)
			}
		})
	})
}
