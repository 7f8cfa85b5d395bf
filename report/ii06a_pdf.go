package report

import (
	"time"

	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/vntext"
)

// PDF lays the report out as the form on landscape A4 through the forms
// package's layout (its heading, type and table), made at `now`.
func (r *II06a) PDF(now time.Time) ([]byte, error) {
	head := II06aHead(r.View)
	cells := make([]forms.HeadCell, len(head))
	for i, c := range head {
		cells[i] = forms.HeadCell{Text: c.Text, Row: c.Row, Col: c.Col, RowSpan: c.RowSpan, ColSpan: c.ColSpan}
	}
	// 262 mm between the landscape margins: STT, the names, 11 figures
	// wide enough for 9.999.999 in bold.
	cols := []forms.Column{{Width: 15, Centred: true}, {Width: 49}}
	for range II06aColumns - 2 {
		cols = append(cols, forms.Column{Width: 18, Figure: true})
	}
	var rows [][]string
	var bold []bool
	put := func(no, name string, f Figures, b bool) {
		row := []string{no, name}
		for _, v := range f.Columns() {
			row = append(row, vntext.Thousands(v))
		}
		rows = append(rows, row)
		bold = append(bold, b)
	}
	if r.HasTotalRow() {
		put("", II06aTotal, r.Total, true)
	}
	for _, rw := range r.Rows {
		name := rw.Name
		for range rw.Depth {
			name = "  " + name
		}
		put(rw.No, name, rw.Figures, rw.Depth == 0)
	}
	return forms.StatementPDF(forms.Statement{
		Parent: r.ParentName, Issuer: r.UnitName, Symbol: II06aSymbol, Title: II06aTitle,
		Sub: []string{"Kỳ báo cáo: " + r.Period()}, Notes: []string{II06aUnitOf},
		Columns: cols, Head: cells, Rows: rows, Bold: bold, After: []string{r.Outside()},
		Created: now, Landscape: true,
	})
}
