package server_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// giaThuyCode is the demo commune next to Gia Lâm that the transfers go to.
const giaThuyCode = "000.02.07.H40"

// transferView is what these tests read of a dossier beyond dossierView.
type transferView struct {
	Status        string
	Unit          string
	CompetentUnit string     `json:"competent_unit"`
	ReturnAt      string     `json:"return_at"`
	DueAt         *time.Time `json:"due_at"`
	TransferDueAt *time.Time `json:"transfer_due_at"`
	TransferredAt *time.Time `json:"transferred_at"`
}

// withGiaThuy gives Gia Thủy a one-stop desk and a processing team.
func withGiaThuy(e *env) {
	for _, o := range []struct{ user, role string }{
		{"giathuy.tiepnhan", auth.Reception}, {"giathuy.chuyenvien", auth.Specialist},
		{"giathuy.lanhdao", auth.Leader}, {"giathuy.vanthu", auth.Clerk},
	} {
		e.newOfficer(o.user, o.role, giaThuyCode)
	}
}

// fileAt enters a dossier at Gia Lâm's counter for the competent unit,
// with every required component.
func (e *env) fileAt(code, competent, returnAt string) (transferView, string, reply) {
	e.t.Helper()
	p := e.procedure(code)
	in := submission(p, demo.GiaLamCode)
	in["channel"] = "counter"
	if competent != "" {
		in["competent_unit"] = competent
	}
	if returnAt != "" {
		in["return_at"] = returnAt
	}
	var d struct {
		transferView
		Code string
	}
	r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers", in, &d)
	if r.status == 201 {
		for _, c := range p.Components {
			if c.Required {
				e.must(e.upload("gialam.tiepnhan", d.Code, c.Key, "scan.pdf", samplePDF), 201)
			}
		}
	}
	return d.transferView, d.Code, r
}

func (e *env) transferView(user, code string) transferView {
	e.t.Helper()
	var v transferView
	e.must(e.call(user, "GET", "/api/v1/dossiers/"+code, nil, &v), 200)
	return v
}

// TestReceptionElsewhere (issue 10, phi địa giới): Gia Lâm's desk receives
// a household business registration for Gia Thủy, transfers it, Gia Thủy
// processes it, and the result is delivered where the applicant chose.
// On the old code the submission's competent_unit was ignored: the dossier
// was Gia Lâm's own, processed by Gia Lâm's officers.
func TestReceptionElsewhere(t *testing.T) {
	t.Parallel()
	runOfficeScenarios(t, []officeScenario{
		{"received, transferred, processed, returned to the receiving desk", testTransferRoundTrip},
		{"result collected at the competent unit", testTransferReturnCompetent},
		{"refused receptions", testTransferRefusals},
		{"at the counter", testTransferAtCounter},
		{"never transferred: overdue", testTransferOverdue},
	})
}

func testTransferRoundTrip(t *testing.T, e *env) {
	withGiaThuy(e)
	_, code, r := e.fileAt(household, giaThuyCode, "")
	e.must(r, 201)
	// A dossier of Gia Lâm's own, received at the same moment, for the appointment.
	_, own, r := e.fileAt(household, "", "")
	e.must(r, 201)

	d := e.mustAct("gialam.tiepnhan", code, "receive", nil)
	if d.Status != "transferring" || d.Unit != demo.GiaLamCode {
		t.Fatalf("received elsewhere: %s at %s, want transferring at the receiving desk", d.Status, d.Unit)
	}
	mine := e.mustAct("gialam.tiepnhan", own, "receive", nil)
	v := e.transferView("gialam.tiepnhan", code)
	// Monday 08:00: the transfer is due by Monday's close (same working
	// day), the appointment is 3 working days after that — Thursday 17:00,
	// where Gia Lâm's own dossier is due Thursday 08:00.
	wantTransfer := time.Date(2026, 3, 2, 17, 0, 0, 0, ict)
	if v.TransferDueAt == nil || !v.TransferDueAt.Equal(wantTransfer) {
		t.Errorf("transfer due %v, want %v", v.TransferDueAt, wantTransfer)
	}
	if want := time.Date(2026, 3, 5, 17, 0, 0, 0, ict); v.DueAt == nil || !v.DueAt.Equal(want) || !v.DueAt.After(*mine.DueAt) {
		t.Errorf("appointment %v (own dossier %v), want %v: the transfer time is added", v.DueAt, mine.DueAt, want)
	}
	if v.CompetentUnit != giaThuyCode || v.ReturnAt != "receiving" {
		t.Errorf("competent %q, return at %q", v.CompetentUnit, v.ReturnAt)
	}

	// Form 01 says on whose behalf it was received and that it will be transferred.
	receipt := formstest.Flat(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+code+"/forms/01"))
	for _, w := range []string{"không phụ thuộc vào địa giới hành chính, thay cho UBND xã Gia Thủy",
		"được chuyển đến UBND xã Gia Thủy chậm nhất 17 giờ 00 phút, ngày 02 tháng 3 năm 2026",
		"cộng thời gian chuyển hồ sơ đến cơ quan có thẩm quyền", "trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05 tháng 3 năm 2026",
		"Đăng ký nhận kết quả tại: Bộ phận Một cửa – UBND xã Gia Lâm"} {
		if !strings.Contains(receipt, w) {
			t.Errorf("form 01 lacks %q:\n%s", w, receipt)
		}
	}

	// Only the receiving desk transfers; Gia Thủy waits for it.
	if _, r := e.act("giathuy.tiepnhan", code, "transfer", nil); r.status == 200 {
		t.Fatalf("the competent unit's desk transferred a dossier it did not receive")
	}
	if _, r := e.act("giathuy.chuyenvien", code, "forward", nil); r.status == 200 {
		t.Fatalf("processed before the transfer")
	}
	e.advance(2 * time.Hour)
	d = e.mustAct("gialam.tiepnhan", code, "transfer", nil)
	if d.Status != "processing" || d.Unit != giaThuyCode || d.StepRole != auth.Specialist {
		t.Fatalf("after the transfer: %s at %s (%s), want processing at Gia Thủy's specialist", d.Status, d.Unit, d.StepRole)
	}
	hist := e.get("gialam.tiepnhan", code).History
	if h := hist[len(hist)-1]; h.Action != "transfer" || h.From != "transferring" || h.Unit != "UBND xã Gia Thủy" {
		t.Errorf("transfer history row: %+v", h)
	}
	// Gia Lâm's officers no longer process it; the desk still reads it.
	if _, r := e.act("gialam.chuyenvien", code, "forward", nil); r.status == 200 {
		t.Fatalf("the receiving commune's specialist processed a transferred dossier")
	}
	e.mustAct("giathuy.chuyenvien", code, "forward", nil)
	e.mustAct("giathuy.lanhdao", code, "approve", nil)
	d = e.mustAct("giathuy.vanthu", code, "forward", nil)
	if d.Status != "result_ready" || d.Unit != demo.GiaLamCode {
		t.Fatalf("result %s at %s, want ready at the receiving desk", d.Status, d.Unit)
	}
	if _, r := e.act("giathuy.tiepnhan", code, "deliver", nil); r.status == 200 {
		t.Fatalf("delivered by the competent unit's desk though the applicant collects at the receiving one")
	}
	d = e.mustAct("gialam.tiepnhan", code, "deliver", nil)
	if d.Status != "delivered" {
		t.Fatalf("not delivered: %s", d.Status)
	}

	// Form 06: the hand-off from the receiving desk to the competent unit,
	// on time, and back to the receiving desk.
	slip := formstest.Flat(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+code+"/forms/06"))
	raw := formstest.Raw(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+code+"/forms/06"))
	for _, w := range []string{"Bộ phận TN&TKQ – UBND xã Gia Lâm (nơi tiếp nhận)", "UBND xã Gia Thủy",
		"Chuyển hồ sơ tiếp nhận không phụ thuộc địa giới hành chính đến UBND xã Gia Thủy"} {
		if !strings.Contains(slip, w) && !strings.Contains(raw, w) {
			t.Errorf("form 06 lacks %q:\n%s", w, slip)
		}
	}
	// Tracking tells the applicant where the dossier went.
	var tr struct {
		Steps []struct{ Action, Name string }
	}
	e.must(e.call("", "GET", "/api/v1/track/"+code+"?phone_last4=5678", nil, &tr), 200)
	found := false
	for _, s := range tr.Steps {
		found = found || s.Action == "transfer" && s.Name == "Đã chuyển đến UBND xã Gia Thủy"
	}
	if !found {
		t.Errorf("tracking lacks the transfer: %+v", tr.Steps)
	}
	_, body := fetchTrackPage(t, e, code)
	if !strings.Contains(body, "Đã chuyển đến UBND xã Gia Thủy") {
		t.Errorf("tracking page lacks the transfer")
	}
}

// fetchTrackPage reads the portal's public tracking page.
func fetchTrackPage(t *testing.T, e *env, code string) (int, string) {
	t.Helper()
	req, _ := newGet(e.srv.URL + "/tra-cuu?ma=" + code + "&sdt=5678")
	return fetch(t, req)
}

func testTransferReturnCompetent(t *testing.T, e *env) {
	withGiaThuy(e)
	_, code, r := e.fileAt(household, giaThuyCode, "competent")
	e.must(r, 201)
	e.mustAct("gialam.tiepnhan", code, "receive", nil)
	receipt := formstest.Flat(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+code+"/forms/01"))
	if !strings.Contains(receipt, "Đăng ký nhận kết quả tại: Bộ phận Một cửa – UBND xã Gia Thủy") {
		t.Errorf("form 01 does not send the applicant to the competent unit:\n%s", receipt)
	}
	// The desk transfers on Tuesday morning, past Monday's close: late,
	// by the calendar's one lateness rule, and form 06 says so.
	e.advance(26 * time.Hour)
	e.mustAct("gialam.tiepnhan", code, "transfer", nil)
	slip := formstest.Flat(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+code+"/forms/06"))
	if !strings.Contains(slip, "Quá hạn") {
		t.Errorf("a transfer after its time is not late on form 06:\n%s", slip)
	}
	e.mustAct("giathuy.chuyenvien", code, "forward", nil)
	e.mustAct("giathuy.lanhdao", code, "approve", nil)
	d := e.mustAct("giathuy.vanthu", code, "forward", nil)
	if d.Status != "result_ready" || d.Unit != giaThuyCode {
		t.Fatalf("result %s at %s, want ready at the competent unit's desk", d.Status, d.Unit)
	}
	if _, r := e.act("gialam.tiepnhan", code, "deliver", nil); r.status == 200 {
		t.Fatalf("the receiving desk delivered a result the applicant collects at the competent unit")
	}
	// The receiving desk keeps reading the dossier it received.
	e.transferView("gialam.tiepnhan", code)
	if d = e.mustAct("giathuy.tiepnhan", code, "deliver", nil); d.Status != "delivered" {
		t.Fatalf("not delivered: %s", d.Status)
	}
}

func testTransferRefusals(t *testing.T, e *env) {
	ctx := t.Context()
	// A commune of another province.
	err := e.app.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := e.app.Units.Create(ctx, tx, unit.Unit{Code: "000.00.00.H41", Name: "UBND tỉnh Thanh Hóa", ShortName: "Thanh Hóa", Level: unit.Province}, ""); err != nil {
			return err
		}
		_, err := e.app.Units.Create(ctx, tx, unit.Unit{Code: "000.01.01.H41", Name: "UBND xã Hà Long", ShortName: "Hà Long", Level: unit.Commune}, "000.00.00.H41")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	birth := "1.001193" // birth registration: not on the demo province's list
	for _, c := range []struct {
		name, procedure, competent, returnAt, code string
	}{
		{"procedure not on the province's list", birth, giaThuyCode, "", "boundless_not_allowed"},
		{"competent unit in another province", household, "000.01.01.H41", "", "competent_outside_province"},
		{"unknown competent unit", household, "000.99.07.H40", "", "unit_not_found"},
		{"result collected nowhere known", household, giaThuyCode, "home", "invalid_return_at"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, r := e.fileAt(c.procedure, c.competent, c.returnAt)
			if r.status != 422 || r.errCode() != c.code {
				t.Fatalf("got %d %s, want 422 %s", r.status, r.body, c.code)
			}
			if msg := r.message(); msg == "" || strings.Contains(msg, "err.") || strings.Contains(msg, "%!") {
				t.Errorf("no Vietnamese message: %q", msg)
			}
		})
	}
}

// The counter form offers the province's other communes for a procedure
// on the list, and none for one that is not; the dossier it creates is
// received for the commune picked. On the old code the form had no such
// choice.
func testTransferAtCounter(t *testing.T, e *env) {
	desk := e.officeLogin("gialam.tiepnhan")
	_, body, _ := desk.get("/can-bo/tiep-nhan/1.001193")
	if strings.Contains(body, `name="competent_unit"`) {
		t.Errorf("birth registration, not on the list, offers a competent unit")
	}
	status, body, _ := desk.get("/can-bo/tiep-nhan/" + household)
	key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if status != 200 || key == nil || !strings.Contains(body, "Tiếp nhận không phụ thuộc địa giới hành chính") ||
		!strings.Contains(body, `<option value="`+giaThuyCode+`">UBND xã Gia Thủy</option>`) ||
		strings.Contains(body, `<option value="`+demo.GiaLamCode+`">`) {
		t.Fatalf("counter form: %d, no choice of the competent commune:\n%s", status, body)
	}
	form := counterFormValues(e.procedure(household))
	form.Set("key", key[1])
	form.Set("unit", demo.GiaLamCode)
	form.Set("delivery", "counter")
	form.Set("applicant_name", "Trần Thị Bình")
	form.Set("competent_unit", giaThuyCode)
	form.Set("return_at", "competent")
	status, _, final := desk.post("/can-bo/tiep-nhan/"+household, form)
	m := dossierCodeRE.FindStringSubmatch(final)
	if status != 200 || m == nil {
		t.Fatalf("create: %d at %s", status, final)
	}
	if v := e.transferView("gialam.tiepnhan", m[1]); v.CompetentUnit != giaThuyCode || v.ReturnAt != "competent" {
		t.Errorf("counter dossier: competent %q, return at %q", v.CompetentUnit, v.ReturnAt)
	}
	code := m[1]
	for _, c := range e.procedure(household).Components {
		if c.Required {
			e.must(e.upload("gialam.tiepnhan", code, c.Key, "scan.pdf", samplePDF), 201)
		}
	}
	e.mustAct("gialam.tiepnhan", code, "receive", nil)
	// The desk's dossier page offers the transfer, with its Vietnamese name.
	if acts, page := desk.offered(code); !slices.Contains(acts, "transfer") || !strings.Contains(page, "Chuyển hồ sơ đến cơ quan có thẩm quyền giải quyết") {
		t.Fatalf("transfer not offered on the dossier page: %v", acts)
	}
	if status, _, _ := desk.act(code, "transfer", nil); status != 200 {
		t.Fatalf("transfer from the dossier page: %d", status)
	}
	if v := e.transferView("gialam.tiepnhan", code); v.Status != "processing" || v.Unit != giaThuyCode {
		t.Errorf("after the page's transfer: %s at %s", v.Status, v.Unit)
	}
}

// TestReceptionElsewhereOnline: the portal's wizard offers another
// commune as the competent unit for a procedure on the province's list,
// keeps the choice in the draft, and the dossier filed from it is received
// for that commune. On the old code there was no such choice.
func TestReceptionElsewhereOnline(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.portalVisitor(t, "")
		b.login("congdan")
		if p := b.get("/nop-ho-so/1.001193"); p.has(`name="competent_unit"`) {
			t.Errorf("birth registration, not on the list, offers a competent unit")
		}
		p := b.get("/nop-ho-so/" + household)
		if !p.has("Nộp hồ sơ không phụ thuộc địa giới hành chính") || !p.has(`<option value="`+giaThuyCode+`">UBND xã Gia Thủy</option>`) {
			t.Fatalf("step 1 offers no competent commune:\n%s", mainOf(p.body))
		}
		p = b.post("/nop-ho-so/"+household, p.formWith(t, "unit", demo.GiaLamCode, "name", "Nguyễn Văn An", "id_number", "037085001234",
			"phone", "0912345678", "email", "", "address", "Thôn Tân Lập, xã Gia Lâm", "delivery", "counter",
			"competent_unit", giaThuyCode, "return_at", "competent"))
		m := regexp.MustCompile(`^/nop-ho-so/` + regexp.QuoteMeta(household) + `/(\d+)/to-khai$`).FindStringSubmatch(p.url.Path)
		if p.status != 200 || m == nil {
			t.Fatalf("step 1 → %d at %s\n%s", p.status, p.url, mainOf(p.body))
		}
		draft := "/nop-ho-so/" + household + "/" + m[1]
		if p := b.get(draft + "/nguoi-nop"); !p.has(`<option value="`+giaThuyCode+`" selected>`) || !p.has(`value="competent" checked`) {
			t.Fatalf("step 1 lost the competent unit:\n%s", mainOf(p.body))
		}
	})
}

// A dossier the desk never transfers runs late like any other: the
// overdue filter lists it past its appointment. On the old code there was
// no such state; before the filter knew it, it was never overdue.
func testTransferOverdue(t *testing.T, e *env) {
	_, code, r := e.fileAt(household, giaThuyCode, "")
	e.must(r, 201)
	e.mustAct("gialam.tiepnhan", code, "receive", nil)
	e.advance(5 * 24 * time.Hour) // Saturday: past Thursday's appointment
	var list struct{ Dossiers []dossierView }
	e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?overdue=true", nil, &list), 200)
	if len(list.Dossiers) != 1 || list.Dossiers[0].Code != code || !list.Dossiers[0].Overdue || list.Dossiers[0].Status != "transferring" {
		t.Fatalf("overdue list: %+v", list.Dossiers)
	}
}
