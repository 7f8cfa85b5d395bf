package e2e

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
)

// TestLandParcelInBrowser: the commune's desk officer finds a parcel of
// the demo registry by sheet and number through the lookup form's
// labels, and lands on its page: its facts, users, certificate, history
// and its map, an SVG of the parcel among its neighbours drawn by the
// server. Both pages are photographed and checked with axe. Then the
// parcel's user, signed in with the identity VNeID verified, fills the
// e-form of a certificate re-issue from their parcel in a tab without
// JavaScript; the filled form is photographed and checked with axe too.
func TestLandParcelInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	parcels := demo.LandParcels(demo.GiaLamCode, rand.New(rand.NewPCG(1, 2)), 0, 30)
	if _, err := m.Land.Import(t.Context(), parcels, "e2e"); err != nil {
		t.Fatal(err)
	}
	holder := parcels[11].Holders[0]

	phase(t, "lookup", func(t *testing.T) {
		desk := openTab(t, browser, m.URL, "gialam.tiepnhan", false)
		desk.login(t)
		desk.visit(t, "/can-bo/dat-dai")
		desk.wantText(t, "h1", "Tra cứu thửa đất")
		desk.fillLabelled(t, "Mã đơn vị hành chính cấp xã", demo.GiaLamCode)
		desk.fillLabelled(t, "Tờ bản đồ số", "1")
		desk.fillLabelled(t, "Thửa đất số", "12")
		desk.page(t, "land-lookup")
		desk.button(t, "main form", "Tra cứu", 200)
		desk.wantText(t, "h1", "Thửa đất số 12, tờ bản đồ số 1")
		desk.wantText(t, "main", "300 m²", "ONT — Đất ở tại nông thôn", holder.Name, holder.IDNumber, parcels[11].Certificate.Serial, "Nhập dữ liệu")
		// The map: the parcel and its neighbours (11 and 13 beside it, 2 and 22 above and below).
		if n := eval[int](t, desk.ctx, `document.querySelectorAll("svg.land-map path").length`); n < 5 {
			t.Errorf("the map draws %d parcels, want the parcel and at least 4 neighbours", n)
		}
		if labels := eval[string](t, desk.ctx, `Array.from(document.querySelectorAll("svg.land-map text")).map(e => e.textContent).join(" ")`); !strings.Contains(" "+labels+" ", " 11 ") ||
			!strings.HasPrefix(labels, "12 ") || !strings.Contains(" "+labels+" ", " 13 ") {
			t.Errorf("the map's labels %q: want 12 first, then its neighbours 11 and 13 among them", labels)
		}
		desk.page(t, "land-parcel")
	})
	phase(t, "citizen fills a land form from their parcel", func(t *testing.T) {
		cd, err := m.Auth.UserByName(t.Context(), "congdan")
		if err != nil {
			t.Fatal(err)
		}
		// congdan's account is linked to the identity VNeID verified for the parcel's user.
		if _, _, err := m.Auth.SignInIdentity(t.Context(), auth.Identity{Issuer: "https://vneid.e2e", Subject: "land-holder",
			IDNumber: holder.IDNumber, FullName: holder.Name, Owner: cd.ID}); err != nil {
			t.Fatal(err)
		}
		citizen := openTab(t, browser, m.URL, "congdan", true)
		citizen.login(t)
		citizen.visit(t, "/nop-ho-so/1.012786")
		citizen.choose(t, "Nơi nộp hồ sơ", demo.GiaLamCode)
		if path := citizen.button(t, "main form", "Lưu và tiếp tục", 200); !strings.HasSuffix(path, "/to-khai") {
			t.Fatalf("step 1 led to %s\n%s", path, citizen.mainText(t))
		}
		citizen.wantText(t, "#dat-dai", "Điền thông tin thửa đất từ cơ sở dữ liệu đất đai")
		citizen.choose(t, "Thửa đất của tôi", demo.GiaLamCode+"/1/12")
		citizen.press(t, q("#land-fill"), 200, "the land registry's fill button")
		citizen.wantText(t, "#land-note", "Đã điền thông tin thửa đất số 12, tờ bản đồ số 1")
		for id, want := range map[string]string{"f-so_to_ban_do": "1", "f-so_thua": "12", "f-so_phat_hanh_gcn": parcels[11].Certificate.Serial,
			"f-ho_ten_nguoi_su_dung_dat": holder.Name, "f-so_dinh_danh": holder.IDNumber} {
			if got := citizen.value(t, id); got != want {
				t.Errorf("%s is %q, want %q", id, got, want)
			}
		}
		citizen.page(t, "land-prefill")
	})
	phase(t, "the desk fills a transfer's counter form from the registry", func(t *testing.T) {
		desk := openTab(t, browser, m.URL, "gialam.tiepnhan", false)
		desk.login(t)
		desk.visit(t, "/can-bo/tiep-nhan/1.013831")
		desk.fill(t, "applicant_name", holder.Name)
		desk.fill(t, "applicant_id_number", holder.IDNumber)
		desk.fill(t, "land-sheet", "1")
		desk.fill(t, "land-number", "12")
		desk.press(t, q("#land-fill"), 200, "the counter's land fill button")
		desk.wantText(t, "#land-note", "Đã điền thông tin thửa đất số 12, tờ bản đồ số 1")
		for id, want := range map[string]string{"f_so_to_ban_do": "1", "f_so_thua": "12", "f_so_phat_hanh_gcn": parcels[11].Certificate.Serial,
			"f_ben_chuyen_quyen": holder.Name, "applicant_name": holder.Name} {
			if got := desk.value(t, id); got != want {
				t.Errorf("%s is %q, want %q", id, got, want)
			}
		}
		desk.page(t, "land-counter-prefill")
	})
}
