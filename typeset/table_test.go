package typeset_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/typeset"
)

// A table over several pages: its two header rows open every page, a
// row that does not fit the rest of a page moves whole to the next, and
// a row taller than a page is split between its lines with every word
// drawn once, in order. Read back with pdftotext.
func TestTableRepeatsHeaderSplitsTallRows(t *testing.T) {
	formstest.Require(t)
	fs, err := typeset.LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	d := typeset.New(fs, true, typeset.Info{Title: "Bảng", Created: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)})
	tbl := typeset.Table{Size: 10, Cols: []typeset.Column{{Width: 1}, {Width: 6}, {Width: 2}},
		Head: []typeset.Row{{Cells: []string{"Số", "Trích yếu nội dung", "Ghi chú"}, Style: typeset.Bold}, {Cells: []string{"(1)", "(2)", "(3)"}}}}
	var rows []typeset.Row
	var subjects []string
	for i := range 30 {
		s := fmt.Sprintf("Dòng %02d: ", i+1) + strings.Repeat("hướng dẫn người dân sử dụng dịch vụ công trực tuyến ", 4)
		subjects = append(subjects, strings.TrimSpace(s))
		rows = append(rows, typeset.Row{Cells: []string{fmt.Sprint(i + 1), s}})
	}
	var long []string
	for i := range 900 {
		long = append(long, fmt.Sprintf("w%03d", i+1))
	}
	rows = append(rows, typeset.Row{Cells: []string{"31", strings.Join(long, " "), "Dài"}})
	d.Table(tbl, rows)
	d.Paragraph("Hết bảng", typeset.Para{})
	pdf := finish(t, d)

	text := formstest.Text(t, pdf)
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(pages) != d.Page || len(pages) < 4 {
		t.Fatalf("%d pages read back, %d drawn; want at least 4 (the long row alone fills more than two)", len(pages), d.Page)
	}
	for i, p := range pages {
		flat := strings.Join(strings.Fields(p), " ")
		if !strings.Contains(flat, "Số Trích yếu nội dung Ghi chú (1) (2) (3)") {
			t.Errorf("page %d has no header rows:\n%s", i+1, p)
		}
	}
	for _, s := range subjects {
		n := 0
		for _, p := range pages {
			if strings.Contains(strings.Join(strings.Fields(p), " "), s) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("row %q whole on %d pages; want one", s[:9], n)
		}
	}
	got := regexp.MustCompile(`w\d{3}`).FindAllString(text, -1)
	if strings.Join(got, " ") != strings.Join(long, " ") {
		t.Errorf("the tall row reads back as %d words, not its %d in order", len(got), len(long))
	}
	last := pages[len(pages)-1]
	if !strings.Contains(last, "Hết bảng") || strings.Index(last, "w900") > strings.Index(last, "Hết bảng") {
		t.Errorf("the text after the table is not below it on the last page:\n%s", last)
	}
}
