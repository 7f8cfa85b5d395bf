package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/report"
)

// TestII06aPDF prints the form and reads it back with poppler: the
// heading, the column headings and their numbers, the rows with their
// figures in Vietnamese notation, on landscape pages with the fonts
// embedded.
func TestII06aPDF(t *testing.T) {
	formstest.Require(t)
	r := sample()
	pdf, err := r.PDF(time.Date(2023, 1, 5, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// Raw reads the content in the order drawn: a heading cell's wrapped
	// lines one after the other.
	text := formstest.Raw(t, pdf)
	for _, want := range []string{
		"UBND TỈNH NINH BÌNH", "UBND HUYỆN NHO QUAN", report.NationalName, report.Motto, report.II06aSymbol,
		"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Kỳ báo cáo: Từ ngày 01/01/2022 đến ngày 31/12/2022",
		"Số hồ sơ nhận giải quyết", "Kết quả giải quyết", "Từ kỳ trước chuyển qua", "Số hồ sơ đã giải quyết",
		"Số hồ sơ đang giải quyết", "Trực tuyến", "Trước hạn", "Đúng hạn", "Trong hạn", "(1)", "(13)",
		"UBND thị trấn Nho Quan", "1.234.567", "1.000.000", "34.567", "5.321",
		"rút hồ sơ 400; dừng giải quyết 100; từ chối giải quyết sau khi xem xét 67.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not read %q:\n%s", want, text)
		}
	}
	// The district's row reads in the form's column order.
	if text := formstest.Flat(t, pdf); !strings.Contains(text, "1 UBND huyện Nho Quan 1.234.567 1.000.000 200.000 34.567 1.200.000 700.000 480.000 20.000 34.000 33.000 1.000") {
		t.Errorf("the district's row is not in column order:\n%s", text)
	}
	for _, f := range formstest.Fonts(t, pdf) {
		if !f.Embedded {
			t.Errorf("font %+v not embedded", f)
		}
	}
	// Landscape: wider than tall.
	img := formstest.Render(t, pdf, 20, t.TempDir(), "ii06a")
	if b := img.Bounds(); b.Dx() <= b.Dy() {
		t.Errorf("page %dx%d is not landscape", b.Dx(), b.Dy())
	}
}
