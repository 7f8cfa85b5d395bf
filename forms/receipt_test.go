package forms

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/forms/formstest"
)

// TestReceiptCopies (issue 10, "Documents that carry the State's name",
// last bullet): Mẫu 01 is made in two copies (liên), one kept by the desk
// with the control slip and one handed to the applicant. The PDF holds
// both, each starting on a page of its own with its mark, each complete
// (heading, number, appointment, both signatures)
// and numbered from its own first page. The old code printed one copy
// with no mark.
func TestReceiptCopies(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	for _, name := range []string{"short", "long"} {
		t.Run(name, func(t *testing.T) {
			sh := sampleSheet(t)
			if name == "long" {
				// A long list of fees runs each copy over two pages.
				for range 30 {
					sh.p.Fees = append(sh.p.Fees, sh.p.Fees[0])
				}
			}
			out, err := s.renderReceipt(sh, 15)
			if err != nil {
				t.Fatal(err)
			}
			pages := strings.Split(strings.TrimRight(formstest.Text(t, out.pdf), "\f\n"), "\f")
			var copies [][]string // the pages of each copy
			for _, p := range pages {
				first := strings.TrimSpace(strings.SplitN(strings.TrimLeft(p, "\n "), "\n", 2)[0])
				if strings.HasPrefix(first, "Liên ") && strings.Contains(p, "GIẤY TIẾP NHẬN HỒ SƠ") {
					copies = append(copies, []string{p})
				} else if len(copies) > 0 {
					copies[len(copies)-1] = append(copies[len(copies)-1], p)
				}
			}
			marks := []string{"Liên 1: Lưu tại Bộ phận Một cửa", "Liên 2: Giao người nộp hồ sơ"}
			if len(copies) != len(marks) || len(copies[0])+len(copies[1]) != len(pages) {
				t.Fatalf("%d copies over %d pages, want 2 each on its own pages:\n%s", len(copies), len(pages), strings.Join(pages, "\n=== page ===\n"))
			}
			if name == "short" && len(pages) != 2 {
				t.Errorf("%d pages, want one a copy", len(pages))
			}
			if name == "long" && len(copies[0]) < 2 {
				t.Fatalf("the long receipt fits one page; the test needs it to run over")
			}
			for i, c := range copies {
				text := strings.Join(strings.Fields(strings.Join(c, " ")), " ")
				for _, w := range []string{marks[i], "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Số: 15/TNHS", "Mã hồ sơ: " + sampleCode,
					"Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 02 tháng 3 năm 2026", "Số thứ tự: 15",
					"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ"} {
					if !strings.Contains(text, w) {
						t.Errorf("copy %d lacks %q:\n%s", i+1, w, text)
					}
				}
				if strings.Contains(text, marks[1-i]) {
					t.Errorf("copy %d carries the other copy's mark", i+1)
				}
				for j, p := range c {
					head := strings.Fields(p)
					if j > 0 && (len(head) == 0 || head[0] != []string{"", "2", "3"}[min(j, 2)]) {
						t.Errorf("copy %d page %d starts %q, want its number %d", i+1, j+1, strings.Join(head[:min(3, len(head))], " "), j+1)
					}
				}
			}
			if out.spot == nil || out.spot.Page > len(copies[0]) {
				t.Errorf("signature spot %+v, want on the first copy (pages 1–%d)", out.spot, len(copies[0]))
			}
		})
	}
}
