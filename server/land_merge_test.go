package server_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestLandMergeChangesRegistry (issue 16): a Hợp thửa dossier names
// parcels of one sheet held by the applicant; at its result, in that
// transaction, they are retired and one parcel of their summed area is
// made (the union of their rectangles as its geometry), certificates
// cancelled and issued, every history row tied to the dossier. A merge
// naming another's parcel, none, or an unknown one is refused at
// submission; one whose parcel was merged meanwhile is refused at its
// result, and nothing changes.
func TestLandMergeChangesRegistry(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		ctx := t.Context()
		// 125 lies west of 120, same user: together a 60 m × 10 m rectangle.
		if _, err := e.app.Land.Import(ctx, []land.ParcelInput{{Commune: demo.GiaLamCode, Sheet: "5", Number: "125", AreaDM2: 30000,
			LandUse: []string{"ONT"}, Geometry: land.Rect(-30, 0, 0, 10), Holders: []land.Holder{{IDNumber: landApplicant, Name: "Nguyễn Văn An"}},
			Certificate: land.Certificate{Serial: "DA 125125", BookNumber: "CH00125"}}}, "test"); err != nil {
			t.Fatal(err)
		}
		merge := func(number, serial, with string) map[string]any {
			return map[string]any{"loai_yeu_cau": "Hợp thửa", "so_to_ban_do": "5", "so_thua": number, "so_phat_hanh_gcn": serial,
				"thua_hop": with, "so_thua_sau": 1, "dien_tich": 600}
		}
		for _, c := range []struct{ name, with, code string }{
			{"another's parcel", "121", "land_not_holder"},
			{"no other parcel", " 120 ", "land_merge_count"},
			{"unknown parcel", "125, 999", "land_parcel_unknown"},
		} {
			if _, r := e.fileLand("1.012784", merge("120", "DA 120120", c.with)); r.status != 422 || r.errCode() != c.code {
				t.Errorf("%s: %d %s", c.name, r.status, r.body)
			}
		}
		n, err := e.app.Land.DossierChanges(ctx)
		if err != nil || n != 0 {
			t.Fatalf("refusals left %d changes (%v)", n, err)
		}

		d, r := e.fileLand("1.012784", merge("120", "DA 120120", "125"))
		e.must(r, 201)
		late, r := e.fileLand("1.012784", merge("122", "DA 122122", "125"))
		e.must(r, 201)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.mustAct("gialam.tiepnhan", late.Code, "receive", nil)
		b := e.admSignIn(t, "gialam.tiepnhan")
		if status, body := b.get("/can-bo/ho-so/" + d.Code + "/dat-dai"); status != 200 || !strings.Contains(body, "/can-bo/dat-dai/"+demo.GiaLamCode+"/5/125") ||
			strings.Contains(body, "area_1") {
			t.Fatalf("merge panel: %d", status)
		}
		e.processToResult(d.Code)

		child, err := e.app.Land.Find(ctx, nil, demo.GiaLamCode, "5", "126")
		if err != nil {
			t.Fatal(err)
		}
		if child.AreaDM2 != 60000 || strings.Join(child.LandUse, "+") != "ONT+CLN" || !child.HeldBy(landApplicant) || len(child.Holders) != 1 ||
			len(child.Certificates) != 1 || child.Certificates[0].Status != "valid" || child.Geometry != land.Rect(-30, 0, 30, 10) || len(child.Parents) != 2 {
			t.Fatalf("merged parcel %+v", child)
		}
		h, err := e.app.Land.History(ctx, child.ID)
		if err != nil || len(h) != 1 || h[0].Kind != land.KindMergeFrom || h[0].DossierCode != d.Code {
			t.Fatalf("merged parcel's history %+v %v", h, err)
		}
		for _, serial := range []string{"DA 120120", "DA 125125"} {
			p, err := e.app.Land.BySerial(ctx, nil, serial)
			if err != nil || p.Status != land.Retired || p.Certificates[0].Status != "cancelled" || len(p.Children) != 1 || p.Children[0].ID != child.ID || len(p.Holders) != 0 {
				t.Fatalf("parent %s: %+v %v", serial, p, err)
			}
			h, err := e.app.Land.History(ctx, p.ID)
			if err != nil || len(h) != 2 || h[1].Kind != land.KindMerge || h[1].DossierCode != d.Code || !strings.Contains(h[1].Detail, `"into":"5/126"`) {
				t.Fatalf("parent %s's history %+v %v", serial, h, err)
			}
		}
		changes, err := e.app.Land.ChangesOf(ctx, d.Code)
		if err != nil || len(changes) != 3 {
			t.Fatalf("the merge's changes %+v %v", changes, err)
		}

		// 125 is gone: the later merge is refused at its result; 122 stays.
		if got, r := e.tryResult(late.Code); r.status != 422 || r.errCode() != "land_parcel_unknown" || got.Status != "processing" {
			t.Fatalf("merge of a retired parcel: %d %s", r.status, r.body)
		}
		if p, err := e.app.Land.Find(ctx, nil, demo.GiaLamCode, "5", "122"); err != nil || p.Status != land.Active || len(p.Children) != 0 {
			t.Fatalf("parcel 122 after a refused merge: %+v %v", p, err)
		}
		if after, _ := e.app.Land.DossierChanges(ctx); after != 3 {
			t.Fatalf("a refused merge left changes: %d", after)
		}
	})
}
