package report

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The form as a workbook (excelize): the heading of an official document
// (the reporting unit on the left, Quốc hiệu and motto on the right), the
// form's symbol, title and period, the column headings with their merged
// cells and the numbered row, then the figures as numbers — so a province
// can sum units' workbooks — shown with '.' between thousands whatever
// the reader's locale: the format writes the dots as literals.

// vnThousands shows an integer with '.' between thousands. A format has
// at most two conditions, so from a thousand million on the millions are
// shown whole (1000.000.000): no period of one province comes near it.
const vnThousands = `[>=1000000]#\.###\.##0;[>=1000]#\.##0;0`

// II06aSheet is the worksheet's name.
const II06aSheet = "II.06a"

// II06aFirstRow is the worksheet row (1-based) of the first column heading.
const II06aFirstRow = 7

// WriteXLSX writes the report as an .xlsx workbook laid out as the form.
func (r *II06a) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := II06aSheet
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	x := &sheet{f: f, sh: sh}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	var (
		agency   = x.style(&excelize.Style{Font: font(false, false, 12), Alignment: center})
		agencyB  = x.style(&excelize.Style{Font: font(true, false, 12), Alignment: center})
		national = x.style(&excelize.Style{Font: font(true, false, 12), Alignment: center})
		symbol   = x.style(&excelize.Style{Font: font(false, true, 11), Alignment: &excelize.Alignment{Horizontal: "left"}})
		title    = x.style(&excelize.Style{Font: font(true, false, 13), Alignment: center})
		period   = x.style(&excelize.Style{Font: font(false, true, 12), Alignment: center})
		unitOf   = x.style(&excelize.Style{Font: font(false, true, 11), Alignment: &excelize.Alignment{Horizontal: "right"}})
		head     = x.style(&excelize.Style{Font: font(true, false, 11), Alignment: center, Border: border})
		numbered = x.style(&excelize.Style{Font: font(false, true, 10), Alignment: center, Border: border})
		note     = x.style(&excelize.Style{Font: font(false, true, 11), Alignment: &excelize.Alignment{Horizontal: "left", WrapText: true}})
	)
	fmtNum := vnThousands
	cellStyle := func(bold bool, indent int) (no, name, num int) {
		no = x.style(&excelize.Style{Font: font(bold, false, 11), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Border: border})
		name = x.style(&excelize.Style{Font: font(bold, false, 11), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true, Indent: indent}, Border: border})
		num = x.style(&excelize.Style{Font: font(bold, false, 11), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}, Border: border, CustomNumFmt: &fmtNum})
		return
	}

	// The heading of the document.
	if r.ParentName != "" {
		x.merged(1, 1, 1, 5, strings.ToUpper(r.ParentName), agency)
	}
	x.merged(2, 2, 1, 5, strings.ToUpper(r.UnitName), agencyB)
	x.merged(1, 1, 7, 13, NationalName, national)
	x.merged(2, 2, 7, 13, Motto, national)
	x.merged(3, 3, 1, 5, II06aSymbol, symbol)
	x.merged(4, 4, 1, 13, II06aTitle, title)
	x.merged(5, 5, 1, 13, "Kỳ báo cáo: "+r.Period(), period)
	x.merged(6, 6, 1, 6, "Đơn vị báo cáo: "+r.UnitName, symbol)
	x.merged(6, 6, 10, 13, II06aUnitOf, unitOf)
	x.height(4, 36)

	// The column headings: every cell of the merged area bordered.
	for _, c := range II06aHead(r.View) {
		st := head
		if c.Row == II06aHeadRows-1 {
			st = numbered
		}
		x.merged(II06aFirstRow+c.Row, II06aFirstRow+c.Row+c.RowSpan-1, c.Col+1, c.Col+c.ColSpan, c.Text, st)
	}
	x.height(II06aFirstRow+2, 45)

	row := II06aFirstRow + II06aHeadRows
	put := func(no, name string, fig Figures, bold bool, indent int) {
		sNo, sName, sNum := cellStyle(bold, indent)
		x.set(row, 1, no, sNo)
		x.set(row, 2, name, sName)
		for i, v := range fig.Columns() {
			x.set(row, 3+i, v, sNum)
		}
		row++
	}
	if r.HasTotalRow() {
		put("", II06aTotal, r.Total, true, 0)
	}
	for _, rw := range r.Rows {
		put(rw.No, rw.Name, rw.Figures, rw.Depth == 0, rw.Depth)
	}
	x.merged(row+1, row+1, 1, 13, r.Outside(), note)

	x.width("A", "A", 7)
	x.width("B", "B", 42)
	x.width("C", "M", 11)
	landscape, a4, fit := "landscape", 9, 1
	if x.err == nil {
		x.err = f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &fit})
	}
	if x.err == nil {
		x.err = f.SetDocProps(&excelize.DocProperties{Title: II06aSymbol + " " + r.UnitName + " " + r.Period(), Creator: "motcua", Language: "vi-VN"})
	}
	if x.err != nil {
		return x.err
	}
	_, err := f.WriteTo(w)
	return err
}

// sheet writes cells with a sticky error, so the layout reads as a list.
type sheet struct {
	f   *excelize.File
	sh  string
	err error
}

func (x *sheet) style(s *excelize.Style) int {
	if x.err != nil {
		return 0
	}
	id, err := x.f.NewStyle(s)
	x.err = err
	return id
}

func cell(row, col int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func (x *sheet) set(row, col int, v any, style int) {
	if x.err != nil {
		return
	}
	if x.err = x.f.SetCellValue(x.sh, cell(row, col), v); x.err == nil {
		x.err = x.f.SetCellStyle(x.sh, cell(row, col), cell(row, col), style)
	}
}

// merged writes text into the area rows r1..r2, columns c1..c2 (1-based)
// and merges it when it spans more than one cell.
func (x *sheet) merged(r1, r2, c1, c2 int, text string, style int) {
	if x.err != nil {
		return
	}
	tl, br := cell(r1, c1), cell(r2, c2)
	if x.err = x.f.SetCellValue(x.sh, tl, text); x.err != nil {
		return
	}
	if tl != br {
		if x.err = x.f.MergeCell(x.sh, tl, br); x.err != nil {
			return
		}
	}
	x.err = x.f.SetCellStyle(x.sh, tl, br, style)
}

func (x *sheet) width(from, to string, w float64) {
	if x.err == nil {
		x.err = x.f.SetColWidth(x.sh, from, to, w)
	}
}

func (x *sheet) height(row int, h float64) {
	if x.err == nil {
		x.err = x.f.SetRowHeight(x.sh, row, h)
	}
}
