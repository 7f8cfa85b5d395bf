package forms

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// The fixed wording of the civil-status papers, from the forms of
// giấy tờ hộ tịch issued with Circular 04/2020/TT-BTP of the Ministry of
// Justice (28/5/2020; its forms as amended by Circular 03/2023/TT-BTP):
// "Mẫu Giấy khai sinh (bản chính)", "Mẫu Giấy chứng nhận kết hôn (bản
// chính)", "Mẫu Trích lục khai tử (bản chính)", "Mẫu Trích lục đăng ký
// nhận cha, mẹ, con", "Mẫu Trích lục đăng ký giám hộ", "Mẫu Trích lục
// đăng ký chấm dứt giám hộ", "Mẫu Trích lục thay đổi, cải chính, bổ sung
// thông tin hộ tịch, xác định lại dân tộc", "Mẫu Giấy xác nhận tình
// trạng hôn nhân" and "Mẫu Trích lục hộ tịch (bản sao)"; a re-registered
// birth, death or marriage is marked "Đăng ký lại" (Circular 04/2020
// Arts. 9 and 27). Every paper ends with the civil servant who entered
// the event and the person who signs it, with the form's hints.
var (
	birthPaper = []string{"GIẤY KHAI SINH", "Họ, chữ đệm, tên:", "Ngày, tháng, năm sinh:", "ghi bằng chữ:", "Giới tính:", "Dân tộc:",
		"Quốc tịch:", "Nơi sinh:", "Quê quán:", "Số định danh cá nhân:", "Họ, chữ đệm, tên người mẹ:", "Họ, chữ đệm, tên người cha:",
		"Năm sinh:", "Nơi cư trú:", "Họ, chữ đệm, tên người đi khai sinh:", "Giấy tờ tùy thân:", "Nơi đăng ký khai sinh:",
		"Ngày, tháng, năm đăng ký:", "NGƯỜI KÝ GIẤY KHAI SINH"}
	deathPaper = []string{"TRÍCH LỤC KHAI TỬ", "(Bản chính)", "Họ, chữ đệm, tên:", "Ngày, tháng, năm sinh:", "Giới tính:", "Dân tộc:",
		"Quốc tịch:", "Số định danh cá nhân:", "Đã chết vào lúc:", "ghi bằng chữ:", "Nơi chết:", "Nguyên nhân chết:",
		"Quan hệ với người đã chết:", "Nơi đăng ký khai tử:", "Ngày, tháng, năm đăng ký:", "NGƯỜI KÝ TRÍCH LỤC"}
	marriagePaper = []string{"GIẤY CHỨNG NHẬN KẾT HÔN", "Họ, chữ đệm, tên người chồng:", "Họ, chữ đệm, tên người vợ:", "Ngày, tháng, năm sinh:",
		"Dân tộc:", "Quốc tịch:", "Nơi cư trú:", "Giấy tờ tùy thân:", "Nơi đăng ký:", "Ngày, tháng, năm đăng ký:",
		"Chồng (ký, ghi rõ họ, chữ đệm, tên)", "Vợ (ký, ghi rõ họ, chữ đệm, tên)", "NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN"}
	everyPaper = []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"NGƯỜI THỰC HIỆN", "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH", clerkHint, signerHint, "Vũ Đức Long", "Đặng Văn Quân Chủ tịch UBND xã"}
	committeeHeading = []string{"ỦY BAN NHÂN DÂN", "XÃ GIA LÂM", "Gia Lâm, ngày 02 tháng 3 năm 2026"}
)

// TestCivilStatusPapers (issue 10, "Result templates that are wrong")
// renders the result of every civil-status procedure that issues a paper
// and reads it back with pdftotext against its form's fixed wording. The
// old code printed a "TRÍCH LỤC KHAI SINH" with an administrative
// heading, a document number and "Nơi nhận" for a birth, and nothing for
// the others. The three papers of the birth book take entries 1, 2, 3 of
// its 2026 series; a marriage starts its own book at 1.
func TestCivilStatusPapers(t *testing.T) {
	formstest.Require(t)
	tests := []struct {
		code    string
		want    []string
		heading bool   // the unit's name heads the paper (else the national name alone)
		entry   string // "" for a paper that takes no entry of its own
	}{
		{"1.001193", append(birthPaper, "ngày hai mươi, tháng hai, năm hai nghìn không trăm hai mươi sáu"), false, "Số: 1, Quyển số: 01/2026"},
		{"1.004884", append(birthPaper, "(Đăng ký lại)"), false, "Số: 2, Quyển số: 01/2026"},
		{"1.000689", birthPaper, false, "Số: 3, Quyển số: 01/2026"},
		{"1.000894", marriagePaper, false, "Số: 1, Quyển số: 01/2026"},
		{"1.004746", append(marriagePaper, "(Đăng ký lại)", "Quan hệ hôn nhân được xác lập từ ngày:"), false, "Số: 2, Quyển số: 01/2026"},
		{"1.000656", append(deathPaper, "Họ, chữ đệm, tên người đi khai tử:"), true, "Số: 1, Quyển số: 01/2026"},
		{"1.005461", append(deathPaper, "(Đăng ký lại)"), true, "Số: 2, Quyển số: 01/2026"},
		{"1.001022", []string{"TRÍCH LỤC ĐĂNG KÝ NHẬN CHA, MẸ, CON", "(Bản chính)", "Họ, chữ đệm, tên người nhận:",
			"Họ, chữ đệm, tên người được nhận:", "Quan hệ:", "Nơi đăng ký:", "Ngày, tháng, năm đăng ký:", "NGƯỜI KÝ TRÍCH LỤC"}, true, "Số: 1, Quyển số: 01/2026"},
		{"1.004837", []string{"TRÍCH LỤC ĐĂNG KÝ GIÁM HỘ", "(Bản chính)", "Họ, chữ đệm, tên người giám hộ:",
			"Họ, chữ đệm, tên người được giám hộ:", "Nơi đăng ký:", "Ngày, tháng, năm đăng ký:", "NGƯỜI KÝ TRÍCH LỤC"}, true, "Số: 1, Quyển số: 01/2026"},
		{"1.004845", []string{"TRÍCH LỤC ĐĂNG KÝ CHẤM DỨT GIÁM HỘ", "(Bản chính)", "Họ, chữ đệm, tên người giám hộ:",
			"Họ, chữ đệm, tên người được giám hộ:", "Lý do chấm dứt giám hộ:", "Nơi đăng ký:", "NGƯỜI KÝ TRÍCH LỤC"}, true, "Số: 2, Quyển số: 01/2026"},
		{"1.004859", []string{"TRÍCH LỤC THAY ĐỔI, CẢI CHÍNH, BỔ SUNG THÔNG TIN HỘ TỊCH, XÁC ĐỊNH LẠI DÂN TỘC", "(Bản chính)",
			"Họ, chữ đệm, tên:", "Số định danh cá nhân:", "Nơi đăng ký:", "Ngày, tháng, năm đăng ký:", "NGƯỜI KÝ TRÍCH LỤC"}, true, "Số: 1, Quyển số: 01/2026"},
		{"1.004873", []string{"GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "XÁC NHẬN:", "Họ, chữ đệm, tên:", "Ngày, tháng, năm sinh:",
			"Giấy tờ tùy thân:", "Nơi cư trú:", "Tình trạng hôn nhân:", "Giấy này được cấp để:",
			"Giấy này có giá trị sử dụng trong thời hạn 6 tháng, kể từ ngày cấp.", "NGƯỜI KÝ GIẤY XÁC NHẬN"}, true, "Số: 1, Quyển số: 01/2026"},
		{"2.000635", []string{"TRÍCH LỤC HỘ TỊCH", "(Bản sao)", "Họ, chữ đệm, tên người có sự kiện hộ tịch:", "Số đăng ký:",
			"Nơi đăng ký:", "Ngày, tháng, năm đăng ký:", "NGƯỜI KÝ TRÍCH LỤC"}, true, ""},
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var u unit.Unit
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			u, err = unit.NewStore(db, nil).Create(ctx, tx, giaLam, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s := testService(t)
		s.db = db
		chair := leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}
		for i, tt := range tests {
			t.Run(tt.code, func(t *testing.T) {
				sh := sampleSheet(t)
				sh.p = builtin(t, tt.code)
				if sh.p.ResultTemplate == nil || sh.p.ResultTemplate.Layout != catalog.CivilStatus {
					t.Fatalf("%s has no civil-status result template", tt.code)
				}
				sh.d.Code = fmt.Sprintf("000.04.07.H40-260302-%04d", i+1)
				sh.d.Procedure, sh.d.ProcedureName, sh.d.Form = tt.code, sh.p.Name, sampleForm(sh.p)
				out, err := s.civilPaper(ctx, sh, agency{u: u}, chair)
				if err != nil {
					t.Fatal(err)
				}
				text := formstest.Raw(t, out.pdf)
				want := append(append([]string(nil), everyPaper...), tt.want...)
				if tt.entry != "" {
					want = append(want, tt.entry)
				}
				if tt.heading {
					want = append(want, committeeHeading...)
				}
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("lacks %q:\n%s", w, text)
					}
				}
				absent := []string{"TRÍCH LỤC KHAI SINH", "Nơi nhận", "TM. ỦY BAN NHÂN DÂN", "{{", "DỰ THẢO"}
				if !tt.heading {
					absent = append(absent, "ỦY BAN NHÂN DÂN")
				}
				if tt.entry == "" {
					absent = append(absent, "Quyển số")
				}
				for _, w := range absent {
					if strings.Contains(text, w) {
						t.Errorf("prints %q:\n%s", w, text)
					}
				}
				// Printed again, the paper keeps its entry in the book.
				if again, err := s.civilPaper(ctx, sh, agency{u: u}, chair); err != nil || tt.entry != "" && !strings.Contains(formstest.Raw(t, again.pdf), tt.entry) {
					t.Errorf("printed again: %v, entry is no longer %q", err, tt.entry)
				}
			})
		}
	})
}

// sampleForm answers every field of the procedure's e-form: a date of
// 20/02/2026, the first option, a year, an identity number, a name.
func sampleForm(p catalog.Procedure) map[string]string {
	out := map[string]string{}
	for _, f := range p.Form {
		switch f.Type {
		case "date":
			out[f.Key] = "2026-02-20"
		case "select":
			out[f.Key] = f.Options[0]
		case "number":
			out[f.Key] = "1995"
		case "id_number":
			out[f.Key] = "037095001234"
		case "phone":
			out[f.Key] = "0912345678"
		default:
			out[f.Key] = "Nội dung " + f.Key
		}
	}
	if _, ok := out["gio_chet"]; ok {
		out["gio_chet"] = "14:30"
	}
	return out
}

// TestCivilDraft: while the dossier is processed the paper is a draft
// with no entry in the book (dots for the number), so a draft never
// takes a number a registration then lacks.
func TestCivilDraft(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	sh := sampleSheet(t)
	sh.p = builtin(t, "1.001193")
	sh.d.ResultAt = nil
	sh.d.Form = sampleForm(sh.p)
	out, err := s.civilPaper(context.Background(), sh, agency{u: giaLam}, leader{})
	if err != nil {
		t.Fatal(err) // s.db is nil: numbering a draft would panic
	}
	text := formstest.Raw(t, out.pdf)
	for _, w := range []string{"DỰ THẢO", "Số: ……, Quyển số: ……", "GIẤY KHAI SINH"} {
		if !strings.Contains(text, w) {
			t.Errorf("draft lacks %q:\n%s", w, text)
		}
	}
}

func TestSpelled(t *testing.T) {
	for n, want := range map[int]string{0: "không", 5: "năm", 10: "mười", 11: "mười một", 15: "mười lăm", 20: "hai mươi",
		21: "hai mươi mốt", 24: "hai mươi tư", 25: "hai mươi lăm", 31: "ba mươi mốt", 105: "một trăm linh năm",
		110: "một trăm mười", 1995: "một nghìn chín trăm chín mươi lăm", 2000: "hai nghìn", 2005: "hai nghìn không trăm linh năm",
		2019: "hai nghìn không trăm mười chín", 2026: "hai nghìn không trăm hai mươi sáu"} {
		if got := spelled(n); got != want {
			t.Errorf("spelled(%d) = %q, want %q", n, got, want)
		}
	}
	if got, want := spelledDate(time.Date(2019, 11, 20, 0, 0, 0, 0, time.UTC)), "ngày hai mươi, tháng mười một, năm hai nghìn không trăm mười chín"; got != want {
		t.Errorf("spelledDate = %q, want %q", got, want)
	}
	if got := spelledDate(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)); got != "ngày một, tháng tư, năm hai nghìn không trăm hai mươi sáu" {
		t.Errorf("April: %q", got)
	}
}

// TestCivilTemplateValidation: catalog.Validate refuses a civil-status
// template whose book is not one a commune keeps, that names no civil
// servant, or that writes in words a field that is not a date; and the
// civil-status parts on an administrative document.
func TestCivilTemplateValidation(t *testing.T) {
	base := builtin(t, "1.001193")
	tests := []struct {
		name   string
		mutate func(rt *catalog.ResultTemplate)
		want   string
	}{
		{"unknown book", func(rt *catalog.ResultTemplate) { rt.Register = "Sổ khai sinh" }, "result_template.register: sổ hộ tịch"},
		{"no clerk", func(rt *catalog.ResultTemplate) { rt.Clerk = nil }, "result_template.clerk"},
		{"unknown layout", func(rt *catalog.ResultTemplate) { rt.Layout = "hotich" }, "result_template.layout: bố cục"},
		{"book on a letter", func(rt *catalog.ResultTemplate) { rt.Layout = "" }, "result_template.layout: register, no_issuer và clerk"},
		{"words of a name", func(rt *catalog.ResultTemplate) { rt.Body[0] = "{{form.ho_ten_tre.words}}" }, "trường {{form.ho_ten_tre.words}} không tồn tại"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			rt := *base.ResultTemplate
			rt.Body = append([]string(nil), rt.Body...)
			p.ResultTemplate = &rt
			tt.mutate(&rt)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if err := base.Validate(); err != nil {
		t.Errorf("the shipped template is rejected: %v", err)
	}
}
