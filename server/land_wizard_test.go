package server_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// landStep2 starts the wizard of a land procedure at Gia Lâm as the
// signed-in citizen and returns the e-form step and the draft's URL.
func landStep2(t *testing.T, b *citizenBrowser, procedure string) (citizenPage, string) {
	t.Helper()
	return landStep2At(t, b, procedure, demo.GiaLamCode)
}

// landStep2At is landStep2 filing at unit.
func landStep2At(t *testing.T, b *citizenBrowser, procedure, unit string) (citizenPage, string) {
	t.Helper()
	p := b.get("/nop-ho-so/" + procedure)
	p = b.post(p.action(t, "/nop-ho-so/"+procedure), p.formWith(t, "unit", unit, "name", "Nguyễn Văn An",
		"id_number", landApplicant, "phone", "0912345678", "delivery", "counter"))
	if p.status != 200 || !strings.HasSuffix(p.url.Path, "/to-khai") {
		t.Fatalf("%s step 1 → %d at %s\n%s", procedure, p.status, p.url, landError.ReplaceAllString(mainOf(p.body), ""))
	}
	return p, strings.TrimSuffix(p.url.Path, "/to-khai")
}

// landError is the box's error paragraph.
var landError = regexp.MustCompile(`<p class="error" role="alert" id="land-error">[^<]*</p>`)

// TestPortalLandPrefill: on the e-form of each land procedure, a citizen
// whose identity VNeID verified picks one of their parcels, or types its
// numbers or its certificate's serial, and the fields the registry knows
// are filled (the rest of what was typed stays); another person's parcel
// is answered exactly as one that does not exist, and is never listed. A
// citizen without a verified identity is told why nothing is offered.
// No JavaScript: the box is a button of the e-form's own form.
func TestPortalLandPrefill(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		e.verifiedCitizen(t) // congdan is linked to VNeID's identity with the applicant's ID number
		b := e.portalVisitor(t, "")
		b.login("congdan")

		// Each procedure's form takes the fields it has (the mortgage
		// registration, 1.013990, as one).
		procedures := []struct {
			code string
			want []string
		}{
			{"1.012784", []string{`id="f-so_to_ban_do" name="so_to_ban_do" type="text" value="5"`, `name="so_thua" type="text" value="120"`,
				`name="so_phat_hanh_gcn" type="text" value="DA 120120"`, `name="dia_chi_thua_dat" type="text" value="Thôn Tân Lập, xã Gia Lâm"`,
				`name="dien_tich" type="text" value="300"`}},
			{"1.013831", []string{`name="so_thua" type="text" value="120"`, `name="so_phat_hanh_gcn" type="text" value="DA 120120"`,
				`name="ben_chuyen_quyen" type="text" value="Nguyễn Văn An"`}},
			{"1.013949", []string{`name="so_thua" type="text" value="120"`, `<option value="Đất trồng cây lâu năm" selected>`,
				`name="ho_ten_nguoi_su_dung_dat" type="text" value="Nguyễn Văn An"`, `name="so_dinh_danh" type="text" value="` + landApplicant + `"`}},
			{"1.012783", []string{`name="so_phat_hanh_gcn" type="text" value="DA 120120"`, `name="so_dinh_danh" type="text" value="` + landApplicant + `"`}},
			{"1.012786", []string{`name="so_to_ban_do" type="text" value="5"`, `name="so_phat_hanh_gcn" type="text" value="DA 120120"`}},
			{"1.013990", []string{`name="so_thua" type="text" value="120"`, `name="ho_ten_nguoi_su_dung_dat" type="text" value="Nguyễn Văn An"`,
				`name="so_dinh_danh" type="text" value="` + landApplicant + `"`}},
		}
		drafts := map[string]string{}
		for _, pr := range procedures {
			p, draft := landStep2(t, b, pr.code)
			drafts[pr.code] = draft
			if !p.has(`id="dat-dai"`) || !p.has(`<option value="`+demo.GiaLamCode+`/5/120"`) || !p.has(`<option value="`+demo.GiaLamCode+`/5/122"`) ||
				p.has(`/5/121"`) || p.has("DA 121121") || !p.has(`formaction="`+draft+`/dat-dai"`) {
				t.Fatalf("%s: the box does not list exactly the citizen's parcels\n%s", pr.code, mainOf(p.body))
			}
			p.wellFormed(t, "vi")
			p = b.post(draft+"/dat-dai", p.formWith(t, "land_parcel", demo.GiaLamCode+"/5/120"))
			if p.status != 200 || !p.has(`id="land-note"`) {
				t.Fatalf("%s: fill → %d\n%s", pr.code, p.status, mainOf(p.body))
			}
			for _, w := range pr.want {
				if !p.has(w) {
					t.Errorf("%s: the filled form lacks %s", pr.code, w)
				}
			}
			// What the registry filled is saved: the step shows it again.
			if again := b.get(draft + "/to-khai"); !again.has(`name="so_thua" type="text" value="120"`) {
				t.Errorf("%s: the fill was not saved", pr.code)
			}
		}

		// By serial or by sheet and number, what else was typed is kept.
		draft := drafts["1.012786"]
		p := b.get(draft + "/to-khai")
		p = b.post(draft+"/dat-dai", p.formWith(t, "land_serial", "da 122122", "hoan_canh_mat", "Mất khi chuyển nhà năm 2025"))
		if p.status != 200 || !p.has(`name="so_thua" type="text" value="122"`) || !p.has("Mất khi chuyển nhà năm 2025") {
			t.Fatalf("fill by serial: %d\n%s", p.status, mainOf(p.body))
		}
		p = b.post(draft+"/dat-dai", p.formWith(t, "land_sheet", "05", "land_number", "120", "hoan_canh_mat", "Mất khi chuyển nhà năm 2025"))
		if p.status != 200 || !p.has(`name="so_phat_hanh_gcn" type="text" value="DA 120120"`) || !p.has("Mất khi chuyển nhà năm 2025") {
			t.Fatalf("fill by sheet and number: %d\n%s", p.status, mainOf(p.body))
		}

		// Another person's parcel, by numbers, by serial or by a forged
		// choice: the answer of a parcel that does not exist, nothing of it shown.
		notYours := html.EscapeString(msg.Default().Error("vi", problem.NotFound("land_not_yours")))
		nothing := b.post(draft+"/dat-dai", p.formWith(t, "land_sheet", "5", "land_number", "999"))
		for _, c := range []struct {
			name   string
			kv     []string
			hidden string // what of parcel 121 the citizen did not type
		}{
			{"numbers", []string{"land_sheet", "5", "land_number", "121"}, "DA 121121"},
			{"serial", []string{"land_serial", "DA 121121"}, `value="121"`},
			{"choice", []string{"land_parcel", demo.GiaLamCode + "/5/121"}, "DA 121121"},
		} {
			r := b.post(draft+"/dat-dai", p.formWith(t, c.kv...))
			if r.status != 422 || !r.has(notYours) || landError.FindString(r.body) != landError.FindString(nothing.body) || r.has(c.hidden) {
				t.Errorf("another's parcel by %s: %d\n%s", c.name, r.status, mainOf(r.body))
			}
		}
		if r := b.post(draft+"/dat-dai", p.formWith(t)); r.status != 422 || !r.has(`id="land-error"`) {
			t.Errorf("nothing picked: %d", r.status)
		}

		// A parcel of a commune whose dossiers its service centre receives
		// (two-tier world): the citizen files with the commune (the centre
		// is not offered; the dossier goes to it) and the numbers typed are
		// found in the commune's registry, as the check at submission does.
		withTwoTier(t, e)
		if _, err := e.app.Land.Import(t.Context(), []land.ParcelInput{{Commune: ttCommune, Sheet: "7", Number: "1", AreaDM2: 20000,
			LandUse: []string{"ONT"}, Holders: []land.Holder{{IDNumber: landApplicant, Name: "Nguyễn Văn An"}},
			Certificate: land.Certificate{Serial: "DB 700001"}}}, "test"); err != nil {
			t.Fatal(err)
		}
		p, draft = landStep2At(t, b, "1.013991", ttCommune) // a procedure with no draft yet
		p = b.post(draft+"/dat-dai", p.formWith(t, "land_sheet", "7", "land_number", "1"))
		if p.status != 200 || !p.has(`name="so_phat_hanh_gcn" type="text" value="DB 700001"`) || p.has("hồ sơ đất đai nộp tại xã nơi có đất") {
			t.Fatalf("at the centre: %d\n%s", p.status, mainOf(p.body))
		}

		// A citizen with no verified identity is told why; the box offers nothing.
		e.addCitizen("chua.xac.thuc")
		u := e.portalVisitor(t, "")
		u.login("chua.xac.thuc")
		p, draft = landStep2(t, u, "1.012786")
		if !p.has(`id="land-unverified"`) || p.has(`id="land-fill"`) || p.has(`name="land_parcel"`) {
			t.Fatalf("unverified: %s", mainOf(p.body))
		}
		if r := u.post(draft+"/dat-dai", p.formWith(t, "land_sheet", "5", "land_number", "120")); r.status != 422 || r.has(`value="DA 120120"`) {
			t.Errorf("unverified fill: %d", r.status)
		}
	})
}
