package forms

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/unit"
)

// variant adds events to the sample dossier for the forms that need them.
func variant(t *testing.T, form string) (*sheet, *dossier.Event) {
	sh := sampleSheet(t)
	d := sh.d
	add := func(e dossier.Event) *dossier.Event {
		e.Unit = "UBND xã Gia Lâm"
		d.History = append(d.History, e)
		return &d.History[len(d.History)-1]
	}
	switch form {
	case Supplement:
		d.History, d.ReceivedAt, d.Files = d.History[:1], nil, nil
		d.Status = dossier.Returned
		return sh, add(dossier.Event{At: at(2, 8, 20), Actor: "Nguyễn Thị Mai", Role: "reception", Action: dossier.RequestSupplement,
			From: dossier.Submitted, To: dossier.Returned, Note: "Giấy ủy quyền chưa ghi rõ phạm vi ủy quyền; đề nghị bổ sung bản có chữ ký của bên nhận ủy quyền.",
			Request: &dossier.SupplementRequest{Deadline: at(2, 0, 0).AddDate(0, 1, 0), Days: 30, Source: "unit", Items: []dossier.SupplementItem{
				{Component: "giay_to_can_ky", Name: "Giấy tờ, văn bản mà người yêu cầu chứng thực sẽ ký", Kind: "original", Reason: "Chưa ghi phạm vi ủy quyền"},
				{Name: "Văn bản đồng ý của vợ hoặc chồng", Reason: "Tài sản chung của vợ chồng"}}}})
	case Refusal:
		d.History, d.ReceivedAt = d.History[:1], nil
		d.Status = dossier.Refused
		return sh, add(dossier.Event{At: at(2, 8, 20), Actor: "Nguyễn Thị Mai", Role: "reception", Action: dossier.Refuse,
			From: dossier.Submitted, To: dossier.Refused, Note: "Giấy tờ có nội dung trái pháp luật, thuộc trường hợp không được chứng thực chữ ký."})
	case Apology:
		d.History = d.History[:4]
		return sh, add(dossier.Event{At: at(2, 16, 0), Actor: "Nguyễn Thị Mai", Role: "reception", Action: dossier.Apologize,
			From: dossier.ResultReady, To: dossier.ResultReady, FromStep: 2, ToStep: 2, DueAt: ptr(at(3, 10, 0)),
			Note: "Người thực hiện chứng thực đi công tác đột xuất"})
	case StopNotice:
		d.History = d.History[:3]
		d.Status = dossier.Stopped
		return sh, add(dossier.Event{At: at(2, 11, 0), Actor: "Đặng Văn Quân", Role: "leader", Action: dossier.Stop,
			From: dossier.Processing, To: dossier.Stopped, FromStep: 1, ToStep: 1, Note: "Người yêu cầu chứng thực không có mặt để ký trước mặt người thực hiện chứng thực"})
	}
	return sh, nil
}

// render produces one form of the sample dossier without a database.
func render(t *testing.T, s *Service, form string) []byte {
	t.Helper()
	sh, e := variant(t, form)
	var out *rendered
	var err error
	switch form {
	case Receipt:
		out, err = s.renderReceipt(sh, 15)
	case Supplement:
		out, err = s.renderSupplement(sh, e, 3)
	case Refusal:
		out, err = s.renderRefusal(sh, e, 1)
	case Apology:
		out, err = s.renderApology(sh, e, communeA, leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}, 12)
	case StopNotice:
		out, err = s.renderStop(sh, e, communeA, leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}, 2)
	case ControlSlip:
		out, err = s.renderControl(sh, 15)
	case TrackingBook:
		out, err = s.renderBook(giaLam, "UBND huyện Nho Quan", "Nguyễn Thị Mai", at(1, 0, 0), at(31, 0, 0),
			[]bookEntry{{n: 15, d: sh.d, lead: "UBND xã Gia Lâm", due: sh.d.DueAt}}, "https://motcua.example.vn/tra-cuu")
	case "result":
		// The sample is a signature certification: its result is the lời chứng.
		out, err = s.renderAttestation(sh, communeA, leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}, 7, at(2, 14, 0), false)
	}
	if err != nil {
		t.Fatalf("form %s: %v", form, err)
	}
	return out.pdf
}

var clockRE = regexp.MustCompile(`\d{2} giờ \d{2} phút, ngày \d{2}`)

// TestFormsRender lays out every form of a sample dossier and reads it
// back with poppler: the words a reader extracts (with their diacritics),
// the embedded fonts, and a rendering of page 1 that is not blank. Set
// FORMS_OUT to a directory to keep the PNGs.
func TestFormsRender(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	common := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "XÃ GIA LÂM"}
	tests := []struct {
		form string
		want []string
	}{
		{Receipt, []string{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Số: 15/TNHS", "Gia Lâm, ngày 02 tháng 3 năm 2026",
			"Mã hồ sơ: " + sampleCode, "Nguyễn Văn An", "Chứng thực chữ ký trong các giấy tờ, văn bản",
			"Giấy tờ, văn bản mà người yêu cầu chứng thực sẽ ký", "Xuất trình bản chính",
			"Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 02 tháng 3 năm 2026",
			"Phí chứng thực chữ ký: 10.000 đồng", "Quyển số: 2026, Số thứ tự: 15", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Mai",
			"https://motcua.example.vn/tra-cuu/" + sampleCode}},
		{Supplement, []string{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 03/YCBS", "Giấy tờ, văn bản mà người yêu cầu chứng thực sẽ ký",
			"Chưa ghi phạm vi ủy quyền", "Văn bản đồng ý của vợ hoặc chồng", "Tài sản chung của vợ chồng", "Lý do",
			"Hạn bổ sung: hết ngày 01 tháng 4 năm 2026", "hồ sơ được coi là không được tiếp nhận",
			"Giấy ủy quyền chưa ghi rõ phạm vi ủy quyền", "NGƯỜI HƯỚNG DẪN"}},
		{Refusal, []string{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Số: 01/TCHS", "thuộc trường hợp không được chứng thực chữ ký"}},
		{Apology, []string{"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Số: 12/PXL", "Kính gửi: Ông/Bà Nguyễn Văn An",
			"17 giờ 00 phút, ngày 02 tháng 3 năm 2026", "10 giờ 00 phút, ngày 03 tháng 3 năm 2026",
			"Người thực hiện chứng thực đi công tác đột xuất", "TM. ỦY BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN XÃ GIA LÂM", "Đặng Văn Quân", "Nơi nhận:"}},
		{StopNotice, []string{"THÔNG BÁO", "Số: 02/TB-UBND", "Về việc dừng giải quyết hồ sơ " + sampleCode,
			"không có mặt để ký trước mặt người thực hiện chứng thực", "Đặng Văn Quân"}},
		{ControlSlip, []string{"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 15/TNHS",
			"1. Giao: Bộ phận TN&TKQ", "Nhận: Chuyên viên xử lý – UBND xã Gia Lâm", "Người giao: Nguyễn Thị Mai",
			"Người nhận: Vũ Đức Long", "Đúng hạn", "Người nộp hồ sơ (trả kết quả)"}},
		{TrackingBook, []string{"SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/03/2026 đến ngày 31/03/2026", "Ngày, tháng, năm", "Hẹn trả kết quả",
			"Nguyễn Văn An", "0912345678", "Tổng số: 1 hồ sơ", "NGƯỜI LẬP SỔ"}},
		{"result", []string{"Tôi Đặng Văn Quân, là Chủ tịch Ủy ban nhân dân xã Gia Lâm", "Ông/bà Nguyễn Văn An, Giấy tờ tùy thân số 037085001234",
			"(Giấy ủy quyền)", "trước mặt ông/bà Nguyễn Thị Mai là người tiếp nhận hồ sơ", "Số chứng thực 7 quyển số 01/2026-SCT/CK,ĐC",
			"NGƯỜI THỰC HIỆN CHỨNG THỰC", "Đặng Văn Quân"}},
	}
	for _, tt := range tests {
		t.Run(tt.form, func(t *testing.T) {
			pdf := render(t, s, tt.form)
			flat, raw := formstest.Flat(t, pdf), formstest.Raw(t, pdf)
			base := common
			if tt.form == "result" {
				base = nil // a lời chứng is written on the certified paper: no heading
			}
			for _, w := range append(base, tt.want...) {
				if !strings.Contains(flat, w) && !strings.Contains(raw, w) {
					t.Errorf("text lacks %q:\n%s", w, formstest.Text(t, pdf))
				}
			}
			// Form 02 lists what the officer marked, never the ID card that
			// is only shown (issue 10: the old form listed every required
			// component without an upload).
			if tt.form == Supplement && strings.Contains(flat, "giấy tờ tùy thân") {
				t.Errorf("form 02 lists the ID card that is only shown:\n%s", formstest.Text(t, pdf))
			}
			if tt.form != TrackingBook && tt.form != Refusal && tt.form != Supplement && tt.form != "result" && !clockRE.MatchString(flat) {
				t.Errorf("no time written as “… giờ … phút, ngày …”")
			}
			checkFontsAndPage(t, pdf, "sample-"+tt.form)
		})
	}
}

// checkFontsAndPage: every font embedded with a Unicode map, page 1 renders with ink.
func checkFontsAndPage(t *testing.T, pdf []byte, name string) {
	t.Helper()
	fonts := formstest.Fonts(t, pdf)
	if len(fonts) == 0 {
		t.Error("pdffonts lists no font")
	}
	for _, f := range fonts {
		if !f.Embedded || !f.Unicode || !strings.Contains(f.Name, "LiberationSerif") {
			t.Errorf("font %+v: want embedded Liberation Serif with a ToUnicode map", f)
		}
	}
	img := formstest.Render(t, pdf, 60, os.Getenv("FORMS_OUT"), name)
	if b := img.Bounds(); b.Dx() < 480 || b.Dx() > 720 {
		t.Errorf("page 1 rendered %d px wide at 60 dpi; want an A4 page", b.Dx())
	}
	if ink := formstest.Ink(img); ink < 0.01 || ink > 0.3 {
		t.Errorf("page 1 ink %.3f: blank or smeared", ink)
	}
}

// TestDecomposedInputIsComposed: text typed with combining accents (NFD)
// comes out composed, so the accents sit on their letters.
func TestDecomposedInputIsComposed(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	sh := sampleSheet(t)
	sh.d.Applicant.Name = "Nguye\u0302\u0303n Va\u0306n An" // NFD of Nguyễn Văn An
	out, err := s.renderReceipt(sh, 1)
	if err != nil {
		t.Fatal(err)
	}
	if flat := formstest.Flat(t, out.pdf); !strings.Contains(flat, "Nguyễn Văn An") {
		t.Errorf("NFD name not composed:\n%s", flat)
	}
}

// TestLongDossierBreaksPages: a long history repeats the table header and
// numbers pages from 2 on.
func TestLongDossierBreaksPages(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	sh := sampleSheet(t)
	d := sh.d
	deliver := d.History[len(d.History)-1]
	d.History = d.History[:3]
	for i := 0; i < 12; i++ {
		d.History = append(d.History,
			dossier.Event{At: at(2, 11, i), Actor: "Đặng Văn Quân", Role: "leader", Action: dossier.SendBack, From: dossier.Processing,
				To: dossier.Processing, FromStep: 1, ToStep: 0, Unit: "UBND xã Gia Lâm", Note: "Đề nghị kiểm tra lại chữ ký lần " + two(i+1)},
			dossier.Event{At: at(2, 11, 30+i), Actor: "Vũ Đức Long", Role: "specialist", Action: dossier.Forward, From: dossier.Processing,
				To: dossier.Processing, FromStep: 0, ToStep: 1, Unit: "UBND xã Gia Lâm"})
	}
	d.History = append(d.History, deliver)
	out, err := s.renderControl(sh, 15)
	if err != nil {
		t.Fatal(err)
	}
	pdf := out.pdf
	if n := formstest.Pages(t, pdf); n < 2 {
		t.Fatalf("%d page(s), want the slip to run over", n)
	}
	pages := strings.Split(formstest.Text(t, pdf), "\f")
	if !strings.Contains(pages[1], "TÊN CƠ QUAN") || !strings.Contains(strings.TrimSpace(pages[1])[:8], "2") {
		t.Errorf("page 2 lacks its number or the repeated header:\n%s", pages[1])
	}
	if strings.Contains(strings.SplitN(pages[0], "\n", 3)[0], "1") {
		t.Errorf("page 1 carries a number:\n%s", pages[0][:200])
	}
}

func TestPlaceAndDates(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{placeDate(placeName("Xã Gia Lâm", ""), at(5, 8, 0).AddDate(0, -2, 0)), "Gia Lâm, ngày 05 tháng 01 năm 2026"},
		{dateVN(at(12, 8, 0)), "ngày 12 tháng 3 năm 2026"},
		{dateVN(at(2, 8, 0).AddDate(0, -1, 0)), "ngày 02 tháng 02 năm 2026"},
		{dateVN(at(1, 8, 0).AddDate(0, 9, 0)), "ngày 01 tháng 12 năm 2026"},
		{clockVN(at(2, 7, 5)), "07 giờ 05 phút, ngày 02 tháng 3 năm 2026"},
		{placeName("", "UBND xã Gia Lâm"), "Gia Lâm"},
		{placeName("Nho Quan", "UBND huyện Nho Quan"), "Nho Quan"},
		{money(10000), "10.000 đồng"},
		{money(1250000), "1.250.000 đồng"},
		{symbol(2, "TB", true, "UBND xã Gia Lâm"), "02/TB-UBND"},
		{symbol(12, "PXL", false, ""), "12/PXL"},
		{issuerAbbrev("Sở Tư pháp"), "STP"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	_ = unit.Commune
}

// TestConcurrentRendering: documents share the parsed fonts; rendering
// in parallel must not race (run with -race).
func TestConcurrentRendering(t *testing.T) {
	s := testService(t)
	done := make(chan []byte)
	for range 4 {
		go func() {
			out, err := s.renderReceipt(sampleSheet(t), 15)
			if err != nil {
				t.Error(err)
				done <- nil
				return
			}
			done <- out.pdf
		}()
	}
	var sizes []int
	for range 4 {
		sizes = append(sizes, len(<-done))
	}
	for _, n := range sizes[1:] {
		if n != sizes[0] || n == 0 {
			t.Fatalf("parallel renderings differ in size: %v", sizes)
		}
	}
}

// TestSignatureSpot: the place reported for package sign is the blank
// between the signer's title and name: on the page, in the signer's
// column, and free of ink, so a signature image covers no text.
func TestSignatureSpot(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	for _, form := range []string{Receipt, Apology, "result"} {
		sh, e := variant(t, form)
		var out *rendered
		var err error
		switch form {
		case Receipt:
			out, err = s.renderReceipt(sh, 15)
		case Apology:
			out, err = s.renderApology(sh, e, communeA, leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}, 12)
		default:
			out, err = s.renderAttestation(sh, communeA, leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}, 7, at(2, 14, 0), false)
		}
		if err != nil {
			t.Fatal(err)
		}
		sp := out.spot
		const pageW, pageH = 595.28, 841.89
		if sp == nil || sp.Page != 1 || sp.X < pageW/2-20 || sp.X+sp.W > pageW || sp.Y < 0 || sp.Y+sp.H > pageH || sp.H < 40 {
			t.Fatalf("%s: signature spot %+v", form, sp)
		}
		img := formstest.Render(t, out.pdf, 72, "", "")
		dark := 0
		for y := int(pageH - sp.Y - sp.H + 2); y < int(pageH-sp.Y-2); y++ {
			for x := int(sp.X + 2); x < int(sp.X+sp.W-2); x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0xc000 {
					dark++
				}
			}
		}
		if dark > 0 {
			t.Errorf("%s: %d dark pixels inside the signature spot %+v", form, dark, sp)
		}
	}
}
