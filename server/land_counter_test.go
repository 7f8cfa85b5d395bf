package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestCounterLandPrefill: at the counter, the desk fills a land
// procedure's form from the registry by sheet and number or by the
// certificate's serial; what was typed stays, nothing is created, the
// land user's name is filled only when the applicant's ID number is
// theirs, a parcel of another commune is not found, and a wrong number
// is told on the form. Other procedures have no box.
func TestCounterLandPrefill(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		elsewhere := land.ParcelInput{Commune: "000.05.07.H40", Sheet: "5", Number: "7", AreaDM2: 10000, LandUse: []string{"ONT"},
			Holders: []land.Holder{{IDNumber: landApplicant, Name: "Nguyễn Văn An"}}, Certificate: land.Certificate{Serial: "DZ 700700", BookNumber: "CH007"}}
		retiredElsewhere := elsewhere
		retiredElsewhere.Number, retiredElsewhere.Certificate = "8", land.Certificate{Serial: "DZ 800800", BookNumber: "CH008"}
		if _, err := e.app.Land.Import(t.Context(), []land.ParcelInput{elsewhere, retiredElsewhere}, "test"); err != nil {
			t.Fatal(err)
		}
		// Retired as a split would leave them (the test writes the registry's
		// status only): another commune's, and Gia Lâm's parcel 122.
		if _, err := db.ExecContext(t.Context(), `UPDATE land_parcels SET status = 'retired' WHERE (commune = ? AND number = '8') OR (commune = ? AND number = '122')`,
			elsewhere.Commune, demo.GiaLamCode); err != nil {
			t.Fatal(err)
		}
		desk := e.officeLogin("gialam.tiepnhan")
		const transfer = "1.013831"
		status, body, _ := desk.get("/can-bo/tiep-nhan/" + transfer)
		if status != 200 || !strings.Contains(body, `id="dat-dai"`) || !strings.Contains(body, `formaction="/can-bo/tiep-nhan/`+transfer+`/dat-dai"`) {
			t.Fatalf("the transfer's counter form has no land box: %d\n%s", status, body)
		}
		const birth = "1.001193" // birth registration: not a land procedure
		if st, other, _ := desk.get("/can-bo/tiep-nhan/" + birth); st != 200 || strings.Contains(other, `id="dat-dai"`) {
			t.Fatalf("a procedure the registry does not follow: %d, has the land box: %v", st, strings.Contains(other, `id="dat-dai"`))
		}
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(body)[1]
		form := func(id string, box ...string) url.Values {
			v := url.Values{"key": {key}, "unit": {demo.GiaLamCode}, "delivery": {"counter"},
				"applicant_name": {"Trần Thị Bình"}, "applicant_id_number": {id}, "f_ben_nhan_quyen": {"Lê Văn Cường"}}
			for i := 0; i+1 < len(box); i += 2 {
				v.Set(box[i], box[i+1])
			}
			return v
		}
		field := func(body, key string) string {
			m := regexp.MustCompile(`id="f_` + key + `" name="f_` + key + `" value="([^"]*)"`).FindStringSubmatch(body)
			if m == nil {
				return "(no input)"
			}
			return m[1]
		}
		cases := []struct {
			name   string
			form   url.Values
			status int
			want   map[string]string // input → value
			has    []string
			hasNot []string
		}{
			{"by sheet and number, the applicant is the user", form(landApplicant, "land_sheet", "5", "land_number", "120"), 200,
				map[string]string{"so_to_ban_do": "5", "so_thua": "120", "so_phat_hanh_gcn": "DA 120120", "ben_chuyen_quyen": "Nguyễn Văn An", "ben_nhan_quyen": "Lê Văn Cường"},
				[]string{`id="land-note"`, "thửa đất số 120, tờ bản đồ số 5", `value="Trần Thị Bình"`}, []string{"chưa khớp"}},
			{"by serial, the applicant is not the user", form("037000000001", "land_serial", "DA 121121"), 200,
				map[string]string{"so_thua": "121", "so_phat_hanh_gcn": "DA 121121", "ben_chuyen_quyen": "", "ben_nhan_quyen": "Lê Văn Cường"},
				[]string{`id="land-note"`, "chưa khớp với người sử dụng đất đã đăng ký"}, []string{"Nguyễn Văn An"}},
			{"a parcel of another commune", form(landApplicant, "land_serial", "DZ 700700"), 422,
				map[string]string{"so_thua": "", "ben_nhan_quyen": "Lê Văn Cường"},
				[]string{`id="land-error"`, "không có thửa đất này", `value="DZ 700700"`}, []string{`id="land-note"`}},
			{"a retired parcel of another commune is not found either", form(landApplicant, "land_serial", "DZ 800800"), 422,
				map[string]string{"so_thua": ""}, []string{`id="land-error"`, "không có thửa đất này"}, []string{"đã được tách"}},
			{"a retired parcel of the commune", form(landApplicant, "land_serial", "DA 122122"), 422,
				map[string]string{"so_thua": ""}, []string{`id="land-error"`, "đã được tách, hợp thành thửa khác"}, nil},
			{"no such parcel", form(landApplicant, "land_sheet", "5", "land_number", "999"), 422,
				map[string]string{"so_thua": ""}, []string{`id="land-error"`, `id="land-number" name="land_number" value="999"`}, nil},
			{"nothing typed", form(landApplicant), 422, nil, []string{`id="land-error"`, "Hãy ghi số tờ bản đồ cùng số thửa"}, nil},
		}
		for _, c := range cases {
			status, body, _ := desk.post("/can-bo/tiep-nhan/"+transfer+"/dat-dai", c.form)
			if status != c.status {
				t.Errorf("%s: %d, want %d\n%s", c.name, status, c.status, body)
				continue
			}
			for k, want := range c.want {
				if got := field(body, k); got != want {
					t.Errorf("%s: f_%s = %q, want %q", c.name, k, got, want)
				}
			}
			for _, s := range c.has {
				if !strings.Contains(body, s) {
					t.Errorf("%s: the page lacks %q", c.name, s)
				}
			}
			for _, s := range c.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("%s: the page shows %q", c.name, s)
				}
			}
		}
		var list struct{ Dossiers []dossierView }
		e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers", nil, &list), 200)
		if len(list.Dossiers) != 0 {
			t.Fatalf("filling the form created %d dossiers", len(list.Dossiers))
		}
		// A desk officer only: the commune's specialist is refused.
		if status, _, _ := e.officeLogin("gialam.chuyenvien").post("/can-bo/tiep-nhan/"+transfer+"/dat-dai", form(landApplicant, "land_sheet", "5", "land_number", "120")); status != 403 {
			t.Errorf("a specialist filled the counter form: %d", status)
		}
	})
}
