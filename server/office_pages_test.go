package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/vntext"
)

// TestOfficePages drives the back office as officers do, in a browser
// with a cookie jar, on both engines: nothing here acts through the API
// (it only sets up citizens' online dossiers and reads states to check).
func TestOfficePages(t *testing.T) {
	t.Parallel()
	runOfficeScenarios(t, []officeScenario{
		{"counter reception from walk-in to printed receipt", testCounterReception},
		{"processing across levels on pages only", testProcessingOnPages},
		{"a refusal needs a written reason", testRefusalNeedsReason},
		{"two officers, one dossier: the second sees the conflict", testVersionConflict},
		{"a late result: apology with a new date in Vietnam time", testApologyOnPages},
		{"a supplement request ticks the missing components, each with its reason", testSupplementDialog},
	})
}

var dossierCodeRE = regexp.MustCompile(`/can-bo/ho-so/([0-9A-Z.]+-\d{6}-\d{4})`)

func testCounterReception(t *testing.T, e *env) {
	p := interLevel(t)
	desk := e.officeLogin("gialam.tiepnhan")

	// Pick the procedure by an accent-free search.
	status, body, _ := desk.get("/can-bo/tiep-nhan?q=" + url.QueryEscape(vntext.Fold(p.Name)))
	if status != 200 || !strings.Contains(body, `href="/can-bo/tiep-nhan/`+p.Code+`?don-vi=`+demo.GiaLamCode+`"`) {
		t.Fatalf("procedure search: %d, no link to %s", status, p.Code)
	}
	status, body, _ = desk.get("/can-bo/tiep-nhan/" + p.Code)
	key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if status != 200 || key == nil || !strings.Contains(body, p.Form[0].Label) {
		t.Fatalf("reception form: %d", status)
	}

	// A form without the applicant's name is refused, nothing is created.
	form := counterFormValues(p)
	form.Set("key", key[1])
	form.Set("unit", demo.GiaLamCode)
	form.Set("delivery", "counter")
	status, body, _ = desk.post("/can-bo/tiep-nhan/"+p.Code, form)
	if status != 422 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `id="applicant_name" name="applicant_name" value="" required maxlength="200" autocomplete="off" aria-invalid="true"`) {
		t.Fatalf("missing name: %d %s", status, body)
	}
	var list struct{ Dossiers []dossierView }
	e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers", nil, &list), 200)
	if len(list.Dossiers) != 0 {
		t.Fatalf("an invalid form created %d dossiers", len(list.Dossiers))
	}

	form.Set("applicant_name", "Trần Thị Bình")
	form.Set("applicant_phone", "0987654321")
	form.Set("applicant_id_number", "037190004321")
	status, body, final := desk.post("/can-bo/tiep-nhan/"+p.Code, form)
	m := dossierCodeRE.FindStringSubmatch(final)
	if status != 200 || m == nil || !strings.Contains(body, "Đã tạo hồ sơ") {
		t.Fatalf("create: %d at %s", status, final)
	}
	code := m[1]
	// Posting the same form again (a double click) does not make a second dossier.
	if _, _, again := desk.post("/can-bo/tiep-nhan/"+p.Code, form); !strings.Contains(again, code) {
		t.Fatalf("resubmission went to %s, want %s", again, code)
	}
	d := e.get("gialam.tiepnhan", code)
	if d.Status != "submitted" || d.ReceivingUnit != demo.GiaLamCode {
		t.Fatalf("new counter dossier: %+v", d)
	}

	// Scan every required component but the last, which the officer
	// checks on paper instead.
	var required []string
	for _, c := range p.Components {
		if c.Required {
			required = append(required, c.Key)
		}
	}
	for _, k := range required[:len(required)-1] {
		status, body, final := desk.upload(code, k, "scan.pdf", samplePDF)
		if status != 200 || !strings.Contains(body, "Đã tải tệp lên") || !strings.HasPrefix(final, "/can-bo/ho-so/"+code) {
			t.Fatalf("upload %s: %d at %s", k, status, final)
		}
	}
	status, body, _ = desk.upload(code, required[0], "virus.exe", []byte("MZ\x90\x00 not a scan"))
	if status != 200 || !strings.Contains(body, "Chỉ nhận tệp PDF, JPG hoặc PNG") {
		t.Fatalf("a refused file type is explained: %d", status)
	}
	offered, _ := desk.offered(code)
	if !sameSet(offered, e.get("gialam.tiepnhan", code).Actions) || !contains(offered, "receive") {
		t.Fatalf("reception offered %v", offered)
	}
	status, body, _ = desk.act(code, "receive", nil)
	if status != 422 || !strings.Contains(body, "còn thiếu thành phần bắt buộc") {
		t.Fatalf("receive with a component missing: %d", status)
	}
	if d := e.get("gialam.tiepnhan", code); d.Status != "submitted" {
		t.Fatalf("incomplete dossier was received: %s", d.Status)
	}
	last := required[len(required)-1]
	status, body, final = desk.act(code, "receive", url.Values{"paper": {last}})
	if status != 200 || final != "/can-bo/ho-so/"+code+"/bien-nhan?da=receive" {
		t.Fatalf("receive: %d at %s", status, final)
	}
	d = e.get("gialam.tiepnhan", code)
	if d.Status != "processing" || d.DueAt == nil {
		t.Fatalf("after receive: %+v", d)
	}
	// The receipt: code, applicant, due time, where to collect, who received.
	for _, want := range []string{code, "Trần Thị Bình", p.Name, d.DueAt.In(ict).Format("15:04 02/01/2006"),
		d.ReceivedAt.In(ict).Format("15:04 02/01/2006"), "Tại Bộ phận Một cửa – UBND xã Gia Lâm", "Nguyễn Thị Mai",
		"Bản giấy đã kiểm tra", p.Components[0].Name,
		// Its QR code opens tracking with the dossier's token (issue 8, finding 6).
		`aria-label="Mã QR tra cứu hồ sơ ` + code + `"`, "/tra-cuu?ma=" + code + "&amp;t=" + d.TrackToken} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	hist := d.History[len(d.History)-1]
	if hist.Action != "receive" || !strings.Contains(hist.Note, "Bản giấy đã kiểm tra") {
		t.Fatalf("the paper check is not in the history: %+v", hist)
	}
	// The preview streams the scan inline, with the security headers.
	full := e.get("gialam.tiepnhan", code)
	req, _ := newGet(e.srv.URL + "/can-bo/ho-so/" + code + "/tep/" + itoa(full.Files[0].ID))
	resp, err := desk.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") || resp.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Fatalf("preview: %d %v", resp.StatusCode, resp.Header)
	}
}

func testProcessingOnPages(t *testing.T, e *env) {
	p := interLevel(t)
	code := e.submit(p.Code, demo.GiaLamCode).Code
	browsers := map[string]*officeBrowser{}
	as := func(user string) *officeBrowser {
		if browsers[user] == nil {
			browsers[user] = e.officeLogin(user)
		}
		return browsers[user]
	}
	// checkOffered: the officer's page offers exactly what the lifecycle
	// table gives them now (the API lists the same), including want.
	checkOffered := func(user, want string) {
		t.Helper()
		offered, _ := as(user).offered(code)
		if !sameSet(offered, e.get(user, code).Actions) || (want != "" && !contains(offered, want)) {
			t.Fatalf("%s is offered %v, want %v with %q", user, offered, e.get(user, code).Actions, want)
		}
	}
	checkOffered("gialam.tiepnhan", "receive")
	checkOffered("gialam.chuyenvien", "") // a bystander at the commune: nothing to do
	if offered, _ := as("gialam.chuyenvien").offered(code); len(offered) != 0 {
		t.Fatalf("bystander offered %v", offered)
	}
	if status, _, _ := as("gialam.tiepnhan").act(code, "receive", nil); status != 200 {
		t.Fatalf("receive: %d", status)
	}
	sawDistrict := false
	for i := 0; ; i++ {
		d := e.get("gialam.tiepnhan", code)
		if d.Status != "processing" || i > 10 {
			break
		}
		sawDistrict = sawDistrict || d.Unit == demo.DistrictCode
		who := officer(d.StepRole, d.Unit)
		action := "forward"
		if d.StepRole == auth.Leader {
			action = "approve"
		}
		checkOffered(who, action)
		if d.StepRole == auth.Clerk {
			// The clerk attaches the signed result before passing it on.
			if status, body, _ := as(who).upload(code, "result", "ket-qua.pdf", samplePDF); status != 200 || !strings.Contains(body, "ket-qua.pdf") {
				t.Fatalf("attach result: %d", status)
			}
		}
		status, body, final := as(who).act(code, action, url.Values{"note": {"Ý kiến bước " + d.StepRole}})
		if status != 200 || !strings.Contains(body, "Đã thực hiện") || final != "/can-bo/ho-so/"+code+"?da="+action {
			t.Fatalf("%s %s: %d at %s", who, action, status, final)
		}
	}
	if !sawDistrict {
		t.Fatal("the inter-level dossier never reached the district")
	}
	d := e.get("gialam.tiepnhan", code)
	if d.Status != "result_ready" || d.Unit != demo.GiaLamCode {
		t.Fatalf("result should be back at the commune desk: %s at %s", d.Status, d.Unit)
	}
	checkOffered("gialam.tiepnhan", "deliver")
	checkOffered("huyen.lanhdao", "")
	if status, _, _ := as("gialam.tiepnhan").act(code, "deliver", nil); status != 200 {
		t.Fatalf("deliver: %d", status)
	}
	if d := e.get("congdan", code); d.Status != "delivered" {
		t.Fatalf("delivered: %s", d.Status)
	}
	// The finished dossier's page shows the whole history and offers nothing.
	offered, body := as("gialam.tiepnhan").offered(code)
	if len(offered) != 0 || strings.Count(body, `<li><time>`) != len(e.get("congdan", code).History) {
		t.Fatalf("finished dossier: offered %v", offered)
	}
}

// testSupplementDialog (issue 10): the request dialog offers the
// procedure's components (never one only shown) with a reason each and
// "other" lines; what is ticked is what the request, and form 02, name.
func testSupplementDialog(t *testing.T, e *env) {
	p := e.procedure("2.000884")
	shown, kept := p.Components[0], p.Components[1]
	if shown.Kind != "show" {
		t.Fatalf("component 0 of 2.000884 is %s, the test wants the ID card only shown", shown.Kind)
	}
	code := e.submit(p.Code, demo.GiaLamCode).Code
	desk := e.officeLogin("gialam.tiepnhan")
	_, page := desk.offered(code)
	if !strings.Contains(page, `name="item" value="`+kept.Key+`"`) || !strings.Contains(page, `name="reason-`+kept.Key+`"`) ||
		!strings.Contains(page, `name="other_name"`) || strings.Contains(page, `name="item" value="`+shown.Key+`"`) {
		t.Fatalf("the dialog does not offer exactly the components that can be missing:\n%s", page)
	}
	// Ticked without a reason: the error, and the box stays ticked.
	status, body, _ := desk.act(code, "request-supplement", url.Values{"note": {"Hồ sơ chưa đầy đủ."}, "item": {kept.Key}})
	if status != 422 || !strings.Contains(body, "Vui lòng ghi lý do cho từng nội dung cần bổ sung") ||
		!strings.Contains(body, `value="`+kept.Key+`" checked`) {
		t.Fatalf("a tick without a reason: %d", status)
	}
	status, _, _ = desk.act(code, "request-supplement", url.Values{"note": {"Hồ sơ chưa đầy đủ."}, "item": {kept.Key},
		"reason-" + kept.Key: {"Chưa có chữ ký"}, "other_name": {"Văn bản đồng ý của vợ/chồng", ""}, "other_reason": {"Tài sản chung", ""}})
	if status != 200 {
		t.Fatalf("the request: %d", status)
	}
	d := e.get("gialam.tiepnhan", code)
	last := d.History[len(d.History)-1]
	if d.Status != "returned" || last.Request == nil || len(last.Request.Items) != 2 ||
		last.Request.Items[0].Component != kept.Key || last.Request.Items[1].Name != "Văn bản đồng ý của vợ/chồng" {
		t.Fatalf("the request recorded %+v", last.Request)
	}
}

func testRefusalNeedsReason(t *testing.T, e *env) {
	p := interLevel(t)
	code := e.submit(p.Code, demo.GiaLamCode).Code
	desk := e.officeLogin("gialam.tiepnhan")
	before := len(e.get("gialam.tiepnhan", code).History)
	cases := []struct {
		name, note string
		status     int
		want       string
		state      string
	}{
		{"without a reason: error, nothing saved", "  ", 422, "Vui lòng nhập lý do bằng văn bản", "submitted"},
		{"with a reason: refused", "Thửa đất đang có tranh chấp.", 200, "Đã thực hiện: Từ chối tiếp nhận", "refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := desk.act(code, "refuse", url.Values{"note": {c.note}})
			if status != c.status || !strings.Contains(body, c.want) {
				t.Fatalf("status %d, want %d with %q", status, c.status, c.want)
			}
			d := e.get("gialam.tiepnhan", code)
			if d.Status != c.state {
				t.Fatalf("state %s, want %s", d.Status, c.state)
			}
			if c.state == "submitted" && len(d.History) != before {
				t.Fatalf("a refused action wrote history")
			}
		})
	}
}

func testVersionConflict(t *testing.T, e *env) {
	p := interLevel(t)
	code := e.submit(p.Code, demo.GiaLamCode).Code
	e.newOfficer("gialam.tiepnhan2", auth.Reception, demo.GiaLamCode)
	first, second := e.officeLogin("gialam.tiepnhan"), e.officeLogin("gialam.tiepnhan2")
	// Both open the dossier and see the same version.
	_, page1 := first.offered(code)
	_, page2 := second.offered(code)
	v := versionRE.FindStringSubmatch(page1)[1]
	if versionRE.FindStringSubmatch(page2)[1] != v {
		t.Fatal("the two officers see different versions")
	}
	form := func() url.Values {
		return url.Values{"version": {v}, "note": {"Thiếu giấy tờ."}, "other_name": {"Giấy tờ còn thiếu"}, "other_reason": {"Thiếu"}}
	}
	if status, _, _ := first.post("/can-bo/ho-so/"+code+"/thao-tac/request-supplement", form()); status != 200 {
		t.Fatalf("first officer: %d", status)
	}
	status, body, _ := second.post("/can-bo/ho-so/"+code+"/thao-tac/request-supplement", form())
	if status != 409 || !strings.Contains(body, "Hồ sơ vừa được người khác cập nhật") {
		t.Fatalf("second officer: %d", status)
	}
	// The page the second officer sees already shows the new state.
	if !strings.Contains(body, "Yêu cầu hoàn thiện hồ sơ") {
		t.Fatal("the conflict page does not show the dossier as it is now")
	}
	d := e.get("gialam.tiepnhan", code)
	n := 0
	for _, h := range d.History {
		if h.Action == "request-supplement" {
			n++
		}
	}
	if d.Status != "returned" || n != 1 {
		t.Fatalf("after the race: %s with %d requests", d.Status, n)
	}
}

func testApologyOnPages(t *testing.T, e *env) {
	p := communeOnly(t)
	code := e.submit(p.Code, demo.GiaLamCode).Code
	e.mustAct("gialam.tiepnhan", code, "receive", nil)
	d := e.processToResult(code)
	e.advance(d.DueAt.Sub(e.clock.Now()) + 24*time.Hour)
	desk := e.officeLogin("gialam.tiepnhan")
	status, body, _ := desk.act(code, "deliver", nil)
	if status != 409 || !strings.Contains(body, "cần xin lỗi và hẹn lại ngày trả") {
		t.Fatalf("late delivery without an apology: %d", status)
	}
	// The officer types 09:30 on a working day two days ahead, in the office's wall clock.
	newDue := e.workingLater(16 * time.Hour).In(ict)
	local := time.Date(newDue.Year(), newDue.Month(), newDue.Day(), 9, 30, 0, 0, ict)
	form := url.Values{"note": {"Chờ ý kiến cơ quan thuế."}, "new_due": {local.Format("2006-01-02T15:04")}}
	if status, body, _ := desk.act(code, "apologize", url.Values{"note": {"Thiếu ngày hẹn."}}); status != 422 || !strings.Contains(body, "Ngày hẹn trả mới phải sau") {
		t.Fatalf("apology without a date: %d", status)
	}
	if status, _, _ := desk.act(code, "apologize", form); status != 200 {
		t.Fatalf("apology: %d", status)
	}
	if d := e.get("gialam.tiepnhan", code); d.DueAt == nil || !d.DueAt.Equal(local) {
		t.Fatalf("new due %v, want %v (UTC+7)", d.DueAt, local)
	}
	if status, _, _ := desk.act(code, "deliver", nil); status != 200 || e.get("congdan", code).Status != "delivered" {
		t.Fatalf("deliver after the apology: %d", status)
	}
}
