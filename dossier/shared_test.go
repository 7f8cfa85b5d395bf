package dossier_test

import (
	"bytes"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// submitted files a dossier at Gia Lâm through a citizen's draft.
func submitted(t *testing.T, w world) *dossier.Dossier {
	t.Helper()
	return submittedFor(t, w, "")
}

// submittedFor is submitted for the competent unit with code competent
// (phi địa giới), or Gia Lâm's own with "".
func submittedFor(t *testing.T, w world, competent string) *dossier.Dossier {
	t.Helper()
	ctx := t.Context()
	data := filled(w)
	data.CompetentUnit = competent
	d, err := w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dossier.MissingComponents(w.proc, d.Data.Files) {
		f, err := w.ds.StoreBlob(t.Context(), bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		d.Data.Files = append(d.Data.Files, dossier.DraftFile{Component: c.Key, SHA256: f.SHA256, Name: c.Key + ".pdf",
			Size: f.Size, ContentType: f.ContentType})
	}
	if err := w.ds.SaveDraft(ctx, w.citizen, d); err != nil {
		t.Fatal(err)
	}
	out, _, err := w.ds.SubmitDraft(ctx, w.citizen, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMoveUnitMovesOnlyOpenDossiers: when a unit is merged, the dossiers
// still being worked on go to its successor's desk; a closed dossier keeps
// the unit that handled it.
func TestMoveUnitMovesOnlyOpenDossiers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		open, closed := submitted(t, w), submitted(t, w)
		if _, err := w.ds.Act(ctx, w.reception, open.Code, dossier.Receive, dossier.ActInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ds.Act(ctx, w.reception, closed.Code, dossier.Refuse, dossier.ActInput{Note: "Không thuộc thẩm quyền."}); err != nil {
			t.Fatal(err)
		}
		from, err := w.units.ByCode(ctx, demo.GiaLamCode)
		if err != nil {
			t.Fatal(err)
		}
		to, err := w.units.ByCode(ctx, "000.03.07.H40")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := dossier.OpenAt(ctx, db, from.ID); err != nil || n != 1 {
			t.Fatalf("open at %s before: %d %v", from.Code, n, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return dossier.MoveUnit(ctx, tx, from.ID, to.ID, to.ID) }); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, code, unit string
		}{
			{"open dossier moves", open.Code, to.Code},
			{"closed dossier stays", closed.Code, from.Code},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d, err := w.ds.Get(ctx, w.citizen, c.code)
				if err != nil {
					t.Fatal(err)
				}
				if d.Unit != c.unit || d.ReceivingUnit != c.unit {
					t.Fatalf("unit %s, receiving unit %s, want %s", d.Unit, d.ReceivingUnit, c.unit)
				}
			})
		}
		for unitID, want := range map[int64]int{from.ID: 0, to.ID: 1} {
			if n, err := dossier.OpenAt(ctx, db, unitID); err != nil || n != want {
				t.Errorf("open at unit %d after: %d %v, want %d", unitID, n, err, want)
			}
		}
	})
}

// TestMoveUnitMovesTheCompetentUnit (phi địa giới): an open dossier Gia
// Lâm received for Gia Thủy follows Gia Thủy's successor when Gia Thủy is
// merged, so the transfer goes to a unit that exists. On the old code
// MoveUnit left the competent unit behind.
func TestMoveUnitMovesTheCompetentUnit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		d := submittedFor(t, w, "000.02.07.H40")
		if d.CompetentUnit != "000.02.07.H40" {
			t.Fatalf("competent unit %q", d.CompetentUnit)
		}
		from, err := w.units.ByCode(ctx, "000.02.07.H40")
		if err != nil {
			t.Fatal(err)
		}
		to, err := w.units.ByCode(ctx, "000.03.07.H40")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return dossier.MoveUnit(ctx, tx, from.ID, to.ID, to.ID) }); err != nil {
			t.Fatal(err)
		}
		if d, err = w.ds.Get(ctx, w.citizen, d.Code); err != nil || d.CompetentUnit != to.Code || d.ReceivingUnit != demo.GiaLamCode {
			t.Fatalf("after the merge: competent %q, receiving %q (%v)", d.CompetentUnit, d.ReceivingUnit, err)
		}
	})
}
