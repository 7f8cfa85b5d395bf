package server_test

import (
	"encoding/json"
	"html"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestTrackingThrottled (issue 8, finding 6): public tracking had no rate
// limit, so a script could walk every code of a unit's day. One client
// address now gets 30 lookups at once, then one per 20 seconds: the API
// answers 429 with Retry-After, the page says so in Vietnamese. (The
// test's clock stands still, so nothing refills.)
func TestTrackingThrottled(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit(interLevel(t).Code, demo.GiaLamCode)
		walk := strings.TrimSuffix(d.Code, "0001")
		for i := range 30 {
			code := walk + "000" + string(rune('1'+i%9))
			if r := e.call("", "GET", "/api/v1/track/"+code+"?phone_last4=0000", nil, nil); r.status != 404 {
				t.Fatalf("lookup %d: %d %s", i+1, r.status, r.body)
			}
		}
		r := e.call("", "GET", "/api/v1/track/"+d.Code+"?phone_last4=5678", nil, nil)
		if r.status != 429 || r.errCode() != "track_throttled" || r.header.Get("Retry-After") != "20" {
			t.Fatalf("31st lookup: %d %s, Retry-After %q", r.status, r.body, r.header.Get("Retry-After"))
		}
		status, body, h := page(t, e.srv.URL+"/tra-cuu?ma="+d.Code+"&t="+d.TrackToken)
		if status != 429 || h.Get("Retry-After") == "" || !strings.Contains(html.UnescapeString(body), "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 1 phút.") {
			t.Errorf("tracking page when throttled: %d, Retry-After %q", status, h.Get("Retry-After"))
		}
		if strings.Contains(body, "Nguyễn V. A.") {
			t.Error("the throttled page shows the dossier")
		}
	})
}

// TestFiledOnBehalf (issue 8, finding 7): a citizen account could file
// under anyone's name and ID number, unmarked. A dossier whose applicant
// is not the account's verified ID number is now marked as filed on
// behalf, by whom, in the API's JSON and on the officer's dossier page.
func TestFiledOnBehalf(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.procedure(interLevel(t).Code)
		type view struct {
			Code           string
			OnBehalf       bool   `json:"on_behalf"`
			OnBehalfReason string `json:"on_behalf_reason"`
			FiledBy        string `json:"filed_by"`
		}
		file := func(user, idNumber string) view {
			in := submission(p, demo.GiaLamCode)
			in["applicant"] = map[string]string{"name": "Lê Thị Hoa", "id_number": idNumber, "phone": "0987654321"}
			var v view
			e.must(e.call(user, "POST", "/api/v1/dossiers", in, &v), 201)
			return v
		}
		own := file("congdan", demo.Citizen.IDNumber)
		other := file("congdan", "001190000001")
		desk := file("gialam.tiepnhan", demo.Citizen.IDNumber)
		if own.OnBehalf || own.OnBehalfReason != "" || own.FiledBy != "" {
			t.Errorf("filed under the account's own ID number: %+v", own)
		}
		if !other.OnBehalf || other.OnBehalfReason != "other_id" || other.FiledBy != "congdan" {
			t.Errorf("filed under another's ID number: %+v", other)
		}
		if !desk.OnBehalf || desk.OnBehalfReason != "staff" || desk.FiledBy != "gialam.tiepnhan" {
			t.Errorf("entered at the desk: %+v", desk)
		}
		var got map[string]any
		e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+other.Code, nil, &got), 200)
		if got["on_behalf"] != true || got["filed_by"] != "congdan" {
			b, _ := json.Marshal(got)
			t.Errorf("the officer's API view: %s", b)
		}

		officer := e.officeLogin("gialam.tiepnhan")
		_, body, _ := officer.get("/can-bo/ho-so/" + other.Code)
		body = html.UnescapeString(body)
		if !strings.Contains(body, "Nộp thay") || !strings.Contains(body, "Tài khoản công dân congdan nộp cho người có số định danh khác") {
			t.Errorf("the reception page does not say the dossier was filed on behalf:\n%s", body)
		}
		if _, body, _ := officer.get("/can-bo/ho-so/" + own.Code); strings.Contains(body, `id="on-behalf"`) {
			t.Error("a dossier the applicant filed is shown as filed on behalf")
		}
	})
}
