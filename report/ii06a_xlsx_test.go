package report_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/report"
)

// sample is a report with figures large enough to show the thousands.
func sample() *report.II06a {
	district := report.Figures{Received: 1234567, NewOnline: 1000000, NewCounter: 200000, Carried: 34567,
		Resolved: 1200000, Early: 700000, OnTime: 480000, Late: 20000, InProgress: 34000, Within: 33000, Overdue: 1000,
		Withdrawn: 400, Stopped: 100, Refused: 67}
	commune := report.Figures{Received: 5321, NewOnline: 4000, NewCounter: 1000, Carried: 321,
		Resolved: 5000, Early: 4000, OnTime: 900, Late: 100, InProgress: 300, Within: 290, Overdue: 10, Withdrawn: 21}
	return &report.II06a{Unit: "000.00.07.H40", UnitName: "UBND huyện Nho Quan", ParentName: "UBND tỉnh Ninh Bình",
		From: "2022-01-01", To: "2022-12-31", View: report.ViewUnit, Total: district,
		Rows: []report.II06aRow{
			{No: "1", Code: "000.00.07.H40", Name: "UBND huyện Nho Quan", Figures: district},
			{No: "1.1", Depth: 1, Code: "000.01.07.H40", Name: "UBND thị trấn Nho Quan", Figures: commune},
		}}
}

// requireSoffice skips the test (fails it under CI=true) without LibreOffice.
func requireSoffice(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		msg := "soffice not found: install libreoffice-calc-nogui (apt-get install -y libreoffice-calc-nogui) to check the workbook"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// convert runs LibreOffice headless on file to the target format (with
// filter options) and returns the converted file's path. Each run has its
// own profile, so parallel runs do not share one.
func convert(t *testing.T, soffice, file, to, ext string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", to, "--outdir", dir, file)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+"."+ext)
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("soffice wrote no %s: %v", ext, err)
	}
	return out
}

// TestII06aXLSX writes the workbook, has LibreOffice read it and write
// it as CSV (the cells as shown) and as .xlsx again, and reads the cells
// back: the heading, the column headings with their merged cells, the
// numbered row and the figures with '.' between thousands.
func TestII06aXLSX(t *testing.T) {
	soffice := requireSoffice(t)
	var b bytes.Buffer
	if err := sample().WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ii06a.xlsx")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// 44: comma, 34: double quote, 76: UTF-8, 1: from the first line, the
	// cells as shown (the ninth token) so the number format is what is read.
	csvFile := convert(t, soffice, file, `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true`, "csv")
	raw, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	at := func(ref string) string {
		c, r, err := excelize.CellNameToCoordinates(ref)
		if err != nil || r > len(rows) || c > len(rows[r-1]) {
			return ""
		}
		return rows[r-1][c-1]
	}
	first := report.II06aFirstRow
	row := func(n int) string { return strconv.Itoa(first + n) }
	want := map[string]string{
		"A1": "UBND TỈNH NINH BÌNH", "A2": "UBND HUYỆN NHO QUAN",
		"G1": report.NationalName, "G2": report.Motto, "A3": report.II06aSymbol, "A4": report.II06aTitle,
		"A5":         "Kỳ báo cáo: Từ ngày 01/01/2022 đến ngày 31/12/2022",
		"A" + row(0): "STT", "B" + row(0): "Tên đơn vị", "C" + row(0): "Số hồ sơ nhận giải quyết", "G" + row(0): "Kết quả giải quyết",
		"C" + row(1): "Tổng số", "D" + row(1): "Trong kỳ", "F" + row(1): "Từ kỳ trước chuyển qua",
		"G" + row(1): "Số hồ sơ đã giải quyết", "K" + row(1): "Số hồ sơ đang giải quyết",
		"D" + row(2): "Trực tuyến", "E" + row(2): "Trực tiếp, dịch vụ bưu chính", "G" + row(2): "Tổng số", "H" + row(2): "Trước hạn",
		"I" + row(2): "Đúng hạn", "J" + row(2): "Quá hạn", "K" + row(2): "Tổng số", "L" + row(2): "Trong hạn", "M" + row(2): "Quá hạn",
		"A" + row(3): "(1)", "B" + row(3): "(2)", "M" + row(3): "(13)",
		"A" + row(4): "1", "B" + row(4): "UBND huyện Nho Quan", "C" + row(4): "1.234.567", "D" + row(4): "1.000.000",
		"E" + row(4): "200.000", "F" + row(4): "34.567", "G" + row(4): "1.200.000", "J" + row(4): "20.000", "M" + row(4): "1.000",
		"A" + row(5): "1.1", "B" + row(5): "UBND thị trấn Nho Quan", "C" + row(5): "5.321", "F" + row(5): "321", "M" + row(5): "10",
		"A" + row(7): "Ngoài các cột trên: rút hồ sơ 400; dừng giải quyết 100; từ chối giải quyết sau khi xem xét 67.",
	}
	for ref, w := range want {
		if got := at(ref); got != w {
			t.Errorf("%s = %q, want %q", ref, got, w)
		}
	}
	// Merged cells show their text once: the rest of the area is empty.
	for _, ref := range []string{"D" + row(0), "M" + row(0), "A" + row(1), "E" + row(1), "H" + row(1), "C" + row(2)} {
		if got := at(ref); got != "" {
			t.Errorf("%s, inside a merged heading, = %q", ref, got)
		}
	}

	// LibreOffice's own .xlsx keeps the merged areas and the figures as numbers.
	again := convert(t, soffice, file, "xlsx:Calc MS Excel 2007 XML", "xlsx")
	x, err := excelize.OpenFile(again)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	merged, err := x.GetMergeCells(report.II06aSheet)
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]string{}
	for _, m := range merged {
		areas[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
	}
	for area, text := range map[string]string{
		"A" + row(0) + ":A" + row(2): "STT", "C" + row(0) + ":F" + row(0): "Số hồ sơ nhận giải quyết",
		"G" + row(0) + ":M" + row(0): "Kết quả giải quyết", "D" + row(1) + ":E" + row(1): "Trong kỳ",
		"G" + row(1) + ":J" + row(1): "Số hồ sơ đã giải quyết", "K" + row(1) + ":M" + row(1): "Số hồ sơ đang giải quyết",
	} {
		if areas[area] != text {
			t.Errorf("merged %s = %q, want %q (merged: %v)", area, areas[area], text, areas)
		}
	}
	v, err := x.GetCellValue(report.II06aSheet, "C"+row(4), excelize.Options{RawCellValue: true})
	if err != nil || v != "1234567" {
		t.Errorf("C%s raw = %q (%v), want the number 1234567", row(4), v, err)
	}
}
