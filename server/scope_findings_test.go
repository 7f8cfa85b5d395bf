package server_test

import (
	"strconv"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPersonalDataScope covers issue 8, finding 8: the community digital
// team's account, unit admins and every role of the parent unit read the
// full applicant data of every dossier of a commune. Now only the
// commune's own reading roles and the district's supervisor read a
// citizen's dossier; the community team reads the dossiers it filed.
func TestPersonalDataScope(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.procedure("1.001193")
		d := e.submit(p.Code, demo.GiaLamCode)
		file := e.get("congdan", d.Code).Files[0].ID

		// The community team files one on a citizen's behalf.
		var filed dossierView
		e.must(e.call("gialam.congnghe", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &filed), 201)

		reads := func(user, code string) bool {
			r := e.call(user, "GET", "/api/v1/dossiers/"+code, nil, nil)
			if r.status != 200 && r.status != 404 {
				t.Fatalf("%s reading %s: %d %s", user, code, r.status, r.body)
			}
			return r.status == 200
		}
		lists := func(user, code string) bool {
			var out struct{ Dossiers []dossierView }
			e.must(e.call(user, "GET", "/api/v1/dossiers", nil, &out), 200)
			for _, x := range out.Dossiers {
				if x.Code == code {
					return true
				}
			}
			return false
		}
		for user, want := range map[string]bool{
			"gialam.tiepnhan": true, "gialam.chuyenvien": true, "gialam.lanhdao": true, "gialam.vanthu": true,
			"huyen.giamsat":   true, // the district's supervisor oversees its communes
			"gialam.congnghe": false, "gialam.quantri": false,
			"huyen.tiepnhan": false, "huyen.chuyenvien": false, "huyen.lanhdao": false, "huyen.vanthu": false, "huyen.quantri": false,
			"tinh.quantri": false,
		} {
			if got := reads(user, d.Code); got != want {
				t.Errorf("%s reads the citizen's dossier: %v, want %v", user, got, want)
			}
			if got := lists(user, d.Code); got != want {
				t.Errorf("%s lists the citizen's dossier: %v, want %v", user, got, want)
			}
			file := e.call(user, "GET", "/api/v1/dossiers/"+d.Code+"/files/"+strconv.FormatInt(file, 10), nil, nil)
			if got := file.status == 200; got != want {
				t.Errorf("%s downloads the citizen's file: %d, want allowed %v", user, file.status, want)
			}
			form := e.call(user, "GET", "/api/v1/dossiers/"+d.Code+"/forms/01", nil, nil)
			if got := form.status != 404; got != want {
				t.Errorf("%s prints the citizen's receipt: %d, want allowed %v", user, form.status, want)
			}
			book := e.call(user, "GET", "/api/v1/units/"+demo.GiaLamCode+"/tracking-book", nil, nil)
			if got := book.status == 200; got != want {
				t.Errorf("%s prints Gia Lâm's tracking book: %d, want allowed %v", user, book.status, want)
			}
		}
		if !reads("gialam.congnghe", filed.Code) || !lists("gialam.congnghe", filed.Code) {
			t.Error("the community team does not follow the dossier it filed")
		}
		if reads("huyen.chuyenvien", filed.Code) {
			t.Error("a district specialist reads a commune's dossier")
		}
	})
}
