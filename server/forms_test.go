package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The official PDF forms, produced for real demo dossiers driven through
// their lifecycle over the API, read back with poppler (text with its
// diacritics, embedded fonts, a rendering of page 1). FORMS_OUT=dir keeps
// the page renderings to look at.

const (
	certify   = "2.000884" // certification of a signature: same day, has a result template
	household = "1.001612" // household business registration: 3 working days
)

// pdf fetches a PDF from the API as user and checks it is one.
func (e *env) pdf(user, path string) []byte {
	e.t.Helper()
	r := e.call(user, "GET", path, nil, nil)
	e.must(r, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(string(r.body), "%PDF-") {
		e.t.Fatalf("GET %s: %s, %q…", path, ct, r.body[:min(len(r.body), 20)])
	}
	return r.body
}

var clockRE = regexp.MustCompile(`\d{2} giờ \d{2} phút, ngày \d{2}`)

// checkPDF finds each phrase in the layout text (or, for words wrapped in
// a table cell, in the content-stream text), checks the fonts and renders
// page 1.
func checkPDF(t *testing.T, name string, pdf []byte, want ...string) {
	t.Helper()
	flat, raw := formstest.Flat(t, pdf), formstest.Raw(t, pdf)
	heading := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
	if strings.HasSuffix(name, "-loi-chung") {
		heading = nil // a lời chứng is written on the certified paper, under no heading of its own
	}
	for _, w := range append(heading, want...) {
		if !strings.Contains(flat, w) && !strings.Contains(raw, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, formstest.Text(t, pdf))
		}
	}
	for _, f := range formstest.Fonts(t, pdf) {
		if !f.Embedded || !f.Unicode {
			t.Errorf("%s: font %s not embedded with a Unicode map", name, f.Name)
		}
	}
	if dir := os.Getenv("FORMS_OUT"); dir != "" {
		os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644)
	}
	img := formstest.Render(t, pdf, 60, os.Getenv("FORMS_OUT"), name)
	if ink := formstest.Ink(img); ink < 0.01 || ink > 0.3 {
		t.Errorf("%s: page 1 ink %.3f: blank or smeared", name, ink)
	}
}

// submitLacking files a dossier as the citizen with every required
// component but skip.
func (e *env) submitLacking(code, unitCode, skip string) dossierView {
	e.t.Helper()
	p := e.procedure(code)
	var d dossierView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers", submission(p, unitCode), &d), 201)
	for _, c := range p.Components {
		if c.Required && c.Key != skip {
			e.upload("congdan", d.Code, c.Key, "scan.pdf", samplePDF)
		}
	}
	return d
}

func TestFormsForDemoDossiers(t *testing.T) {
	t.Parallel()
	formstest.Require(t)
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		reception, specialist, leader := "gialam.tiepnhan", "gialam.chuyenvien", "gialam.lanhdao"
		cp := e.procedure(certify)
		common := []string{"Nguyễn Văn An", "UBND XÃ GIA LÂM"}
		// Letters of the People's Committee (04, 05) are headed by it alone
		// and signed by the leader who approved, by their account's title.
		letter := []string{"Nguyễn Văn An", "ỦY BAN NHÂN DÂN XÃ GIA LÂM"}

		// A: a signature certification received, processed, late, apologised for, delivered.
		a := e.submit(certify, demo.GiaLamCode)
		a = e.mustAct(reception, a.Code, "receive", nil)
		receipt := e.pdf("congdan", "/api/v1/dossiers/"+a.Code+"/forms/01")
		checkPDF(t, "A-01", receipt, append(common, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Số: 01/TNHS", "Mã hồ sơ: "+a.Code,
			"Chứng thực chữ ký trong các giấy tờ, văn bản", cp.Components[0].Name, cp.Components[1].Name,
			"Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02 tháng 3 năm 2026",
			"Thời gian trả kết quả giải quyết hồ sơ: "+clockText(*a.DueAt), "Gia Lâm, ngày 02 tháng 3 năm 2026",
			"Quyển số: 2026, Số thứ tự: 01", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Mai", e.srv.URL+"/tra-cuu?ma="+a.Code+"&t="+a.TrackToken)...)
		if again := e.pdf(reception, "/api/v1/dossiers/"+a.Code+"/forms/01"); !strings.Contains(formstest.Flat(t, again), "Số: 01/TNHS") {
			t.Error("printing the receipt again changed its number")
		}

		e.advance(time.Hour)
		e.mustAct(specialist, a.Code, "forward", nil)
		e.advance(time.Hour)
		e.mustAct(leader, a.Code, "approve", nil)
		e.clock.Set(time.Date(2026, 3, 2, 18, 0, 0, 0, ict)) // past the appointment
		clear(e.tokens)
		newDue := time.Date(2026, 3, 3, 10, 0, 0, 0, ict)
		e.mustAct(reception, a.Code, "apologize", map[string]any{"note": "Chủ tịch UBND xã đi họp đột xuất, chưa ký được", "new_due": newDue})
		checkPDF(t, "A-04", e.pdf("congdan", "/api/v1/dossiers/"+a.Code+"/forms/04"), append(letter,
			"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Số: 01/PXL", "Kính gửi: Ông/Bà Nguyễn Văn An", "Mã hồ sơ: "+a.Code,
			"Thời hẹn trả kết quả giải quyết hồ sơ: "+clockText(*a.DueAt), "Chủ tịch UBND xã đi họp đột xuất, chưa ký được",
			"10 giờ 00 phút, ngày 03 tháng 3 năm 2026", "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH", "Đặng Văn Quân", "Nơi nhận:")...)
		e.clock.Set(time.Date(2026, 3, 3, 9, 0, 0, 0, ict))
		clear(e.tokens)
		e.mustAct(reception, a.Code, "deliver", nil)
		slip := e.pdf(reception, "/api/v1/dossiers/"+a.Code+"/forms/06")
		checkPDF(t, "A-06", slip, append(common, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Mã hồ sơ: "+a.Code,
			"Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 01/TNHS", "1. Giao: Bộ phận TN&TKQ", "Nhận: Chuyên viên xử lý – UBND xã Gia Lâm",
			"Người giao: Nguyễn Thị Mai", "Người nhận: Vũ Đức Long", "Người giao: Vũ Đức Long", "Người nhận: Đặng Văn Quân",
			"Người nộp hồ sơ (trả kết quả)", "Đúng hạn", "Quá hạn", "Xin lỗi, hẹn lại")...)
		if !clockRE.MatchString(formstest.Flat(t, slip)) {
			t.Error("06: no hand-off time written as “… giờ … phút, ngày …”")
		}
		checkPDF(t, "A-result-loi-chung", e.pdf("congdan", "/api/v1/dossiers/"+a.Code+"/result.pdf"), "Chứng thực",
			"Ông/bà Nội dung Họ, chữ đệm và tên người ký, Giấy tờ tùy thân số 037085001234", "trước mặt ông/bà Nguyễn Thị Mai là người tiếp nhận hồ sơ",
			"Số chứng thực 1 quyển số 01/2026-SCT/CK,ĐC", "NGƯỜI TIẾP NHẬN HỒ SƠ", "NGƯỜI THỰC HIỆN CHỨNG THỰC", "Đặng Văn Quân", a.Code)

		// B: returned for a missing component, then refused.
		b := e.submitLacking(certify, demo.GiaLamCode, cp.Components[1].Key)
		e.mustAct(reception, b.Code, "request-supplement", map[string]any{"note": "Thiếu giấy tờ cần chứng thực chữ ký; đề nghị nộp bản chính",
			"items": []map[string]any{{"component": cp.Components[1].Key, "reason": "Chưa nộp bản chính giấy tờ cần chứng thực"}}})
		checkPDF(t, "B-02", e.pdf("congdan", "/api/v1/dossiers/"+b.Code+"/forms/02"), append(common,
			"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 01/YCBS", "Mã hồ sơ: "+b.Code, cp.Components[1].Name,
			"Chưa nộp bản chính giấy tờ cần chứng thực", "Hạn bổ sung: hết ngày 02 tháng 4 năm 2026",
			"Thiếu giấy tờ cần chứng thực chữ ký; đề nghị nộp bản chính", "NGƯỜI HƯỚNG DẪN", "Nguyễn Thị Mai")...)
		// Only what the officer marked: never the ID card that is only shown.
		if b02 := formstest.Flat(t, e.pdf("congdan", "/api/v1/dossiers/"+b.Code+"/forms/02")); cp.Components[0].Kind != "show" ||
			strings.Contains(b02, cp.Components[0].Name[:40]) {
			t.Errorf("B-02 lists the component only shown (%s):\n%s", cp.Components[0].Name, b02)
		}
		e.upload("congdan", b.Code, cp.Components[1].Key, "scan.pdf", samplePDF)
		e.mustAct("congdan", b.Code, "supplement", nil)
		e.mustAct(reception, b.Code, "refuse", map[string]any{"note": "Giấy tờ có nội dung trái pháp luật, không được chứng thực chữ ký"})
		checkPDF(t, "B-03", e.pdf("congdan", "/api/v1/dossiers/"+b.Code+"/forms/03"), append(common,
			"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Số: 01/TCHS", "Mã hồ sơ: "+b.Code,
			"Giấy tờ có nội dung trái pháp luật, không được chứng thực chữ ký", "NGƯỜI TIẾP NHẬN HỒ SƠ")...)

		// C: a household business: supplement during processing (clock paused), then stopped.
		c := e.submit(household, demo.GiaLamCode)
		e.mustAct(reception, c.Code, "receive", nil)
		e.advance(2 * time.Hour)
		e.mustAct(specialist, c.Code, "request-supplement", map[string]any{"note": "Bổ sung biên bản họp thành viên hộ gia đình", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Chưa có biên bản họp"}}})
		e.advance(24 * time.Hour)
		e.mustAct("congdan", c.Code, "supplement", nil)
		e.mustAct(specialist, c.Code, "forward", nil)
		e.mustAct(leader, c.Code, "stop", map[string]any{"note": "Ngành, nghề đăng ký thuộc danh mục cấm kinh doanh"})
		hp := e.procedure(household)
		// The signature block follows the position on the signer's account
		// (a Vice-Chairman signs "KT. CHỦ TỊCH"), read when the form is printed.
		if _, err := e.app.DB.ExecContext(context.Background(), `UPDATE users SET title = ? WHERE username = ?`, "Phó Chủ tịch UBND xã", leader); err != nil {
			t.Fatal(err)
		}
		checkPDF(t, "C-05", e.pdf("congdan", "/api/v1/dossiers/"+c.Code+"/forms/05"), append(letter, "THÔNG BÁO", "Số: 01/TB-UBND",
			"Về việc dừng giải quyết hồ sơ "+c.Code, "Ngành, nghề đăng ký thuộc danh mục cấm kinh doanh", lowerFirst(hp.Name),
			"TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Đặng Văn Quân")...)
		checkPDF(t, "C-06", e.pdf(reception, "/api/v1/dossiers/"+c.Code+"/forms/06"), "Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 02/TNHS",
			"Yêu cầu bổ sung", "Bổ sung biên bản họp thành viên hộ gia đình", "Dừng xử lý hồ sơ")
		checkPDF(t, "C-01", e.pdf("congdan", "/api/v1/dossiers/"+c.Code+"/forms/01"), "Số: 02/TNHS", "03 ngày làm việc", hp.Components[0].Name)

		// 07: the Gia Lâm desk's register for the two days; the dossier route gives the day's page.
		book := e.pdf(reception, "/api/v1/units/"+demo.GiaLamCode+"/tracking-book?from=2026-03-02&to=2026-03-03")
		checkPDF(t, "07", book, "SỔ THEO DÕI HỒ SƠ", "Từ ngày 02/03/2026 đến ngày 03/03/2026", a.Code[:14], c.Code[:14],
			"Tổng số: 2 hồ sơ", "NGƯỜI LẬP SỔ", "Nguyễn Thị Mai", "Quá hạn; đã xin lỗi", "Dừng xử lý")
		checkPDF(t, "07-day", e.pdf(reception, "/api/v1/dossiers/"+a.Code+"/forms/07"), "SỔ THEO DÕI HỒ SƠ", "Tổng số: 1 hồ sơ")

		// Who may fetch what.
		for _, tt := range []struct {
			user, path string
			status     int
			code       string
		}{
			{"", "/api/v1/dossiers/" + a.Code + "/forms/01", 401, "unauthorized"},
			{"congdan", "/api/v1/dossiers/" + a.Code + "/forms/03", 409, "form_not_applicable"},
			{"congdan", "/api/v1/dossiers/" + a.Code + "/forms/99", 404, "form_not_found"},
			{"congdan", "/api/v1/dossiers/" + a.Code + "/forms/07", 403, "forbidden"},
			{"hangxom2", "/api/v1/dossiers/" + a.Code + "/forms/01", 404, "dossier_not_found"},
			{"congdan", "/api/v1/units/" + demo.GiaLamCode + "/tracking-book", 403, "forbidden"},
			{"huyen.tiepnhan", "/api/v1/units/" + demo.GiaLamCode + "/tracking-book", 403, "forbidden"},
			{reception, "/api/v1/units/" + demo.GiaLamCode + "/tracking-book?from=2026-03-31&to=2026-03-01", 422, "invalid_range"},
			{reception, "/api/v1/units/" + demo.GiaLamCode + "/tracking-book?from=31/03/2026", 422, "invalid_date"},
			{leader, "/api/v1/dossiers/" + c.Code + "/result.pdf", 409, "result_not_ready"},
			// A land certificate is not rendered by motcua (every civil-status procedure now has its paper).
			// A land certificate is printed on the ministry’s blank, not here.
			{"congdan", "/api/v1/dossiers/" + e.submit("1.012783", demo.GiaLamCode).Code + "/result.pdf", 404, "result_on_blank"},
			{"congdan", "/api/v1/dossiers/" + b.Code + "/result.pdf", 409, "result_not_ready"},
		} {
			if tt.user == "hangxom2" {
				if err := e.app.DB.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := e.app.Auth.CreateUser(context.Background(), tx, newCitizen("hangxom2"))
					return err
				}); err != nil && !strings.Contains(err.Error(), "exist") {
					t.Fatal(err)
				}
			}
			r := e.call(tt.user, "GET", tt.path, nil, nil)
			if r.status != tt.status || r.errCode() != tt.code {
				t.Errorf("%s GET %s: %d %s, want %d %s", tt.user, tt.path, r.status, r.errCode(), tt.status, tt.code)
			}
		}
		r := e.call("congdan", "GET", "/api/v1/dossiers/"+a.Code+"/forms/01?download=1", nil, nil)
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="mau-01-`+a.Code) {
			t.Errorf("download: Content-Disposition %q", cd)
		}
	})
}

// TestFormsInTheOffice: the dossier page links the forms its state has,
// and the links serve the PDFs.
func TestFormsInTheOffice(t *testing.T) {
	t.Parallel()
	formstest.Require(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	d := e.submit(certify, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	b := e.officeLogin("gialam.tiepnhan")
	status, page, _ := b.get("/can-bo/ho-so/" + d.Code)
	if status != 200 {
		t.Fatalf("dossier page: %d", status)
	}
	for _, want := range []string{`id="bieu-mau"`, "Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "/bieu-mau/01", "/bieu-mau/06",
		"/bieu-mau/01?tai=1", `action="/can-bo/don-vi/` + demo.GiaLamCode + `/so-theo-doi"`, `value="2026-03-02"`} {
		if !strings.Contains(page, want) {
			t.Errorf("dossier page lacks %s", want)
		}
	}
	for _, absent := range []string{"/bieu-mau/02", "/bieu-mau/03", "/bieu-mau/04", "/bieu-mau/05"} {
		if strings.Contains(page, absent) {
			t.Errorf("dossier page links %s, which this dossier does not have", absent)
		}
	}
	for path, want := range map[string]string{
		"/can-bo/ho-so/" + d.Code + "/bieu-mau/01":                                        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
		"/can-bo/ho-so/" + d.Code + "/bieu-mau/ket-qua":                                   "DỰ THẢO",
		"/can-bo/don-vi/" + demo.GiaLamCode + "/so-theo-doi?tu=2026-03-01&den=2026-03-31": "SỔ THEO DÕI HỒ SƠ",
	} {
		status, body, _ := b.get(path)
		if status != 200 || !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("%s: %d %.40q", path, status, body)
			continue
		}
		if !strings.Contains(formstest.Flat(t, []byte(body)), want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
	// English pages name the forms in English.
	en := e.officeLogin("gialam.tiepnhan", "en")
	if _, page, _ := en.get("/can-bo/ho-so/" + d.Code); !strings.Contains(page, "Form 01 – Receipt and appointment for the result") {
		t.Error("English dossier page lacks the English form name")
	}
}

// clockText writes a time as the forms do: "17 giờ 00 phút, ngày 02 tháng 3 năm 2026".
func clockText(t time.Time) string {
	t = t.In(ict)
	m := t.Format("1")
	if t.Month() <= 2 {
		m = "0" + m
	}
	return t.Format("15 giờ 04 phút, ngày 02 tháng ") + m + t.Format(" năm 2006")
}

func lowerFirst(s string) string {
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

// BenchmarkReceiptHTTP: GET /api/v1/dossiers/{code}/forms/01 through the
// handler (token, dossier with history, number, layout, PDF) beside GET
// /api/v1/dossiers/{code} (the same dossier as JSON) in the same run.
//
//	go test -run '^$' -bench ReceiptHTTP -benchtime 2s ./server/
func BenchmarkReceiptHTTP(b *testing.B) {
	e := newEnv(b, storetest.Open(b, "sqlite"))
	d := e.submit(certify, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	token := e.token("gialam.tiepnhan")
	get := func(b *testing.B, path string) {
		for b.Loop() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			e.app.Handler.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	}
	b.Run("baseline-dossier-json", func(b *testing.B) { get(b, "/api/v1/dossiers/"+d.Code) })
	b.Run("receipt-pdf", func(b *testing.B) { get(b, "/api/v1/dossiers/"+d.Code+"/forms/01") })
}
