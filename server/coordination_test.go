package server_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// landProcedure is the demo catalog's exchange of a land-use certificate:
// received at the commune, decided at the district, where the tax office
// is asked about the financial obligations.
const landProcedure = "1.012783"

type consultView struct {
	ID         int64
	Agency     string
	DueAt      time.Time  `json:"due_at"`
	AnsweredAt *time.Time `json:"answered_at"`
	Timeliness string
}

type agencyView struct {
	ID    int64
	Name  string
	Email string
}

func (e *env) agencies(user string) map[string]agencyView {
	e.t.Helper()
	var out struct{ Agencies []agencyView }
	e.must(e.call(user, "GET", "/api/v1/partner-agencies?province="+demo.ProvinceCode, nil, &out), 200)
	m := map[string]agencyView{}
	for _, a := range out.Agencies {
		m[a.Name] = a
	}
	return m
}

func (e *env) consultations(user, code string) []consultView {
	e.t.Helper()
	var out struct{ Consultations []consultView }
	e.must(e.call(user, "GET", "/api/v1/dossiers/"+code+"/consultations", nil, &out), 200)
	return out.Consultations
}

// TestCoordination (issue 10, coordination with other agencies): a land
// dossier at the district is sent to the tax office and to the land
// registration branch, each with its own due; the answers come back, one
// on its due day and one late; the dossier stays in processing with its
// own due untouched, the request to an agency with an address is e-mailed
// through the outbox, and form 06 names both agencies in its header and
// shows each hand-off out and back, the answers judged Đúng hạn and Quá
// hạn. On the old code there was no consult action at all.
func TestCoordination(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit(landProcedure, demo.GiaLamCode)
		d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		if d.Unit != demo.DistrictCode || d.StepRole != "specialist" {
			t.Fatalf("land dossier after reception: step %s at %s", d.StepRole, d.Unit)
		}
		due := *d.DueAt
		holder := officer("specialist", d.Unit)
		ags := e.agencies(holder)
		tax, land := ags["Thuế cơ sở 9 tỉnh Ninh Bình"], ags["Chi nhánh Văn phòng đăng ký đất đai huyện Nho Quan"]
		if tax.ID == 0 || land.ID == 0 || tax.Email == "" {
			t.Fatalf("demo registry of partner agencies: %+v", ags)
		}
		if !slices.Contains(e.get(holder, d.Code).Actions, "consult") {
			t.Fatalf("consult not offered to the step holder: %v", e.get(holder, d.Code).Actions)
		}

		ask := map[string]any{"agency": tax.ID, "days": 3, "note": "Đề nghị xác định nghĩa vụ tài chính về đất đai của hộ ông Nguyễn Văn An."}
		for _, c := range []struct {
			name, user, action string
			in                 map[string]any
			status             int
			code               string
		}{
			{"the leader does not hold the step", officer("leader", d.Unit), "consult", ask, 422, "action_not_permitted"},
			{"the commune's desk does not hold the step", "gialam.tiepnhan", "consult", ask, 422, "action_not_permitted"},
			{"an answer without a request", holder, "record-answer", map[string]any{"note": "Đã xác định."}, 409, "no_open_consultation"},
			{"an agency not in the registry", holder, "consult", map[string]any{"agency": 999999, "days": 3, "note": "x"}, 422, "unknown_agency"},
			{"what is asked is required", holder, "consult", map[string]any{"agency": tax.ID, "days": 3}, 422, "note_required"},
			{"a time limit is required", holder, "consult", map[string]any{"agency": tax.ID, "note": "x"}, 422, "invalid_consult_days"},
		} {
			if _, r := e.act(c.user, d.Code, c.action, c.in); r.status != c.status || r.errCode() != c.code {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
			}
		}

		d = e.mustAct(holder, d.Code, "consult", ask)
		d = e.mustAct(holder, d.Code, "consult", map[string]any{"agency": land.ID, "days": 1, "note": "Đề nghị cung cấp thông tin thửa đất số 125, tờ bản đồ số 7."})
		if d.Status != "processing" || !d.DueAt.Equal(due) || d.StepRole != "specialist" {
			t.Fatalf("consulting moved the dossier or its clock: %s %s due %v (was %v)", d.Status, d.StepRole, d.DueAt, due)
		}
		var waiting struct {
			WaitingPartner bool `json:"waiting_partner"`
		}
		e.must(e.call(holder, "GET", "/api/v1/dossiers/"+d.Code, nil, &waiting), 200)
		if !waiting.WaitingPartner {
			t.Errorf("dossier not marked as waiting for a partner agency")
		}
		cs := e.consultations(holder, d.Code)
		if len(cs) != 2 || cs[0].Agency != tax.Name || !cs[0].DueAt.After(cs[1].DueAt) {
			t.Fatalf("requests: %+v", cs)
		}
		var mails int
		if err := e.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_outbox
			WHERE kind = 'coordination' AND channel = 'email' AND recipient = ? AND body LIKE ?`, tax.Email, "%"+d.Code+"%").Scan(&mails); err != nil {
			t.Fatal(err)
		}
		if mails != 1 {
			t.Errorf("requests to the tax office in the outbox: %d, want 1", mails)
		}

		// Past both dues: the tax office's answer is dated on its due day,
		// the branch's comes now, late.
		e.advance(5 * 24 * time.Hour)
		e.mustAct(holder, d.Code, "record-answer", map[string]any{"consultation": cs[0].ID, "answered_at": cs[0].DueAt,
			"answered_by": "Chi cục trưởng", "note": "Nghĩa vụ tài chính: lệ phí trước bạ 500.000 đồng."})
		e.mustAct(holder, d.Code, "record-answer", map[string]any{"note": "Thông tin thửa đất đã được cung cấp."})
		if _, r := e.act(holder, d.Code, "record-answer", map[string]any{"note": "Lần nữa"}); r.errCode() != "no_open_consultation" {
			t.Errorf("answering twice: %d %s", r.status, r.body)
		}
		cs = e.consultations(holder, d.Code)
		if cs[0].Timeliness != "on_time" || cs[1].Timeliness != "late" {
			t.Errorf("judgements: %s, %s; want on_time, late", cs[0].Timeliness, cs[1].Timeliness)
		}

		slip := e.pdf(holder, "/api/v1/dossiers/"+d.Code+"/forms/06")
		checkPDF(t, "coordination-06", slip, "Cơ quan phối hợp giải quyết hồ sơ:", tax.Name, land.Name,
			"Đề nghị phối hợp: Đề nghị xác định nghĩa vụ tài chính", "Trả lời: Nghĩa vụ tài chính: lệ phí trước bạ", "Chi cục trưởng")
		// Without the column's title (repeated on every page): the reception
		// row is Đúng hạn, the rest are the answers'.
		raw := strings.ReplaceAll(formstest.Raw(t, slip), "(Trước hạn/ Đúng hạn/ Quá hạn)", "")
		if n := strings.Count(raw, "Đúng hạn"); n != 2 {
			t.Errorf("Đúng hạn %d times, want 2 (reception, the tax office's answer):\n%s", n, raw)
		}
		if n := strings.Count(raw, "Quá hạn"); n != 1 {
			t.Errorf("Quá hạn %d times, want 1 (the branch's late answer):\n%s", n, raw)
		}
		if !strings.Contains(raw, "Giao: "+land.Name) {
			t.Errorf("no hand-off back from the branch:\n%s", raw)
		}
	})
}

// TestPartnerAgencyRegistry: the province's admin adds, changes and
// retires agencies; a district admin may not; officers read the registry,
// citizens do not; a retired agency is no longer offered.
func TestPartnerAgencyRegistry(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		police := map[string]any{"province": demo.ProvinceCode, "name": "Công an xã Gia Thủy", "email": "congan.giathuy@example.vn", "code": "G12.38.09"}
		if r := e.call("huyen.quantri", "POST", "/api/v1/partner-agencies", police, nil); r.status != 403 {
			t.Fatalf("district admin adding to the province's registry: %d %s", r.status, r.body)
		}
		var got agencyView
		e.must(e.call("tinh.quantri", "POST", "/api/v1/partner-agencies", police, &got), 201)
		if r := e.call("tinh.quantri", "POST", "/api/v1/partner-agencies", police, nil); r.errCode() != "agency_exists" {
			t.Errorf("same name twice: %d %s", r.status, r.body)
		}
		bad := map[string]any{"province": demo.ProvinceCode, "name": "X", "email": "not an address"}
		if r := e.call("tinh.quantri", "POST", "/api/v1/partner-agencies", bad, nil); r.errCode() != "invalid_email" {
			t.Errorf("bad e-mail: %d %s", r.status, r.body)
		}
		if _, ok := e.agencies("gialam.chuyenvien")["Công an xã Gia Thủy"]; !ok {
			t.Fatalf("new agency not listed for officers")
		}
		if r := e.call("congdan", "GET", "/api/v1/partner-agencies", nil, nil); r.status != 403 {
			t.Errorf("citizen reading the registry: %d", r.status)
		}
		police["active"] = false
		e.must(e.call("tinh.quantri", "PUT", "/api/v1/partner-agencies/"+itoa(got.ID), police, nil), 200)
		if _, ok := e.agencies("gialam.chuyenvien")["Công an xã Gia Thủy"]; ok {
			t.Errorf("retired agency still offered")
		}
		var audited int
		if err := e.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_entries WHERE action = 'partner_agency_saved'`).Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if audited != 2 {
			t.Errorf("audit rows: %d, want 2", audited)
		}
	})
}

// TestCoordinationOfficePages: the step holder asks the tax office from
// the dossier page (the agencies of the province's registry offered by
// name), the page then shows the open request with its due, the inbox
// marks the dossier as waiting for a partner agency, and the answer is
// recorded from the page. On the old code the page offered neither form.
func TestCoordinationOfficePages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit(landProcedure, demo.GiaLamCode)
		d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		holder := officer("specialist", d.Unit)
		tax := e.agencies(holder)["Thuế cơ sở 9 tỉnh Ninh Bình"]
		b := e.officeLogin(holder)
		actions, body := b.offered(d.Code)
		if !slices.Contains(actions, "consult") || !strings.Contains(body, "Thuế cơ sở 9 tỉnh Ninh Bình") || !strings.Contains(body, "Nội dung đề nghị phối hợp") {
			t.Fatalf("consult form not offered with the registry's agencies: %v", actions)
		}
		if slices.Contains(actions, "record-answer") {
			// Offered by the table, but the page says nothing awaits an answer.
			if !strings.Contains(body, "Không có yêu cầu phối hợp nào đang chờ trả lời.") {
				t.Errorf("record-answer offered without saying nothing is open")
			}
		}
		status, _, _ := b.act(d.Code, "consult", url.Values{"agency": {itoa(tax.ID)}, "days": {"3"}, "note": {"Đề nghị xác định nghĩa vụ tài chính."}})
		if status != 200 {
			t.Fatalf("consult from the page: %d", status)
		}
		_, body = b.offered(d.Code)
		for _, want := range []string{"Cơ quan phối hợp", "đang chờ trả lời", "hạn trả lời 08:00 05/03/2026"} {
			if !strings.Contains(body, want) {
				t.Errorf("dossier page lacks %q", want)
			}
		}
		_, inbox, _ := b.get("/can-bo/ho-so")
		if !strings.Contains(inbox, "Chờ cơ quan phối hợp trả lời") {
			t.Errorf("inbox does not mark the dossier as waiting for a partner agency")
		}
		if status, _, _ := b.act(d.Code, "record-answer", url.Values{"answered_by": {"Đội trưởng"}, "note": {"Đã xác định nghĩa vụ tài chính."}}); status != 200 {
			t.Fatalf("record-answer from the page: %d", status)
		}
		_, body = b.offered(d.Code)
		if !strings.Contains(body, "Đã xác định nghĩa vụ tài chính.") || !strings.Contains(body, "Trước hạn") {
			t.Errorf("answer not shown with its judgement")
		}
	})
}

// TestPartnerAgencyAdminPage: the province's admin keeps the registry from
// the admin pages (add, retire); a district's admin reads it without the
// forms and may not post to it.
func TestPartnerAgencyAdminPage(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		prov := e.officeLogin("tinh.quantri")
		status, body, _ := prov.get("/quan-tri/co-quan-phoi-hop")
		if status != 200 || !strings.Contains(body, "Thuế cơ sở 9 tỉnh Ninh Bình") || !strings.Contains(body, "Thêm cơ quan phối hợp") {
			t.Fatalf("province admin's registry page: %d", status)
		}
		if status, body, _ = prov.post("/quan-tri/co-quan-phoi-hop", url.Values{"name": {"Công an xã Gia Sơn"}, "email": {"sai địa chỉ"}}); status != 422 || !strings.Contains(body, "Địa chỉ thư điện tử không hợp lệ") {
			t.Errorf("bad e-mail: %d", status)
		}
		if status, body, _ = prov.post("/quan-tri/co-quan-phoi-hop", url.Values{"name": {"Công an xã Gia Sơn"}}); status != 200 || !strings.Contains(body, "Đã lưu cơ quan phối hợp.") {
			t.Fatalf("adding: %d", status)
		}
		gs := e.agencies("gialam.chuyenvien")["Công an xã Gia Sơn"]
		if gs.ID == 0 {
			t.Fatalf("added agency not in the registry")
		}
		if status, _, _ = prov.post("/quan-tri/co-quan-phoi-hop/"+itoa(gs.ID), url.Values{"name": {"Công an xã Gia Sơn"}, "active": {"0"}}); status != 200 {
			t.Fatalf("retiring: %d", status)
		}
		if _, ok := e.agencies("gialam.chuyenvien")["Công an xã Gia Sơn"]; ok {
			t.Errorf("retired agency still offered")
		}
		district := e.officeLogin("huyen.quantri")
		if status, body, _ = district.get("/quan-tri/co-quan-phoi-hop"); status != 200 || strings.Contains(body, "Thêm cơ quan phối hợp") {
			t.Errorf("district admin's page: %d, with the form: %v", status, strings.Contains(body, "Thêm cơ quan phối hợp"))
		}
		if status, _, _ = district.post("/quan-tri/co-quan-phoi-hop", url.Values{"name": {"X"}}); status != 403 {
			t.Errorf("district admin posting: %d", status)
		}
	})
}
