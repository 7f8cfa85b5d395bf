package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The applicant of submission() and another person.
const (
	landApplicant = "037085001234"
	landOther     = "037090004321"
	landBuyer     = "001090000111"
)

// seedLand puts three parcels of Gia Lâm in the registry: 120 and 122
// held by the test's applicant, 121 (beside 120) by someone else.
func seedLand(t testing.TB, e *env) {
	t.Helper()
	parcel := func(number, serial, holder string, x0 float64) land.ParcelInput {
		return land.ParcelInput{Commune: demo.GiaLamCode, Sheet: "5", Number: number, AreaDM2: 30000, LandUse: []string{"ONT", "CLN"},
			Address: "Thôn Tân Lập, xã Gia Lâm", Geometry: land.Rect(x0, 0, x0+30, 10),
			Holders:     []land.Holder{{IDNumber: holder, Name: "Nguyễn Văn An"}},
			Certificate: land.Certificate{Serial: serial, BookNumber: "CH00" + number}}
	}
	if _, err := e.app.Land.Import(t.Context(), []land.ParcelInput{
		parcel("120", "DA 120120", landApplicant, 0), parcel("121", "DA 121121", landOther, 30), parcel("122", "DA 122122", landApplicant, 60),
	}, "test"); err != nil {
		t.Fatal(err)
	}
}

// landSubmission is a counter-less online submission of a land procedure for one parcel.
func (e *env) landSubmission(procedure string, form map[string]any) map[string]any {
	body := submission(e.procedure(procedure), demo.GiaLamCode)
	f := body["form"].(map[string]any)
	for k, v := range form {
		f[k] = v
	}
	return body
}

// fileLand submits the dossier and uploads its required components.
func (e *env) fileLand(procedure string, form map[string]any) (dossierView, reply) {
	e.t.Helper()
	var d dossierView
	r := e.call("congdan", "POST", "/api/v1/dossiers", e.landSubmission(procedure, form), &d)
	if r.status != 201 {
		return d, r
	}
	for _, c := range e.procedure(procedure).Components {
		if c.Required {
			e.upload("congdan", d.Code, c.Key, "scan.pdf", samplePDF)
		}
	}
	return d, r
}

// TestLandSplitChangesRegistry: a split dossier, from submission to its
// result, retires the parent parcel and makes two children with the
// measured areas, all linked to the dossier; the result cannot be made
// before the specialist entered a measurement that adds up.
func TestLandSplitChangesRegistry(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		d, r := e.fileLand("1.012784", map[string]any{"loai_yeu_cau": "Tách thửa", "so_to_ban_do": "5", "so_thua": "120",
			"so_phat_hanh_gcn": "DA 120120", "so_thua_sau": 2, "dien_tich": 300})
		e.must(r, 201)
		e.advance(time.Hour)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		d = e.get("gialam.tiepnhan", d.Code)
		measured := false
		for i := 0; d.Status == "processing"; i++ {
			if i > 20 {
				t.Fatal("workflow does not end")
			}
			who := officer(d.StepRole, d.Unit)
			action := "forward"
			if d.StepRole == auth.Leader {
				action = "approve"
			}
			if d.StepRole == auth.Specialist && !measured {
				b := e.admSignIn(t, who)
				if status, body := b.get("/can-bo/ho-so/" + d.Code); status != 200 || !strings.Contains(body, `id="land-panel" href="/can-bo/ho-so/`+d.Code+`/dat-dai"`) {
					t.Fatalf("dossier page: %d, no link to the land panel", status)
				}
				if status, body := b.get("/can-bo/ho-so/" + d.Code + "/dat-dai"); status != 200 || !strings.Contains(body, "area_1") {
					t.Fatalf("panel: %d %s", status, body)
				}
				// 100 + 150 ≠ 300: refused, with its sentence.
				if status, body := b.post("/can-bo/ho-so/"+d.Code+"/dat-dai", url.Values{"area_1": {"100"}, "area_2": {"150"}}); status != 422 ||
					!strings.Contains(body, "300 m²") {
					t.Fatalf("a measurement that does not add up: %d", status)
				}
				if status, _ := b.post("/can-bo/ho-so/"+d.Code+"/dat-dai", url.Values{"area_1": {"120.5"}, "area_2": {"179,5"}, "use_2": {"CLN"}}); status != 200 {
					t.Fatalf("measurement: %d", status)
				}
				measured = true
			}
			d = e.mustAct(who, d.Code, action, nil)
		}
		if d.Status != "result_ready" {
			t.Fatalf("status %s", d.Status)
		}
		ctx := t.Context()
		parent, err := e.app.Land.BySerial(ctx, nil, "DA 120120")
		if err != nil {
			t.Fatal(err)
		}
		if parent.Status != land.Retired || len(parent.Children) != 2 || parent.Certificates[0].Status != "cancelled" {
			t.Fatalf("parent after the split: %+v", parent)
		}
		want := map[string]struct {
			area int64
			use  string
		}{"123": {12050, "ONT+CLN"}, "124": {17950, "CLN"}}
		for _, c := range parent.Children {
			child, err := e.app.Land.Find(ctx, nil, demo.GiaLamCode, "5", c.Number)
			if err != nil {
				t.Fatalf("child %s: %v", c.Number, err)
			}
			w, ok := want[child.Number]
			if !ok || child.AreaDM2 != w.area || strings.Join(child.LandUse, "+") != w.use || !child.HeldBy(landApplicant) ||
				len(child.Certificates) != 1 || child.Geometry == "" {
				t.Fatalf("child %+v", child)
			}
			h, err := e.app.Land.History(ctx, child.ID)
			if err != nil || len(h) != 1 || h[0].Kind != land.KindSplitFrom || h[0].DossierCode != d.Code {
				t.Fatalf("child's history %+v %v", h, err)
			}
		}
		h, err := e.app.Land.History(ctx, parent.ID)
		if err != nil || len(h) != 2 || h[1].Kind != land.KindSplit || h[1].DossierCode != d.Code {
			t.Fatalf("parent's history %+v %v", h, err)
		}
		var detail struct {
			Children []struct{ Number, Area string }
		}
		if err := json.Unmarshal([]byte(h[1].Detail), &detail); err != nil || len(detail.Children) != 2 || detail.Children[0].Area != "120.5" {
			t.Fatalf("split detail %s", h[1].Detail)
		}
		// The parcel page of the parent shows its children and the dossier.
		b := e.admSignIn(t, "gialam.tiepnhan")
		status, body := b.get(land.ParcelPath(demo.GiaLamCode, "5", "120"))
		if status != 200 || !strings.Contains(body, d.Code) || !strings.Contains(body, "/can-bo/dat-dai/"+demo.GiaLamCode+"/5/123") {
			t.Fatalf("parent's page: %d", status)
		}
	})
}

// TestLandSplitNeedsMeasurement: without a measurement the act that
// would make the result is refused, and nothing changes.
func TestLandSplitNeedsMeasurement(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		d, r := e.fileLand("1.012784", map[string]any{"loai_yeu_cau": "Tách thửa", "so_to_ban_do": "5", "so_thua": "122", "so_phat_hanh_gcn": "DA 122122"})
		e.must(r, 201)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		d = e.get("gialam.tiepnhan", d.Code)
		var last reply
		for i := 0; d.Status == "processing" && i < 20; i++ {
			action := "forward"
			if d.StepRole == auth.Leader {
				action = "approve"
			}
			next, r := e.act(officer(d.StepRole, d.Unit), d.Code, action, nil)
			if r.status != 200 {
				last = r
				break
			}
			d = next
		}
		if last.status != 409 || last.errCode() != "land_split_unmeasured" {
			t.Fatalf("the result without a measurement: %d %s", last.status, last.body)
		}
		if p, err := e.app.Land.Find(t.Context(), nil, demo.GiaLamCode, "5", "122"); err != nil || p.Status != land.Active {
			t.Fatalf("parcel 122: %+v %v", p, err)
		}
	})
}

// TestLandTransferPreconditions: a transfer of a parcel the applicant
// does not hold is refused at submission with its code and sentence; of
// one they hold, its result gives the parcel to the buyer.
func TestLandTransferPreconditions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		form := func(number, serial string) map[string]any {
			return map[string]any{"loai_bien_dong": "Chuyển nhượng", "so_to_ban_do": "5", "so_thua": number, "so_phat_hanh_gcn": serial,
				"ben_nhan_quyen": "Trần Thị Bình", "so_dinh_danh_ben_nhan": landBuyer}
		}
		_, r := e.fileLand("1.013831", form("121", "DA 121121"))
		if r.status != 422 || r.errCode() != "land_not_holder" || !strings.Contains(r.message(), "thửa đất số 121") {
			t.Fatalf("not the registered user: %d %s", r.status, r.body)
		}
		_, r = e.fileLand("1.013831", form("999", "DA 999999"))
		if r.status != 422 || r.errCode() != "land_parcel_unknown" {
			t.Fatalf("no such parcel: %d %s", r.status, r.body)
		}
		d, r := e.fileLand("1.013831", form("122", "DA 122122"))
		e.must(r, 201)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.processToResult(d.Code)
		p, err := e.app.Land.Find(t.Context(), nil, demo.GiaLamCode, "5", "122")
		if err != nil || len(p.Holders) != 1 || p.Holders[0].IDNumber != landBuyer || p.HeldBy(landApplicant) {
			t.Fatalf("after the transfer: %+v %v", p, err)
		}
		h, err := e.app.Land.History(t.Context(), p.ID)
		if err != nil || len(h) != 2 || h[1].Kind != land.KindTransfer || h[1].DossierCode != d.Code {
			t.Fatalf("history %+v %v", h, err)
		}
	})
}
