package server_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// landFeature is the API's answer for one parcel: a GeoJSON Feature with
// its history.
type landFeature struct {
	Type       string
	Geometry   json.RawMessage
	Properties struct {
		MaXa, SoHieuToBanDo, SoThuTuThua string
		DienTich                         float64
		MucDichSuDung                    []string
		NguoiSuDung                      []struct{ HoTen, SoDinhDanh string }
		GiayChungNhan                    *struct{ SoPhatHanh, SoVaoSo string }
	}
	LichSuBienDong []struct {
		LoaiBienDong, MaHoSo, ThoiDiem, NguoiThucHien string
	}
}

// verifiedCitizen signs congdan in through VNeID with the ID number of
// the land applicant and returns the session's token.
func (e *env) verifiedCitizen(t *testing.T) string {
	t.Helper()
	cd, err := e.app.Auth.UserByName(t.Context(), "congdan")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.app.Auth.SignInIdentity(t.Context(), auth.Identity{Issuer: "https://vneid.test", Subject: "congdan-land",
		IDNumber: landApplicant, FullName: "Nguyễn Văn An", Owner: cd.ID})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestLandAPILookups: an officer with land.read at the commune finds a
// parcel by sheet and number or by certificate serial, in the export's
// Feature shape with its history; elsewhere they are refused. A citizen
// finds only the parcels VNeID's verified ID number holds: a stranger's
// parcel is the same 404 as one that does not exist, and an ID number
// typed at sign-up opens nothing.
func TestLandAPILookups(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		const giaSon = "000.03.07.H40"
		e.newOfficer("giason.chuyenvien", auth.Specialist, giaSon)
		parcelPath := func(commune, sheet, number string) string {
			return "/api/v1/land/parcels/" + commune + "/" + sheet + "/" + number
		}
		serialPath := func(serial string) string { return "/api/v1/land/certificates/" + url.PathEscape(serial) }

		// The officer: by number (leading zeros ignored) and by serial (case ignored).
		for _, path := range []string{parcelPath(demo.GiaLamCode, "05", "0120"), serialPath("da 120120")} {
			var f landFeature
			e.must(e.call("gialam.tiepnhan", "GET", path, nil, &f), 200)
			p := f.Properties
			if f.Type != "Feature" || p.MaXa != demo.GiaLamCode || p.SoHieuToBanDo != "5" || p.SoThuTuThua != "120" || p.DienTich != 300 ||
				len(p.MucDichSuDung) != 2 || len(p.NguoiSuDung) != 1 || p.NguoiSuDung[0].SoDinhDanh != landApplicant ||
				p.GiayChungNhan == nil || p.GiayChungNhan.SoPhatHanh != "DA 120120" || len(f.Geometry) < 10 {
				t.Fatalf("%s: %+v", path, f)
			}
			if len(f.LichSuBienDong) != 1 || f.LichSuBienDong[0].LoaiBienDong != "import" || f.LichSuBienDong[0].NguoiThucHien != "test" {
				t.Fatalf("%s: history %+v", path, f.LichSuBienDong)
			}
		}

		cases := []struct {
			name, who, path string
			status          int
			code            string
		}{
			{"no such parcel", "gialam.tiepnhan", parcelPath(demo.GiaLamCode, "5", "999"), 404, "land_parcel_not_found"},
			{"no such serial", "gialam.tiepnhan", serialPath("ZZ 000000"), 404, "land_parcel_not_found"},
			{"another commune's officer by number", "giason.chuyenvien", parcelPath(demo.GiaLamCode, "5", "120"), 403, "forbidden"},
			{"another commune's officer by serial: nothing told", "giason.chuyenvien", serialPath("DA 120120"), 404, "land_parcel_not_found"},
			{"anonymous", "", parcelPath(demo.GiaLamCode, "5", "120"), 401, "unauthorized"},
			{"an officer's list of their own parcels", "gialam.tiepnhan", "/api/v1/me/land-parcels", 403, "forbidden"},
			// congdan's account claims the applicant's ID number, typed at
			// sign-up: it proves nothing, so nothing is theirs.
			{"unverified citizen, the parcel of the ID number they typed", "congdan", parcelPath(demo.GiaLamCode, "5", "120"), 404, "land_parcel_not_found"},
			{"unverified citizen by serial", "congdan", serialPath("DA 120120"), 404, "land_parcel_not_found"},
		}
		for _, c := range cases {
			r := e.call(c.who, "GET", c.path, nil, nil)
			if r.status != c.status || (c.code != "unauthorized" && r.errCode() != c.code) {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
			}
		}
		var none struct {
			Type     string
			Verified bool
			Features []landFeature
		}
		e.must(e.call("congdan", "GET", "/api/v1/me/land-parcels", nil, &none), 200)
		if none.Type != "FeatureCollection" || none.Verified || len(none.Features) != 0 {
			t.Fatalf("an unverified citizen's parcels: %+v", none)
		}

		// Verified through VNeID: their two parcels, and only those.
		tok := e.verifiedCitizen(t)
		r := e.must(e.bearerCall(tok, "GET", "/api/v1/me/land-parcels", nil), 200)
		var mine struct {
			Type     string
			Verified bool
			Features []landFeature
		}
		if err := json.Unmarshal(r.body, &mine); err != nil || !mine.Verified || len(mine.Features) != 2 ||
			mine.Features[0].Properties.SoThuTuThua != "120" || mine.Features[1].Properties.SoThuTuThua != "122" {
			t.Fatalf("the verified citizen's parcels: %v %s", err, r.body)
		}
		for _, f := range mine.Features {
			for _, h := range f.LichSuBienDong {
				if h.NguoiThucHien != "" {
					t.Fatalf("a citizen sees the officer's name: %+v", h)
				}
			}
		}
		own := e.must(e.bearerCall(tok, "GET", parcelPath(demo.GiaLamCode, "5", "122"), nil), 200)
		var f landFeature
		if json.Unmarshal(own.body, &f); f.Properties.SoThuTuThua != "122" {
			t.Fatalf("own parcel: %s", own.body)
		}
		if r := e.must(e.bearerCall(tok, "GET", serialPath("DA 120120"), nil), 200); !json.Valid(r.body) {
			t.Fatal("own parcel by serial")
		}
		// Parcel 121 is another person's: exactly the answer of a parcel that does not exist.
		missing := e.bearerCall(tok, "GET", parcelPath(demo.GiaLamCode, "5", "999"), nil)
		for _, path := range []string{parcelPath(demo.GiaLamCode, "5", "121"), serialPath("DA 121121")} {
			r := e.bearerCall(tok, "GET", path, nil)
			if r.status != 404 || r.errCode() != "land_parcel_not_found" || r.errCode() != missing.errCode() {
				t.Errorf("%s: %d %s, want the 404 of %s", path, r.status, r.body, missing.body)
			}
		}
	})
}
