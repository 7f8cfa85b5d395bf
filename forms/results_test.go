package forms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// dbService is a forms service on a real database whose commune Gia Lâm
// exists, so documents take their numbers from its series and books.
func dbService(t *testing.T, db *store.DB) (*Service, unit.Unit) {
	t.Helper()
	ctx := context.Background()
	units := unit.NewStore(db, nil)
	var u unit.Unit
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = units.Create(ctx, tx, giaLam, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s := testService(t)
	s.db, s.units = db, units
	return s, u
}

// resultSheet is the sample dossier made a dossier of procedure code,
// delivered, with every e-form field answered by a recognisable value.
func resultSheet(t *testing.T, code string, desk unit.Unit) *sheet {
	sh := sampleSheet(t)
	sh.desk = desk
	sh.p = builtin(t, code)
	sh.d.Procedure, sh.d.ProcedureName = code, sh.p.Name
	sh.d.Code = strings.Replace(sampleCode, "0001", strings.ReplaceAll(code, ".", ""), 1)
	sh.d.Form = map[string]string{}
	for _, f := range sh.p.Form {
		switch f.Type {
		case "date":
			sh.d.Form[f.Key] = "2026-02-20"
		case "number":
			sh.d.Form[f.Key] = "120"
		default:
			sh.d.Form[f.Key] = "«" + f.Key + "»"
		}
	}
	return sh
}

// TestResultDocuments renders the result of every procedure of the demo
// catalog outside civil status that issues a paper, on SQLite and
// PostgreSQL, and finds the fixed phrases of the official template, in
// the text pdftotext reads back; absent lists what the
// document must not say. The old code printed a numbered letter
// "LỜI CHỨNG CHỨNG THỰC CHỮ KÝ" for 2.000884 and nothing for the others.
func TestResultDocuments(t *testing.T) {
	formstest.Require(t)
	tests := []struct {
		code   string
		want   []string
		absent []string
	}{
		// Certification: the lời chứng is written on the certified paper
		// (Decree 23/2015/NĐ-CP Arts. 12, 20, 24, 36 as amended; lời chứng
		// templates of its Appendix as replaced by Decree 280/2025/NĐ-CP and
		// of Circular 01/2020/TT-BTP): no heading, no document number, the
		// entry of the year's certification book of its kind.
		{"2.000815", []string{"Chứng thực bản sao này đúng với bản chính.", "Số chứng thực 1 quyển số 01/2026-SCT/BS",
			"Ngày 02 tháng 3 năm 2026", "NGƯỜI THỰC HIỆN CHỨNG THỰC", "Đặng Văn Quân"},
			[]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số:", "Nơi nhận"}},
		{"2.000884", []string{"Ngày 02 tháng 3 năm 2026 (Bằng chữ: ngày hai tháng ba năm hai nghìn không trăm hai mươi sáu)",
			"Tại Ủy ban nhân dân xã Gia Lâm.", "Tôi Đặng Văn Quân, là Chủ tịch Ủy ban nhân dân xã Gia Lâm", "Chứng thực",
			"Ông/bà «ho_ten_nguoi_ky», Giấy tờ tùy thân số «so_dinh_danh», cam đoan đã hiểu, tự chịu trách nhiệm về nội dung của giấy tờ, văn bản",
			"đã ký vào giấy tờ, văn bản này trước mặt ông/bà Nguyễn Thị Mai là người tiếp nhận hồ sơ.",
			"Số chứng thực 1 quyển số 01/2026-SCT/CK,ĐC", "NGƯỜI TIẾP NHẬN HỒ SƠ", "NGƯỜI THỰC HIỆN CHỨNG THỰC"},
			[]string{"LỜI CHỨNG CHỨNG THỰC CHỮ KÝ", "Số:", "CTCK", "Nơi nhận"}},
		{"2.001019", []string{"Tôi Đặng Văn Quân, là Chủ tịch Ủy ban nhân dân xã Gia Lâm", "Chứng thực",
			"đã tự nguyện lập di chúc này", "người lập di chúc minh mẫn, nhận thức và làm chủ được hành vi của mình",
			"đã ký/điểm chỉ vào di chúc trước mặt tôi", "Số chứng thực 1 quyển số 01/2026-SCT/HĐ,GD"},
			[]string{"Số:", "Nơi nhận"}},
		// Contracts share the book of wills: the second entry of the year.
		{"2.001035", []string{"Hợp đồng «loai_hop_dong» được giao kết giữa bên «ben_chuyen_giao» và bên «ben_nhan»",
			"tự nguyện giao kết hợp đồng, có năng lực hành vi dân sự", "đã ký/điểm chỉ vào hợp đồng này trước mặt tôi",
			"Số chứng thực 2 quyển số 01/2026-SCT/HĐ,GD"}, []string{"Số:", "Nơi nhận"}},
		// Household business: issued by the commune's economic office
		// (Decree 168/2025/NĐ-CP; forms of Circular 68/2025/TT-BTC).
		{"1.001612", []string{"UBND XÃ GIA LÂM", "PHÒNG KINH TẾ", "Số: 01/GCN-PKT", "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
			"Mã số hộ kinh doanh:", "Đăng ký lần đầu: ngày 02 tháng 3 năm 2026", "1. Tên hộ kinh doanh: «ten_ho_kinh_doanh»",
			"2. Địa chỉ trụ sở hộ kinh doanh", "3. Ngành, nghề kinh doanh", "4. Vốn kinh doanh: 120 đồng",
			"6. Thông tin về chủ hộ kinh doanh", "TRƯỞNG PHÒNG"}, []string{"TM. ỦY BAN NHÂN DÂN"}},
		{"2.000575", []string{"PHÒNG KINH TẾ", "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Mã số hộ kinh doanh: «ma_so_ho_kinh_doanh»",
			"Cấp lại: ngày 02 tháng 3 năm 2026", "TRƯỞNG PHÒNG"}, nil},
		{"2.000720", []string{"PHÒNG KINH TẾ", "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Đăng ký thay đổi: ngày 02 tháng 3 năm 2026",
			"Nội dung đăng ký thay đổi: «noi_dung_thay_doi»", "TRƯỞNG PHÒNG"}, nil},
		{"1.001266", []string{"PHÒNG KINH TẾ", "Số: 01/TB-PKT", "THÔNG BÁO", "Về việc chấm dứt hoạt động hộ kinh doanh",
			"đã chấm dứt hoạt động kể từ ngày 20/02/2026"}, nil},
		{"1.001570", []string{"PHÒNG KINH TẾ", "GIẤY XÁC NHẬN",
			"Về việc hộ kinh doanh đăng ký tạm ngừng kinh doanh/tiếp tục kinh doanh trước thời hạn đã thông báo"}, nil},
		// Social protection: a decision of the commune chairman (Decree
		// 20/2021/NĐ-CP Arts. 8, 11 as amended by Decree 76/2024/NĐ-CP),
		// laid out as Decree 30/2020 Appendix I form 1.4.
		{"1.001731", []string{"ỦY BAN NHÂN DÂN", "XÃ GIA LÂM", "Số: 01/QĐ-UBND", "QUYẾT ĐỊNH", "Về việc hỗ trợ chi phí mai táng",
			"CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ GIA LÂM", "Căn cứ Luật Tổ chức chính quyền địa phương", "Căn cứ Nghị định số 20/2021/NĐ-CP",
			"QUYẾT ĐỊNH:", "Điều 1. Hỗ trợ chi phí mai táng", "20 lần mức chuẩn trợ giúp xã hội", "Điều 2.", "Điều 3.",
			"Nơi nhận:", "- Như Điều 3;", "CHỦ TỊCH"}, []string{"TM. ỦY BAN NHÂN DÂN"}},
		// A second decision of the same commune takes the next number of the QĐ series.
		{"1.001776", []string{"Số: 02/QĐ-UBND", "QUYẾT ĐỊNH", "Về việc trợ cấp xã hội hằng tháng", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ GIA LÂM",
			"QUYẾT ĐỊNH:", "Điều 1. Trợ cấp xã hội hằng tháng", "sinh ngày 20/02/2026", "Mức trợ cấp xã hội hằng tháng"}, nil},
		// Disability: the Giấy xác nhận khuyết tật of Circular 01/2019/TT-BLĐTBXH,
		// signed by the commune chairman (Law 51/2010/QH12 Art. 17).
		{"1.001699", []string{"GIẤY XÁC NHẬN KHUYẾT TẬT", "Họ và tên: «ho_ten»", "Ngày, tháng, năm sinh: 20/02/2026",
			"Dạng khuyết tật: «dang_khuyet_tat»", "Mức độ khuyết tật:", "CHỦ TỊCH"}, nil},
		{"1.001653", []string{"GIẤY XÁC NHẬN KHUYẾT TẬT", "(Đổi, cấp lại Giấy xác nhận khuyết tật số «so_giay_xac_nhan»)",
			"Mức độ khuyết tật:", "Lý do đổi, cấp lại: «ly_do»"}, nil},
		// Construction: the permit of Decree 175/2024/NĐ-CP Appendix II,
		// for a detached house; 12 months to start works (Construction Law Art. 90).
		{"1.013225", []string{"GIẤY PHÉP XÂY DỰNG", "Số: 01/GPXD-UBND", "(Sử dụng cho nhà ở riêng lẻ)", "1. Cấp cho: «ho_ten_chu_dau_tu»",
			"2. Được phép xây dựng công trình", "Diện tích xây dựng tầng 1 (tầng trệt): 120 m²", "Tổng diện tích sàn: 120 m²",
			"Chiều cao công trình: 120 m", "Số tầng: 120", "3. Giấy tờ về quyền sử dụng đất",
			"Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}, nil},
		{"1.013226", []string{"GIẤY PHÉP XÂY DỰNG", "Số: 02/GPXD-UBND", "Điều chỉnh Giấy phép xây dựng số «so_giay_phep» cấp ngày 20/02/2026",
			"Nội dung điều chỉnh: «noi_dung_dieu_chinh»"}, nil},
		{"1.013227", []string{"GIA HẠN GIẤY PHÉP XÂY DỰNG", "Gia hạn Giấy phép xây dựng số «so_giay_phep»",
			"Thời gian có hiệu lực của giấy phép: 12 tháng"}, nil},
		{"1.013228", []string{"GIẤY PHÉP XÂY DỰNG", "(Sử dụng cho nhà ở riêng lẻ – cấp lại)", "Cấp lại Giấy phép xây dựng số «so_giay_phep»"}, nil},
		// Land: the commune's decision on a change of land use (Land Law
		// 2024 Art. 123; Decree 151/2025/NĐ-CP); the certificate itself is
		// printed on the ministry's blank elsewhere (TestLandCertificatesOnBlank).
		{"1.013949", []string{"QUYẾT ĐỊNH", "Về việc cho phép chuyển mục đích sử dụng đất", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ GIA LÂM",
			"Căn cứ Luật Đất đai", "QUYẾT ĐỊNH:", "Điều 1. Cho phép ông/bà «ho_ten_nguoi_su_dung_dat»",
			"từ «muc_dich_hien_tai» sang «muc_dich_de_nghi»", "Văn phòng đăng ký đất đai"}, []string{"GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"}},
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, gl := dbService(t, db)
		for _, tt := range tests {
			t.Run(tt.code, func(t *testing.T) {
				sh := resultSheet(t, tt.code, gl)
				title, out, err := s.resultOf(context.Background(), sh)
				if err != nil {
					t.Fatal(err)
				}
				if title != sh.p.ResultTemplate.Title {
					t.Errorf("title %q, want the template's %q", title, sh.p.ResultTemplate.Title)
				}
				flat := formstest.Flat(t, out.pdf)
				for _, w := range tt.want {
					if !strings.Contains(flat, w) {
						t.Errorf("lacks %q in:\n%s", w, flat)
					}
				}
				for _, w := range tt.absent {
					if strings.Contains(flat, w) {
						t.Errorf("says %q:\n%s", w, flat)
					}
				}
			})
		}
	})
}

// TestLandCertificatesOnBlank: a land-use certificate is printed on the
// controlled blank issued by the Ministry of Agriculture and Environment,
// by the land registration office (Land Law 2024 Art. 135; Decree
// 101/2024/NĐ-CP), never by the one-stop system. Each land procedure says
// so in its catalog data, renders no certificate, and the one whose
// commune decides (1.013949) renders the decision instead.
func TestLandCertificatesOnBlank(t *testing.T) {
	for _, code := range []string{"1.012783", "1.012784", "1.012786", "1.013831", "1.013949", "1.013978"} {
		p := builtin(t, code)
		if !strings.Contains(p.ResultBlank, "phôi") || !strings.Contains(p.ResultBlank, "không in Giấy chứng nhận") {
			t.Errorf("%s: result_blank %q does not say the certificate is printed on the official blank", code, p.ResultBlank)
		}
		if rt := p.ResultTemplate; rt != nil && strings.Contains(strings.ToUpper(rt.Title), "GIẤY CHỨNG NHẬN") {
			t.Errorf("%s renders a certificate %q", code, rt.Title)
		}
		sh := resultSheet(t, code, giaLam)
		if p.ResultTemplate == nil {
			_, _, err := testService(t).resultOf(context.Background(), sh)
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != "result_on_blank" {
				t.Errorf("%s: result %v, want result_on_blank", code, err)
			}
		}
	}
}

// TestRefusalResult (issue 10, "Refusal during processing"): a dossier
// the leader refused while processing gets, as its result, a written
// answer with the reasons under the deciding unit's heading, signed by
// the leader who refused — never the procedure's own paper (the old code
// printed the template: a refused birth registration got a birth
// extract). Form 03, the desk's refusal at reception, does not apply.
func TestRefusalResult(t *testing.T) {
	formstest.Require(t)
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, gl := dbService(t, db)
		for i, code := range []string{"1.001193", "2.000884", "1.013225"} {
			t.Run(code, func(t *testing.T) {
				sh := resultSheet(t, code, gl)
				d := sh.d
				d.History = d.History[:3] // received, forwarded to the leader
				d.History = append(d.History, dossier.Event{At: at(2, 15, 0), Actor: "Lê Văn Bình", Role: "leader", Action: dossier.Refuse,
					From: dossier.Processing, To: dossier.ResultReady, FromStep: 1, ToStep: 2, Unit: "UBND xã Gia Lâm",
					Note: "Người yêu cầu không phải là người có thẩm quyền ký giấy tờ, văn bản"})
				d.Status, d.ResultRefused, d.DeliveredAt = dossier.ResultReady, true, nil
				d.ResultAt = ptr(at(2, 15, 0))
				if !HasResult(d, sh.p, false) {
					t.Fatal("the applicant has no result for a refused dossier")
				}
				for _, f := range Applicable(d) {
					if f == Refusal {
						t.Errorf("form 03 listed for a refusal during processing: %v", Applicable(d))
					}
				}
				title, out, err := s.resultOf(context.Background(), sh)
				if err != nil {
					t.Fatal(err)
				}
				if title != refusalTitle {
					t.Errorf("title %q", title)
				}
				flat := formstest.Flat(t, out.pdf)
				for _, w := range []string{"ỦY BAN NHÂN DÂN", "XÃ GIA LÂM", fmt.Sprintf("Số: %02d/TB-UBND", i+1), "THÔNG BÁO", "Về việc từ chối giải quyết hồ sơ " + d.Code,
					"Kính gửi: Ông/Bà Nguyễn Văn An", "không giải quyết yêu cầu của Ông/Bà, lý do:",
					"Người yêu cầu không phải là người có thẩm quyền ký giấy tờ, văn bản.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Bình"} {
					if !strings.Contains(flat, w) {
						t.Errorf("lacks %q:\n%s", w, flat)
					}
				}
				for _, w := range []string{upper(sh.p.ResultTemplate.Title), "GIẤY KHAI SINH", "TRÍCH LỤC", "Đặng Văn Quân", "Chứng thực bản sao", "Số chứng thực"} {
					if strings.Contains(flat, w) {
						t.Errorf("the refusal says %q:\n%s", w, flat)
					}
				}
			})
		}
	})
}

// TestLateApology (issue 10, "Apology and new date"): Mẫu 04 for an
// apology made after the due moment says the dossier is already late
// (quá hạn) instead of announcing a delay in advance; one made before it
// keeps the template's wording. The old code printed the same letter.
func TestLateApology(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	chair := leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}
	for _, tt := range []struct {
		name   string
		hour   int // of the apology, on the due day (due 17:00)
		late   bool
		want   string
		absent string
	}{
		{"before the due moment", 16, false, "chưa thể trả kết quả giải quyết hồ sơ của Ông/Bà đúng hẹn", "quá hạn"},
		{"after the due moment", 18, true, "Đến nay, hồ sơ của Ông/Bà đã quá hạn giải quyết mà UBND xã Gia Lâm chưa trả kết quả, lý do:", "đúng hẹn"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sh, e := variant(t, Apology)
			e.At = at(2, tt.hour, 0)
			sh.d.ApologyLate = tt.late
			out, err := s.renderApology(sh, e, communeA, chair, 12)
			if err != nil {
				t.Fatal(err)
			}
			flat := formstest.Flat(t, out.pdf)
			if !strings.Contains(flat, tt.want) {
				t.Errorf("lacks %q:\n%s", tt.want, flat)
			}
			if strings.Contains(flat, tt.absent) {
				t.Errorf("says %q:\n%s", tt.absent, flat)
			}
		})
	}
}

func TestPersonalBlockAndArticles(t *testing.T) {
	for _, tt := range []struct{ pos, title, want string }{
		{"Chủ tịch", "Chủ tịch UBND xã", "Chủ tịch"},
		{"Chủ tịch", "Phó Chủ tịch UBND xã", "KT. Chủ tịch|Phó Chủ tịch"},
		{"Trưởng phòng", "Phó Trưởng phòng Kinh tế", "KT. Trưởng phòng|Phó Trưởng phòng"},
		{"Trưởng phòng", "Phó Chủ tịch UBND xã", "Trưởng phòng"},
		{"Người thực hiện chứng thực", "Phó Chủ tịch UBND xã", "Người thực hiện chứng thực"},
	} {
		if got := strings.Join(personalBlock(tt.pos, leader{title: tt.title}), "|"); got != tt.want {
			t.Errorf("personalBlock(%q, %q) = %q, want %q", tt.pos, tt.title, got, tt.want)
		}
	}
	if got := lastArticle([]string{"Điều 1. A", "Mức…", "Điều 2. B", "Điều 4. C"}); got != "Điều 4" {
		t.Errorf("lastArticle = %q", got)
	}
}

func TestDateInWords(t *testing.T) {
	for n, want := range map[int]string{1: "một", 10: "mười", 15: "mười lăm", 21: "hai mươi mốt", 24: "hai mươi tư", 30: "ba mươi",
		2005: "hai nghìn không trăm linh năm", 2026: "hai nghìn không trăm hai mươi sáu", 2000: "hai nghìn", 2110: "hai nghìn một trăm mười"} {
		if got := numberWords(n); got != want {
			t.Errorf("numberWords(%d) = %q, want %q", n, got, want)
		}
	}
	if got := dateInWords(at(24, 9, 0).AddDate(0, 1, 0)); got != "ngày hai mươi tư tháng tư năm hai nghìn không trăm hai mươi sáu" {
		t.Errorf("dateInWords = %q", got)
	}
	_ = catalog.Attestation
}
