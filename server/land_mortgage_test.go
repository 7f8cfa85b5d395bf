package server_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// tryResult drives a received dossier through its steps until its result
// is made or an act is refused; it returns the refusal (status 0 when none).
func (e *env) tryResult(code string) (dossierView, reply) {
	e.t.Helper()
	d := e.get("gialam.tiepnhan", code)
	for i := 0; d.Status == "processing"; i++ {
		if i > 20 {
			e.t.Fatal("workflow does not end")
		}
		action := "forward"
		if d.StepRole == auth.Leader {
			action = "approve"
		}
		next, r := e.act(officer(d.StepRole, d.Unit), code, action, nil)
		if r.status != 200 {
			return d, r
		}
		d = next
	}
	return d, reply{}
}

// TestLandMortgageRegisterAndRelease (issue 16): a registration puts the
// creditor and contract on the parcel with a mortgage history row of its
// dossier, in the result's transaction; a second mortgage of another
// contract is added after the first (Civil Code Art. 296), the same
// contract twice is refused; a mortgaged parcel cannot be transferred; a
// release removes its contract's mortgage; releasing a parcel with no
// mortgage, or a contract it does not have, is refused with its code and
// leaves nothing.
func TestLandMortgageRegisterAndRelease(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		ctx := t.Context()
		register := func(number, serial, contract string) map[string]any {
			return map[string]any{"so_to_ban_do": "5", "so_thua": number, "so_phat_hanh_gcn": serial,
				"ben_nhan_the_chap": "Ngân hàng Nông nghiệp chi nhánh Nho Quan", "so_hop_dong_the_chap": contract, "ngay_hop_dong": "2026-02-20"}
		}
		release := func(number, serial, contract string) map[string]any {
			return map[string]any{"so_to_ban_do": "5", "so_thua": number, "so_phat_hanh_gcn": serial,
				"so_hop_dong_the_chap": contract, "can_cu_xoa": "Chấm dứt nghĩa vụ được bảo đảm"}
		}
		parcel := func(number string) *land.Parcel {
			t.Helper()
			p, err := e.app.Land.Find(ctx, nil, demo.GiaLamCode, "5", number)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		changes := func() int {
			t.Helper()
			n, err := e.app.Land.DossierChanges(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Refused at submission: no dossier, no change.
		for _, c := range []struct {
			name, procedure string
			form            map[string]any
			code, sentence  string
		}{
			{"release without a mortgage", "1.013991", release("122", "DA 122122", "HD-01"), "land_not_mortgaged", "không có thế chấp đã đăng ký"},
			{"mortgage of someone else's parcel", "1.013990", register("121", "DA 121121", "HD-01"), "land_not_holder", "thửa đất số 121"},
		} {
			_, r := e.fileLand(c.procedure, c.form)
			if r.status != 422 || r.errCode() != c.code || !strings.Contains(r.message(), c.sentence) {
				t.Errorf("%s: %d %s", c.name, r.status, r.body)
			}
		}
		if n := changes(); n != 0 {
			t.Fatalf("refusals left %d changes", n)
		}

		// Two registrations of the same contract filed together: the
		// first result registers it, the second's result is refused and
		// rolled back.
		first, r := e.fileLand("1.013990", register("122", "DA 122122", "HD-01"))
		e.must(r, 201)
		twin, r := e.fileLand("1.013990", register("122", "DA 122122", "hd-01"))
		e.must(r, 201)
		e.mustAct("gialam.tiepnhan", first.Code, "receive", nil)
		e.mustAct("gialam.tiepnhan", twin.Code, "receive", nil)
		e.processToResult(first.Code)
		p := parcel("122")
		if p.Mortgage != "Ngân hàng Nông nghiệp chi nhánh Nho Quan (hợp đồng số HD-01)" {
			t.Fatalf("mortgage after the registration: %q", p.Mortgage)
		}
		h, err := e.app.Land.History(ctx, p.ID)
		if err != nil || len(h) != 2 || h[1].Kind != land.KindMortgage || h[1].DossierCode != first.Code || !strings.Contains(h[1].Detail, `"rank":1`) {
			t.Fatalf("history %+v %v", h, err)
		}
		before := changes()
		if d, r := e.tryResult(twin.Code); r.status != 422 || r.errCode() != "land_mortgage_exists" || d.Status != "processing" {
			t.Fatalf("the same contract's result: %d %s (%s)", r.status, r.body, d.Status)
		}
		if n := changes(); n != before || parcel("122").Mortgage != p.Mortgage {
			t.Fatalf("a refused result changed the registry: %d changes, mortgage %q", n, parcel("122").Mortgage)
		}

		// A second mortgage, of another contract, ranks after the first.
		second, r := e.fileLand("1.013990", register("122", "DA 122122", "HD-02"))
		e.must(r, 201)
		e.mustAct("gialam.tiepnhan", second.Code, "receive", nil)
		e.processToResult(second.Code)
		if m := land.MortgageLines(parcel("122").Mortgage); len(m) != 2 || !strings.HasSuffix(m[1], "(hợp đồng số HD-02)") {
			t.Fatalf("after the second mortgage: %q", m)
		}
		// The mortgaged parcel cannot be transferred.
		_, r = e.fileLand("1.013831", map[string]any{"loai_bien_dong": "Chuyển nhượng", "so_to_ban_do": "5", "so_thua": "122",
			"so_phat_hanh_gcn": "DA 122122", "ben_nhan_quyen": "Trần Thị Bình", "so_dinh_danh_ben_nhan": landBuyer})
		if r.status != 422 || r.errCode() != "land_mortgaged" {
			t.Fatalf("transfer of a mortgaged parcel: %d %s", r.status, r.body)
		}
		// A release of a contract the parcel does not have.
		if _, r = e.fileLand("1.013991", release("122", "DA 122122", "HD-09")); r.status != 422 || r.errCode() != "land_mortgage_unknown" {
			t.Fatalf("release of an unknown contract: %d %s", r.status, r.body)
		}
		// Releasing the first leaves the second.
		rel, r := e.fileLand("1.013991", release("122", "DA 122122", "HD-01"))
		e.must(r, 201)
		e.mustAct("gialam.tiepnhan", rel.Code, "receive", nil)
		e.processToResult(rel.Code)
		p = parcel("122")
		if p.Mortgage != "Ngân hàng Nông nghiệp chi nhánh Nho Quan (hợp đồng số HD-02)" {
			t.Fatalf("after the release: %q", p.Mortgage)
		}
		got, err := e.app.Land.ChangesOf(ctx, rel.Code)
		if err != nil || len(got) != 1 || got[0].Kind != land.KindMortgageRelease || !strings.Contains(got[0].Detail, `"remaining":1`) {
			t.Fatalf("release's changes %+v %v", got, err)
		}
		// The parcel page shows the pending mortgage and the history.
		b := e.admSignIn(t, "gialam.tiepnhan")
		if status, body := b.get(land.ParcelPath(demo.GiaLamCode, "5", "122")); status != 200 || !strings.Contains(body, "HD-02") || !strings.Contains(body, rel.Code) {
			t.Fatalf("parcel page: %d", status)
		}
	})
}
