package document_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/forms/formstest"
)

// TestRegisterPDFTypeset: both printed registers are set by package
// typeset — Liberation Serif embedded as subsets with Unicode maps (the
// regular and bold faces, nothing else), the organ, the register's name
// and period in Vietnamese that reads back, a subject of 500 characters
// wrapped in its column with every word kept, enough entries for a second
// page that opens with its number and Appendix IV's column titles and
// numbers again, and the same register rendering to the same bytes.
func TestRegisterPDFTypeset(t *testing.T) {
	formstest.Require(t)
	// A subject of nearly 500 characters, the most a document's may have.
	long := string([]rune(strings.Repeat("Về việc hướng dẫn triển khai dịch vụ công trực tuyến toàn trình và thanh toán trực tuyến; ", 6))[:500])
	long = long[:strings.LastIndex(long, " ")]
	if n := utf8.RuneCountInString(long); n < 480 || n > 520 {
		t.Fatalf("the test's premise: a subject of %d characters", n)
	}
	arrived := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC) // 08:30 in Vietnam
	for _, c := range []struct {
		dir, name string
		heads     []string // column titles, as they read back flattened
		cells     []string // the first entry's cells that must read back
	}{
		{document.In, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", []string{"Ngày đến", "Số đến", "Tác giả", "Ký nhận", "Ghi chú"},
			[]string{"02/03/2026", "Sở Thông tin và Truyền thông", "12/SKHĐT-VP", "Văn phòng · Nguyễn Thị Hà", "Quá hạn"}},
		{document.Out, "SỔ ĐĂNG KÝ VĂN BẢN ĐI", []string{"Người ký", "Nơi nhận văn bản", "Số lượng bản", "Ký nhận"},
			[]string{"12/SKHĐT-VP", "Phạm Văn Quý", "Sở Tư pháp; Sở Nội vụ", "Phòng Văn hóa - Thông tin"}},
	} {
		t.Run(c.dir, func(t *testing.T) {
			sheet := document.RegisterSheet{Direction: c.dir, Organ: "Ủy ban nhân dân huyện Gia Lâm", From: "2026-03-01", To: "2026-03-31"}
			for i := range 40 {
				subject := fmt.Sprintf("Kế hoạch số %d về chuyển đổi số", i+1)
				if i == 0 {
					subject = long
				}
				sheet.Docs = append(sheet.Docs, document.Document{Direction: c.dir, ArrivalNumber: int64(i + 1), ArrivalAt: arrived,
					Sender: &document.Organ{Name: "Sở Thông tin và Truyền thông"}, NumberSymbol: fmt.Sprintf("%d/SKHĐT-VP", 12+i),
					IssuedDate: "2026-03-01", TypeName: "Công văn", Subject: subject, Overdue: i == 0,
					Assignment: &document.Assignment{LeadUnit: "Văn phòng", Specialist: "Nguyễn Thị Hà"},
					Signer:     document.Signer{FullName: "Phạm Văn Quý"}, DraftingUnit: "Phòng Văn hóa - Thông tin",
					Recipients: []document.Recipient{{Organ: document.Organ{Name: "Sở Tư pháp"}}, {Organ: document.Organ{Name: "Sở Nội vụ"}}}})
			}
			pdf, err := document.RenderRegister(sheet)
			if err != nil {
				t.Fatal(err)
			}

			if names, want := formstest.Subsets(t, pdf), []string{"MCTAAA+LiberationSerif", "MCTAAB+LiberationSerif-Bold"}; !slices.Equal(names, want) {
				t.Errorf("fonts %q; want %q (typeset's Liberation Serif, regular and bold)", names, want)
			}

			text := formstest.Text(t, pdf)
			pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
			if len(pages) < 2 {
				t.Fatalf("%d page(s); want 40 entries to run over", len(pages))
			}
			numbers := "(1) (2) (3) (4) (5) (6) (7) (8) (9) (10)"
			for i, p := range pages {
				flat := strings.Join(strings.Fields(p), " ")
				head := strings.TrimSpace(strings.SplitN(strings.TrimLeft(p, "\n "), "\n", 2)[0])
				if i == 0 {
					inOrder(t, flat, "ỦY BAN NHÂN DÂN HUYỆN GIA LÂM", c.name, "Từ ngày 01/03/2026 đến ngày 31/03/2026", numbers)
				} else if head != fmt.Sprint(i+1) || !strings.Contains(flat, numbers) {
					t.Errorf("page %d starts %q, its header rows there: %v; want its number, then the header again:\n%s",
						i+1, head, strings.Contains(flat, numbers), p)
				}
			}

			raw := formstest.Raw(t, pdf) // a cell's lines one after the other
			if !strings.Contains(raw, "Công văn: "+long) {
				t.Errorf("the long subject does not read back whole:\n%s", raw)
			}
			for _, l := range strings.Split(text, "\n") {
				if strings.Contains(l, long[:120]) {
					t.Errorf("the long subject runs on one line %q; want it wrapped in its column", l)
				}
			}
			for _, s := range append(c.heads, c.cells...) {
				if !strings.Contains(raw, s) {
					t.Errorf("%q does not read back", s)
				}
			}

			again, err := document.RenderRegister(sheet)
			if err != nil || !bytes.Equal(again, pdf) {
				t.Errorf("the same register rendered twice differs (%v)", err)
			}
		})
	}
}
